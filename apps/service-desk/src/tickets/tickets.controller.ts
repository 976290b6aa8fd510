import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@crm/auth';
import { ApiProblemResponses } from '@crm/service-kit';
import { CreateTicketDto } from './dto/create-ticket.dto';
import { ListTicketsQuery } from './dto/list-tickets.query';
import { AssignTicketDto, HandleTicketDto, TicketFeedbackDto } from './dto/ticket-actions.dto';
import { TicketDetailResponse, TicketPageResponse, TicketResponse } from './dto/ticket.response';
import { TicketsService } from './tickets.service';

/** Supervisors and managers share the desk's knowledge: both read every ticket; admins and executives do not. */
@ApiTags('Service desk')
@ApiBearerAuth()
@ApiProblemResponses(400, 401, 403, 404, 409, 429)
@Roles('supervisor', 'manager')
@Controller('service-tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Post()
  @Roles('manager')
  @ApiOperation({ summary: 'Record a customer’s service request (a manager); status created' })
  @ApiCreatedResponse({ type: TicketDetailResponse, description: 'status created; 400 TICKET.CUSTOMER_NOT_FOUND, 409 TICKET.CUSTOMER_NOT_NORMAL' })
  async create(@CurrentUser() user: AuthenticatedUser, @Body() dto: CreateTicketDto): Promise<TicketDetailResponse> {
    return TicketDetailResponse.from(await this.tickets.create(user, dto));
  }

  @Get()
  @ApiOperation({ summary: 'Tickets newest first, with filters; the service archive (服务归档) is status=archived' })
  @ApiOkResponse({ type: TicketPageResponse })
  async list(@Query() query: ListTicketsQuery): Promise<TicketPageResponse> {
    const page = await this.tickets.list(query);
    return { ...page, items: page.items.map(TicketResponse.from) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One ticket with every handling round and its whole history' })
  @ApiOkResponse({ type: TicketDetailResponse })
  async get(@Param('id') id: string): Promise<TicketDetailResponse> {
    return TicketDetailResponse.from(await this.tickets.get(id));
  }

  @Post(':id/assign')
  @Roles('supervisor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign or reassign to an active manager or supervisor (a supervisor)' })
  @ApiOkResponse({ type: TicketDetailResponse, description: 'status assigned; 400 TICKET.ASSIGNEE_INVALID, 409 TICKET.NOT_ASSIGNABLE once handled or archived' })
  async assign(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() dto: AssignTicketDto): Promise<TicketDetailResponse> {
    return TicketDetailResponse.from(await this.tickets.assign(user, id, dto.assigneeId));
  }

  @Post(':id/handle')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a round of handling (the assignee); handler and time are the system’s' })
  @ApiOkResponse({ type: TicketDetailResponse, description: 'status handled; 403 TICKET.NOT_ASSIGNEE, 409 TICKET.NOT_ASSIGNED | ALREADY_HANDLED | ARCHIVED' })
  async handle(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() dto: HandleTicketDto): Promise<TicketDetailResponse> {
    return TicketDetailResponse.from(await this.tickets.handle(user, id, dto));
  }

  @Post(':id/feedback')
  @Roles('manager')
  @HttpCode(200)
  @ApiOperation({ summary: 'Feedback on a handled ticket (its assignee, its creator or the customer’s manager): archived if satisfaction ≥ 3, else assigned again' })
  @ApiOkResponse({ type: TicketDetailResponse, description: 'status archived or assigned; 403 TICKET.NOT_FEEDBACK_GIVER, 409 TICKET.NOT_HANDLED' })
  async feedback(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Body() dto: TicketFeedbackDto): Promise<TicketDetailResponse> {
    return TicketDetailResponse.from(await this.tickets.feedback(user, id, dto));
  }
}
