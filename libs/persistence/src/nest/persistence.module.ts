import { MikroOrmModule } from '@mikro-orm/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { createOrmOptions, type ServiceOrmInput } from '../orm-options';
import { PersistenceHealth } from './persistence-health';

export interface PersistenceModuleOptions extends ServiceOrmInput {
  /**
   * Fork a fresh EntityManager context for every HTTP request (default true). @mikro-orm/nestjs
   * 7 registers it as middleware on `{*all}`, which works with the Fastify adapter of Nest 12.
   * Consumers and jobs have no request: they use `@CreateRequestContext()`.
   */
  registerRequestContext?: boolean;
}

/**
 * The service's database in Nest: `MikroORM`, `EntityManager` (request scoped through the
 * context middleware), a repository per entity, and `PersistenceHealth` for readiness. Global,
 * so feature modules inject `EntityManager` without importing anything.
 */
@Module({})
export class PersistenceModule {
  static forService(options: PersistenceModuleOptions): DynamicModule {
    const { registerRequestContext = true, ...input } = options;
    const feature = MikroOrmModule.forFeature(input.entities);
    return {
      module: PersistenceModule,
      global: true,
      imports: [MikroOrmModule.forRoot({ ...createOrmOptions(input), registerRequestContext }), feature],
      providers: [PersistenceHealth],
      exports: [PersistenceHealth, feature],
    };
  }
}
