import { ApiProperty, OmitType } from '@nestjs/swagger';
import { PageMetaDto, PageQueryDto } from '@crm/service-kit';
import { NameContains, ReportYear } from '../../reports/report-filters';

/** 客户贡献分析 (requirements §4): default every customer, every year; paged. */
export class ContributionQuery extends PageQueryDto {
  @NameContains('the customer’s name contains (customers not known here yet have no name and never match)')
  customerName?: string;

  @ReportYear('orders dated in this year (the order date’s year); default every year')
  year?: number;
}

/** The same filters without paging (the export). Not an IntersectionType for the query: it would drop PageQueryDto's `offset` getter. */
export class ContributionFilters extends OmitType(ContributionQuery, ['page', 'pageSize', 'offset'] as const) {}

export class ContributionItemResponse {
  @ApiProperty({ type: String, nullable: true, description: 'null until this service has a customer event for the number' })
  customerId!: string | null;

  @ApiProperty({ description: 'the customer number the sales system’s orders carry' })
  customerNo!: string;

  @ApiProperty({ type: String, nullable: true, description: 'the customer’s current name; null until this service has a customer event for the number' })
  customerName!: string | null;

  @ApiProperty({ type: Number, description: 'Σ of the shipped and paid orders’ totals in yuan (2 decimals)', example: 12500.5 })
  totalAmount!: number;

  @ApiProperty({ description: 'how many shipped and paid orders' })
  orderCount!: number;
}

export class ContributionPageResponse extends PageMetaDto {
  @ApiProperty({ type: [ContributionItemResponse], description: 'largest total first; ties by customer number' })
  items!: ContributionItemResponse[];
}
