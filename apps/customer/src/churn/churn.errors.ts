import { codedErrors } from '@crm/contracts';

export enum ChurnErrorCode {
  NotFound = 'CHURN.NOT_FOUND',
  /** Only the customer's (current) manager acts on its churn record; a manager reads only their customers'. */
  NotManager = 'CHURN.NOT_MANAGER',
  /** Confirmed or closed: no more measures, no confirmation. */
  NotOpen = 'CHURN.NOT_OPEN',
  NoMeasure = 'CHURN.NO_MEASURE',
  ConcurrentUpdate = 'CHURN.CONCURRENT_UPDATE',
  ScanFailed = 'CHURN.SCAN_FAILED',
}

export class ChurnError extends codedErrors<ChurnErrorCode>({
  [ChurnErrorCode.NotFound]: 'not_found',
  [ChurnErrorCode.NotManager]: 'forbidden',
  [ChurnErrorCode.NotOpen]: 'conflict',
  [ChurnErrorCode.NoMeasure]: 'conflict',
  [ChurnErrorCode.ConcurrentUpdate]: 'conflict',
  [ChurnErrorCode.ScanFailed]: 'unavailable',
}) {}
