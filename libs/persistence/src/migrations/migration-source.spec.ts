import { renderMigration, splitStatements, templateSchema } from './migration-source';

describe('migration source', () => {
  it('replaces the schema only where it is an identifier qualifier', () => {
    expect(templateSchema('create table "notes"."notes" ("id" int)', 'postgresql', 'notes')).toBe(
      'create table "${schema}"."notes" ("id" int)',
    );
    expect(templateSchema(`if (schema_id('notes') is null) begin exec ('create schema [notes]') end`, 'mssql', 'notes')).toBe(
      `if (schema_id('\${schema}') is null) begin exec ('create schema [\${schema}]') end`,
    );
  });

  it('keeps backticks and ${ in SQL literal inside the generated template string', () => {
    const source = renderMigration({ className: 'Migration1_x', driver: 'sqlite', schema: undefined, up: ["insert into `t` values ('${x}')"], down: [] });
    expect(source).toContain("this.addSql(`insert into \\`t\\` values ('\\${x}')`);");
    expect(source).not.toContain('const schema');
  });

  it('splits statements but not inside string literals', () => {
    expect(splitStatements("a;\nb 'x;\ny';\n\nc;")).toEqual(['a', "b 'x;\ny'", 'c']);
  });
});
