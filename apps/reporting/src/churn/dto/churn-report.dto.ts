import { ApiProperty, OmitType } from '@nestjs/swagger';
import { PageMetaDto, PageQueryDto, UserRefDto } from '@crm/service-kit';
import { NameContains } from '../../reports/report-filters';

/** 客户流失分析 (requirements §4); paged. */
export class ChurnReportQuery extends PageQueryDto {
  @NameContains('the customer’s name contains')
  customerName?: string;

  @NameContains('the account manager’s name contains')
  managerName?: string;
}

/** The same filters without paging (the export). */
export class ChurnReportFilters extends OmitType(ChurnReportQuery, ['page', 'pageSize', 'offset'] as const) {}

export class ChurnReportMeasureResponse {
  @ApiProperty() measure!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: UserRefDto }) by!: UserRefDto;
}

export class ChurnReportItemResponse {
  @ApiProperty() churnId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() customerNo!: string;
  @ApiProperty() customerName!: string;
  @ApiProperty({ type: UserRefDto, description: 'the customer’s account manager' }) manager!: UserRefDto;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'the last order known when warned; null: never ordered' })
  lastOrderDate!: string | null;
  @ApiProperty({ format: 'date-time', description: '预警 time' }) warnedAt!: string;
  @ApiProperty({ type: [ChurnReportMeasureResponse], description: '暂缓措施, oldest first' }) measures!: ChurnReportMeasureResponse[];
  @ApiProperty({ type: String, nullable: true, description: '流失原因' }) reason!: string | null;
  @ApiProperty({ format: 'date-time', description: '确认流失 time' }) confirmedAt!: string;
}

export class ChurnReportPageResponse extends PageMetaDto {
  @ApiProperty({ type: [ChurnReportItemResponse], description: 'confirmed churn records, newest confirmation first' })
  items!: ChurnReportItemResponse[];
}
