import { codedErrors } from '@crm/contracts';

/**
 * The service desk's stable error codes (problem+json `code`). A wrong state for an action is a
 * 409 whose code names the state the ticket is in, so a client can tell the user what to do:
 *
 * | action   | created             | assigned          | handled                 | archived            |
 * |----------|---------------------|-------------------|-------------------------|---------------------|
 * | assign   | ok                  | ok (reassignment) | 409 NOT_ASSIGNABLE      | 409 NOT_ASSIGNABLE  |
 * | handle   | 409 NOT_ASSIGNED    | ok (the assignee) | 409 ALREADY_HANDLED     | 409 ARCHIVED        |
 * | feedback | 409 NOT_HANDLED     | 409 NOT_HANDLED   | ok (assignee, creator, customer's manager) | 409 NOT_HANDLED |
 *
 * The state is checked before who acts (as for opportunities): a ticket in the wrong state is a
 * 409 for anyone, and only an action the state allows asks whether this caller may take it (403).
 */
export enum TicketErrorCode {
  NotFound = 'TICKET.NOT_FOUND',
  /** The customer is not in the desk's copy (unknown, or created a moment ago and not yet heard of): 400 on customerId. */
  CustomerNotFound = 'TICKET.CUSTOMER_NOT_FOUND',
  /** The customer is churned or deleted: no new tickets for it. */
  CustomerNotNormal = 'TICKET.CUSTOMER_NOT_NORMAL',
  /** Not an enabled user with the manager or supervisor role: 400 on assigneeId. */
  AssigneeInvalid = 'TICKET.ASSIGNEE_INVALID',
  /** Assigning a handled or archived ticket. */
  NotAssignable = 'TICKET.NOT_ASSIGNABLE',
  /** Handling a ticket nobody was assigned yet. */
  NotAssigned = 'TICKET.NOT_ASSIGNED',
  /** Handling a ticket whose round is handled and awaits feedback. */
  AlreadyHandled = 'TICKET.ALREADY_HANDLED',
  /** Handling an archived ticket. */
  Archived = 'TICKET.ARCHIVED',
  /** Feedback on a ticket that is not handled (created, assigned, archived). */
  NotHandled = 'TICKET.NOT_HANDLED',
  /** Only the assignee records the handling. */
  NotAssignee = 'TICKET.NOT_ASSIGNEE',
  /** Feedback comes from the assignee, the ticket's creator or the customer's manager. */
  NotFeedbackGiver = 'TICKET.NOT_FEEDBACK_GIVER',
  /** Someone else changed the ticket between this request's read and its write. */
  ConcurrentUpdate = 'TICKET.CONCURRENT_UPDATE',
}

export class TicketError extends codedErrors<TicketErrorCode>({
  [TicketErrorCode.NotFound]: 'not_found',
  [TicketErrorCode.CustomerNotFound]: 'invalid',
  [TicketErrorCode.CustomerNotNormal]: 'conflict',
  [TicketErrorCode.AssigneeInvalid]: 'invalid',
  [TicketErrorCode.NotAssignable]: 'conflict',
  [TicketErrorCode.NotAssigned]: 'conflict',
  [TicketErrorCode.AlreadyHandled]: 'conflict',
  [TicketErrorCode.Archived]: 'conflict',
  [TicketErrorCode.NotHandled]: 'conflict',
  [TicketErrorCode.NotAssignee]: 'forbidden',
  [TicketErrorCode.NotFeedbackGiver]: 'forbidden',
  [TicketErrorCode.ConcurrentUpdate]: 'conflict',
}) {}
