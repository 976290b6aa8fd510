import { PassThrough } from 'node:stream';
import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/core';
import type { FastifyReply } from 'fastify';
import { Roles } from '@crm/auth';
import { attachmentDisposition, type ColumnSpec, writeXlsx, XLSX_CONTENT_TYPE } from '@crm/data-exchange';
import { ApiProblemResponses } from '@crm/service-kit';
import { ChurnReport } from '../churn/churn-report';
import { ChurnReportFilters } from '../churn/dto/churn-report.dto';
import { CompositionReport } from '../composition/composition-report';
import { CompositionQuery } from '../composition/dto/composition.dto';
import { ContributionReport } from '../contribution/contribution-report';
import { ContributionFilters } from '../contribution/dto/contribution.dto';
import { ServiceAnalysisQuery } from '../service-analysis/dto/service-analysis.dto';
import { ServiceAnalysisReport } from '../service-analysis/service-analysis-report';
import { CHURN_COLUMNS, churnRow, compositionColumns, CONTRIBUTION_COLUMNS, REPORT_TITLES, SERVICE_COLUMNS, UNSET_ITEM_LABEL } from './report-columns';

const WORKBOOK = { description: 'the workbook', schema: { type: 'string', format: 'binary' } } as const;

/** Each report as .xlsx with the same filters, every row (at most EXPORT_MAX_ROWS), streamed. */
@ApiTags('Reports')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 429)
@Roles('supervisor', 'executive')
@Controller('reports')
export class ReportExportsController {
  constructor(
    private readonly contributionReport: ContributionReport,
    private readonly compositionReport: CompositionReport,
    private readonly serviceReport: ServiceAnalysisReport,
    private readonly churnReport: ChurnReport,
    private readonly em: EntityManager,
  ) {}

  @Get('contribution/export')
  @ApiOperation({ summary: '客户贡献分析 as .xlsx (the report’s filters, every row)' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse(WORKBOOK)
  async contribution(@Query() filters: ContributionFilters, @Res() reply: FastifyReply): Promise<void> {
    // The file streams after the request's context ends: its reads get a context of their own.
    await send(reply, 'contribution', CONTRIBUTION_COLUMNS, this.contributionReport.rows(this.em.fork(), filters));
  }

  @Get('composition/export')
  @ApiOperation({ summary: '客户构成分析 as .xlsx' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse(WORKBOOK)
  async composition(@Query() query: CompositionQuery, @Res() reply: FastifyReply): Promise<void> {
    const { items } = await this.compositionReport.report(query.by);
    await send(reply, 'composition', compositionColumns(query.by), items.map((item) => ({ ...item, item: item.item ?? UNSET_ITEM_LABEL })));
  }

  @Get('services/export')
  @ApiOperation({ summary: '客户服务分析 as .xlsx' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse(WORKBOOK)
  async services(@Query() query: ServiceAnalysisQuery, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, 'services', SERVICE_COLUMNS, (await this.serviceReport.report(query.year)).items);
  }

  @Get('churn/export')
  @ApiOperation({ summary: '客户流失分析 as .xlsx (the report’s filters, every row)' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse(WORKBOOK)
  async churn(@Query() filters: ChurnReportFilters, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, 'churn', CHURN_COLUMNS, mapRows(this.churnReport.rows(this.em.fork(), filters), churnRow));
  }
}

type Rows = Iterable<object> | AsyncIterable<object>;

async function* mapRows<T>(rows: AsyncIterable<T>, map: (row: T) => Record<string, unknown>): AsyncGenerator<Record<string, unknown>> {
  for await (const row of rows) yield map(row);
}

async function* asRows(rows: Rows): AsyncGenerator<Record<string, unknown>> {
  for await (const row of rows) yield row as Record<string, unknown>;
}

/** Streams the workbook of one report: bilingual headers, the tab and file named after the report. */
async function send(reply: FastifyReply, report: keyof typeof REPORT_TITLES, columns: readonly ColumnSpec[], rows: Rows): Promise<void> {
  const title = REPORT_TITLES[report];
  const body = new PassThrough();
  void writeXlsx(body, columns, asRows(rows), { sheetName: `${title.zh} ${title.en}` }).catch(() => undefined);
  await reply.header('content-type', XLSX_CONTENT_TYPE).header('content-disposition', attachmentDisposition(`${title.zh}.xlsx`)).send(body);
}
