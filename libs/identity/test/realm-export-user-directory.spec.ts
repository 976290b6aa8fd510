import { RealmExportUserDirectory } from '../src';
import { DEMO_USER_IDS, REALM_FILE } from './support/realm-file';

describe('RealmExportUserDirectory', () => {
  const directory = new RealmExportUserDirectory(REALM_FILE);

  it('lists everybody, disabled users included, sorted by name', async () => {
    const users = await directory.listUsers();
    expect(users.map((u) => u.username)).toEqual(['admin', 'executive', 'manager1', 'manager2', 'manager3', 'supervisor']);
  });

  it('filters by role and leaves out disabled users when asked for active ones', async () => {
    expect((await directory.listUsers({ role: 'manager' })).map((u) => u.username)).toEqual(['manager1', 'manager2', 'manager3']);
    expect((await directory.listUsers({ role: 'manager', activeOnly: true })).map((u) => u.username)).toEqual(['manager1', 'manager2']);
    expect((await directory.listUsers({ activeOnly: true })).map((u) => u.username)).not.toContain('manager3');
    expect((await directory.listUsers({ role: 'executive' })).map((u) => u.username)).toEqual(['executive']);
  });

  it('finds a user by id, disabled ones too, and answers null for an unknown id', async () => {
    expect(await directory.findUser(DEMO_USER_IDS.supervisor)).toMatchObject({ username: 'supervisor', name: 'Sam Supervisor', roles: ['supervisor'] });
    expect(await directory.findUser(DEMO_USER_IDS.manager3)).toMatchObject({ username: 'manager3', enabled: false });
    expect(await directory.findUser('no-such-id')).toBeNull();
  });

  it('hands out copies: a caller cannot change the directory', async () => {
    const [first] = await directory.listUsers({ role: 'admin' });
    first.roles.push('executive');
    expect((await directory.findUser(first.id))?.roles).toEqual(['admin']);
  });
});
