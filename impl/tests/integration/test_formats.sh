#!/usr/bin/env bash
# CSV, XML and JSON through the real bridge with mosquitto_pub / mosquitto_sub
# (spec/csv.md, spec/xml.md, spec/resources.md XB-RES-90): one feed and one datastream
# watched in every format and version at once; a write in one format reaches every
# subscriber, each in its own format, with the same state (same value text, same
# timestamp). The bridge runs on a free port with a temporary store; every wait polls a
# file with a deadline, nothing sleeps blindly.
set -uo pipefail
B=${XB_BUILD:-build}
dir=$(mktemp -d /tmp/xb-formats.XXXXXX)
bridge=
trap '[ -n "$bridge" ] && kill $bridge 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
fails=0
check() { # name, status (0 = ok)
  if [ "$2" -eq 0 ]; then echo "  ok   $1"; else echo "  FAIL $1"; fails=$((fails + 1)); fi
}
wait_for() { # file pattern seconds: poll until grep finds pattern in file
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.02
  done
  return 1
}
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
wait_lines() { # file count seconds
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do
    [ "$(lines "$1")" -ge "$2" ] && return 0
    sleep 0.02
  done
  return 1
}
# Message k (1-based) of a subscriber file: each line is `RETAIN|HEX(payload)`.
msg() { sed -n "$2p" "$1" | cut -d'|' -f2 | xxd -r -p; }
retain() { sed -n "$2p" "$1" | cut -d'|' -f1; }

eval "$("$B/xbdemo" --db "$dir/store.db" demo | sed 's/^/export /')"
KEY=$XB_DEMO_MASTER_KEY
F=$XB_DEMO_FEED
"$B/xbridge" --db "$dir/store.db" --listen 127.0.0.1:0 --log-level debug 2>"$dir/log" &
bridge=$!
wait_for "$dir/log" "info listening addr=127.0.0.1 port=" 10
check "bridge started" $?
PORT=$(sed -n 's/.*info listening addr=127.0.0.1 port=\([0-9]*\).*/\1/p' "$dir/log" | head -1)
pub() { mosquitto_pub -h 127.0.0.1 -p "$PORT" -u "$KEY" -q 1 -t "$1" -m "$2"; }

# Seven subscribers: the datastream in v2 JSON, XML, CSV and v1 CSV, the feed in v2
# JSON, XML, CSV and v1 CSV. Each exits after its initial state and two changes.
DS=temperature
names=(ds_json ds_xml ds_csv ds_v1 feed_json feed_xml feed_csv feed_v1)
topics=("/v2/feeds/$F/datastreams/$DS.json" "/v2/feeds/$F/datastreams/$DS.xml"
        "/v2/feeds/$F/datastreams/$DS.csv" "/v1/feeds/$F/datastreams/$DS.csv"
        "/v2/feeds/$F.json" "/v2/feeds/$F.xml" "/v2/feeds/$F.csv" "/v1/feeds/$F.csv")
pids=()
for i in "${!names[@]}"; do
  mosquitto_sub -h 127.0.0.1 -p "$PORT" -u "$KEY" -i "sub-${names[$i]}" -t "${topics[$i]}" \
    -C 3 -W 20 -F '%r|%x' >"$dir/${names[$i]}" 2>"$dir/${names[$i]}.err" &
  pids+=($!)
done
ok=0
for n in "${names[@]}"; do wait_lines "$dir/$n" 1 10 || { echo "  no initial state for $n"; ok=1; }; done
check "XB-SUB-2 every format delivers the initial state (RETAIN=1)" $ok
# XB-CSV-8, XB-CSV-11, XB-XML-10: a never-written datastream in each format.
[ "$(msg "$dir/ds_csv" 1)" = ',""' ] && [ "$(msg "$dir/ds_v1" 1)" = '""' ] &&
  [ "$(retain "$dir/ds_csv" 1)" = 1 ] && msg "$dir/ds_xml" 1 | grep -q '<data id="temperature"/>'
check "XB-CSV-8 XB-CSV-11 XB-XML-10 never-written datastream in CSV v2, v1 and XML" $?

# 1. A CSV write (XB-CSV-24) reaches the JSON, XML and CSV subscribers (XB-RES-90).
pub "/v2/feeds/$F.csv" "$DS,25.0"
ok=0
for n in "${names[@]}"; do wait_lines "$dir/$n" 2 10 || { echo "  no change for $n"; ok=1; }; done
check "a CSV feed write notifies every format" $ok
ts=$(msg "$dir/ds_csv" 2 | cut -d, -f1)
[[ $ts =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$ ]] &&
  [ "$(msg "$dir/ds_csv" 2)" = "$ts,25.0" ] && [ "$(retain "$dir/ds_csv" 2)" = 0 ]
