/** The sales system's date as `YYYY-MM-DD`, whatever its driver hands back (a string, or a Date at UTC midnight). */
export function calendarDate(value: string | Date): string {
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}
