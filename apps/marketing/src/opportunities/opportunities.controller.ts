import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@crm/auth';
import { ApiProblemResponses } from '@crm/service-kit';
import { CreateOpportunityDto } from './dto/create-opportunity.dto';
import { UpdateOpportunityDto } from './dto/update-opportunity.dto';
import { AssignOpportunityDto } from './dto/assign-opportunity.dto';
import { ListOpportunitiesQuery } from './dto/list-opportunities.query';
import { OpportunityPageResponse, OpportunityResponse } from './dto/opportunity.response';
import { OpportunitiesService } from './opportunities.service';

@ApiTags('Marketing: opportunities')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 409, 429)
@Roles('supervisor', 'manager')
@Controller('opportunities')
export class OpportunitiesController {
  constructor(private readonly opportunities: OpportunitiesService) {}

  @ApiOperation({ summary: 'Create an opportunity (status unassigned)' })
  @Post()
  @ApiCreatedResponse({ type: OpportunityResponse, description: 'status unassigned (保存成功)' })
  async create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateOpportunityDto): Promise<OpportunityResponse> {
    return OpportunityResponse.from(await this.opportunities.create(user, dto));
  }

  @ApiOperation({ summary: 'List the opportunities the caller may see, newest first, with filters' })
  @Get()
  @ApiOkResponse({ type: OpportunityPageResponse })
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListOpportunitiesQuery): Promise<OpportunityPageResponse> {
    const page = await this.opportunities.list(user, query);
    return { ...page, items: page.items.map(OpportunityResponse.from) };
  }

  @ApiOperation({ summary: 'One opportunity the caller may see' })
  @Get(':id')
  @ApiOkResponse({ type: OpportunityResponse })
  async get(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<OpportunityResponse> {
    return OpportunityResponse.from(await this.opportunities.get(user, id));
  }

  @ApiOperation({ summary: 'Edit an unassigned opportunity (its creator or a supervisor)' })
  @Patch(':id')
  @ApiOkResponse({ type: OpportunityResponse, description: 'only while unassigned (409 OPPORTUNITY.NOT_UNASSIGNED)' })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() dto: UpdateOpportunityDto,
  ): Promise<OpportunityResponse> {
    return OpportunityResponse.from(await this.opportunities.update(user, id, dto));
  }

  @ApiOperation({ summary: 'Delete an unassigned opportunity (its creator)' })
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'only while unassigned and only by its creator (删除成功)' })
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    await this.opportunities.remove(user, id);
  }

  @ApiOperation({ summary: 'Assign or reassign to an active account manager (supervisor)' })
  @Post(':id/assign')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiOkResponse({ type: OpportunityResponse, description: 'status assigned (指派成功); reassignment allowed' })
  async assign(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Body() dto: AssignOpportunityDto,
  ): Promise<OpportunityResponse> {
    return OpportunityResponse.from(await this.opportunities.assign(user, id, dto.assigneeId));
  }

  @ApiOperation({ summary: 'Development succeeded (the assignee): the customer service then creates the customer' })
  @Post(':id/succeed')
  @HttpCode(200)
  @ApiOkResponse({ type: OpportunityResponse, description: 'by the assignee; the customer service then creates the customer' })
  async succeed(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<OpportunityResponse> {
    return OpportunityResponse.from(await this.opportunities.decide(user, id, 'succeeded'));
  }

  @ApiOperation({ summary: 'Development terminated (the assignee)' })
  @Post(':id/fail')
  @HttpCode(200)
  @ApiOkResponse({ type: OpportunityResponse, description: 'by the assignee (终止开发)' })
  async fail(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<OpportunityResponse> {
    return OpportunityResponse.from(await this.opportunities.decide(user, id, 'failed'));
  }
}
