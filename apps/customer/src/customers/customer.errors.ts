import { codedErrors } from '@crm/contracts';

export enum CustomerErrorCode {
  NotFound = 'CUSTOMER.NOT_FOUND',
  NotManager = 'CUSTOMER.NOT_MANAGER',
  NotNormal = 'CUSTOMER.NOT_NORMAL',
  Incomplete = 'CUSTOMER.INCOMPLETE',
  ManagerInvalid = 'CUSTOMER.MANAGER_NOT_ACTIVE_MANAGER',
  ReassignForbidden = 'CUSTOMER.REASSIGN_FORBIDDEN',
  DeleteForbidden = 'CUSTOMER.DELETE_FORBIDDEN',
  VersionMismatch = 'CUSTOMER.VERSION_MISMATCH',
  ConcurrentUpdate = 'CUSTOMER.CONCURRENT_UPDATE',
  ContactNotFound = 'CUSTOMER.CONTACT_NOT_FOUND',
  ActivityNotFound = 'CUSTOMER.ACTIVITY_NOT_FOUND',
}

export class CustomerError extends codedErrors<CustomerErrorCode>({
  [CustomerErrorCode.NotFound]: 'not_found',
  [CustomerErrorCode.NotManager]: 'forbidden',
  [CustomerErrorCode.NotNormal]: 'conflict',
  [CustomerErrorCode.Incomplete]: 'invalid',
  [CustomerErrorCode.ManagerInvalid]: 'invalid',
  [CustomerErrorCode.ReassignForbidden]: 'forbidden',
  [CustomerErrorCode.DeleteForbidden]: 'forbidden',
  [CustomerErrorCode.VersionMismatch]: 'precondition_failed',
  [CustomerErrorCode.ConcurrentUpdate]: 'conflict',
  [CustomerErrorCode.ContactNotFound]: 'not_found',
  [CustomerErrorCode.ActivityNotFound]: 'not_found',
}) {}
