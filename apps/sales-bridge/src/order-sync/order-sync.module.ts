import { DynamicModule, Module } from '@nestjs/common';
import type { SalesBridgeConfig } from '../config/sales-bridge.config';
import { ORDER_SYNC_BATCH, OrderSync } from './order-sync.service';
import { ORDER_SYNC_SCHEDULE, OrderSyncRunner } from './order-sync.runner';

/** New and changed orders of the sales system → `sales.order.recorded.v1`. */
@Module({})
export class OrderSyncModule {
  static register(config: SalesBridgeConfig): DynamicModule {
    return {
      module: OrderSyncModule,
      providers: [
        { provide: ORDER_SYNC_BATCH, useValue: config.ORDER_SYNC_BATCH },
        { provide: ORDER_SYNC_SCHEDULE, useValue: { enabled: config.ORDER_SYNC_ENABLED, pollMs: config.ORDER_SYNC_POLL_MS } },
        OrderSync,
        OrderSyncRunner,
      ],
      exports: [OrderSync],
    };
  }
}