check "XB-CSV-4 XB-CSV-8 CSV datastream is \`at,value\` with 6 fraction digits (RETAIN=0)" $?
[ "$(msg "$dir/ds_v1" 2)" = "25.0" ]; check "XB-CSV-11 v1 datastream is the value alone" $?
[ "$(msg "$dir/feed_csv" 2)" = "$DS,$ts,25.0" ]; check "XB-CSV-6 CSV feed record id,at,value" $?
[ "$(msg "$dir/feed_v1" 2)" = "25.0" ]; check "XB-CSV-12 v1 feed row" $?
msg "$dir/ds_json" 2 | grep -q "\"current_value\":\"25.0\",\"at\":\"$ts\""
check "XB-RES-90 XB-CSV-33 JSON subscriber sees the CSV value as the same string and time" $?
msg "$dir/ds_xml" 2 | grep -q "<current_value at=\"$ts\">25.0</current_value>"
check "XB-RES-90 XML datastream subscriber sees the same value and time" $?
msg "$dir/feed_xml" 2 | grep -q "<current_value at=\"$ts\">25.0</current_value>" &&
  msg "$dir/feed_xml" 2 | head -1 | grep -qx '<?xml version="1.0" encoding="UTF-8"?>'
check "XB-XML-1 XB-XML-8 XML feed subscriber sees the same value" $?
msg "$dir/feed_json" 2 | grep -q "\"current_value\":\"25.0\""
check "XB-RES-90 JSON feed subscriber sees the same value" $?

# Malformed CSV and XML change nothing and deliver nothing (XB-CSV-18, XB-XML-29).
mark=$(wc -c <"$dir/log")
pub "/v2/feeds/$F/datastreams/$DS.csv" '0,"abc'
pub "/v2/feeds/$F/datastreams/$DS.xml" '<eeml><environment></eeml>'
pub "/v2/feeds/$F/datastreams/$DS.csv" '1,5'
end=$((SECONDS + 10)); n=0
while [ $SECONDS -lt $end ]; do
  n=$(tail -c +"$((mark + 1))" "$dir/log" | grep -c 'bad-payload\|invalid' || true)
  [ "$n" -ge 3 ] && break; sleep 0.02
done
[ "$n" -ge 3 ]; check "malformed CSV/XML writes are refused and logged (bad-payload, invalid)" $?

# 2. An XML write (XB-XML-40) reaches the CSV subscribers, quoted by XB-CSV-2.
pub "/v2/feeds/$F/datastreams/$DS.xml" \
  '<eeml><environment><data><current_value at="2030-01-01T00:00:00Z">on, high</current_value></data></environment></eeml>'
ok=0
for n in "${names[@]}"; do wait_lines "$dir/$n" 3 10 || { echo "  no second change for $n"; ok=1; }; done
check "an XML datastream write notifies every format (and no malformed write did)" $ok
[ "$(msg "$dir/ds_csv" 3)" = '2030-01-01T00:00:00.000000Z,"on, high"' ]
check "XB-CSV-2 XB-RES-7 the XML value in CSV, quoted, timestamp normalized" $?
[ "$(msg "$dir/ds_v1" 3)" = '"on, high"' ]; check "XB-CSV-11 quoted v1 value" $?
msg "$dir/ds_json" 3 | grep -q '"current_value":"on, high","at":"2030-01-01T00:00:00.000000Z"'
check "XB-RES-90 the XML value in JSON" $?
for p in "${pids[@]}"; do wait "$p"; done

# 3. v1 positional feed write (XB-CSV-27) read back by a fresh v1 and v2 CSV subscriber.
pub "/v1/feeds/$F.csv" "a,b"
out=$(mosquitto_sub -h 127.0.0.1 -p "$PORT" -u "$KEY" -t "/v1/feeds/$F.csv" -C 1 -W 10)
[ "$out" = 'a,b,"on, high"' ]; check "XB-CSV-27 XB-SCOPE-3 v1 positional write read back as a v1 row" $?

kill $bridge; wait $bridge 2>/dev/null; bridge=
echo "formats: $fails failed"
[ $fails -eq 0 ]
