import { DomainError, STATUS_BY_KIND } from '@crm/contracts';
import { DictionaryEntry, DictionaryLookup } from './dictionary-lookup';
import { DictionaryOptionError, DictionaryOptionErrorCode } from './dictionary.errors';

/** The one seam an implementation fills, over a list; records the queries it was asked. */
class ListLookup extends DictionaryLookup {
  readonly queries: string[][] = [];
  constructor(private readonly entries: DictionaryEntry[]) {
    super();
  }
  protected async liveEntries(categories: readonly string[]): Promise<DictionaryEntry[]> {
    this.queries.push([...categories]);
    return this.entries.filter((entry) => categories.includes(entry.category));
  }
}

const entry = (category: string, item: string, value: string, itemId = `${category}-${item}`): DictionaryEntry => ({ itemId, category, item, value });
const SERVICE_TYPES = [entry('服务类型', '投诉', '3'), entry('服务类型', '咨询', '1'), entry('服务类型', '建议', '2')];
const LEVELS = ['普通客户', '重点开发客户', '大客户', '合作伙伴', '战略合作伙伴', '集团客户', '政府客户'].map((item, i) => entry('企业客户等级', item, String(i + 1)));

describe('DictionaryLookup', () => {
  it('accepts items of the category and refuses anything else, field by field', async () => {
    const lookup = new ListLookup([...SERVICE_TYPES, ...LEVELS]);
    const errors = await lookup.check([
      { field: 'type', category: '服务类型', value: '咨询' },
      { field: 'level', category: '企业客户等级', value: '小客户' },
      { field: 'secondType', category: '服务类型', value: '表扬' },
    ]);
    expect(errors).toEqual([
      { field: 'level', message: 'must be one of 企业客户等级: 普通客户, 重点开发客户, 大客户, 合作伙伴, 战略合作伙伴 or 2 more' },
      { field: 'secondType', message: 'must be one of 服务类型: 咨询, 建议, 投诉' },
    ]);
  });

  it('checks many records with one query through a checker, judging as check does', async () => {
    const lookup = new ListLookup([...SERVICE_TYPES, ...LEVELS]);
    const checker = await lookup.checkerFor(['服务类型', '企业客户等级', '服务类型']);
    const rows = Array.from({ length: 50 }, (_, i) => [
      { field: 'type', category: '服务类型', value: i % 10 === 0 ? '表扬' : '咨询' },
      { field: 'level', category: '企业客户等级', value: '' },
    ]);
    const errors = rows.map((fields) => checker(fields));
    expect(lookup.queries).toEqual([['服务类型', '企业客户等级']]);
    expect(errors.filter((e) => e.length > 0)).toHaveLength(5);
    expect(errors[0]).toEqual(await lookup.check(rows[0]));
  });

  it('asks for all the fields’ categories in one query, once each', async () => {
    const lookup = new ListLookup([...SERVICE_TYPES, ...LEVELS]);
    await lookup.check([
      { field: 'type', category: '服务类型', value: '咨询' },
      { field: 'level', category: '企业客户等级', value: '大客户' },
      { field: 'otherType', category: '服务类型', value: '建议' },
    ]);
    expect(lookup.queries).toEqual([['服务类型', '企业客户等级']]);
  });

  it('leaves empty fields alone and does not query for them', async () => {
    const lookup = new ListLookup(SERVICE_TYPES);
    const errors = await lookup.check([
      { field: 'a', category: '服务类型', value: null },
      { field: 'b', category: '服务类型', value: undefined },
      { field: 'c', category: '服务类型', value: '' },
    ]);
    expect(errors).toEqual([]);
    expect(lookup.queries).toEqual([]);
  });

  it('matches the item text exactly: no trimming, no case folding, values are not items', async () => {
    const lookup = new ListLookup([entry('等级', 'VIP', '1'), entry('地区', '北京', '11')]);
    const errors = await lookup.check([
      { field: 'level', category: '等级', value: 'vip' },
      { field: 'region', category: '地区', value: ' 北京' },
      { field: 'regionByValue', category: '地区', value: '11' },
      { field: 'wrongCategory', category: '等级', value: '北京' },
    ]);
    expect(errors.map((error) => error.field)).toEqual(['level', 'region', 'regionByValue', 'wrongCategory']);
  });

  it('says so when the category has no items at all', async () => {
    const errors = await new ListLookup([]).check([{ field: 'region', category: '地区', value: '北京' }]);
    expect(errors).toEqual([{ field: 'region', message: 'must be an item of 地区, which has no items in the data dictionary' }]);
  });

  it('lists options by value in numeric order, then by item', async () => {
    const lookup = new ListLookup([entry('c', 'ten', '10'), entry('c', 'b-two', '2'), entry('c', 'a-two', '2'), entry('c', 'one', '1'), entry('other', 'x', '0')]);
    expect((await lookup.options('c')).map((option) => option.item)).toEqual(['one', 'a-two', 'b-two', 'ten']);
    expect(await lookup.options('c')).toContainEqual({ itemId: 'c-ten', item: 'ten', value: '10' });
  });

  it('assertValid throws DICTIONARY.INVALID_OPTION (400) carrying the field errors', async () => {
    const lookup = new ListLookup(SERVICE_TYPES);
    await expect(lookup.assertValid([{ field: 'type', category: '服务类型', value: '咨询' }])).resolves.toBeUndefined();
    const error = await lookup.assertValid([{ field: 'type', category: '服务类型', value: '表扬' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DictionaryOptionError);
    expect(error).toBeInstanceOf(DomainError);
    const { code, kind, errors } = error as DictionaryOptionError;
    expect({ code, status: STATUS_BY_KIND[kind], errors }).toEqual({
      code: DictionaryOptionErrorCode.InvalidOption,
      status: 400,
      errors: [{ field: 'type', message: 'must be one of 服务类型: 咨询, 建议, 投诉' }],
    });
    expect(code).toBe('DICTIONARY.INVALID_OPTION');
  });
});
