import type { DirectoryUser } from '../realm/realm-users';
import { matchesFilter } from './user-directory';

const user = (enabled: boolean, roles: DirectoryUser['roles']): DirectoryUser => ({ id: 'u', username: 'u', name: 'U', enabled, roles });

describe('matchesFilter', () => {
  it('keeps everyone without a filter, filters by role and by enabled', () => {
    expect(matchesFilter(user(false, []))).toBe(true);
    expect(matchesFilter(user(true, ['manager']), { role: 'manager' })).toBe(true);
    expect(matchesFilter(user(true, ['admin']), { role: 'manager' })).toBe(false);
    expect(matchesFilter(user(false, ['manager']), { role: 'manager', activeOnly: true })).toBe(false);
  });
});
