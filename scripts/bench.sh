#!/usr/bin/env bash
# Benchmarks whose figures BENCHMARKS.md reports. Needs a PostgreSQL like the tests do
# (HOTLINE_TEST_PG_URL, else the local server, else a private cluster).
#
#   bash scripts/bench.sh [articles] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_postgres
cargo run --release -p hotline-core --example kb_bench -- "${1:-50000}" "${2:-5}"
