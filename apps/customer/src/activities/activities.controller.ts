import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedUser, CurrentUser, Roles } from '@crm/auth';
import { ApiProblemResponses, etagOf, PageQueryDto, versionFromIfMatch } from '@crm/service-kit';
import { ActivityPageResponse, ActivityResponse, CreateActivityDto, UpdateActivityDto } from './dto/activity.dto';
import { ActivitiesService } from './activities.service';

@ApiTags('Customers: activities')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 409, 412, 429)
@Roles('supervisor', 'manager')
@Controller('customers/:customerId/activities')
export class ActivitiesController {
  constructor(private readonly activities: ActivitiesService) {}

  @Get()
  @Roles('admin', 'supervisor', 'manager', 'executive')
  @ApiOperation({ summary: 'A customer’s activities (all roles)' })
  @ApiOkResponse({ type: ActivityPageResponse })
  async list(@Param('customerId') customerId: string, @Query() query: PageQueryDto): Promise<ActivityPageResponse> {
    const page = await this.activities.list(customerId, query);
    return { ...page, items: page.items.map(ActivityResponse.from) };
  }

  @Post()
  @ApiOperation({ summary: 'Add an interaction record (the customer’s manager or a supervisor; normal customers only)' })
  @ApiCreatedResponse({ type: ActivityResponse })
  async add(
    @CurrentUser() user: AuthenticatedUser,
    @Param('customerId') customerId: string,
    @Body() dto: CreateActivityDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActivityResponse> {
    const activity = await this.activities.add(user, customerId, dto);
    reply.header('etag', etagOf(activity.version));
    return ActivityResponse.from(activity);
  }

  @Patch(':activityId')
  @ApiHeader({ name: 'If-Match', required: false, description: 'the record’s ETag; a stale one answers 412' })
  @ApiOperation({ summary: 'Edit an interaction record; required fields may not become empty' })
  @ApiOkResponse({ type: ActivityResponse })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('customerId') customerId: string,
    @Param('activityId') activityId: string,
    @Body() dto: UpdateActivityDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ActivityResponse> {
    const activity = await this.activities.update(user, customerId, activityId, dto, versionFromIfMatch(ifMatch));
    reply.header('etag', etagOf(activity.version));
    return ActivityResponse.from(activity);
  }

  @Delete(':activityId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an interaction record' })
  @ApiNoContentResponse()
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('customerId') customerId: string,
    @Param('activityId') activityId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.activities.remove(user, customerId, activityId, versionFromIfMatch(ifMatch));
  }
}
