#!/usr/bin/env bash
# The run command: installs what is missing, builds the release, and starts Hotline 12345 on
# the embedded SQLite database (var/hotline.db) with the demo data set, at
# http://127.0.0.1:3000. Extra arguments go to the server (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_build_tools

# The build: hashed file names and, written once here, a brotli and a gzip copy of each
# front-end file, which the server sends as they are. A start with nothing changed since the
# last build skips it (cargo-leptos would run wasm-bindgen and wasm-opt on the whole bundle
# again: two minutes on 2 cores).
fingerprint() {
  {
    rustc --version; cargo leptos --version
    { git ls-files -z --cached --others --exclude-standard 2>/dev/null \
        || find . \( -path ./target -o -path ./var -o -path ./.git \) -prune -o -type f -print0; } \
      | xargs -0 sha256sum 2>/dev/null
  } | sha256sum | cut -d' ' -f1 || true
}
stamp=target/release/.built-from
wanted=$(fingerprint)
if [ -x target/release/hotline ] && [ -f target/release/hash.txt ] \
    && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
  say "no change since the last build: starting it"
else
  build_release
  echo "$wanted" > "$stamp"
fi
export HOTLINE_DATA_DIR=${HOTLINE_DATA_DIR:-var}
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
exec target/release/hotline "$@"
