import { ApiProperty } from '@nestjs/swagger';
import { ReportYear } from '../../reports/report-filters';

export class ServiceAnalysisQuery {
  @ReportYear('tickets created in this year on the company’s calendar (COMPANY_TIME_ZONE); default every year')
  year?: number;
}

export class ServiceTypeCountResponse {
  @ApiProperty({ description: 'the 服务类型 dictionary item (咨询, 建议, 投诉, …)' }) type!: string;
  @ApiProperty({ description: 'tickets of this type, each once whatever its status' }) count!: number;
}

export class ServiceAnalysisResponse {
  @ApiProperty({ type: Number, nullable: true, description: 'the year asked for; null: every year' })
  year!: number | null;

  @ApiProperty({ type: [ServiceTypeCountResponse], description: 'largest count first; ties by type' })
  items!: ServiceTypeCountResponse[];
}
