import { PermanentEventError } from '@crm/messaging';

/** Column lengths of the facts: the CRM's own values fit (customer numbers are `KH` + date + sequence). */
export const LENGTH = {
  id: 64,
  customerNo: 20,
  name: 100,
  /** Dictionary item texts (level, service type). */
  item: 50,
  status: 10,
} as const;

/**
 * The contracts bound none of these strings; a value longer than its column can never be kept, so
 * its event is dead-lettered at once with the reason, rather than failing on every retry
 * (PostgreSQL and SQL Server refuse it; SQLite would keep it, and the dialects would disagree).
 */
export function assertFits(what: string, values: Record<string, [string | null, number]>): void {
  for (const [field, [value, max]] of Object.entries(values)) {
    if (value !== null && value.length > max) {
      throw new PermanentEventError(`${what}: ${field} is ${value.length} characters, more than the ${max} this service keeps (${value.slice(0, 60)}…)`);
    }
  }
}
