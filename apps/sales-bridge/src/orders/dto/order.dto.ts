import { ApiProperty } from '@nestjs/swagger';
import { ORDER_HISTORY_STATUSES, type OrderHistoryStatus } from '@crm/contracts';
import { PageMetaDto } from '@crm/service-kit';

const HISTORY_STATUSES = Object.values(ORDER_HISTORY_STATUSES);

/** One order of a customer's history (requirements §2.4). */
export class OrderSummaryResponse {
  @ApiProperty({ description: '订单编号' }) orderNo!: string;
  @ApiProperty({ format: 'date', description: '下单日期, YYYY-MM-DD' }) orderDate!: string;
  @ApiProperty({ type: String, nullable: true, description: '送货地址' }) deliveryAddress!: string | null;
  @ApiProperty({ enum: HISTORY_STATUSES, description: 'shipped 已发货 (5) or paid 已回款 (6)' }) status!: OrderHistoryStatus;
}

export class OrderPageResponse extends PageMetaDto {
  @ApiProperty({ type: [OrderSummaryResponse] }) items!: OrderSummaryResponse[];
}

export class OrderLineResponse {
  @ApiProperty({ description: 'the product’s name' }) product!: string;
  @ApiProperty({ description: 'the product’s key in the sales system' }) productId!: number;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty() quantity!: number;
  @ApiProperty({ type: String, nullable: true }) unit!: string | null;
  @ApiProperty() unitPrice!: number;
  @ApiProperty({ description: 'quantity × unit price' }) amount!: number;
}

export class OrderDetailResponse extends OrderSummaryResponse {
  @ApiProperty({ type: [OrderLineResponse] }) lines!: OrderLineResponse[];
  @ApiProperty({ description: 'Σ amount of the lines' }) totalAmount!: number;
}
