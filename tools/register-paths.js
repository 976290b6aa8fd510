// Loaded with `node -r ./tools/register-paths.js dist/apps/<app>/src/main.js`: resolves the
// workspace's `@crm/<lib>` imports to the compiled libraries in dist/, as tsconfig paths do at
// compile time. Production images do the same with their own copy of dist/.
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.base.json');

const dist = process.env.CRM_DIST_DIR ?? path.join(__dirname, '..', 'dist');
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, targets]) => [alias, targets.map((t) => t.replace(/\.ts$/, ''))]),
);
tsconfigPaths.register({ baseUrl: dist, paths, addMatchAll: false });
require('reflect-metadata');
