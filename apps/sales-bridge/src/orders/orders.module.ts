import { Module } from '@nestjs/common';
import { CustomerCopyModule } from '@crm/reference-data';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

/** A customer's order history (requirements §2.4), by the customer's number from the bridge's customer copy. */
@Module({ imports: [CustomerCopyModule], controllers: [OrdersController], providers: [OrdersService] })
export class OrdersModule {}
