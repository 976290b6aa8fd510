import { Migration } from '@mikro-orm/migrations';

// Hand-written (MikroORM does not model virtual tables): "contains" filters on ticket (customer name,
// summary) served by an FTS5 trigram index over a view of the ASCII-lowered, sentinel-ended text
// (see @crm/persistence text-search/text-index.ts, whose textIndexDdl printed these statements),
// kept current by triggers and filled from the existing rows. The ORM options keep the schema
// diff off these objects (skipTables/skipViews/ignoreTriggers).
export class Migration20261129154651_text_search extends Migration {
  override name = 'Migration20261129154651_text_search';

  override up(): void {
    this.addSql(`create view "ticket_fts_source" as select rowid, lower("customer_name") || char(31, 31) as "customer_name", lower("summary") || char(31, 31) as "summary" from "ticket"`);
    this.addSql(`create virtual table "ticket_fts" using fts5("customer_name", "summary", content = 'ticket_fts_source', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 1', columnsize = 0)`);
    this.addSql(`create virtual table "ticket_fts_terms" using fts5vocab('ticket_fts', 'col')`);
    this.addSql(`create trigger "ticket_fts_insert" after insert on "ticket" begin insert into "ticket_fts" (rowid, "customer_name", "summary") values (new.rowid, lower(new."customer_name") || char(31, 31), lower(new."summary") || char(31, 31)); end`);
    this.addSql(`create trigger "ticket_fts_update" after update of "customer_name", "summary" on "ticket" begin insert into "ticket_fts" ("ticket_fts", rowid, "customer_name", "summary") values ('delete', old.rowid, lower(old."customer_name") || char(31, 31), lower(old."summary") || char(31, 31)); insert into "ticket_fts" (rowid, "customer_name", "summary") values (new.rowid, lower(new."customer_name") || char(31, 31), lower(new."summary") || char(31, 31)); end`);
    this.addSql(`create trigger "ticket_fts_delete" after delete on "ticket" begin insert into "ticket_fts" ("ticket_fts", rowid, "customer_name", "summary") values ('delete', old.rowid, lower(old."customer_name") || char(31, 31), lower(old."summary") || char(31, 31)); end`);
    this.addSql(`insert into "ticket_fts" ("ticket_fts") values ('rebuild')`);
  }

  override down(): void {
    this.addSql(`drop trigger "ticket_fts_insert"`);
    this.addSql(`drop trigger "ticket_fts_update"`);
    this.addSql(`drop trigger "ticket_fts_delete"`);
    this.addSql(`drop table "ticket_fts_terms"`);
    this.addSql(`drop table "ticket_fts"`);
    this.addSql(`drop view "ticket_fts_source"`);
  }
}
