import { createReadStream, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { release } from './xlsx-rows';

describe('releasing exceljs’s spooled sheets', () => {
  it('deletes a spooled file whose stream has not opened it yet, without a late unhandled error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-spooled-'));
    const path = join(dir, 'tmp-sheet');
    writeFileSync(path, '<worksheet/>');
    const uncaught: Error[] = [];
    const onUncaught = (error: Error) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      // As exceljs hands one out: created, its open still pending when reading stops early.
      const stream = createReadStream(path);
      const gone = createReadStream(join(dir, 'already-deleted'));
      await release([stream, gone]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(existsSync(path)).toBe(false);
      expect(stream.destroyed && gone.destroyed).toBe(true);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
