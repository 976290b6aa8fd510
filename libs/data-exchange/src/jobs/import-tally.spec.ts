import { ImportTally } from './import-tally';

describe('ImportTally', () => {
  it('keeps every problem row up to the limit (then says truncated) and fills the rest with written rows, in row order', () => {
    const tally = new ImportTally(3);
    tally.applied([{ rowNumber: 2, outcome: 'create', row: {} }], ['id-2']);
    tally.rejected(3, [{ field: 'name', message: 'should not be empty' }], 'k3');
    tally.applied([{ rowNumber: 4, outcome: 'update', row: {}, id: 'id-4' }], undefined);
    expect(tally.report()).toEqual({
      truncated: false,
      limit: 3,
      items: [
        { row: 2, outcome: 'created', id: 'id-2' },
        { row: 3, outcome: 'rejected', key: 'k3', errors: [{ field: 'name', message: 'should not be empty' }] },
        { row: 4, outcome: 'updated', id: 'id-4' },
      ],
    });
    for (let row = 5; row < 10; row++) tally.duplicate(row, [{ field: 'name', message: 'exists' }]);
    const report = tally.report();
    expect(report.truncated).toBe(true);
    expect(report.items.map((item) => item.row)).toEqual([3, 5, 6]);
    expect(tally.counts).toEqual({ valid: 0, created: 1, updated: 1, rejected: 1, duplicates: 5 });
  });

  it('forgets what was written when the transaction rolled back', () => {
    const tally = new ImportTally(10);
    tally.valid();
    tally.applied([{ rowNumber: 2, outcome: 'create', row: {} }], ['a']);
    tally.rejected(3, [{ field: 'x', message: 'bad' }]);
    expect(tally.rolledBack().counts).toEqual({ valid: 1, created: 0, updated: 0, rejected: 1, duplicates: 0 });
    expect(tally.report().items.map((item) => item.outcome)).toEqual(['rejected']);
  });
});
