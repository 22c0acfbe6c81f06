#!/usr/bin/env bash
# The run command: installs what is missing, builds the release, and starts Hotline 12345 on
# the embedded SQLite database (var/hotline.db) with the demo data set, at
# http://127.0.0.1:3000. Extra arguments go to the server (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_build_tools

# The build: hashed file names and, written once, a brotli and a gzip copy of each
# front-end file, which the server sends as they are; skipped when nothing changed.
build_release_if_changed
export HOTLINE_DATA_DIR=${HOTLINE_DATA_DIR:-var}
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
exec target/release/hotline "$@"
