#!/usr/bin/env bash
# The test command: every test of Hotline 12345 — unit tests, the storage conformance suite
# on SQLite and on PostgreSQL, the HTTP API tests, and the browser tests against the release
# build. Installs what is missing first (a PostgreSQL included, if none is reachable).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# Each step's wall time, printed as it ends and again as a table at the end, so a slow
# CI run says where its minutes went (BENCHMARKS.md keeps the figures).
timings=() step_name="" step_started=$SECONDS
end_step() {
  if [[ -n "$step_name" ]]; then
    timings+=("$(printf '%5d s  %s' $((SECONDS - step_started)) "$step_name")")
    printf '\033[1m-- %s: %d s\033[0m\n' "$step_name" $((SECONDS - step_started)) >&2
  fi
}
step() { end_step; step_name="$*" step_started=$SECONDS; printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
summary() {
  local rc=$?
  end_step
  step_name=""
  printf '\n\033[1m== step times (exit %d)\033[0m\n' "$rc" >&2
  printf '%s\n' "${timings[@]}" >&2
}
trap summary EXIT

step "set-up (build tools, Chromium, PostgreSQL)"
setup_build_tools
setup_browser_tools
setup_postgres

step "format"
cargo fmt --all -- --check

step "release build (server + WASM)"
# As the run command builds: hashed file names, brotli and gzip copies written once.
build_release

# Same LEPTOS_* environment as cargo-leptos's build, so the tests reuse its compiled
# dependencies instead of building them again.
export LEPTOS_OUTPUT_NAME=hotline LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR=127.0.0.1:3000 LEPTOS_RELOAD_PORT=3001 LEPTOS_LIB_DIR=frontend \
  LEPTOS_BIN_DIR=server LEPTOS_JS_MINIFY=true LEPTOS_HASH_FILES=true \
  LEPTOS_HASH_FILE_NAME=hash.txt

step "lint"
cargo clippy --release -p hotline-domain -p hotline-core -p hotline-server --all-targets -- -D warnings
cargo clippy --release -p hotline-app --features ssr -- -D warnings

step "unit, storage conformance (SQLite + PostgreSQL) and HTTP API tests"
cargo test --release -p hotline-domain -p hotline-core -p hotline-server

step "browser tests (Chromium, release build)"
(cd end2end && HOTLINE_BIN=../target/release/hotline node --test --test-concurrency=1 --test-timeout=300000 tests/)
