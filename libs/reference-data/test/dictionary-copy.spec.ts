import { randomUUID } from 'node:crypto';
import { DictionaryChangedV1, type EventData } from '@crm/contracts';
import { topologyNames } from '@crm/messaging';
import { peekQueue, publishCloudEvent } from '@crm/testing';
import { DictionaryCopyItem } from '../src';
import { REGION, SERVICE_TYPE, startDeskApp } from './fixtures/desk-app';
import { type CopyApp, COPY_TEST_DATABASES, copyTestOptions } from './fixtures/copy-app';

type Change = EventData<typeof DictionaryChangedV1>;

/**
 * A service's copy of the data dictionary, kept from real CloudEvents on a real RabbitMQ, read
 * through the HTTP endpoints of a miniature service desk. The cases build on each other, as the
 * owner's changes would arrive: create, rename, delete, duplicates, a late subscriber.
 */
describe.each(COPY_TEST_DATABASES)('the data dictionary copy on %s', (_driver, databaseFor) => {
  const options = copyTestOptions('refdata');
  const db = databaseFor(options.service);
  let desk: CopyApp;

  beforeAll(async () => {
    desk = await startDeskApp(options, db);
  });

  afterAll(() => desk?.close());

  /** Publishes a change as the customer service's relay would; returns the event id. */
  const publish = (change: Omit<Change, 'changedAt' | 'editable'> & Partial<Change>, id = randomUUID()) => {
    const data = DictionaryChangedV1.data.parse({ editable: true, changedAt: new Date().toISOString(), ...change });
    return publishCloudEvent(options.exchange, DictionaryChangedV1.type, data, { id, source: DictionaryChangedV1.source });
  };
  const handled = (ids: string[]) => desk.handled(ids);
  const itemsOf = async (category: string) => {
    const response = await desk.app.inject({ method: 'GET', url: `/options?category=${encodeURIComponent(category)}` });
    expect(response.statusCode).toBe(200);
    return (response.json() as { item: string }[]).map((option) => option.item);
  };
  const createTicket = (body: { type?: string | null; region?: string | null }) => desk.app.inject({ method: 'POST', url: '/tickets', payload: body });
  const copyRow = (itemId: string) => desk.orm.em.fork().findOneOrFail(DictionaryCopyItem, { itemId });

  it('offers the items created by the owner and validates each field against its category', async () => {
    await handled(
      await Promise.all([
        publish({ itemId: 'st-3', version: 1, category: SERVICE_TYPE, item: '投诉', value: '3', change: 'created' }),
        publish({ itemId: 'st-1', version: 1, category: SERVICE_TYPE, item: '咨询', value: '1', change: 'created', editable: false }),
        publish({ itemId: 'st-2', version: 1, category: SERVICE_TYPE, item: '建议', value: '2', change: 'created' }),
        publish({ itemId: 'rg-sh', version: 1, category: REGION, item: '上海', value: '31', change: 'created' }),
        publish({ itemId: 'rg-bj', version: 1, category: REGION, item: '北京', value: '11', change: 'created' }),
      ]),
    );

    const options = await desk.app.inject({ method: 'GET', url: `/options?category=${encodeURIComponent(SERVICE_TYPE)}` });
    expect(options.json()).toEqual([
      { itemId: 'st-1', item: '咨询', value: '1' },
      { itemId: 'st-2', item: '建议', value: '2' },
      { itemId: 'st-3', item: '投诉', value: '3' },
    ]);
    expect(await itemsOf(REGION)).toEqual(['北京', '上海']);
    expect(await itemsOf('没有的类别')).toEqual([]);

    expect((await createTicket({ type: '咨询', region: '北京' })).statusCode).toBe(201);
    // Required-ness is the DTO's business: an empty select is not checked.
    expect((await createTicket({ type: '投诉', region: null })).statusCode).toBe(201);

    const bothWrong = await createTicket({ type: '表扬', region: '火星' });
    expect(bothWrong.statusCode).toBe(400);
    expect(bothWrong.headers['content-type']).toContain('application/problem+json');
    expect(bothWrong.json()).toMatchObject({
      status: 400,
      code: 'DICTIONARY.INVALID_OPTION',
      errors: [
        { field: 'type', message: 'must be one of 服务类型: 咨询, 建议, 投诉' },
        { field: 'region', message: 'must be one of 地区: 北京, 上海' },
      ],
    });
    // An item of another category is not an option here.
    const oneWrong = await createTicket({ type: '咨询', region: '投诉' });
    expect(oneWrong.statusCode).toBe(400);
    expect(oneWrong.json().errors).toEqual([{ field: 'region', message: 'must be one of 地区: 北京, 上海' }]);
  });

  it('follows a rename: the new text is an option, the old one no longer', async () => {
    await handled([await publish({ itemId: 'st-2', version: 2, category: SERVICE_TYPE, item: '意见', value: '2', change: 'updated' })]);

    expect(await itemsOf(SERVICE_TYPE)).toEqual(['咨询', '意见', '投诉']);
    expect((await createTicket({ type: '意见' })).statusCode).toBe(201);
    expect((await createTicket({ type: '建议' })).statusCode).toBe(400);
  });

  it('hides a deleted item, and an older update arriving after the delete does not bring it back', async () => {
    await handled([await publish({ itemId: 'st-3', version: 3, category: SERVICE_TYPE, item: '投诉', value: '3', change: 'deleted' })]);
    expect(await itemsOf(SERVICE_TYPE)).toEqual(['咨询', '意见']);
    expect((await createTicket({ type: '投诉' })).json().errors).toEqual([{ field: 'type', message: 'must be one of 服务类型: 咨询, 意见' }]);

    // Version 2 was published before the delete but is delivered after it (a retried publish).
    await handled([await publish({ itemId: 'st-3', version: 2, category: SERVICE_TYPE, item: '投诉', value: '3', change: 'updated' })]);
    expect(await itemsOf(SERVICE_TYPE)).toEqual(['咨询', '意见']);
    expect((await createTicket({ type: '投诉' })).statusCode).toBe(400);
    expect(await copyRow('st-3')).toMatchObject({ deleted: true, sourceVersion: 3 });
  });

  it('applies an event delivered twice only once (inbox, by CloudEvents id)', async () => {
    const id = randomUUID();
    const renamed = { itemId: 'rg-bj', version: 2, category: REGION, item: '北京市', value: '11', change: 'updated' as const };
    await handled([await publish(renamed, id)]);
    // The same delivery again, and the same id with newer content: only the inbox, not the version check, can stop the latter.
    await publish(renamed, id);
    await publish({ ...renamed, version: 3, item: '首都' }, id);
    // With one message in flight at a time, the marker is handled after both.
    await handled([await publish({ itemId: 'rg-gz', version: 1, category: REGION, item: '广州', value: '44', change: 'created' })]);

    expect(await copyRow('rg-bj')).toMatchObject({ item: '北京市', sourceVersion: 2, deleted: false });
    expect(await itemsOf(REGION)).toEqual(['北京市', '上海', '广州']);
    expect((await createTicket({ region: '首都' })).statusCode).toBe(400);
  });

  it('fills a copy from a republish of an item it never saw, and ignores the older creation arriving late', async () => {
    await handled([await publish({ itemId: 'st-4', version: 2, category: SERVICE_TYPE, item: '表扬', value: '4', change: 'republished' })]);
    expect(await itemsOf(SERVICE_TYPE)).toEqual(['咨询', '意见', '表扬']);

    await handled([await publish({ itemId: 'st-4', version: 1, category: SERVICE_TYPE, item: '赞扬', value: '4', change: 'created' })]);
    expect(await itemsOf(SERVICE_TYPE)).toEqual(['咨询', '意见', '表扬']);
    expect((await createTicket({ type: '表扬' })).statusCode).toBe(201);
    // Nothing went wrong along the way.
    expect(await peekQueue(topologyNames(options).deadLetterQueue)).toEqual([]);
  });
});
