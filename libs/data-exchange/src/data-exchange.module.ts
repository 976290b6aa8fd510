import { DynamicModule, Module } from '@nestjs/common';
import { DATA_EXCHANGE_OPTIONS, DataExchangeOptions, resolveDataExchangeOptions } from './jobs/data-exchange.options';
import { ImportJob } from './jobs/import-job.entity';
import { ImportJobs } from './jobs/import-jobs.service';

/** The tables this library owns in a service's schema: add them to its orm-input (and migrations). */
export const DATA_EXCHANGE_ENTITIES = [ImportJob];

/**
 * Import jobs for a service (ImportJobs). Needs the service's PersistenceModule (global) with
 * DATA_EXCHANGE_ENTITIES among its entities, and installUploadParsers on its Fastify instance.
 */
@Module({})
export class DataExchangeModule {
  static forRoot(options: DataExchangeOptions = {}): DynamicModule {
    return {
      module: DataExchangeModule,
      providers: [{ provide: DATA_EXCHANGE_OPTIONS, useValue: resolveDataExchangeOptions(options) }, ImportJobs],
      exports: [ImportJobs],
    };
  }
}
