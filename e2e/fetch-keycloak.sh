#!/bin/sh
# Fetch the Keycloak server distribution from Maven Central (org.keycloak:keycloak-quarkus-dist, tar.gz)
# with Maven, unpack it into the cache folder and build it once (`kc.sh build`: the slow Quarkus
# "augmentation", for the embedded dev-file database and a local cache), so that e2e/keycloak.sh can
# start the server and run `kc.sh export` with --optimized and never rebuild. A later call finds the
# built copy and does nothing. Prints the Keycloak home folder. Needs the network (e2e/install.sh runs
# it outside the test's network namespace).
# `sh e2e/fetch-keycloak.sh --cached` only prints the folder when it is there (exit 3 when not).
# Env: KC_VERSION (default 26.7.3), SAMLINT_E2E_CACHE (default ~/.cache/samlint-e2e).
set -eu
V=${KC_VERSION:-26.7.3}
C=${SAMLINT_E2E_CACHE:-$HOME/.cache/samlint-e2e}
HOME_DIR="$C/keycloak-$V"
if [ -x "$HOME_DIR/bin/kc.sh" ] && [ -f "$HOME_DIR/.samlint-built" ]; then echo "$HOME_DIR"; exit 0; fi
if [ "${1:-}" = --cached ]; then echo "fetch-keycloak: Keycloak $V is not in $C (sh e2e/fetch-keycloak.sh fetches it)" >&2; exit 3; fi
command -v mvn >/dev/null || { echo "fetch-keycloak: mvn is missing (apt-get install maven)" >&2; exit 2; }
command -v java >/dev/null || { echo "fetch-keycloak: java is missing (apt-get install openjdk-17-jre-headless)" >&2; exit 2; }
mkdir -p "$C"
T=$(mktemp -d "$C/fetch.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
t0=$(date +%s)
mvn -B -q dependency:copy "-Dartifact=org.keycloak:keycloak-quarkus-dist:$V:tar.gz" \
  "-DoutputDirectory=$T" >&2
tar -xzf "$T/keycloak-quarkus-dist-$V.tar.gz" -C "$T"
rm -f "$T/keycloak-quarkus-dist-$V.tar.gz"
[ -x "$T/keycloak-$V/bin/kc.sh" ] || { echo "fetch-keycloak: no bin/kc.sh in the archive" >&2; exit 1; }
t1=$(date +%s)
"$T/keycloak-$V/bin/kc.sh" build --db=dev-file --cache=local >"$T/build.log" 2>&1 ||
  { cat "$T/build.log" >&2; echo "fetch-keycloak: kc.sh build failed" >&2; exit 1; }
t2=$(date +%s)
touch "$T/keycloak-$V/.samlint-built"
rm -rf "$HOME_DIR"
mv "$T/keycloak-$V" "$HOME_DIR"
echo "fetch-keycloak: Keycloak $V fetched in $((t1 - t0)) s, built in $((t2 - t1)) s: $HOME_DIR" >&2
echo "$HOME_DIR"
