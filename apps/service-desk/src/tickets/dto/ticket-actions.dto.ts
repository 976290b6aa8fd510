import { IntegerInRange, RequiredText } from '@crm/service-kit';

export class AssignTicketDto {
  @RequiredText(64, 'Id of an active account manager or supervisor (GET /users?role=manager)') assigneeId!: string;
}

export class HandleTicketDto {
  @RequiredText(3000, '服务处理: what was done; the handler and the time are set by the system') handling!: string;
}

export class TicketFeedbackDto {
  @RequiredText(500, '处理结果') result!: string;
  @IntegerInRange(1, 5, '满意度: 3 or more archives the ticket, less sends it back to its assignee') satisfaction!: number;
}
