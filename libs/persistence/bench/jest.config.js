// The text-search benchmark runs through jest (the project's TypeScript runner, with the global
// setup choosing PostgreSQL): `npx jest -c libs/persistence/bench/jest.config.js` (with
// NODE_OPTIONS=--experimental-vm-modules, as every jest run here). It prints figures and asserts
// only that both tables give the same answers.
const preset = require('../../../jest.preset.js')(require('node:path').join(__dirname, '..'));
module.exports = { ...preset, testMatch: ['<rootDir>/bench/**/*.bench.ts'], testTimeout: 1_800_000 };
