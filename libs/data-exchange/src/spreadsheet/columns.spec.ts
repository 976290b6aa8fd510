import { bilingualLabel, ColumnSpec, columnLetter, HeaderMatcher } from './columns';

const COLUMNS: ColumnSpec[] = [
  { key: 'name', zh: '客户名称', en: 'Name', required: true },
  { key: 'licenceNo', zh: '营业执照注册号', en: 'Licence No', aliases: ['License No.'] },
  { key: 'capital', zh: '注册资金(万元)', en: 'Registered capital' },
  { key: 'zip', zh: '邮政编码', en: 'Zip' },
];

describe('HeaderMatcher', () => {
  const matcher = new HeaderMatcher(COLUMNS);

  it.each([
    ['客户名称', 'name'],
    ['NAME', 'name'],
    ['  name ', 'name'],
    ['name', 'name'],
    ['客户名称 / Name', 'name'],
    ['Name/客户名称', 'name'],
    ['客户名称（Name）', 'name'],
    ['客户名称\nName', 'name'],
    ['*客户名称 / Name', 'name'],
    ['＊客户名称', 'name'],
    ['Ｎａｍｅ', 'name'],
    ['license no.', 'licenceNo'],
    ['营业执照注册号 / Licence No', 'licenceNo'],
    ['注册资金(万元) / Registered capital', 'capital'],
    ['注册资金(万元)', 'capital'],
    ['Registered   Capital', 'capital'],
  ])('matches %j to %s', (header, key) => {
    expect(matcher.match(header)).toBe(key);
  });

  it.each(['客户名称 / Zip', 'Fax', '', 'Name Zip'])('matches nothing for %j', (header) => {
    expect(matcher.match(header)).toBeUndefined();
  });

  it('refuses a column list where two columns share a label (a programming error)', () => {
    expect(() => new HeaderMatcher([...COLUMNS, { key: 'other', zh: '其他', en: 'Zip' }])).toThrow(/zip and other share/);
  });

  it('writes bilingual labels and names columns as Excel does', () => {
    expect(bilingualLabel(COLUMNS[0])).toBe('客户名称 / Name');
    expect([0, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
