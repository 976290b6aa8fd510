import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@crm/auth';
import { ApiProblemResponses, PageQueryDto } from '@crm/service-kit';
import { CreatePlanItemDto } from './dto/create-plan-item.dto';
import { UpdatePlanItemDto } from './dto/update-plan-item.dto';
import { PlanItemPageResponse, PlanItemResponse } from './dto/plan-item.response';
import { PlanItemsService } from './plan-items.service';

const CHANGE_RULE =
  'by the assignee or a supervisor (403 PLAN.NOT_ASSIGNEE), only while the opportunity is assigned ' +
  '(409 PLAN.OPPORTUNITY_NOT_ASSIGNED; PLAN.OPPORTUNITY_FINISHED: a decided plan is read only)';

@ApiTags('Marketing: development plans')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 409, 429)
@Roles('supervisor', 'manager')
@Controller('opportunities/:id/plan-items')
export class PlanItemsController {
  constructor(private readonly plans: PlanItemsService) {}

  @ApiOperation({ summary: "The opportunity's development plan, by date" })
  @Get()
  @ApiOkResponse({ type: PlanItemPageResponse, description: 'by date, then creation; to whoever may see the opportunity' })
  async list(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Query() query: PageQueryDto): Promise<PlanItemPageResponse> {
    const page = await this.plans.list(user, id, query);
    return { ...page, items: page.items.map(PlanItemResponse.from) };
  }

  @ApiOperation({ summary: 'Add a plan item (the assignee or a supervisor, assigned opportunities only)' })
  @Post()
  @ApiCreatedResponse({ type: PlanItemResponse, description: CHANGE_RULE })
  async add(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() dto: CreatePlanItemDto): Promise<PlanItemResponse> {
    return PlanItemResponse.from(await this.plans.add(user, id, dto));
  }

  @ApiOperation({ summary: 'Edit a plan item’s todo or record its result (the date is not editable)' })
  @Patch(':itemId')
  @ApiOkResponse({ type: PlanItemResponse, description: `todo and result (执行效果); the date is not editable (400). ${CHANGE_RULE}` })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Param('itemId') itemId: string,
    @Body() dto: UpdatePlanItemDto,
  ): Promise<PlanItemResponse> {
    return PlanItemResponse.from(await this.plans.update(user, id, itemId, dto));
  }

  @ApiOperation({ summary: 'Delete a plan item' })
  @Delete(':itemId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: CHANGE_RULE })
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Param('itemId') itemId: string): Promise<void> {
    await this.plans.remove(user, id, itemId);
  }
}
