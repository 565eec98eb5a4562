#!/usr/bin/env bash
# xbparse, the payload checker (spec/tools.md XB-TOOL-1..XB-TOOL-9): verdicts with the
# bridge's own parsers, listings, error lines with line and column, exit statuses, --to.
set -uo pipefail
B=${XB_BUILD:-build}
P=$(cd "$B" 2>/dev/null && pwd)/xbparse
dir=$(mktemp -d /tmp/xb-parse.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fails=0
check() { # name, condition result (0 = ok)
  if [ "$2" -eq 0 ]; then echo "  ok   $1"; else echo "  FAIL $1"; fails=$((fails + 1)); fi
}
[ -x "$P" ] || { echo "test_xbparse: $P is not built" >&2; exit 1; }
run() { # args...: sets out, err, rc
  out=$("$P" "$@" 2>"$dir/err"); rc=$?; err=$(cat "$dir/err")
}
w() { printf '%s' "$2" > "$dir/$1"; }

# ---------------------------------------------------------------- XB-TOOL-2, XB-TOOL-3
run --help
[[ $rc -eq 0 && $out == usage:\ xbparse* && -z $err ]]; check "XB-TOOL-2 --help on stdout, status 0" $?
for args in "" "--format" "--format yaml x" "--format json" "--format json a b" \
            "--format json --bogus 1 x" "--format csv --resource key x" \
            "--format json --api v1 x" "--format json --resource thing x" \
            "--format csv --to json x"; do
  # shellcheck disable=SC2086
  run $args
  [[ $rc -eq 2 && -z $out && $err == *usage:* ]]; check "XB-TOOL-3 usage error status 2: '$args'" $?
done
run --format json "$dir/missing.json"
[[ $rc -eq 2 && -z $out && $err == *missing.json* ]]; check "XB-TOOL-3 unreadable FILE: status 2" $?

# ---------------------------------------------------------------- JSON
w feed.json '{"version":"1.0.0","datastreams":[{"id":"0","current_value":22},{"id":"humidity","datapoints":[{"at":"2013-04-23T12:00:00Z","value":"40"},{"at":"2013-04-23T12:05:00+01:00","value":41}]}]}'
run --format json "$dir/feed.json"
[[ $rc -eq 0 && -z $err ]]; check "XB-TOOL-6 XB-JSON-19 spec example payload is valid (status 0)" $?
[[ $out == *'$.version = "1.0.0"'* && $out == *'$.datastreams[0].current_value = 22'* &&
   $out == *'$.datastreams[1].datapoints[1].at = "2013-04-23T12:05:00+01:00"'* ]]
check "XB-TOOL-6 XB-JSON-26 listing: paths, strings quoted, numbers as source text" $?
run --format json - < "$dir/feed.json"
[[ $rc -eq 0 && $out == *'$.datastreams[1].id = "humidity"'* ]]; check "XB-TOOL-1 FILE - reads standard input" $?
run --format json --resource feed "$dir/feed.json"
[[ $rc -eq 0 && $out == *'feed.datastreams[0].id = "0"'* && $out == *'feed.datastreams[1].datapoints[0].value = "40"'* ]]
check "XB-TOOL-5 XB-JSON-33 --resource feed lists the write model" $?
w key.json '{"key":{"label":"device 504 writer","private_access":"true","permissions":[{"access_methods":["PUT","post"],"source_ip":"192.0.2.10","resources":[{"feed_id":"504","datastream_id":0}]}]}}'
run --format json --resource key "$dir/key.json"
[[ $rc -eq 0 && $out == *'key.permissions[0].access_methods[0] = "PUT"'* && $out == *'key.permissions[0].resources[0].datastream_id = 0'* ]]
check "XB-TOOL-5 XB-JSON-39 --resource key" $?
w trig.json '{"url":"https://example.org/hook","trigger_type":"gt","threshold_value":30,"environment_id":504,"stream_id":"0"}'
run --format json --resource trigger "$dir/trig.json"
[[ $rc -eq 0 && $out == *'trigger.threshold_value = 30'* ]]; check "XB-TOOL-5 XB-JSON-40 --resource trigger" $?

# invalid: one line on stderr with line, column and code
printf '{"title":"x" "y"}' > "$dir/bad1.json"
run --format json "$dir/bad1.json"
[[ $rc -eq 1 && -z $out && $err == "xbparse: $dir/bad1.json: line 1, column 14: syntax error [400]" ]]
check "XB-TOOL-7 XB-JSON-18 the spec's error position: line 1, column 14" $?
printf '{\n  "a": 1,\n  "b": tru\n}\n' > "$dir/bad2.json"
run --format json "$dir/bad2.json"
[[ $rc -eq 1 && $err == *'line 3, column 11: syntax error [400]' ]]; check "XB-TOOL-7 line and column on a later line" $?
printf '"caf\xc3\xa9\xc3"' > "$dir/bad3.json"
run --format json "$dir/bad3.json"
[[ $rc -eq 1 && $err == *'line 1, column 8: invalid UTF-8'* ]]; check "XB-TOOL-7 XB-JSON-21 bad UTF-8, column in bytes" $?
printf '%*s' 33 '' | tr ' ' '[' > "$dir/deep.json"; printf '%*s' 33 '' | tr ' ' ']' >> "$dir/deep.json"
run --format json "$dir/deep.json"
[[ $rc -eq 1 && $err == *'column 33: nesting too deep [400]' ]]; check "XB-TOOL-4 XB-JSON-23 depth 33 refused" $?
printf '{"a":1,"\\u0061":2}' > "$dir/dup.json"
run --format json "$dir/dup.json"
[[ $rc -eq 1 && $err == *'column 8: duplicate key'* ]]; check "XB-TOOL-4 XB-JSON-24 duplicate after unescaping" $?
printf '"\\ud800"' > "$dir/esc.json"
run --format json "$dir/esc.json"
[[ $rc -eq 1 && $err == *'column 2: syntax error [400]' ]]; check "XB-TOOL-4 XB-JSON-22 lone surrogate escape" $?
printf '{"a":[1,2' > "$dir/trunc.json"
run --format json "$dir/trunc.json"
[[ $rc -eq 1 && $err == *'column 10: syntax error [400]' ]]; check "XB-TOOL-4 XB-JSON-19 truncated document: at its end" $?
{ printf '"'; head -c 65534 /dev/zero | tr '\0' a; printf '"'; } > "$dir/max.json"
run --format json "$dir/max.json"
[ $rc -eq 0 ]; check "XB-TOOL-4 XB-JSON-25 65536 bytes accepted" $?
printf ' ' >> "$dir/max.json"
run --format json "$dir/max.json"
[[ $rc -eq 1 && $err == *'longer than 65536 bytes [400]' ]]; check "XB-TOOL-4 XB-JSON-25 XB-LIM-2 65537 bytes refused" $?
run --format json --resource feed - <<< '[]'
[[ $rc -eq 1 && $err == *'[422]' && $err != *line* ]]; check "XB-TOOL-5 XB-JSON-30 wrong shape is 422 without a position" $?
run --format json --resource feed - <<< '{"version":"0.6-alpha"}'
[[ $rc -eq 1 && $err == *'[422]' ]]; check "XB-TOOL-5 XB-JSON-31 a v1 JSON body is refused" $?
run --format json --resource datapoints - <<< '{"datapoints":[{"value":"1"}]}'
[[ $rc -eq 1 && $err == *'[422]' ]]; check "XB-TOOL-5 XB-JSON-34 a datapoint without at" $?
run --format json - <<< '{"datapoints":[{"value":"1"}]}'
[ $rc -eq 0 ]; check "XB-TOOL-5 without --resource only the syntax is judged" $?

# ---------------------------------------------------------------- CSV
printf '0,22\r\ntemp,2013-04-23T12:00:00Z,"a ""q"" b"\n\n' > "$dir/feed.csv"
run --format csv "$dir/feed.csv"
[[ $rc -eq 0 && $out == *'line 2: "temp", "2013-04-23T12:00:00Z", "a \"q\" b"'* ]]
check "XB-TOOL-6 CSV records listed with their fields" $?
run --format csv --resource feed "$dir/feed.csv"
[[ $rc -eq 0 && $out == *'feed.datastreams[0].current_value = "22"'* &&
   $out == *'feed.datastreams[1].datapoints[0].at = "2013-04-23T12:00:00.000000Z"'* ]]
check "XB-TOOL-5 XB-CSV-24 XB-CSV-25 CSV feed write mapped as the engine maps it" $?
run --format csv --resource feed --api v1 - <<< '1,2,3'
[[ $rc -eq 0 && $out == *'feed.datastreams[2].id = "2"'* ]]; check "XB-TOOL-1 --api v1 positional CSV feed" $?
run --format csv - < <(printf '0,"22\n')
[[ $rc -eq 1 && $err == *'line 1, column 3: unterminated'*'[400]' ]]; check "XB-TOOL-7 CSV unterminated quote" $?
run --format csv --resource datastream - <<< '2013-99-01T00:00:00Z,5'
[[ $rc -eq 1 && $err == *'[422]' ]]; check "XB-TOOL-5 CSV bad timestamp is 422" $?
run --format csv - < /dev/null
[[ $rc -eq 1 && $err == *'[400]' ]]; check "XB-TOOL-4 XB-RES-22 empty payload" $?

# ---------------------------------------------------------------- XML
w feed.xml '<?xml version="1.0" encoding="UTF-8"?>
<eeml xmlns="http://www.eeml.org/xsd/0.5.1" version="0.5.1"><environment><data id="0"><current_value>22</current_value></data><data id="1"><tag>a &amp; b</tag></data></environment></eeml>'
run --format xml "$dir/feed.xml"
[[ $rc -eq 0 && $out == *'eeml/environment/data[1]/tag = "a & b"'* && $out == *'eeml/environment/data[0] @id = "0"'* ]]
check "XB-TOOL-6 XML elements and attributes listed, references decoded" $?
run --format xml --resource key "$dir/feed.xml"
[[ $rc -eq 1 && -z $out && $err == *'<key>'*'[422]' ]]
check "XB-TOOL-5 XB-XML-42 root of a key write" $?
run --format xml --resource feed - <<< '<eeml version="5"/>'
[[ $rc -eq 1 && $err == *'[422]' ]]; check "XB-TOOL-5 XB-XML-35 EEML 5 is not misread" $?
run --format xml --resource feed "$dir/feed.xml"
[[ $rc -eq 0 && $out == *'feed.datastreams[1].tags[0] = "a & b"'* ]]
check "XB-TOOL-5 XB-XML-36 XML feed write mapped as the engine maps it" $?
run --format xml - < <(printf '<a>\n<b></c></a>')
[[ $rc -eq 1 && $err == *'line 2, column 4:'*'[400]' ]]; check "XB-TOOL-7 XB-XML-29 mismatched end tag" $?
run --format xml - <<< '<!DOCTYPE a><a/>'
[[ $rc -eq 1 && $err == *'[400]' ]]; check "XB-TOOL-4 XB-XML-21 DOCTYPE refused" $?

# ---------------------------------------------------------------- --to (XB-TOOL-8)
run --format json --to json - <<< ' { "a" : [ 1 , "\u00e9\/" ] } '
[[ $rc -eq 0 && $out == '{"a":[1,"é/"]}' ]]; check "XB-TOOL-8 XB-JSON-1 --to json: compact form" $?
run --format json --resource feed --to json --feed 504 "$dir/feed.json"
[[ $rc -eq 0 && $out == '{"id":504,'*'"version":"1.0.0","datastreams":[{"id":"0","current_value":"22","at":"'*'"},{"id":"humidity","current_value":"40","at":"2013-04-23T12:00:00.000000Z","datapoints":[{"value":"41","at":"2013-04-23T11:05:00.000000Z"},{"value":"40","at":"2013-04-23T12:00:00.000000Z"}]}]}' ]]
check "XB-TOOL-8 XB-JSON-8 XB-JSON-11 feed rendered, datapoints in at order" $?
run --format csv --resource datastream --to json --datastream temp - <<< '2013-04-23T12:34:56.1Z,21.5'
[[ $rc -eq 0 && $out == '{"id":"temp","current_value":"21.5","at":"2013-04-23T12:34:56.100000Z","version":"1.0.0","datapoints":[{"value":"21.5","at":"2013-04-23T12:34:56.100000Z"}]}' ]]
check "XB-TOOL-8 XB-JSON-12 CSV datastream write rendered as JSON" $?
run --format json --resource datastream --to json --datastream temp - <<< '{"id":"zz","current_value":"5"}'
[[ $rc -eq 0 && $out == '{"id":"temp","current_value":"5","at":"'*'","version":"1.0.0"}' ]]
check "XB-TOOL-8 XB-JSON-35 a datastream payload's id is ignored: --datastream names it" $?
run --format json --resource trigger --to json "$dir/trig.json"
[[ $rc -eq 0 && $out == '{"id":1,"url":"https://example.org/hook","trigger_type":"gt","threshold_value":"30","environment_id":504,"stream_id":"0","user":"xbparse"}' ]]
check "XB-TOOL-8 XB-JSON-16 trigger rendered" $?
run --format json --resource datastream --to csv --datastream temp - <<< '{"current_value":"1","at":"2013-04-23T12:00:00Z"}'
[[ $rc -eq 0 && $out == '2013-04-23T12:00:00.000000Z,1' ]]; check "XB-TOOL-8 XB-CSV-8 --to csv: a datastream as timestamp,value" $?
run --format csv --resource feed --to xml "$dir/feed.csv"
[[ $rc -eq 0 && $out == '<?xml version="1.0" encoding="UTF-8"?>'* && $out == *'<data id="temp">'* && $out == *'a &quot;q&quot; b'* ]]
check "XB-TOOL-8 XB-XML-1 --to xml: a CSV feed write as EEML" $?
run --format xml --resource feed --to json --feed 504 "$dir/feed.xml"
[[ $rc -eq 0 && $out == '{"id":504,'*'"datastreams":[{"id":"0","current_value":"22","at":"'*'"},{"id":"1","tags":["a & b"]}]}' ]]
check "XB-TOOL-8 XB-RES-90 an XML feed write rendered as JSON" $?
run --format json --resource user --to csv - <<< '{"user":{"login":"a"}}'
[[ $rc -eq 2 && -z $out && $err == *'no representation'* ]]; check "XB-TOOL-3 XB-TOOL-8 XB-RES-25 no CSV rendering of a user: status 2" $?
run --format json --resource user --to xml - <<< '{"user":{"login":"a","full_name":"A B"}}'
[[ $rc -eq 0 && $out == *'<login>a</login>'* ]]; check "XB-TOOL-8 XB-XML-17 --to xml: a user document" $?

# ---------------------------------------------------------------- XB-TOOL-9
mkdir "$dir/cwd"
(cd "$dir/cwd" && "$P" --format json --resource feed "$dir/feed.json" > "$dir/o1" 2>&1 &&
 "$P" --format json --resource feed "$dir/feed.json" > "$dir/o2" 2>&1)
[[ -z $(ls -A "$dir/cwd") ]] && cmp -s "$dir/o1" "$dir/o2"
check "XB-TOOL-9 no file written, same output twice" $?

echo "test_xbparse: $fails failed"
[ "$fails" -eq 0 ]
