#!/usr/bin/env bash
# Builds the server's browser pages (web/) into the folder $1; mvn package runs it (http/pom.xml) with
# http/target/classes/web, so the pages end up in the server jar. Needs node >= 20 and the root `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1; then
  echo "web/build.sh: node is not on the PATH. The server jar bundles its pages (/demo) built from web/ with" >&2
  echo "  node >= 20: install node and npm, run 'npm ci --no-audit --no-fund' at the repository root, build again." >&2
  exit 1
fi
if [ ! -f node_modules/esbuild/package.json ]; then
  echo "web/build.sh: node_modules/esbuild is missing: run 'npm ci --no-audit --no-fund' at the repository root" >&2
  echo "  (one npm workspace: js/, bench/ and web/), then build again." >&2
  exit 1
fi
exec node web/build.mjs --out "$1"
