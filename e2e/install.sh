#!/bin/sh
# Install what the end-to-end suites need from Debian's archive: SimpleSAMLphp (with PHP), Chromium,
# Shibboleth's samlsign (opensaml-tools), curl, iproute2, and Maven with a JDK for Keycloak. Then fetch
# the Keycloak server distribution from Maven Central and build it once (e2e/fetch-keycloak.sh; cached
# in ~/.cache/samlint-e2e, so a second run does nothing). simplesamlphp pulls in apache2: a policy-rc.d
# that refuses service starts is put in place for the install (and removed again if this script
# created it), so apache2 is never started and nothing listens beyond what the tests start on
# 127.0.0.1. Needs root (as the rest of the README's test command).
set -eu
P=/usr/sbin/policy-rc.d
made=0
if [ ! -e "$P" ]; then
  printf '#!/bin/sh\n# samlint e2e/install.sh: no service starts during this install\nexit 101\n' > "$P"
  chmod +x "$P"
  made=1
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  simplesamlphp php-cli php-xml php-mbstring chromium opensaml-tools curl iproute2 openssl \
  maven openjdk-17-jdk-headless
if [ "$made" = 1 ]; then rm -f "$P"; fi
sh "$(dirname "$0")/fetch-keycloak.sh" >/dev/null
