import { Migration } from '@mikro-orm/migrations';

// Hand-written (MikroORM does not model it): "contains" filters on ticket (customer name, summary)
// served by pg_trgm GIN indexes, which the planner takes for LIKE '%…%' of 3+ characters. The
// extension is per database (trusted since PostgreSQL 13: a migrator with CREATE on the database
// may install it); the lock keeps two services migrating at once from both trying to create it.
// The entity's @TextIndex declares the same indexes to the ORM (by name), so the schema diff keeps them.
// Tables are qualified with the service's schema (DB_SCHEMA) when the migration runs.
export class Migration20261129154651_text_search extends Migration {
  override name = 'Migration20261129154651_text_search';

  override up(): void {
    const schema = this.config.get('schema');
    this.addSql(`select pg_advisory_xact_lock(hashtext('crm: create extension pg_trgm'))`);
    this.addSql(`create extension if not exists pg_trgm`);
    this.addSql(`create index "ticket_customer_name_trgm_idx" on "${schema}"."ticket" using gin ("customer_name" gin_trgm_ops)`);
    this.addSql(`create index "ticket_summary_trgm_idx" on "${schema}"."ticket" using gin ("summary" gin_trgm_ops)`);
  }

  override down(): void {
    const schema = this.config.get('schema');
    this.addSql(`drop index "${schema}"."ticket_customer_name_trgm_idx"`);
    this.addSql(`drop index "${schema}"."ticket_summary_trgm_idx"`);
  }
}
