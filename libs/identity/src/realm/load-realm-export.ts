import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type RealmExport, realmExportSchema } from './realm-export.schema';
import { RealmErrorCode, RealmExportError } from './realm.errors';

/** Reads and validates a Keycloak realm export (the file a real Keycloak imports). */
export function loadRealmExport(path: string): RealmExport {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RealmExportError(RealmErrorCode.FileUnreadable, `Cannot read realm export ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RealmExportError(RealmErrorCode.Invalid, `Realm export ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = realmExportSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new RealmExportError(RealmErrorCode.Invalid, `Realm export ${file} is invalid: ${issues}`);
  }
  return parsed.data;
}
