/**
 * The company's calendar (COMPANY_TIME_ZONE), whatever the time zone of the server or the user:
 * which instants a calendar date `YYYY-MM-DD` spans there (2026-12-01 in Asia/Shanghai is
 * [2026-11-30T16:00Z, 2026-12-01T16:00Z): a date-range filter's bounds), and which year an instant
 * falls in there (2025-12-31T17:00Z counts in 2026 in Shanghai: a report's year).
 */
export class CompanyCalendar {
  private readonly format: Intl.DateTimeFormat;
  private readonly years: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.years = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' });
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The first instant of the day: its midnight, or where a transition skips midnight, the first instant after it. */
  startOf(day: string): Date {
    const [year, month, date] = day.split('-').map(Number);
    return this.startAt(Date.UTC(year, month - 1, date));
  }

  /** The first instant after the day (the next day's start): an inclusive `to` date's exclusive bound. */
  endOf(day: string): Date {
    const [year, month, date] = day.split('-').map(Number);
    return this.startAt(Date.UTC(year, month - 1, date + 1));
  }

  /** The year of an instant on the company's calendar. */
  yearOf(instant: string | Date): number {
    return Number(this.years.format(typeof instant === 'string' ? new Date(instant) : instant));
  }

  /** `wallClock`: the day's midnight as if the zone were UTC. */
  private startAt(wallClock: number): Date {
    // The offset at a first guess, then at the instant that gives: right across a transition that day.
    const guess = wallClock - this.offsetAt(wallClock);
    const start = wallClock - this.offsetAt(guess);
    // Both offsets agree unless the transition skips midnight; then the day begins at the transition (the guess).
    return new Date(this.offsetAt(start) === this.offsetAt(guess) ? start : Math.max(start, guess));
  }

  /** Milliseconds the zone's wall clock is ahead of UTC at this instant. */
  private offsetAt(instant: number): number {
    const parts = Object.fromEntries(this.format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
    const wallClock = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
    return wallClock - Math.floor(instant / 1000) * 1000;
  }
}
