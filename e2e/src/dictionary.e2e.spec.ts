import { eventsExchangeArguments } from '@crm/messaging';
import { TestSubscriber, testAmqpUrl, uniqueName, waitUntil } from '@crm/testing';
import { ApiClient, RunningSystem, startCrm } from './support/crm-system';

/**
 * The data dictionary (requirements §5) through the gateway: seeded once, read by every role,
 * changed by admins only, read-only items protected, every change published for the copies other
 * services keep, and select-like fields validated against it the moment a change commits.
 */
describe('data dictionary end to end', () => {
  const exchange = uniqueName('crm.events.e2e-dict');
  let system: RunningSystem;
  let api: ApiClient;
  let subscriber: TestSubscriber;

  const changesOf = (itemId: string) =>
    subscriber.messages.filter((m) => m.routingKey === 'basedata.dictionary.changed.v1' && (m.body.data as { itemId: string }).itemId === itemId).map((m) => m.body.data as Record<string, unknown>);
  const category = (name: string) => `/dictionary?category=${encodeURIComponent(name)}`;

  beforeAll(async () => {
    subscriber = await TestSubscriber.bind({ exchange, pattern: 'basedata.#', exchangeArguments: eventsExchangeArguments({ service: 'customer', exchange }) });
    system = await startCrm({ amqpUrl: testAmqpUrl(), exchange, env: { RATE_LIMIT_MAX: '10000' } });
    api = new ApiClient(system);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await subscriber?.close();
  });

  it('is seeded with the spec’s levels, service types and regions, readable by every role', async () => {
    for (const login of ['admin', 'supervisor', 'manager1', 'executive'] as const) {
      const levels = await api.call(login, 'GET', category('企业客户等级'));
      expect(levels.status).toBe(200);
      expect(levels.body.items.map((i: { item: string }) => i.item)).toEqual(['普通客户', '重点开发客户', '大客户', '合作伙伴', '战略合作伙伴']);
    }
    const types = (await api.call('manager1', 'GET', category('服务类型'))).body.items;
    expect(types.map((i: { item: string; editable: boolean }) => [i.item, i.editable])).toEqual([['咨询', false], ['建议', false], ['投诉', false]]);
    expect((await api.call('manager1', 'GET', category('地区'))).body.items.length).toBeGreaterThan(5);
    // The seed was published too, so copies start complete.
    const seeded = (await api.call('admin', 'GET', '/dictionary')).body.items;
    await waitUntil(() => seeded.every((item: { id: string }) => changesOf(item.id).length > 0), 10_000);
  });

  it('lets only admins change it', async () => {
    for (const login of ['supervisor', 'manager1', 'executive'] as const) {
      expect((await api.call(login, 'POST', '/dictionary', { category: '地区', item: uniqueName('x'), value: '99' })).status).toBe(403);
    }
    const item = (await api.call('admin', 'GET', category('地区'))).body.items[0];
    expect((await api.call('supervisor', 'PATCH', `/dictionary/${item.id}`, { value: '0' })).status).toBe(403);
    expect((await api.call('manager1', 'DELETE', `/dictionary/${item.id}`)).status).toBe(403);
    expect((await api.call('supervisor', 'POST', '/dictionary/republish')).status).toBe(403);
  });

  it('refuses to edit or delete read-only items (409) and duplicates within a category', async () => {
    const complaint = (await api.call('admin', 'GET', category('服务类型'))).body.items.find((i: { item: string }) => i.item === '投诉');
    const edit = await api.call('admin', 'PATCH', `/dictionary/${complaint.id}`, { item: '抱怨' });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('DICTIONARY.NOT_EDITABLE');
    expect((await api.call('admin', 'DELETE', `/dictionary/${complaint.id}`)).status).toBe(409);
    const duplicate = await api.call('admin', 'POST', '/dictionary', { category: '地区', item: '北京', value: '42' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('DICTIONARY.DUPLICATE_ITEM');
    const invalid = await api.call('admin', 'POST', '/dictionary', { category: ' ', item: 'x'.repeat(51), value: 1, editable: 'yes' });
    expect(invalid.status).toBe(400);
    expect(new Set(invalid.body.errors.map((e: { field: string }) => e.field))).toEqual(new Set(['category', 'item', 'value', 'editable']));
  });

  it('publishes every change with the item’s version, and validates customers against it at once', async () => {
    const region = uniqueName('火星');
    const customer = {
      name: uniqueName('星际贸易'), region, level: '大客户', satisfaction: 3, credit: 3, address: 'Olympus Mons', zip: '000000',
      phone: '123456', legalPerson: 'M', bank: 'B', bankAccount: '1', localTaxNo: 'L', nationalTaxNo: 'N',
    };
    const refused = await api.call('manager1', 'POST', '/customers', customer);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: 'region', message: expect.stringContaining('地区') }]);

    const created = await api.call('admin', 'POST', '/dictionary', { category: '地区', item: region, value: '100' });
    expect(created.status).toBe(201);
    expect((await api.call('manager1', 'POST', '/customers', customer)).status).toBe(201);

    const renamed = await api.call('admin', 'PATCH', `/dictionary/${created.body.id}`, { value: '101' });
    expect(renamed.body).toMatchObject({ value: '101', version: 2 });
    expect((await api.call('admin', 'DELETE', `/dictionary/${created.body.id}`)).status).toBe(204);
    expect((await api.call('manager1', 'POST', '/customers', { ...customer, name: uniqueName('星际') })).status).toBe(400);

    await waitUntil(() => changesOf(created.body.id).length === 3);
    expect(changesOf(created.body.id).map((d) => [d.change, d.version, d.value])).toEqual([
      ['created', 1, '100'],
      ['updated', 2, '101'],
      ['deleted', 3, '101'],
    ]);
  });

  it('republishes every live item and every deletion for copies that started late', async () => {
    const doomed = (await api.call('admin', 'POST', '/dictionary', { category: '地区', item: uniqueName('消失'), value: '7' })).body;
    await api.call('admin', 'DELETE', `/dictionary/${doomed.id}`);
    const live = (await api.call('admin', 'GET', '/dictionary')).body.items as { id: string; version: number }[];
    const republished = await api.call('admin', 'POST', '/dictionary/republish');
    expect(republished.status).toBe(200);
    expect(republished.body.published).toBeGreaterThan(live.length);
    await waitUntil(() => live.every((item) => changesOf(item.id).some((d) => d.change === 'republished' && d.version === item.version)), 10_000);
    await waitUntil(() => changesOf(doomed.id).filter((d) => d.change === 'deleted').length === 2, 10_000);
    expect(changesOf(doomed.id).filter((d) => d.change === 'deleted').every((d) => d.version === 2)).toBe(true);
  });
});
