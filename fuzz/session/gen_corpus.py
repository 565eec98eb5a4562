#!/usr/bin/env python3
"""Seed corpus of fuzz/session/harness.c: valid sessions (CONNECT, SUBSCRIBE, PUBLISH in
each format and QoS, PINGREQ, DISCONNECT, wills, takeover, timeouts) written in the
harness's record format, each client's stream cut into chunks at seeded random points.
Run from the repository root: fuzz/session/gen_corpus.py (rewrites fuzz/session/corpus/)."""
import os
import random
import struct

MASTER = "FuzzMasterKey0000000001"
DEVICE = "FuzzDeviceKey0000000001"
OTHER = "FuzzOtherKey00000000001"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def mstr(s):
    s = s.encode() if isinstance(s, str) else s
    return struct.pack("!H", len(s)) + s


def varint(n):
    out = b""
    while True:
        d, n = n % 128, n // 128
        out += bytes([d | (0x80 if n else 0)])
        if not n:
            return out


def pkt(first, body=b""):
    return bytes([first]) + varint(len(body)) + body


def connect(cid, user=None, keepalive=0, will=None, level=4, clean=True):
    flags = 0x02 if clean else 0
    payload = mstr(cid)
    if will:
        flags |= 0x04 | 0x08
        payload += mstr(will[0]) + mstr(will[1])
    if user:
        flags |= 0x80
        payload += mstr(user)
    name = "MQIsdp" if level == 3 else "MQTT"
    return pkt(0x10, mstr(name) + bytes([level, flags]) + struct.pack("!H", keepalive) + payload)


def publish(topic, payload, qos=0, pid=1):
    payload = payload.encode() if isinstance(payload, str) else payload
    return pkt(0x30 | qos << 1, mstr(topic) + (struct.pack("!H", pid) if qos else b"") + payload)


def subscribe(pid, *filters):
    return pkt(0x82, struct.pack("!H", pid) + b"".join(mstr(f) + b"\x00" for f in filters))


def unsubscribe(pid, *filters):
    return pkt(0xA2, struct.pack("!H", pid) + b"".join(mstr(f) for f in filters))


PING, DISC = b"\xc0\x00", b"\xe0\x00"
def pubrel(pid): return pkt(0x62, struct.pack("!H", pid))

DS = "/v2/feeds/1/datastreams/temp"
FEED = "/v2/feeds/1"


class Seed:
    def __init__(self, nclients, reads=True, seed=0):
        self.rec = bytes([(nclients - 1) | (0 if reads else 4)])
        self.rng = random.Random(seed)

    def send(self, who, data):
        """data to client who, cut at random points (each chunk one record)."""
        while data:
            n = min(len(data), self.rng.randint(1, 255))
            self.rec += bytes([who << 2 | 0, n]) + data[:n]
            data = data[n:]

    def turns(self, k=4):
        self.rec += bytes([(k - 1) << 2 | 1])

    def advance(self, steps):
        self.rec += bytes([2, steps])

    def close(self, who):
        self.rec += bytes([who << 2 | 3])


