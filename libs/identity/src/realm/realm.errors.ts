import { DomainError } from '@crm/contracts';

export enum RealmErrorCode {
  FileUnreadable = 'IDENTITY.REALM_FILE_UNREADABLE',
  Invalid = 'IDENTITY.REALM_EXPORT_INVALID',
}

/** The realm export cannot be used: the process cannot serve identities, so it is "unavailable". */
export class RealmExportError extends DomainError {
  constructor(code: RealmErrorCode, message: string) {
    super(code, 'unavailable', message);
  }
}
