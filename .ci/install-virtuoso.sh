#!/usr/bin/env bash
# Virtuoso 7 from Debian, for the tests that run OccuGraph against a real SPARQL server
# (tests/test_remote_virtuoso.py). The tests start their own scratch server on loopback; this only
# installs the binaries (virtuoso-t, isql-vt). Runs as root; without root it says so and does nothing.
set -euo pipefail
if command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "install-virtuoso: not root, skipping; the Virtuoso tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# The package asks for a DBA password. Answer in advance with an empty one (the package then keeps
# its default and prints a note): the tests never use the package's database, they make their own.
debconf-set-selections <<'SEL'
virtuoso-opensource-7 virtuoso-opensource-7/dba-password password
virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password
SEL
# Keep the package's own service (ports 1111 and 8890 on every interface) from starting.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null
