// Prints one closing line over every project's jest results: "tests: N passed, N failed, N skipped".
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const totals = { passed: 0, failed: 0, skipped: 0, suitesFailed: 0 };
for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
  const result = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
  totals.passed += result.numPassedTests;
  totals.failed += result.numFailedTests;
  totals.skipped += result.numPendingTests + result.numTodoTests;
  totals.suitesFailed += result.numRuntimeErrorTestSuites;
}
if (totals.suitesFailed) console.log(`${totals.suitesFailed} test suites failed to run`);
console.log(`tests: ${totals.passed} passed, ${totals.failed + totals.suitesFailed} failed, ${totals.skipped} skipped`);
