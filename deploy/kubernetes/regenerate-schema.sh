#!/usr/bin/env bash
# Rewrites postgres-schema.yaml from the schema file the server itself uses.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sql="$here/../../persistence/src/main/resources/schema/realtime-postgres.sql"
{ sed -n '1,/^  01-realtime-schema.sql: |$/p' "$here/postgres-schema.yaml"; sed 's/^/    /' "$sql"; } >"$here/postgres-schema.yaml.new"
mv "$here/postgres-schema.yaml.new" "$here/postgres-schema.yaml"
