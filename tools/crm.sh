#!/usr/bin/env bash
# The project's entry points: `npm start` / `npm test` (see README). Bootstraps Node 24 and the
# dependencies when missing, so both work on a fresh machine of this kind.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

build() { tsc -p tsconfig.build.json; }

case "${1:-}" in
  start)
    build
    exec node tools/system/start.js
    ;;
  build)
    build
    ;;
  # Node scripts run here, after env.sh, so they get Node 24 (npm would run them on the
  # machine's Node 20, where better-sqlite3 crashes).
  bench)
    build
    exec node tools/bench/bench.js "${@:2}"
    ;;
  db-migration)
    build
    exec node tools/db/create-migration.js "${@:2}"
    ;;
  # Recomputes the reporting service's aggregates from the facts it kept (README "Reports").
  reports-rebuild)
    build
    exec node -r ./tools/register-paths.js dist/apps/reporting/src/database/rebuild.js "${@:2}"
    ;;
  messaging)
    build
    exec node -r ./tools/register-paths.js dist/libs/messaging/src/admin/cli/main.js "${@:2}"
    ;;
  bench-events)
    NODE_OPTIONS='--experimental-vm-modules --no-warnings=ExperimentalWarning' \
      jest -c libs/messaging/bench/jest.config.js --verbose=false
    ;;
  lint)
    nx run-many -t lint --outputStyle=static
    ;;
  test)
    echo "== type check" && tsc -p tsconfig.json
    echo "== lint (module boundaries)" && nx run-many -t lint --outputStyle=static
    echo "== build" && build
    echo "== tests (real RabbitMQ and databases)"
    rm -rf dist/test-results && mkdir -p dist/test-results
    status=0
    nx run-many -t test --outputStyle=static --parallel=1 || status=$?
    node tools/test-summary.js dist/test-results
    exit $status
    ;;
  *)
    echo "usage: tools/crm.sh start|test|build|lint|bench|bench-events|db-migration|messaging|reports-rebuild" >&2
    exit 2
    ;;
esac
