#!/usr/bin/env bash
# Regenerates architecture.svg from architecture.dot. Needs Graphviz (Debian package `graphviz`, command `dot`);
# only for editing the picture: building and testing the server do not need it.
set -euo pipefail
cd "$(dirname "$0")"
dot -Tsvg architecture.dot -o architecture.svg
