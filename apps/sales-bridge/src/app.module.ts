import { DynamicModule, Module } from '@nestjs/common';
import { ServicePlatformModule } from '@crm/service-kit';
import { SalesBridgeConfig } from './config/sales-bridge.config';
import { ormInput, SERVICE_NAME } from './database/orm-input';
import { OrderSyncModule } from './order-sync/order-sync.module';
import { OrdersModule } from './orders/orders.module';
import { ProductsModule } from './products/products.module';
import { SalesDbModule } from './sales-db/sales-db.module';

@Module({})
export class AppModule {
  static register(config: SalesBridgeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Consumes customer events for its customer copy (customer id → customer number).
        ServicePlatformModule.forService({ service: SERVICE_NAME, env: config, orm: ormInput(config), consumes: true }),
        SalesDbModule.forRoot(config),
        ProductsModule,
        OrdersModule,
        OrderSyncModule.register(config),
      ],
    };
  }
}