def seeds():
    s = Seed(1, seed=1)
    s.send(0, connect("dev", DEVICE, keepalive=30) + subscribe(1, FEED + ".json", DS + ".json"))
    s.send(0, publish(DS + ".json", '{"current_value":"21"}') +
           publish(DS + ".json", '{"current_value":"22"}', qos=1, pid=2) +
           publish(DS + ".json", '{"current_value":"23"}', qos=2, pid=3) + pubrel(3) + PING + DISC)
    s.turns(8)
    yield "json-qos", s

    s = Seed(1, seed=2)
    s.send(0, connect("csv", DEVICE) + subscribe(1, DS + ".csv", "/v1/feeds/1/datastreams/temp.csv"))
    s.send(0, publish(DS + ".csv", "24") + publish("/v1/feeds/1/datastreams/temp.csv", "25") +
           publish(FEED + ".csv", "temp,26\n") + DISC)
    s.turns(8)
    yield "csv", s

    s = Seed(1, seed=3)
    s.send(0, connect("xml", DEVICE) + subscribe(1, FEED + ".xml"))
    s.send(0, publish(DS + ".xml", '<?xml version="1.0" encoding="UTF-8"?><eeml xmlns="http://www.eeml.org/xsd/0.5.1" version="0.5.1"><environment><data id="temp"><current_value>27</current_value></data></environment></eeml>', qos=1, pid=7) + DISC)
    s.turns(8)
    yield "xml", s

    s = Seed(2, seed=4)
    s.send(0, connect("sub", None) + subscribe(1, FEED + ".json", "v2/feeds/1", DEVICE + FEED + ".json"))
    s.send(1, connect("pub", DEVICE, will=(DS + ".json", '{"current_value":"gone"}')))
    s.turns()
    s.send(1, publish(DS + ".json", '{"current_value":"28"}', qos=1, pid=1))
    s.turns()
    s.close(1)
    s.turns(8)
    yield "fanout-will", s

    s = Seed(2, seed=5)
    s.send(0, connect("same", DEVICE, will=(DS + ".json", '{"current_value":"old"}')))
    s.turns()
    s.send(1, connect("same", DEVICE) + subscribe(1, DS + ".json") + DISC)
    s.turns(8)
    yield "takeover", s

    s = Seed(1, seed=6)
    s.send(0, connect("ka", DEVICE, keepalive=1, will=(DS + ".json", '{"current_value":"ka"}')))
    s.turns()
    s.advance(20)
    yield "keepalive", s

    s = Seed(2, seed=7)
    s.send(0, b"\x10")  # half a CONNECT, then silence: CONNECT timeout
    s.send(1, connect("m", DEVICE) + b"\xf0\x00")  # reserved type: malformed
    s.advance(25)
    yield "timeout-malformed", s

    s = Seed(1, seed=8)
    s.send(0, connect("subs", MASTER, level=3) +
           subscribe(1, "#", "a/+/b", "hello", DS + ".json?duration=6hours") +
           subscribe(2, FEED + ".json?datastreams=temp&show_user=true", "/v2/keys.json", "/v2/users/fuzz.json") +
           unsubscribe(3, "#", "hello") + subscribe(4, "/v2/feeds.json?per_page=5", "/v2/triggers.json"))
    s.send(0, publish("/v2/feeds.json", '{"title":"new"}', qos=1, pid=5) +
           publish(FEED + "/datastreams.json", '{"datastreams":[{"id":"x"}]}', qos=1, pid=6) +
           publish(DS + "/datapoints.json", '{"datapoints":[{"at":"2013-04-23T12:00:00Z","value":"1"}]}') + DISC)
    s.turns(8)
    yield "resources", s

    s = Seed(2, seed=9)
    s.send(0, connect("anon") + publish(DS + ".json", '{"current_value":"x"}', qos=1, pid=1) +
           publish(DEVICE + DS + ".json", '{"current_value":"pk"}', qos=2, pid=2) +
           publish(OTHER + DS + ".json", '{"current_value":"no"}') + subscribe(3, "/v2/feeds/2.json"))
    s.send(1, connect("bad", "NotAKeyNotAKeyNotAKey"))
    s.turns(8)
    yield "keys", s

    s = Seed(2, reads=False, seed=10)
    s.send(0, connect("slow", DEVICE, will=(DS + "x.json", '{"current_value":"slow"}')) + subscribe(1, FEED + ".json"))
    s.send(1, connect("w", MASTER))
    for i in range(12):
        s.send(1, publish(FEED + ".json", '{"description":"%s"}' % ("d" * 900 + str(i))))
    s.advance(30)
    yield "slow", s

    s = Seed(1, seed=11)
    s.send(0, connect("inflight", DEVICE) + b"".join(
        publish(DS + ".json", '{"current_value":"%d"}' % i, qos=2, pid=i + 1) for i in range(5)))
    s.turns(8)
    yield "inflight", s


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.unlink(os.path.join(OUT, f))
    for name, s in seeds():
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(s.rec)


if __name__ == "__main__":
    main()
