import { codedErrors } from '@crm/contracts';

export enum DictionaryOptionErrorCode {
  /** A select-like field holds text that is not a live item of its dictionary category. */
  InvalidOption = 'DICTIONARY.INVALID_OPTION',
}

/** Errors of validating against the data dictionary; the HTTP filter maps `invalid` to 400 with `errors`. */
export class DictionaryOptionError extends codedErrors<DictionaryOptionErrorCode>({
  [DictionaryOptionErrorCode.InvalidOption]: 'invalid',
}) {}
