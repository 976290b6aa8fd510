import { churnCutoff, companyDate, minusMonths } from './six-months';

describe('the six months of the churn rule', () => {
  it('counts calendar months back, a day the month lacks becoming its last', () => {
    expect(minusMonths('2026-12-05', 6)).toBe('2026-06-05');
    expect(minusMonths('2026-03-15', 6)).toBe('2025-09-15');
    expect(minusMonths('2026-08-31', 6)).toBe('2026-02-28');
    expect(minusMonths('2028-08-31', 6)).toBe('2028-02-29');
    expect(minusMonths('2026-12-31', 6)).toBe('2026-06-30');
    expect(minusMonths('2026-06-30', 6)).toBe('2025-12-30');
  });

  it('starts from the company’s date, not UTC’s', () => {
    // Saturday 02:00 in Shanghai is still Friday in UTC.
    const saturday0200 = new Date('2026-12-04T18:00:00.000Z');
    expect(companyDate(saturday0200, 'Asia/Shanghai')).toBe('2026-12-05');
    expect(churnCutoff(saturday0200, 'Asia/Shanghai')).toBe('2026-06-05');
    expect(churnCutoff(saturday0200, 'UTC')).toBe('2026-06-04');
  });
});
