import { CompanyCalendar } from './company-calendar';

describe('CompanyCalendar', () => {
  it('spans a day of the company’s zone, whatever the server’s', () => {
    const shanghai = new CompanyCalendar('Asia/Shanghai');
    expect(shanghai.startOf('2026-12-01').toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(shanghai.endOf('2026-12-01').toISOString()).toBe('2026-12-01T16:00:00.000Z');
    expect(shanghai.endOf('2026-12-31').toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(shanghai.endOf('2028-02-28').toISOString()).toBe('2028-02-28T16:00:00.000Z');
    expect(shanghai.startOf('2028-02-29').toISOString()).toBe('2028-02-28T16:00:00.000Z');
    expect(new CompanyCalendar('UTC').endOf('9999-12-31').getTime()).toBe(Date.UTC(10000, 0, 1));
  });

  it('follows daylight saving time, also where a transition skips or repeats midnight', () => {
    const berlin = new CompanyCalendar('Europe/Berlin');
    expect(berlin.startOf('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z'); // the 23-hour day
    expect(berlin.endOf('2026-03-29').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    // São Paulo, 2018-11-04: 00:00 became 01:00, so the day began at the transition.
    const saoPaulo = new CompanyCalendar('America/Sao_Paulo');
    expect(saoPaulo.startOf('2018-11-04').toISOString()).toBe('2018-11-04T03:00:00.000Z');
    expect(saoPaulo.startOf('2018-11-03').toISOString()).toBe('2018-11-03T03:00:00.000Z');
    // 2019-02-17: 00:00 went back to 23:00 of the 16th, which lasted 25 hours.
    expect(saoPaulo.startOf('2019-02-16').toISOString()).toBe('2019-02-16T02:00:00.000Z');
    expect(saoPaulo.endOf('2019-02-16').toISOString()).toBe('2019-02-17T03:00:00.000Z');
  });

  it('puts an instant in the company’s year, not UTC’s', () => {
    const shanghai = new CompanyCalendar('Asia/Shanghai');
    expect(shanghai.yearOf('2025-12-31T15:59:59.999Z')).toBe(2025);
    expect(shanghai.yearOf('2025-12-31T16:00:00.000Z')).toBe(2026);
    expect(shanghai.yearOf(new Date('2025-12-31T17:00:00Z'))).toBe(2026);
    expect(new CompanyCalendar('America/New_York').yearOf('2026-01-01T03:00:00Z')).toBe(2025);
  });
});
