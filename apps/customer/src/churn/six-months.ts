import { companyDay } from '../customers/customer-numbers';

/** `YYYY-MM-DD` of `at` in the company's time zone. */
export function companyDate(at: Date, timeZone: string): string {
  const day = companyDay(at, timeZone);
  return `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
}

/** `date` (YYYY-MM-DD) minus whole calendar months; a day the target month lacks becomes its last (08-31 − 6 → 02-28). */
export function minusMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const index = year * 12 + (month - 1) - months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = index - targetYear * 12 + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  return `${String(targetYear).padStart(4, '0')}-${String(targetMonth).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

/**
 * The first day of the six months before `at` (requirements §2.5 "no order in the last 6 months"),
 * counted in company calendar days: the company's date of `at` minus six calendar months. An order
 * ON that day is within the six months; a customer whose last order is before it (or who never
 * ordered) is warned. On 2026-12-05 the cutoff is 2026-06-05: an order of 2026-06-05 keeps the
 * customer off the list, one of 2026-06-04 does not. An open warning is closed by an order dated on
 * or after the cutoff of its own warning day.
 */
export function churnCutoff(at: Date, timeZone: string): string {
  return minusMonths(companyDate(at, timeZone), 6);
}
