// `npm run bench:events`: the event-burst benchmark runs through jest (the project's TypeScript
// runner, with the same global setup choosing RabbitMQ and PostgreSQL); it prints figures and
// asserts only that nothing failed.
const preset = require('../../../jest.preset.js')(require('node:path').join(__dirname, '..'));
module.exports = { ...preset, testMatch: ['<rootDir>/bench/**/*.bench.ts'], testTimeout: 600_000, forceExit: true };
