import { DomainError } from '@crm/contracts';
import { etagOf, versionFromIfMatch } from './etag';

describe('ETag / If-Match', () => {
  it('round-trips a version, strong or weak', () => {
    expect(versionFromIfMatch(etagOf(7))).toBe(7);
    expect(versionFromIfMatch('W/"12"')).toBe(12);
  });

  it('treats a missing header and * as "any version"', () => {
    expect(versionFromIfMatch(undefined)).toBeUndefined();
    expect(versionFromIfMatch('*')).toBeUndefined();
  });

  it('refuses anything else with a field error instead of ignoring it', () => {
    for (const bad of ['7', '"a"', '"1", "2"', '"1e3"']) {
      expect(() => versionFromIfMatch(bad)).toThrow(DomainError);
    }
  });
});
