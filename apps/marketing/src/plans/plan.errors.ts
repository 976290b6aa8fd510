import { codedErrors } from '@crm/contracts';

export enum PlanErrorCode {
  ItemNotFound = 'PLAN.ITEM_NOT_FOUND',
  NotAssignee = 'PLAN.NOT_ASSIGNEE',
  OpportunityNotAssigned = 'PLAN.OPPORTUNITY_NOT_ASSIGNED',
  OpportunityFinished = 'PLAN.OPPORTUNITY_FINISHED',
}

export class PlanError extends codedErrors<PlanErrorCode>({
  [PlanErrorCode.ItemNotFound]: 'not_found',
  [PlanErrorCode.NotAssignee]: 'forbidden',
  [PlanErrorCode.OpportunityNotAssigned]: 'conflict',
  [PlanErrorCode.OpportunityFinished]: 'conflict',
}) {}
