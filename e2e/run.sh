#!/bin/sh
# End-to-end capture: set up the SimpleSAMLphp IdP in OUTDIR/idp, serve it on 127.0.0.1 with php -S,
# record one HAR per scenario with headless Chromium (e2e/har-flow.mjs), and stop the server by its PID.
# Run it inside a network namespace that has only loopback, so nothing can leave the machine:
#   unshare -n sh -c 'ip link set lo up && sh e2e/run.sh OUTDIR'
# (tests/e2e.rs does exactly that). Leave the server running for exploration with KEEP=1.
# Prerequisites: apt-get install simplesamlphp php-cli php-xml php-mbstring chromium opensaml-tools;
# npm ci --prefix tests/node (playwright-core).
set -eu
cd "$(dirname "$0")/.."
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
PORT=${PORT:-8089}
BASE="http://127.0.0.1:$PORT/simplesaml"
sh e2e/setup-idp.sh "$OUT/idp" >/dev/null
SIMPLESAMLPHP_CONFIG_DIR="$OUT/idp/config" php -S "127.0.0.1:$PORT" -t "$OUT/idp/docroot" \
  >"$OUT/idp/log/php-server.log" 2>&1 &
PHP_PID=$!
[ "${KEEP:-0}" = 1 ] || trap 'kill "$PHP_PID" 2>/dev/null || true' EXIT INT TERM
i=0
until curl -fsS -o "$OUT/idp-metadata.xml" "$BASE/saml2/idp/metadata.php" 2>/dev/null; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "run.sh: the IdP did not answer on $BASE" >&2; exit 1; }
  sleep 0.1
done
cp "$OUT/idp/cert/idp.crt" "$OUT/idp-cert.pem"
cp "$OUT/idp/cert/other.crt" "$OUT/other-cert.pem"
pairs=""
for v in ok:1 nameid-transient:2 nameid-username:3 missing-names:4 name-is-email:5 unsigned:6 sha1:7 group-slash:8; do
  pairs="$pairs ${v%%:*}=https://auth.atlassian.com/saml/11111111-0000-4000-8000-00000000000${v##*:}"
done
# The correct configuration once more, SP-initiated (a crafted AuthnRequest over the Redirect binding).
pairs="$pairs ok+sp=https://auth.atlassian.com/saml/11111111-0000-4000-8000-000000000001"
# shellcheck disable=SC2086
node e2e/har-flow.mjs "$BASE" "$OUT" $pairs
