#!/usr/bin/python3
"""Write the seed corpus of fuzz/json deterministically: every ```json block of
spec/json.md, the shapes of the facts file (pretty-printed as it writes them), the
accepted and refused examples of spec/json.md §3-§4, and malformed documents for each
error class of xb_json.h (truncated, bad escapes, bad UTF-8, too deep, duplicates).
Run from the repository root: fuzz/json/gen-corpus.py; commit fuzz/json/corpus/."""
import hashlib
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "fuzz", "json", "corpus")

seeds = {}


def add(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    seeds[name] = data


spec = open(os.path.join(ROOT, "spec", "json.md"), encoding="utf-8").read()
for i, block in enumerate(re.findall(r"```json\n(.*?)\n```", spec, re.S)):
    add("spec-%02d.json" % i, block)

FACTS_FEED = """{
  "id": 504, "title": "Office", "private": "false",
  "feed": "https://api.xively.com/v2/feeds/504.json",
  "status": "live",
  "updated": "2013-04-23T12:34:56.123456Z",
  "created": "2012-01-01T00:00:00.000000Z",
  "creator": "https://xively.com/users/someone",
  "version": "1.0.0",
  "tags": ["office"],
  "location": {"disposition": "fixed", "domain": "physical", "exposure": "indoor",
               "name": "desk", "lat": 51.5, "lon": -0.08, "ele": "23.0"},
  "datastreams": [
    {"id": "0", "current_value": "21.5", "at": "2013-04-23T12:34:56.100000Z",
     "max_value": "30.0", "min_value": "12.0", "tags": ["temperature"],
     "unit": {"label": "Celsius", "symbol": "C", "type": "derivedSI"}},
    {"id": "temp"}
  ]
}
"""
add("facts-feed.json", FACTS_FEED)
add("facts-feed-crlf.json", FACTS_FEED.replace("\n", "\r\n"))
add("facts-datastream.json", """{"id": "0", "current_value": "21.5", "at": "2013-04-23T12:34:56.100000Z",
 "max_value": "30.0", "min_value": "12.0", "version": "1.0.0",
 "datapoints": [{"value": "21.4", "at": "2013-04-23T12:30:00.000000Z"},
                {"value": "21.5", "at": "2013-04-23T12:34:56.100000Z"}]}""")
add("facts-datapoint.json", '{"value":"297","at":"2010-07-28T07:48:22.014326Z"}')
add("facts-update-history.json", """{"version": "1.0.0",
 "datastreams": [
   {"id": "0", "current_value": "22",
    "datapoints": [{"at": "2013-04-23T12:00:00Z", "value": "21"},
                   {"at": "2013-04-23T12:05:00Z", "value": "22"}]}]}""")
add("facts-key.json", """{"key": {"label": "device 504 writer", "private_access": true,
         "permissions": [
           {"access_methods": ["put", "post"], "source_ip": "192.0.2.10",
            "resources": [{"feed_id": 504, "datastream_id": "0"}]},
           {"access_methods": ["get"], "referer": "example.org"}]}}""")
add("facts-v1.json", '{"version":"0.6-alpha","id":504,"datastreams":[{"id":"0","values":'
    '[{"value":"21.5","min_value":"12.0","max_value":"30.0","recorded_at":"2013-04-23T12:34:56Z"}]}]}')
add("facts-error.json", '{"title":"Not found","errors":"No route matches [POST] \\"/api/v2/feeds/121601.csv\\""}')
add("facts-trigger-notify.json", '{"id":7,"type":"gt","environment":{"id":504,"location":'
    '{"lat":51.5,"lng":-0.08}},"triggering_datastream":{"id":"0","value":{"value":"31"}},"debug":false}')
add("numbers.json", '[0,-0,1e5,1E+5,1e-5,0.5,-0.5,10.25e+10,25.0,1E3,123456789012345678901234567890,-9.87654321E-300]')
add("escapes.json", '"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20AC\\ud83d\\ude00\\u0000"')
add("utf8.json", '"Caf\u00e9 \u20ac \U0001F600 \u07ff \uffff \U0010ffff"')
add("literals.json", '[true,false,null,{},[],""]')
add("dup-escaped.json", '{"a":1,"\\u0061":2}')
add("dup-nested.json", '{"x":{"k":1,"k":2}}')
add("distinct.json", '{"a":1,"A":2,"a ":3,"":4,"\\n":5}')
add("depth-32.json", "[" * 32 + "]" * 32)
add("depth-33.json", "[" * 33 + "]" * 33)
add("depth-obj-33.json", '{"a":' * 32 + "{}" + "}" * 32)
for i, bad in enumerate([
        '{"current_value":"1",}', "{'id':'0'}", '{"current_value":NaN}', "01", "1.", ".5",
        "+1", "-", "1e", "True", "nul", "[1 2]", '{"a" 1}', '{"a":1]', "// c\n1", "/* c */1",
        "\xef\xbb\xbf{}", "{} x", "", "   ", '"\\x41"', '"\\u12G4"', '"\\ud800"', '"\\udc00"',
        '"\\ud800\\u0041"', '"abc', '{"a', "[", '{"a":', '"\\', '"\\u00']):
    add("bad-%02d.json" % i, bad)
for i, raw in enumerate([b'"\x80"', b'"\xc0\xaf"', b'"\xe0\x80\xaf"', b'"\xed\xa0\x80"',
                         b'"\xf4\x90\x80\x80"', b'"\xf5\x80\x80\x80"', b'"\xff"', b'"\xc3',
                         b'"\xe2\x82"', b'{"k\xc3":1}', b'"a\x01b"', b'"\x7f"']):
    add("utf8-%02d.json" % i, raw)

os.makedirs(OUT, exist_ok=True)
for f in os.listdir(OUT):
    os.remove(os.path.join(OUT, f))
for name, data in sorted(seeds.items()):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print("fuzz/json/corpus: %d seeds" % len(seeds))
