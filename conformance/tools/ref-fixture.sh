#!/usr/bin/env bash
# Provision a store for the reference bridge with everything xbconform needs, and write
# the fixture file describing it (format: conformance/README.md, "Fixture file").
#
#   conformance/tools/ref-fixture.sh STORE FIXTURE [--config BRIDGE_CONF]
#
# A thin wrapper over `xbadmin fixture` (impl/main/xbadmin.c), which does the work.
# STORE must not exist yet (a fresh store) and must not be held by a running xbridge:
# the store is locked while the bridge runs, so provision first, then start the bridge.
# Uses $XB_BUILD/xbadmin (default build/xbadmin).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
XB_BUILD="${XB_BUILD:-$ROOT/build}"
ADMIN="$XB_BUILD/xbadmin"

[ $# -ge 2 ] || { echo "usage: $0 STORE FIXTURE [--config BRIDGE_CONF]" >&2; exit 2; }
db=$1
out=$2
shift 2
[ -x "$ADMIN" ] || { echo "ref-fixture: $ADMIN is not built (make $ADMIN)" >&2; exit 1; }
[ ! -e "$db" ] || { echo "ref-fixture: $db exists; the fixture needs a fresh store" >&2; exit 1; }
"$ADMIN" --db "$db" fixture "$out" "$@" >/dev/null
echo "ref-fixture: $out written for store $db"
