import { codedErrors } from '@crm/contracts';

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

export class OpportunityError extends codedErrors<OpportunityErrorCode>({
  [OpportunityErrorCode.NotFound]: 'not_found',
  [OpportunityErrorCode.NotUnassigned]: 'conflict',
  [OpportunityErrorCode.Finished]: 'conflict',
  [OpportunityErrorCode.NotAssigned]: 'conflict',
  [OpportunityErrorCode.NotCreator]: 'forbidden',
  [OpportunityErrorCode.NotOwner]: 'forbidden',
  [OpportunityErrorCode.NotAssignee]: 'forbidden',
  [OpportunityErrorCode.AssigneeInvalid]: 'invalid',
  [OpportunityErrorCode.ConcurrentUpdate]: 'conflict',
}) {}
