import { DomainError } from '@crm/contracts';

export enum DirectoryErrorCode {
  Unavailable = 'IDENTITY.DIRECTORY_UNAVAILABLE',
  NotConfigured = 'IDENTITY.DIRECTORY_NOT_CONFIGURED',
}

/** The identity provider could not answer: callers map it to 503, never to "no such user". */
export class UserDirectoryError extends DomainError {
  constructor(code: DirectoryErrorCode, message: string) {
    super(code, 'unavailable', message);
  }
}
