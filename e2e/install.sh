#!/bin/sh
# Install what the end-to-end suite needs from Debian's archive: SimpleSAMLphp (with PHP), Chromium,
# Shibboleth's samlsign (opensaml-tools), curl and iproute2. simplesamlphp pulls in apache2: a
# policy-rc.d that refuses service starts is put in place for the install (and removed again if this
# script created it), so apache2 is never started and nothing listens beyond what the tests start on
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
  simplesamlphp php-cli php-xml php-mbstring chromium opensaml-tools curl iproute2 openssl
if [ "$made" = 1 ]; then rm -f "$P"; fi
