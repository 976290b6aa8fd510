import { isCalendarDate } from './fields';

describe('isCalendarDate', () => {
  it.each(['2026-12-01', '2028-02-29', '2026-01-31', '1999-12-31', '9999-12-31'])('accepts %s', (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it.each([
    '2026-02-30',
    '2027-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-1-5',
    '26-01-05',
    '2026-01-05T00:00:00Z',
    ' 2026-01-05',
    '0999-01-01',
    '２０２６-01-05',
    '',
    20260105,
    null,
  ])('refuses %p', (value) => {
    expect(isCalendarDate(value)).toBe(false);
  });
});
