#!/bin/sh
# Run every fuzz target for SECONDS each (default 600), one after another; crashes land in artifacts/.
# Needs: cargo install cargo-fuzz. Usage: sh fuzz/run.sh [SECONDS]
set -eu
cd "$(dirname "$0")"
secs=${1:-600}
sh seed.sh
for t in decode_input xml_model verify redaction config_yaml keycloak_json rule_pack; do
  echo "== $t ($secs s)"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -max_len=1048576 2>&1 | grep -E "^#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs|ERROR|SUMMARY|crash-|Test unit written" | tail -5
done
