#!/usr/bin/env bash
# Provision a store for the reference bridge with everything xbconform needs, and write
# the fixture file describing it (format: conformance/README.md, "Fixture file").
#
#   conformance/tools/ref-fixture.sh STORE FIXTURE
#
# STORE must not exist yet (a fresh store) and must not be held by a running xbridge:
# the store is locked while the bridge runs, so provision first, then start the bridge.
# Uses $XB_BUILD/xbdemo (default build/xbdemo).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
XB_BUILD="${XB_BUILD:-$ROOT/build}"
DEMO="$XB_BUILD/xbdemo"

[ $# -eq 2 ] || { echo "usage: $0 STORE FIXTURE" >&2; exit 2; }
db=$1
out=$2
[ -x "$DEMO" ] || { echo "ref-fixture: $DEMO is not built (make $DEMO)" >&2; exit 1; }
[ ! -e "$db" ] || { echo "ref-fixture: $db exists; the fixture needs a fresh store" >&2; exit 1; }

x() { "$DEMO" --db "$db" "$@"; }

owner=cfowner
other=cfother
key_master=$(x user "$owner")
key_other=$(x user "$other")

feed_public=$(x feed "$owner" "cf public")
feed_private=$(x feed "$owner" "cf private" --private)
feed_canon=$(x feed "$owner" "Office")
feed_other=$(x feed "$other" "cf other private" --private)
feed_other_public=$(x feed "$other" "cf other public")

for ds in cf_pub cf_never cf_will; do x datastream "$owner" "$feed_public" "$ds"; done
for ds in cf_priv cf_priv2; do x datastream "$owner" "$feed_private" "$ds"; done
for ds in 0 temp; do x datastream "$owner" "$feed_canon" "$ds"; done
x datastream "$other" "$feed_other" cf_other
x datastream "$other" "$feed_other_public" cf_other_pub

key_readonly=$(x key "$owner" --label "cf readonly" --private-access --perm get)
key_feed=$(x key "$owner" --label "cf feed" --private-access --perm "get,put,post:$feed_public")
key_ds=$(x key "$owner" --label "cf datastream" --private-access --perm "get,put:$feed_private:cf_priv")
key_nopriv=$(x key "$owner" --label "cf no private access" --perm get,put,post)
key_ip=$(x key "$owner" --label "cf other address" --private-access --perm "get,put,post,delete@192.0.2.1")
# Never provisioned: 40 random hex digits behind a prefix no generated key has.
key_invalid="cfnokey$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"

cat > "$out" <<FIXTURE
# xbconform fixture for the reference bridge, written by conformance/tools/ref-fixture.sh
# store: $db
owner_login = $owner
other_login = $other
key_master = $key_master
key_readonly = $key_readonly
key_feed = $key_feed
key_ds = $key_ds
key_nopriv = $key_nopriv
key_ip = $key_ip
key_other = $key_other
key_invalid = $key_invalid
feed_public = $feed_public
feed_private = $feed_private
feed_canon = $feed_canon
feed_other = $feed_other
feed_other_public = $feed_other_public
feed_missing = 2147483600
ds_public = cf_pub
ds_never = cf_never
ds_will = cf_will
ds_private = cf_priv
ds_private2 = cf_priv2
ds_other = cf_other
ds_other_public = cf_other_pub
# the reference bridge's defaults (spec/limits.md)
api_base_url = https://api.xively.com
site_base_url = https://xively.com
max_client_id = 128
max_packet_size = 262144
max_payload_size = 65536
max_topic_length = 1024
max_subscriptions = 64
max_inflight_qos2 = 64
connect_timeout = 10
tls_handshake_timeout = 10
max_datapoints = 500
FIXTURE
echo "ref-fixture: $out written for store $db"
