import { codedErrors } from '@crm/contracts';

export enum DictionaryErrorCode {
  NotFound = 'DICTIONARY.NOT_FOUND',
  NotEditable = 'DICTIONARY.NOT_EDITABLE',
  Duplicate = 'DICTIONARY.DUPLICATE_ITEM',
  ConcurrentUpdate = 'DICTIONARY.CONCURRENT_UPDATE',
}

export class DictionaryError extends codedErrors<DictionaryErrorCode>({
  [DictionaryErrorCode.NotFound]: 'not_found',
  [DictionaryErrorCode.NotEditable]: 'conflict',
  [DictionaryErrorCode.Duplicate]: 'conflict',
  [DictionaryErrorCode.ConcurrentUpdate]: 'conflict',
}) {}
