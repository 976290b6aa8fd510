import { DynamicModule, Global, Module } from '@nestjs/common';
import type { SalesBridgeConfig } from '../config/sales-bridge.config';
import { SALES_DATABASE_SETTINGS, SalesDatabase } from './sales-database';

/** The read-only connection to the company's sales system, for every feature of the bridge. */
@Global()
@Module({})
export class SalesDbModule {
  static forRoot(config: SalesBridgeConfig): DynamicModule {
    return {
      module: SalesDbModule,
      providers: [
        {
          provide: SALES_DATABASE_SETTINGS,
          useValue: {
            driver: config.SALES_DB_DRIVER,
            name: config.SALES_DB_NAME,
            url: config.SALES_DB_URL,
            schema: config.SALES_DB_SCHEMA,
            poolMax: config.SALES_DB_POOL_MAX,
            names: config.SALES_DB_NAMES,
            timeoutMs: config.SALES_DB_TIMEOUT_MS,
          },
        },
        SalesDatabase,
      ],
      exports: [SalesDatabase],
    };
  }
}
