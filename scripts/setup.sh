#!/usr/bin/env bash
# Installs what building Hotline 12345 needs, skipping whatever is already there.
# Sourced by run.sh and test.sh (so the PATH it sets carries over); safe to run again.
#
#   - the wasm32 target, cargo-leptos 0.3.9
#   - wasm-bindgen-cli at exactly the wasm-bindgen version in Cargo.lock (cargo-leptos
#     would otherwise try to download it from GitHub)
#   - wasm-opt from npm binaryen@132, first on PATH (Debian's binaryen 108 produces a
#     WASM that fails to hydrate: "WebAssembly.Table.set()" in the browser)
set -euo pipefail

HOTLINE_ROOT=${HOTLINE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HOTLINE_TOOLS=${HOTLINE_TOOLS:-$HOME/.cache/hotline-tools}
CARGO_LEPTOS_VERSION=0.3.9
BINARYEN_VERSION=132
export PATH="$HOTLINE_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "need root for: $*"; return 1; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

setup_build_tools() {
  command -v cargo >/dev/null && command -v rustup >/dev/null \
    || { say "Rust installed with rustup is required (https://rustup.rs)"; exit 1; }
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" \
      || rustup component add "$component"
  done
  command -v npm >/dev/null || apt_install nodejs npm
  # The browser tests and Playwright's driver need Node.js 20 or newer (Debian 13 ships it).
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$node_major" -lt 20 ]; then
    say "Node.js 20 or newer is required (found $(node --version 2>/dev/null || echo none))"
    exit 1
  fi

  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi

  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 13 minutes on 2 cores, once)"
    cargo install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  fi

  local wb_version
  wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' \
    "$HOTLINE_ROOT/Cargo.lock")
  if [ -z "$wb_version" ]; then
    say "Cargo.lock has no wasm-bindgen entry"; exit 1
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb_version\$"; then
    say "installing wasm-bindgen-cli $wb_version (matches Cargo.lock)"
    # No --locked: the registry copy of its lock file names versions not published yet.
    cargo install wasm-bindgen-cli --version "$wb_version" --force
  fi

  if ! "$HOTLINE_TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
    say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION)"
    mkdir -p "$HOTLINE_TOOLS"
    (cd "$HOTLINE_TOOLS" && { [ -f package.json ] || npm init -y >/dev/null; } \
      && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >/dev/null)
  fi
  case "$(command -v wasm-opt)" in
    "$HOTLINE_TOOLS"/*) ;;
    *) say "wasm-opt on PATH is not npm binaryen@$BINARYEN_VERSION"; exit 1 ;;
  esac
}

# Debian's Chromium, a CJK font (without one Chinese renders as boxes), and Playwright's
# driver from npm (never its own browser download).
setup_browser_tools() {
  apt_install chromium fonts-wqy-microhei
  if [ ! -d "$HOTLINE_ROOT/end2end/node_modules/playwright-core" ]; then
    say "installing the browser test driver (npm playwright-core)"
    (cd "$HOTLINE_ROOT/end2end" && npm ci --no-audit --no-fund --silent)
  fi
  setup_open311_client
}

# A third-party Open311 client for the interface's test (PyPI `georeport`, pinned), in its
# own virtual environment; HOTLINE_GEOREPORT_PYTHON names its interpreter.
setup_open311_client() {
  local venv="$HOTLINE_TOOLS/py-georeport"
  if ! "$venv/bin/python" -c 'import georeport' >/dev/null 2>&1; then
    say "installing the Open311 test client (PyPI georeport 0.3.1)"
    command -v python3 >/dev/null || apt_install python3
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      apt_install python3-venv
      rm -rf "$venv"
      python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check georeport==0.3.1
  fi
  export HOTLINE_GEOREPORT_PYTHON="$venv/bin/python"
}

# PostGIS for the PostgreSQL at $1 (the migrations run `CREATE EXTENSION postgis`): Debian's
# package for that server's major version, when the server is on this machine.
setup_postgis() {
  local url=$1 major
  if [ -n "$(psql "$url" -Atqc "select 1 from pg_available_extensions where name = 'postgis'")" ]; then
    return
  fi
  major=$(psql "$url" -Atqc 'show server_version_num')
  major=$((major / 10000))
  case "$url" in
    *@127.0.0.1[:/]*|*@localhost[:/]*|*@[:/]*) apt_install "postgresql-$major-postgis-3" ;;
    *) say "PostgreSQL at $url has no PostGIS: install it there (postgresql-$major-postgis-3)"
       return 1 ;;
  esac
}

# A PostgreSQL with PostGIS for the tests: HOTLINE_TEST_PG_URL if it answers, else the local
# server on 5432, else a private cluster of Debian's PostgreSQL started under $HOTLINE_TOOLS.
setup_postgres() {
  local url=${HOTLINE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
  command -v psql >/dev/null || apt_install postgresql-client
  if psql "$url" -Atqc 'select 1' >/dev/null 2>&1; then
    export HOTLINE_TEST_PG_URL=$url
    setup_postgis "$url"
    return
  fi
  say "no PostgreSQL at $url; starting a private cluster"
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    apt_install postgresql
    bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  local port=54329 data="$HOTLINE_TOOLS/pg-data" run=()
  # initdb refuses to run as root; the cluster then belongs to the postgres user.
  if [ "$(id -u)" = 0 ]; then
    run=(runuser -u postgres --)
    data=/var/tmp/hotline-pg-data
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    "${run[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust >/dev/null
  fi
  if ! "${run[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    "${run[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  export HOTLINE_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  psql "$HOTLINE_TEST_PG_URL" -Atqc 'select 1' >/dev/null
  setup_postgis "$HOTLINE_TEST_PG_URL"
  say "private PostgreSQL cluster at $HOTLINE_TEST_PG_URL"
}

# The release build of the whole site, as the server expects it: file names with a content
# hash (`hash-files` in Cargo.toml) and a brotli and a gzip copy of each file, which the
# server sends as they are. cargo-leptos's own gzip copies are a fifth larger than
# `gzip -9`'s (1.61 MB against 1.35 MB for the WASM), so they are written again.
build_release() {
  # `--split`: the back office's lazy routes become WASM chunks of their own
  # (app/src/pages/lazy.rs); the portal's pages load the main bundle only.
  cargo leptos build --release --precompress --split
  node "$HOTLINE_ROOT/scripts/check-split.mjs" "$HOTLINE_ROOT/target/site/pkg"
  find "$HOTLINE_ROOT/target/site" -type f ! -name '*.gz' ! -name '*.br' -print0 \
    | while IFS= read -r -d '' file; do gzip -9 -n -c "$file" > "$file.gz"; done
}

# The release build, skipped when nothing it is built from changed since the last one
# (cargo-leptos would run wasm-bindgen and wasm-opt on the whole bundle again: four to five
# minutes on 2 cores with the split bundle).
build_release_if_changed() {
  local stamp="$HOTLINE_ROOT/target/release/.built-from" wanted
  wanted=$(source_fingerprint)
  if [ -x "$HOTLINE_ROOT/target/release/hotline" ] && [ -f "$HOTLINE_ROOT/target/release/hash.txt" ] \
      && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then
    say "no change since the last build: using it"
  else
    build_release
    echo "$wanted" > "$stamp"
  fi
}

# What the release is built from: the toolchain and every file git would commit.
source_fingerprint() {
  (
    cd "$HOTLINE_ROOT"
    {
      rustc --version; cargo leptos --version
      { git ls-files -z --cached --others --exclude-standard 2>/dev/null \
          || find . \( -path ./target -o -path ./var -o -path ./.git \) -prune -o -type f -print0; } \
        | xargs -0 sha256sum 2>/dev/null
    } | sha256sum | cut -d' ' -f1 || true
  )
}
