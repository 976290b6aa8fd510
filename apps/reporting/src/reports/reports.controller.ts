import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@crm/auth';
import { ApiProblemResponses } from '@crm/service-kit';
import { ChurnReport } from '../churn/churn-report';
import { ChurnReportPageResponse, ChurnReportQuery } from '../churn/dto/churn-report.dto';
import { CompositionReport } from '../composition/composition-report';
import { CompositionQuery, CompositionResponse } from '../composition/dto/composition.dto';
import { ContributionReport } from '../contribution/contribution-report';
import { ContributionPageResponse, ContributionQuery } from '../contribution/dto/contribution.dto';
import { ServiceAnalysisQuery, ServiceAnalysisResponse } from '../service-analysis/dto/service-analysis.dto';
import { ServiceAnalysisReport } from '../service-analysis/service-analysis-report';

/** 统计报表 (requirements §4): supervisors and executives only. */
@ApiTags('Reports')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 429)
@Roles('supervisor', 'executive')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly contributionReport: ContributionReport,
    private readonly compositionReport: CompositionReport,
    private readonly serviceReport: ServiceAnalysisReport,
    private readonly churnReport: ChurnReport,
  ) {}

  @Get('contribution')
  @ApiOperation({ summary: '客户贡献分析: shipped and paid orders’ total per customer, largest first (filters: name contains, year)' })
  @ApiOkResponse({ type: ContributionPageResponse })
  contribution(@Query() query: ContributionQuery): Promise<ContributionPageResponse> {
    return this.contributionReport.page(query);
  }

  @Get('composition')
  @ApiOperation({ summary: '客户构成分析: normal customers per level, credit or satisfaction, with each item’s share' })
  @ApiOkResponse({ type: CompositionResponse })
  composition(@Query() query: CompositionQuery): Promise<CompositionResponse> {
    return this.compositionReport.report(query.by);
  }

  @Get('services')
  @ApiOperation({ summary: '客户服务分析: tickets per service type (filter: year of creation)' })
  @ApiOkResponse({ type: ServiceAnalysisResponse })
  services(@Query() query: ServiceAnalysisQuery): Promise<ServiceAnalysisResponse> {
    return this.serviceReport.report(query.year);
  }

  @Get('churn')
  @ApiOperation({ summary: '客户流失分析: confirmed churn records, newest confirmation first (filters: customer name, manager name contain)' })
  @ApiOkResponse({ type: ChurnReportPageResponse })
  churn(@Query() query: ChurnReportQuery): Promise<ChurnReportPageResponse> {
    return this.churnReport.page(query);
  }
}
