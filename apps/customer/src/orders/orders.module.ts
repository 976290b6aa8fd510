import { Module } from '@nestjs/common';
import { ChurnModule } from '../churn/churn.module';
import { SalesOrderRecordedConsumer } from '../messaging/sales-order-recorded.consumer';
import { OrderActivity } from './order-activity';

/** The sales system's orders as the customer service needs them: the latest order per customer number. */
@Module({
  imports: [ChurnModule],
  controllers: [SalesOrderRecordedConsumer],
  providers: [OrderActivity],
})
export class OrdersModule {}
