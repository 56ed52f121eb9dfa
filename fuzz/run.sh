#!/bin/sh
# Run every fuzz target for SECONDS each (default 600), one after another; crashes land in artifacts/.
# Needs: cargo install cargo-fuzz; verify_differential and sign_differential (built with the xmlsec feature) also libxmlsec1-dev,
# libxml2-dev, libclang-dev. Usage: sh fuzz/run.sh [SECONDS]
set -eu
cd "$(dirname "$0")"
secs=${1:-600}
sh seed.sh
for t in decode_input xml_model verify redaction config_yaml keycloak_json rule_pack verify_differential c14n_differential decrypt_differential sign_differential; do
  echo "== $t ($secs s)"
  features="" dict=""
  [ "$t" = verify_differential ] && features="--features xmlsec" dict="-dict=$PWD/verify_differential.dict"
  [ "$t" = sign_differential ] && features="--features xmlsec"
  [ "$t" = c14n_differential ] && dict="-dict=$PWD/verify_differential.dict"
  # shellcheck disable=SC2086
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O $features "$t" -- $dict -max_total_time="$secs" -rss_limit_mb=4096 -max_len=1048576 2>&1 | grep -E "^#[0-9]+.*(DONE|pulse)|Done [0-9]+ runs|ERROR|SUMMARY|crash-|Test unit written" | tail -5
done
