#!/usr/bin/python3
"""Generate the seed corpus of the codec fuzz target (fuzz/codec/corpus/).

Deterministic: the same files, byte for byte, on every run; the script deletes the
*.bin seeds it owns before writing them, so a seed removed here disappears there too.
Written from MQTT 3.1.1 and MQTT 3.1 (not from impl/mqtt/).

Input format of fuzz/codec/harness.c: byte 0 selects the packet-size limit
(< 0x80: none; 0x80..0xBF: a table of limits; 0xC0..0xFF: (b & 0x3F) * 3 bytes), the
rest is the client's byte stream.

Usage: tools/gen-codec-corpus.py [OUTDIR]     (default fuzz/codec/corpus)
"""
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NO_LIMIT = b"\x00"


def varint(n):
    out = bytearray()
    while True:
        d = n % 128
        n //= 128
        out.append(d | (0x80 if n else 0))
        if not n:
            return bytes(out)


def s(b):
    """An MQTT string / binary field."""
    if isinstance(b, str):
        b = b.encode("utf-8")
    return struct.pack(">H", len(b)) + b


def packet(first, body=b""):
    return bytes([first]) + varint(len(body)) + body


def connect(level=4, clean=True, keepalive=60, client_id="dev1", will=None, will_qos=0,
            will_retain=False, user=None, password=None, name=None):
    if name is None:
        name = "MQTT" if level == 4 else "MQIsdp"
    flags = 0x02 if clean else 0
    payload = s(client_id)
    if will is not None:
        flags |= 0x04 | (will_qos << 3) | (0x20 if will_retain else 0)
        payload += s(will[0]) + s(will[1])
    if user is not None:
        flags |= 0x80
        payload += s(user)
    if password is not None:
        flags |= 0x40
        payload += s(password)
    body = s(name) + bytes([level, flags]) + struct.pack(">H", keepalive) + payload
    return packet(0x10, body)


def publish(topic, payload=b"", qos=0, pid=1, dup=False, retain=False):
    body = s(topic) + (struct.pack(">H", pid) if qos else b"") + payload
    first = 0x30 | (0x08 if dup else 0) | (qos << 1) | (0x01 if retain else 0)
    return packet(first, body)


def ack(kind, pid):
    first = {"puback": 0x40, "pubrec": 0x50, "pubrel": 0x62, "pubcomp": 0x70}[kind]
    return packet(first, struct.pack(">H", pid))


def subscribe(pid, entries):
    return packet(0x82, struct.pack(">H", pid) + b"".join(s(t) + bytes([q]) for t, q in entries))


def unsubscribe(pid, filters):
    return packet(0xA2, struct.pack(">H", pid) + b"".join(s(t) for t in filters))


PINGREQ = packet(0xC0)
DISCONNECT = packet(0xE0)
FEED = "/v2/feeds/504.json"
DS = "/v2/feeds/504/datastreams/temp.csv"
KEY = "ABCDEFGHIJKLMNOPQRSTUVWX"


def seeds():
    full4 = connect(4, clean=False, keepalive=300, client_id="sensor-42",
                    will=("/v2/feeds/504.csv", b"status,off"), will_qos=1, will_retain=True,
                    user=KEY, password=b"\x00\xffpw")
    full3 = connect(3, clean=True, keepalive=0, client_id="m3", will=(DS, b"0,1"), will_qos=2,
                    user=KEY, password=b"x")
    yield "connect-l4-min", NO_LIMIT + connect(4)
    yield "connect-l4-full", NO_LIMIT + full4
    yield "connect-l4-empty-id", NO_LIMIT + connect(4, client_id="")
    yield "connect-l4-user-only", NO_LIMIT + connect(4, client_id="u", user=KEY)
    yield "connect-l3-min", NO_LIMIT + connect(3)
    yield "connect-l3-full", NO_LIMIT + full3
    yield "connect-l3-id23", NO_LIMIT + connect(3, client_id="x" * 23)
    yield "connect-mqtt-level5", NO_LIMIT + connect(5, name="MQTT")
    yield "connect-mqisdp-level4", NO_LIMIT + connect(4, name="MQIsdp")
    yield "connect-utf8-id", NO_LIMIT + connect(4, client_id="h\u00e9\u20ac\U0001d11e")
    yield "publish-qos0", NO_LIMIT + publish(FEED, b'{"version":"1.0.0"}')
    yield "publish-qos1", NO_LIMIT + publish(DS, b"0,21.5", qos=1, pid=7)
    yield "publish-qos2-dup-retain", NO_LIMIT + publish(KEY + FEED, b"x", qos=2, pid=0xFFFF,
                                                        dup=True, retain=True)
    yield "publish-empty-payload", NO_LIMIT + publish("/v1/feeds/1.csv")
    yield "publish-rl128", NO_LIMIT + publish("t", b"p" * 125)
    yield "publish-binary", NO_LIMIT + publish("bin", bytes(range(256)))
    for kind in ("puback", "pubrec", "pubrel", "pubcomp"):
        yield kind, NO_LIMIT + ack(kind, 0x1234)
    yield "subscribe-1", NO_LIMIT + subscribe(1, [(FEED, 0)])
    yield "subscribe-3", NO_LIMIT + subscribe(0x0102, [(DS, 1), ("a/+/b", 2), ("#", 0)])
    yield "unsubscribe-1", NO_LIMIT + unsubscribe(3, [FEED])
    yield "unsubscribe-2", NO_LIMIT + unsubscribe(4, [DS, "+/#"])
    yield "pingreq", NO_LIMIT + PINGREQ
    yield "disconnect", NO_LIMIT + DISCONNECT
    session4 = (full4 + subscribe(1, [(FEED, 0), (DS, 1)]) + publish(FEED, b"{}", qos=1, pid=2)
                + ack("puback", 9) + PINGREQ + unsubscribe(3, [FEED]) + DISCONNECT)
    session3 = (full3 + subscribe(5, [(DS, 0)]) + publish(DS, b"0,1") + PINGREQ + DISCONNECT)
    qos2 = (connect(4) + publish(FEED, b"{}", qos=2, pid=10) + ack("pubrel", 10)
            + ack("pubrec", 11) + ack("pubcomp", 11) + DISCONNECT)
    yield "stream-session-l4", NO_LIMIT + session4
    yield "stream-session-l3", NO_LIMIT + session3
    yield "stream-qos2-flow", NO_LIMIT + qos2
    yield "stream-limit-64", b"\x85" + session4          # limit table entry 5: 64 bytes
    yield "stream-limit-small", b"\xc4" + connect(4) + PINGREQ  # limit 12 bytes
    # Framing edges: a large length announced, a 5-byte length, a non-minimal one.
    yield "frame-rl-max", NO_LIMIT + b"\x30\xff\xff\xff\x7f" + s("t")
    yield "frame-rl-5bytes", NO_LIMIT + b"\x30\x80\x80\x80\x80\x01"
    yield "frame-nonminimal", NO_LIMIT + b"\x30\x80\x00"
    yield "frame-pingreq-body", NO_LIMIT + b"\xc0\x01\x00"


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "fuzz", "codec", "corpus")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):
        if name.endswith(".bin"):
            os.remove(os.path.join(out, name))
    n = 0
    for name, data in seeds():
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)
        n += 1
    print(f"{n} seeds written to {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
