#!/usr/bin/env bash
# xbadmin, the operator's tool (spec/scope.md XB-SCOPE-8, XB-SCOPE-9, XB-SCOPE-19):
# what it prints, its exit statuses, and that a refused command changes nothing.
set -uo pipefail
B=${XB_BUILD:-build}
A=$B/xbadmin
dir=$(mktemp -d /tmp/xb-admin.XXXXXX)
trap 'kill $bridge 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
db=$dir/store.db
fails=0
check() { # name, condition result (0 = ok)
  if [ "$2" -eq 0 ]; then echo "  ok   $1"; else echo "  FAIL $1"; fails=$((fails + 1)); fi
}

# XB-SCOPE-8: a generated master key, printed alone on a line, exit 0.
key=$("$A" --db "$db" add-user alice); rc=$?
[[ $rc -eq 0 && $key =~ ^[0-9a-f]{40}$ ]]; check "XB-SCOPE-8 add-user prints a generated 40-hex key" $?
# XB-SCOPE-8: an explicit key is used as given.
k2=$("$A" --db "$db" add-user bob --key Bob_key_0123456789); rc=$?
[[ $rc -eq 0 && $k2 == Bob_key_0123456789 ]]; check "XB-SCOPE-8 add-user --key uses the key" $?
# XB-SCOPE-8: an existing login, an invalid login, a used key: status 1, nothing created.
"$A" --db "$db" add-user alice >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]; check "XB-SCOPE-8 existing login refused with status 1" $?
"$A" --db "$db" add-user 'bad login' >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]; check "XB-SCOPE-8 invalid login refused with status 1" $?
"$A" --db "$db" add-user carol --key Bob_key_0123456789 >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]; check "XB-SCOPE-8 used key refused with status 1" $?
users=$("$A" --db "$db" list-users alice)
[[ $users == *'"alice"'* && $users != *'"carol"'* ]]
check "XB-SCOPE-8 a refused add-user created nothing" $?

# XB-SCOPE-19: add-feed prints the id; --id chooses it; a used id is refused.
id=$("$A" --db "$db" add-feed alice Office); rc=$?
[[ $rc -eq 0 && $id =~ ^[0-9]+$ ]]; check "XB-SCOPE-19 add-feed prints the new id" $?
id504=$("$A" --db "$db" add-feed alice Lab --id 504 --private); rc=$?
[[ $rc -eq 0 && $id504 == 504 ]]; check "XB-SCOPE-19 add-feed --id 504" $?
"$A" --db "$db" add-feed alice Again --id 504 >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]; check "XB-SCOPE-19 a used id is refused with status 1" $?
"$A" --db "$db" add-feed nobody T >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]; check "XB-SCOPE-19 an unknown login is refused with status 1" $?
"$A" --db "$db" show alice /v2/feeds/504.json | grep -q '"private":"true"'
check "XB-SCOPE-19 --private makes a private feed" $?

# Keys and datastreams, and usage errors (status 2, store untouched).
"$A" --db "$db" add-datastream alice 504 temp; check "add-datastream" $?
dk=$("$A" --db "$db" add-key alice --perm get,put:504:temp@127.0.0.1 --label dev); rc=$?
[[ $rc -eq 0 && $dk =~ ^[0-9a-f]{40}$ ]]; check "add-key prints the key" $?
"$A" --db "$db" list-keys alice | grep -q "\"$dk\""; check "list-keys shows the new key" $?
"$A" --db "$db" add-key alice --perm bogus >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ]; check "a bad --perm is a usage error (status 2)" $?
"$A" --db "$db" frobnicate >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ]; check "an unknown command is a usage error (status 2)" $?
"$A" add-feed --help | grep -q 'usage: xbadmin --db PATH add-feed'; check "every command has --help" $?

# XB-SCOPE-20 fixture: everything xbconform needs, in a fresh store, and the file describing it.
fdb=$dir/fixture.db
"$A" --db "$fdb" fixture "$dir/fx" >/dev/null; check "fixture provisions a fresh store" $?
for name in key_master key_readonly key_feed key_ds key_nopriv key_ip key_other key_invalid \
            feed_public feed_private feed_canon feed_other feed_other_public ds_public \
            max_packet_size max_datapoints; do
  grep -Eq "^$name = [^ ]+$" "$dir/fx" || { echo "  missing $name"; false; }
  check "fixture names $name" $?
done
fkey() { sed -n "s/^$1 = //p" "$dir/fx"; }
fpriv=$(fkey feed_private)
"$A" --db "$fdb" show cfowner "/v2/feeds/$fpriv.json" | grep -q '"private":"true"'
check "fixture: feed_private is private" $?
"$A" --db "$fdb" list-keys cfowner | grep -q "\"$(fkey key_ds)\""
check "fixture: the datastream-scoped key belongs to the owner" $?
! grep -q "$(fkey key_invalid)" "$fdb"* 2>/dev/null
check "fixture: key_invalid is in no store file" $?
"$A" --db "$fdb" fixture "$dir/fx2" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ]; check "XB-SCOPE-20 fixture refuses a store that already holds it (status 1)" $?
printf 'max-packet-size = 8192\nmax-payload-size = 4096\n' >"$dir/bridge.conf"
"$A" --db "$dir/fixture3.db" fixture "$dir/fx3" --config "$dir/bridge.conf" >/dev/null
grep -q '^max_packet_size = 8192$' "$dir/fx3" && grep -q '^max_payload_size = 4096$' "$dir/fx3"; check "XB-SCOPE-20 fixture takes the limits of --config" $?
"$A" --db "$dir/fixture4.db" fixture "$dir/fx4" --config "$dir/nonexistent" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ]; check "XB-SCOPE-20 fixture with an unreadable --config is a usage error (status 2)" $?

# XB-SCOPE-9: while a bridge holds the store, xbadmin refuses with status 1.
"$B/xbridge" --db "$db" --listen 127.0.0.1:0 2>"$dir/log" &
bridge=$!
for _ in $(seq 1 200); do grep -q listening "$dir/log" 2>/dev/null && break; sleep 0.05; done
grep -q listening "$dir/log"; check "bridge started on the store" $?
"$A" --db "$db" add-user dave >/dev/null 2>"$dir/err"; rc=$?
[ $rc -eq 1 ]; check "XB-SCOPE-9 refused with status 1 while xbridge runs" $?
kill $bridge; wait $bridge 2>/dev/null
users=$("$A" --db "$db" list-users alice)
[[ $users == *'"alice"'* && $users != *'"dave"'* ]]
check "XB-SCOPE-9 the refused command changed nothing" $?

echo "xbadmin: $fails failed"
[ $fails -eq 0 ]
