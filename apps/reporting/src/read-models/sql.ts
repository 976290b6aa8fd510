import type { EntityClass, EntityManager, EntityProperty } from '@mikro-orm/core';
import { BasePostgreSqlPlatform, type SqlEntityManager, SqlitePlatform } from '@mikro-orm/sql';

/** The three dialects the platform configures (libs/persistence). */
export type Dialect = 'sqlite' | 'postgresql' | 'mssql';

/** Told by the platform class, so that no other dialect's driver is loaded to ask. */
export function dialectOf(em: EntityManager): Dialect {
  const platform = em.getPlatform();
  if (platform instanceof SqlitePlatform) return 'sqlite';
  if (platform instanceof BasePostgreSqlPlatform) return 'postgresql';
  return 'mssql';
}

/** The table's name as SQL: quoted, and qualified with the service's schema where there is one. */
export function tableOf(em: EntityManager, entity: EntityClass<object>): string {
  return (em as SqlEntityManager).getDriver().getTableName(em.getMetadata().get(entity), {});
}

/** A property's column name as SQL, quoted. */
export function columnOf(em: EntityManager, entity: EntityClass<object>, property: string): string {
  const properties = em.getMetadata().get(entity).properties as Record<string, EntityProperty>;
  return em.getPlatform().quoteIdentifier(properties[property].fieldNames[0]);
}
