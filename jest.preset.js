// Shared jest settings: ts-jest transpiles (type checking is `tsc -p tsconfig.json` in CI),
// tsconfig paths map @crm/* to the libs' sources, and integration tests share one global setup
// that decides where RabbitMQ and the databases come from (containers or local services).
const path = require('node:path');
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

// `nx run <project>:test` writes jest's JSON results here; tools/test-summary.js adds them up.
require('node:fs').mkdirSync(path.join(__dirname, 'dist', 'test-results'), { recursive: true });

module.exports = function preset(projectDir) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
    moduleFileExtensions: ['ts', 'js', 'json'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.jest.json') }],
    },
    moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: path.join(__dirname, '/') }),
    globalSetup: path.join(__dirname, 'libs/testing/src/jest/global-setup.js'),
    globalTeardown: path.join(__dirname, 'libs/testing/src/jest/global-teardown.js'),
    setupFiles: [path.join(__dirname, 'libs/testing/src/jest/setup-file.js')],
    testTimeout: 60000,
    maxWorkers: 1,
  };
};
