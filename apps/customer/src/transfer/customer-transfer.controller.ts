import { PassThrough, Readable } from 'node:stream';
import { Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { EntityManager } from '@mikro-orm/core';
import type { FastifyReply } from 'fastify';
import { AuthenticatedUser, CurrentUser, Roles, userRefOf } from '@crm/auth';
import {
  ApiUpload,
  attachmentDisposition,
  ImportJobDto,
  ImportJobs,
  StartImportQuery,
  UploadBody,
  writeTemplate,
  writeXlsx,
  XLSX_CONTENT_TYPE,
} from '@crm/data-exchange';
import { DICTIONARY_CATEGORIES } from '@crm/contracts';
import { UserDirectory } from '@crm/identity';
import { DictionaryLookup } from '@crm/reference-data';
import { ApiProblemResponses } from '@crm/service-kit';
import { CustomerNumbers } from '../customers/customer-numbers';
import { CustomersService } from '../customers/customers.service';
import { CustomerFilters } from '../customers/dto/list-customers.query';
import { CUSTOMER_COLUMNS } from './customer-columns';
import { customerRows } from './customer-export';
import { CustomerImportHandler } from './customer-import.handler';

const KIND = 'customers';

/** Customers in and out of spreadsheets: the template, imports (as jobs) and the export. */
@ApiTags('Customers: import and export')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 413, 429)
@Controller('customers')
export class CustomerTransferController {
  constructor(
    private readonly imports: ImportJobs,
    private readonly customers: CustomersService,
    private readonly numbers: CustomerNumbers,
    private readonly dictionary: DictionaryLookup,
    private readonly users: UserDirectory,
    private readonly em: EntityManager,
  ) {}

  @Get('import-template')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'The import template (.xlsx): bilingual column headers and a notes sheet with the allowed values' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'the template', schema: { type: 'string', format: 'binary' } })
  async template(@Res() reply: FastifyReply): Promise<void> {
    const [regions, levels] = await Promise.all([this.dictionary.options(DICTIONARY_CATEGORIES.region), this.dictionary.options(DICTIONARY_CATEGORIES.customerLevel)]);
    const body = new PassThrough();
    void writeTemplate(body, CUSTOMER_COLUMNS, {
      lines: [
        '每行一个客户。客户编号为空 = 新客户；填写已有客户编号 = 更新该客户(空白单元格保持原值)。',
        'One customer per row. No customer number = a new customer; an existing number updates it (blank cells keep their values).',
        '新客户必须填写带 * 的字段: 客户名称、地区、客户经理、客户等级、满意度、信用度、地址、邮编、电话、法人、开户银行、银行帐号、地税登记号、国税登记号。',
      ],
      allowed: { region: regions.map((o) => o.item), level: levels.map((o) => o.item) },
    }).catch(() => undefined);
    await reply.header('content-type', XLSX_CONTENT_TYPE).header('content-disposition', attachmentDisposition('客户导入模板.xlsx')).send(body);
  }

  @Post('imports')
  @Roles('admin', 'supervisor')
  @ApiUpload()
  @ApiOperation({
    summary: 'Import customers from an .xlsx or .csv file (the request body); answers with the finished job, or 202 while a large file runs',
  })
  @ApiOkResponse({ type: ImportJobDto, description: 'finished: completed (written), or rejected with the per-row report (nothing written)' })
  @ApiAcceptedResponse({ type: ImportJobDto, description: 'still running: poll Location' })
  async startImport(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: StartImportQuery,
    @UploadBody() upload: Readable,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportJobDto> {
    const managers = await this.users.listUsers({ role: 'manager', activeOnly: true });
    const handler = new CustomerImportHandler(this.customers, this.numbers, this.dictionary, managers);
    const job = await this.imports.start(KIND, handler, upload, {
      fileName: query.fileName,
      contentType: reply.request.headers['content-type'],
      mode: query.mode,
      user: userRefOf(user),
    });
    if (!job.finished) reply.status(202).header('location', `/api/v1/customers/imports/${job.id}`);
    else reply.status(200);
    return job;
  }

  @Get('imports/:jobId')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'An import job: status, progress, counts and the per-row report' })
  @ApiOkResponse({ type: ImportJobDto })
  job(@Param('jobId') jobId: string): Promise<ImportJobDto> {
    return this.imports.get(KIND, jobId);
  }

  @Get('export')
  @Roles('admin', 'supervisor', 'manager', 'executive')
  @ApiOperation({ summary: 'The filtered customer list as .xlsx (same filters as the list), streamed' })
  @ApiProduces(XLSX_CONTENT_TYPE)
  @ApiOkResponse({ description: 'the workbook', schema: { type: 'string', format: 'binary' } })
  async export(@Query() filters: CustomerFilters, @Res() reply: FastifyReply): Promise<void> {
    const body = new PassThrough();
    const em = this.em.fork();
    void writeXlsx(body, CUSTOMER_COLUMNS, customerRows(em, this.customers.filter(filters)), { sheetName: '客户 Customers' }).catch(() => undefined);
    await reply.header('content-type', XLSX_CONTENT_TYPE).header('content-disposition', attachmentDisposition('客户.xlsx')).send(body);
  }
}
