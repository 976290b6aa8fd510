import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@crm/auth';
import { ApiProblemResponses, ProblemDetailsDto } from '@crm/service-kit';
import { ChurnRecordsService } from './churn-records.service';
import { ChurnScanSchedule } from './churn-scan.job';
import { AddChurnMeasureDto, ChurnRecordPageResponse, ChurnRecordResponse, ChurnScanResponse, ConfirmChurnDto, ListChurnRecordsQuery } from './dto/churn-record.dto';

@ApiTags('Churn')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 409, 429)
@Roles('admin', 'supervisor', 'manager', 'executive')
@Controller('churn-records')
export class ChurnRecordsController {
  constructor(
    private readonly churn: ChurnRecordsService,
    private readonly schedule: ChurnScanSchedule,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Churn records, newest warning first (a manager: their customers’ only; supervisor, executive, admin: all)' })
  @ApiOkResponse({ type: ChurnRecordPageResponse })
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListChurnRecordsQuery): Promise<ChurnRecordPageResponse> {
    const page = await this.churn.list(user, query);
    return { ...page, items: page.items.map((view) => ChurnRecordResponse.from(view.record, view.customer)) };
  }

  @Post('scan')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the churn warning scan now (admin); how many warnings it created' })
  @ApiOkResponse({ type: ChurnScanResponse })
  @ApiResponse({ status: 503, description: 'The scan failed (CHURN.SCAN_FAILED); what it created so far stays', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } } })
  async scan(): Promise<ChurnScanResponse> {
    return { created: await this.schedule.runNow() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One churn record (a manager: only of their own customers)' })
  @ApiOkResponse({ type: ChurnRecordResponse })
  async get(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<ChurnRecordResponse> {
    const view = await this.churn.get(user, id);
    return ChurnRecordResponse.from(view.record, view.customer);
  }

  @Post(':id/measures')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({ summary: '暂缓流失: append a measure (the customer’s manager; while warning or deferred) → deferred' })
  @ApiOkResponse({ type: ChurnRecordResponse })
  async addMeasure(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() dto: AddChurnMeasureDto): Promise<ChurnRecordResponse> {
    const view = await this.churn.addMeasure(user, id, dto);
    return ChurnRecordResponse.from(view.record, view.customer);
  }

  @Post(':id/confirm')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({ summary: '确认流失 with a reason (the customer’s manager; after at least one measure): the customer becomes churned' })
  @ApiOkResponse({ type: ChurnRecordResponse })
  async confirm(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() dto: ConfirmChurnDto): Promise<ChurnRecordResponse> {
    const view = await this.churn.confirm(user, id, dto);
    return ChurnRecordResponse.from(view.record, view.customer);
  }
}
