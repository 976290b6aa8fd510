import { DomainError, ErrorKind, FieldError } from '@crm/contracts';

export enum OpportunityErrorCode {
  NotFound = 'OPPORTUNITY.NOT_FOUND',
  NotUnassigned = 'OPPORTUNITY.NOT_UNASSIGNED',
  Finished = 'OPPORTUNITY.FINISHED',
  NotAssigned = 'OPPORTUNITY.NOT_ASSIGNED',
  NotCreator = 'OPPORTUNITY.NOT_CREATOR',
  NotOwner = 'OPPORTUNITY.NOT_OWNER',
  NotAssignee = 'OPPORTUNITY.NOT_ASSIGNEE',
  AssigneeInvalid = 'OPPORTUNITY.ASSIGNEE_NOT_ACTIVE_MANAGER',
  ConcurrentUpdate = 'OPPORTUNITY.CONCURRENT_UPDATE',
}

const KIND: Record<OpportunityErrorCode, ErrorKind> = {
  [OpportunityErrorCode.NotFound]: 'not_found',
  [OpportunityErrorCode.NotUnassigned]: 'conflict',
  [OpportunityErrorCode.Finished]: 'conflict',
  [OpportunityErrorCode.NotAssigned]: 'conflict',
  [OpportunityErrorCode.NotCreator]: 'forbidden',
  [OpportunityErrorCode.NotOwner]: 'forbidden',
  [OpportunityErrorCode.NotAssignee]: 'forbidden',
  [OpportunityErrorCode.AssigneeInvalid]: 'invalid',
  [OpportunityErrorCode.ConcurrentUpdate]: 'conflict',
};

export class OpportunityError extends DomainError {
  constructor(code: OpportunityErrorCode, message: string, errors?: FieldError[]) {
    super(code, KIND[code], message, errors);
  }
}
