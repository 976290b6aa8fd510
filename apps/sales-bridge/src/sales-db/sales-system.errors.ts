import { codedErrors } from '@crm/contracts';

export enum SalesSystemErrorCode {
  Unavailable = 'SALES.UNAVAILABLE',
  CustomerNotFound = 'SALES.CUSTOMER_NOT_FOUND',
  OrderNotFound = 'SALES.ORDER_NOT_FOUND',
}

export class SalesSystemError extends codedErrors<SalesSystemErrorCode>({
  [SalesSystemErrorCode.Unavailable]: 'unavailable',
  [SalesSystemErrorCode.CustomerNotFound]: 'not_found',
  [SalesSystemErrorCode.OrderNotFound]: 'not_found',
}) {}
