#!/bin/sh
# A real Keycloak for samlint: start it on 127.0.0.1 with the embedded dev-file database (a fresh one in
# OUT), create the realm `acme` with two test users (alice: email, names, employeeNumber, groups; bob: no
# email), import the built-in Atlassian Cloud client scenarios (e2e/keycloak/clients/) and every client
# JSON given, export each client the ways users do, log in through each with headless Chromium (HARs),
# stop Keycloak by its PID, and export the realm once more with `kc.sh export`.
#
#   sh e2e/keycloak.sh OUT [CLIENT.json ...]
#
# Writes OUT/summary.json (what was imported, each login's outcome, timings), OUT/idp-metadata.xml (the
# realm's SAML descriptor), OUT/realm-partial-export.json (Realm settings › Partial export, clients
# included), OUT/realm-export.json (`kc.sh export`), and per client OUT/<clientId-slug>/export.json
# (Clients › Export), login.har (IdP-initiated, else SP-initiated), login-sp.har (SP-initiated, an
# unsigned AuthnRequest over the Redirect binding shaped like Atlassian's).
#
# Run it inside a network namespace that has only loopback, so nothing can leave the machine:
#   unshare -n sh -c 'ip link set lo up && sh e2e/keycloak.sh OUT'
# (tests/keycloak.rs does exactly that). Keycloak itself comes from Maven Central through
# e2e/fetch-keycloak.sh, which needs the network: e2e/install.sh runs it, or run it once by hand.
# With SAMLINT=path/to/samlint, each built-in client's export also goes through `samlint fix`; every
# export it changes is imported, byte for byte, into a second realm `acme-fixed` (same set-up and users)
# and logged in through once: OUT/<slug>/fixed.json (what samlint wrote), fixed-reexport.json (the
# imported client exported again), fixed-login.har, and OUT/fixed-idp-metadata.xml (that realm's
# descriptor). tests/keycloak.rs passes its own samlint.
# Env: PORT (8180), BUILTIN=0 (only the clients given), KEEP=1 (leave Keycloak running for exploration;
# no `kc.sh export` then), SAMLINT, KC_VERSION, SAMLINT_E2E_CACHE (see fetch-keycloak.sh).
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: sh e2e/keycloak.sh OUT [CLIENT.json ...]" >&2; exit 2; }
OUT=$(mkdir -p "$1" && cd "$1" && pwd)
shift
for f in "$@"; do [ -f "$f" ] || { echo "keycloak.sh: no such file: $f" >&2; exit 2; }; done
PORT=${PORT:-8180}
BASE="http://127.0.0.1:$PORT"
ADMIN=admin
ADMIN_PASSWORD=samlint-e2e-admin
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
KH=$(sh e2e/fetch-keycloak.sh) || { echo "keycloak.sh: Keycloak is not in the cache and could not be fetched (run sh e2e/fetch-keycloak.sh where Maven Central is reachable)" >&2; exit 2; }
KV=$(cat "$KH/version.txt" 2>/dev/null | sed -n 's/.*Keycloak - Version //p')
# A fresh database for every run, in OUT (never in the shared distribution folder).
rm -rf "$OUT/keycloak"
mkdir -p "$OUT/keycloak"
DB_URL="jdbc:h2:file:$OUT/keycloak/h2/keycloakdb;NON_KEYWORDS=VALUE"
# The distribution was built once by fetch-keycloak.sh (`kc.sh build`, the slow "augmentation"), so the
# server and the export both start with --optimized. The settings start-dev would add are given here:
# plain HTTP on 127.0.0.1, no fixed hostname (the realm's URL is http://127.0.0.1:PORT/realms/acme).
T0=$(now)
KC_BOOTSTRAP_ADMIN_USERNAME=$ADMIN KC_BOOTSTRAP_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  "$KH/bin/kc.sh" start --optimized --http-enabled=true --hostname-strict=false \
  --http-host=127.0.0.1 --http-port="$PORT" --db-url="$DB_URL" \
  >"$OUT/keycloak/server.log" 2>&1 &
KC_PID=$!
stop() {
  # kc.sh forwards TERM to its java child and waits for it.
  kill -TERM "$KC_PID" 2>/dev/null || return 0
  i=0
  while kill -0 "$KC_PID" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -ge 600 ]; then echo "keycloak.sh: Keycloak (PID $KC_PID) did not stop; killing it" >&2; kill -KILL "$KC_PID" 2>/dev/null || true; break; fi
    sleep 0.1
  done
  wait "$KC_PID" 2>/dev/null || true
}
[ "${KEEP:-0}" = 1 ] || trap stop EXIT INT TERM
i=0
until curl -fs -o /dev/null "$BASE/realms/master"; do
  kill -0 "$KC_PID" 2>/dev/null || { echo "keycloak.sh: Keycloak exited; see $OUT/keycloak/server.log" >&2; tail -20 "$OUT/keycloak/server.log" >&2; exit 1; }
  i=$((i + 1)); [ $i -lt 6000 ] || { echo "keycloak.sh: Keycloak did not answer on $BASE within 10 minutes" >&2; exit 1; }
  sleep 0.1
done
T1=$(now)
START=$(secs "$T0" "$T1")
echo "keycloak.sh: Keycloak $KV answered on $BASE after $START s (fresh database)" >&2
KC_ADMIN=$ADMIN KC_ADMIN_PASSWORD=$ADMIN_PASSWORD node e2e/keycloak-flow.mjs "$BASE" "$OUT" "$@"
T2=$(now)
EXPORT_S=null
if [ "${KEEP:-0}" = 1 ]; then
  echo "keycloak.sh: Keycloak left running (KEEP=1): $BASE/admin/ (user $ADMIN, password $ADMIN_PASSWORD), realm acme; stop it with: kill $KC_PID" >&2
else
  stop
  trap - EXIT INT TERM
  # `kc.sh export` reads the database directly, so it runs once the server has stopped.
  T3=$(now)
  "$KH/bin/kc.sh" export --optimized --db-url="$DB_URL" --realm acme --file "$OUT/realm-export.json" \
    >"$OUT/keycloak/export.log" 2>&1 || { echo "keycloak.sh: kc.sh export failed; see $OUT/keycloak/export.log" >&2; exit 1; }
  EXPORT_S=$(secs "$T3" "$(now)")
fi
node -e '
const fs = require("fs");
const [out, version, start, flow, exp] = process.argv.slice(1);
const s = JSON.parse(fs.readFileSync(out + "/flow.json", "utf8"));
s.keycloak = { version, start_s: Number(start), flow_s: Number(flow), kc_export_s: exp === "null" ? null : Number(exp) };
s.idp_metadata = out + "/idp-metadata.xml";
s.partial_export = out + "/realm-partial-export.json";
s.kc_export = exp === "null" ? null : out + "/realm-export.json";
fs.writeFileSync(out + "/summary.json", JSON.stringify(s, null, 2) + "\n");
' "$OUT" "$KV" "$START" "$(secs "$T1" "$T2")" "$EXPORT_S"
echo "keycloak.sh: wrote $OUT/summary.json; lint a client and its login with" >&2
echo "  samlint check $OUT/<client>/login.har --keycloak $OUT/<client>/export.json --idp-metadata $OUT/idp-metadata.xml" >&2
