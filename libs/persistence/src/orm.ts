import { MikroORM, type Options } from '@mikro-orm/core';
import type { SqlSchemaGenerator } from '@mikro-orm/sql';
import { createOrmOptions, type ServiceOrmInput } from './orm-options';

/** Starts the service's ORM outside Nest (migrate step, scripts, tests). Close it when done. */
export function initOrm(input: ServiceOrmInput, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init({ ...createOrmOptions(input), ...overrides });
}

/** All drivers this library configures are SQL drivers. */
export function sqlSchema(orm: MikroORM): SqlSchemaGenerator {
  return orm.schema as unknown as SqlSchemaGenerator;
}

/** The schema this ORM owns; undefined where the database has no schemas (SQLite). */
export function ownSchema(orm: MikroORM): string | undefined {
  return orm.config.get('schema') ?? undefined;
}
