import { DomainError } from '@crm/contracts';

/**
 * Optimistic concurrency over HTTP (RFC 9110 §13.1.1): a record's responses carry its version as
 * a strong ETag, `"<version>"`; a client that sends it back in If-Match updates only that version
 * and gets 412 when someone else changed the record since it read it.
 */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version an If-Match header names: `"7"` (also weak `W/"7"`), undefined without a header or
 * for `*`. Several tags or anything else is a 400, never silently ignored.
 */
export function versionFromIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*' || value === '') return undefined;
  const match = /^(?:W\/)?"(\d{1,15})"$/.exec(value);
  if (!match) {
    throw new DomainError('VALIDATION.FAILED', 'invalid', 'If-Match must be the ETag of the record, e.g. "3".', [
      { field: 'If-Match', message: 'must be one ETag as sent by this API, e.g. "3"' },
    ]);
  }
  return Number(match[1]);
}
