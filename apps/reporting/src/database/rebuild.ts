// Recomputes the reports' pre-aggregated rows from the facts this service kept (the events it
// consumed), in one transaction, while the service may go on consuming (see RebuildReports).
// Prints one JSON line with what it read and wrote and how long it took; exit 0, or 1 when it
// failed (nothing changed then).
//   node -r ./tools/register-paths.js dist/apps/reporting/src/database/rebuild.js
import 'reflect-metadata';
import { runRebuildCommand } from '../rebuild/rebuild-command';

runRebuildCommand(process.env, (line) => {
  const stream = line.level === 'info' ? process.stdout : process.stderr;
  stream.write(JSON.stringify(line) + '\n');
}).then((code) => {
  process.exitCode = code;
});
