#!/usr/bin/python3
"""Malformed input and limits against the real bridge: each malformation closes only its
own connection while the others keep being served; packet size, connections, CONNECT
timeout, subscriptions, QoS 2 in flight, topic length, and payload size, each with its log
line (spec/mqtt.md, spec/errors.md §2, spec/limits.md). Started with small
limits so every one is reached quickly."""
import json
import time

from xbtest import Client, connect_packet, packet, publish_packet, run, subscribe_packet, test

B = None
DEV = FEED = MASTER = None
LIMITS = ["--max-packet-size", "4096", "--max-payload-size", "1000", "--max-connections", "12",
          "--connect-timeout", "1", "--max-subscriptions", "3", "--max-inflight-qos2", "2",
          "--max-topic-length", "100", "--max-datapoints", "2"]


def provision(b):
    global DEV, FEED, MASTER
    env = b.demo()
    DEV, FEED, MASTER = env["XB_DEMO_KEY"], env["XB_DEMO_FEED"], env["XB_DEMO_MASTER_KEY"]


def ds(name="temperature"):
    return "/v2/feeds/%s/datastreams/%s.json" % (FEED, name)


MALFORMED = [
    ("reserved type 0", b"\x00\x00"),
    ("reserved type 15", b"\xf0\x00"),
    ("server-only CONNACK", b"\x20\x02\x00\x00"),
    ("PINGREQ with flags", b"\xc1\x00"),
    ("PUBREL flags 0000", b"\x60\x02\x00\x01"),
    ("SUBSCRIBE flags 0000", b"\x80\x06\x00\x01\x00\x01a\x00"),
    ("PUBLISH QoS 3", b"\x36\x05\x00\x01a\x00\x01"),
    ("PUBLISH DUP with QoS 0", b"\x38\x03\x00\x01a"),
    ("remaining length of 5 bytes", b"\x30\xff\xff\xff\xff\x01"),
    ("remaining length not minimal", b"\xc0\x80\x00"),
    ("PUBACK of length 3", b"\x40\x03\x00\x01\x00"),
    ("PUBREL id 0", b"\x62\x02\x00\x00"),
    ("invalid UTF-8 topic", b"\x30\x04\x00\x02\xc0\xaf"),
    ("U+0000 in topic", b"\x30\x05\x00\x03a\x00b"),
    ("PUBLISH topic with +", b"\x30\x05\x00\x03a/+"),
    ("SUBSCRIBE without filter", b"\x82\x02\x00\x01"),
    ("SUBSCRIBE QoS byte 0x04", b"\x82\x06\x00\x01\x00\x01a\x04"),
    ("UNSUBSCRIBE empty filter", b"\xa2\x04\x00\x01\x00\x00"),
    ("SUBSCRIBE id 0", b"\x82\x06\x00\x00\x00\x01a\x00"),
    ("second CONNECT", connect_packet(client_id="again")),
]


@test("XB-MQTT-4", "XB-MQTT-6", "XB-MQTT-7", "XB-MQTT-8", "XB-MQTT-9", "XB-MQTT-2", "XB-MQTT-3",
      "XB-MQTT-10", "XB-MQTT-42", "XB-MQTT-12", "XB-MQTT-13", "XB-MQTT-39", "XB-MQTT-45",
      "XB-MQTT-47", "XB-MQTT-51", "XB-ERR-6", "XB-ERR-7", "XB-ERR-9", "XB-ERR-10", "XB-ERR-11",
      "XB-ERR-12", "XB-ERR-13", "XB-ERR-26", "XB-ERR-27")
def malformed_closes_only_that_connection():
    keeper = Client(B.port, client_id="keeper")
    keeper.send(subscribe_packet(1, ds()))
    keeper.expect(9)
    keeper.expect_publish(ds(), retain=True)
    w = Client(B.port, client_id="writer", user=DEV)
    for i, (name, data) in enumerate(MALFORMED):
        c = Client(B.port, client_id="m%d" % i)
        c.send(data)
        try:
            c.expect_closed(3)
        except AssertionError as e:
            raise AssertionError("%s: %s" % (name, e))
        c.close()
        # The others are still served: a write reaches the subscriber.
        w.send(publish_packet(ds(), '{"current_value":"v%d"}' % i))
        got = json.loads(keeper.expect_publish(ds(), retain=False))["current_value"]
        assert got == "v%d" % i, (name, got)
    B.wait_log(r"warn malformed-packet .*client=m0 ")
    B.wait_log(r"warn protocol-violation .*client=m%d " % (len(MALFORMED) - 1))


@test("XB-MQTT-15", "XB-ERR-15")
def first_packet_must_be_connect():
    m = B.log_mark()
    c = Client(B.port, connect=False)
    c.send(b"\xc0\x00")
    c.expect_closed()
    B.wait_log(r"warn protocol-violation conn=\d+ ip=127\.0\.0\.1 client=- ", start=m)


@test("XB-LIM-1", "XB-MQTT-5", "XB-ERR-8", "XB-LIM-3")
def packet_too_large():
    m = B.log_mark()
    # A level-3 client with a key meets the same limits as any other (XB-LIM-3).
    c = Client(B.port, client_id="big", user=DEV, level=3)
    c.send(b"\x30\xa0\x1f")  # announces 4000 + 3 bytes: within the limit of 4096
    c.send(b"\x00\x01a" + b"x" * 3997)
    c.send(b"\xc0\x00")
    c.expect(13)
    c.send(b"\x30\xfe\x1f")  # 4094 + 3 > 4096: closed before any body byte is sent
    c.expect_closed()
    B.wait_log(r"warn packet-too-large .*client=big .*detail=\"size=4097 max=4096\"", start=m)


@test("XB-MQTT-17", "XB-ERR-23")
def connect_timeout():
    m = B.log_mark()
    t0 = time.time()
    c = Client(B.port, connect=False)
    c.expect_closed(5)
    assert 0.9 <= time.time() - t0 < 2.5, time.time() - t0
    B.wait_log(r"warn connect-timeout conn=\d+ ip=127\.0\.0\.1 client=- ", start=m)


@test("XB-LIM-4", "XB-ERR-14", "XB-TRANS-9")
def max_connections():
    m = B.log_mark()
    held = [Client(B.port, client_id="h%d" % i) for i in range(12)]
    c = Client(B.port, connect=False)
    c.send(connect_packet(client_id="one-too-many"))
    assert c.recv(5) == (2, 0, b"\x00\x03")
    c.expect_closed()
    B.wait_log(r"warn server-full .*client=one-too-many", start=m)
    for h in held:
        h.close()
    deadline = time.time() + 5
    while True:  # the slots free up once the bridge has seen the closes
        try:
            Client(B.port, client_id="after").close()
            break
        except AssertionError:
            assert time.time() < deadline


@test("XB-SUB-24", "XB-ERR-46", "XB-SUB-22")
def max_subscriptions():
    m = B.log_mark()
    c = Client(B.port, client_id="subs")
    c.send(subscribe_packet(1, "a", "b", "c", ds()))
    assert c.expect(9)[2] == b"\x00\x01\x00\x00\x00\x00"
    c.expect_silence(0.3)  # the fourth was not recorded: no state
    B.wait_log(r"warn too-many-subscriptions .*client=subs .*topic=%s" % ds(), start=m)
    c.send(subscribe_packet(2, "a"))  # a replacement is not limited
    assert c.expect(9)[2] == b"\x00\x02\x00"


@test("XB-LIM-6", "XB-ERR-28")
def max_inflight_qos2():
    m = B.log_mark()
    c = Client(B.port, client_id="inflight", user=DEV)
    for pid in (1, 2):
        c.send(publish_packet(ds(), '{"current_value":"i%d"}' % pid, qos=2, pid=pid))
        c.expect(5)
    c.send(publish_packet(ds(), '{"current_value":"i3"}', qos=2, pid=3))
    c.expect_closed()
    B.wait_log(r"warn too-many-inflight .*client=inflight", start=m)


@test("XB-TOPIC-1", "XB-ERR-32", "XB-LIM-2", "XB-ERR-38", "XB-LIM-9")
def topic_and_payload_limits():
    m = B.log_mark()
    c = Client(B.port, client_id="lim", user=DEV)
    long_topic = "/v2/feeds/%s/datastreams/%s.json" % (FEED, "t" * 64) + "?limit=1" * 3
    c.send(publish_packet(long_topic[:101].ljust(101, "x"), "{}", qos=1, pid=1))
    c.expect(4)
    B.wait_log(r"warn topic-too-long .*client=lim", start=m)
    c.send(subscribe_packet(2, "x" * 101, ds()))
    assert c.expect(9)[2] == b"\x00\x02\x00\x00"
    c.expect_publish(ds(), retain=True)
    big = '{"current_value":"%s"}' % ("9" * 1000)  # 1020 bytes > 1000
    c.send(publish_packet(ds(), big, qos=1, pid=3))
    assert c.expect(4)[2] == b"\x00\x03"  # acknowledged, not parsed
    B.wait_log(r"warn payload-too-large .*client=lim", start=m)
    c.expect_silence(0.3)  # and not executed (nothing stored, no notification)


@test("XB-LIM-8", "XB-ERR-44")
def too_many_datapoints():
    m = B.log_mark()
    c = Client(B.port, client_id="dps", user=DEV)
    pts = lambda n: json.dumps({"datapoints": [{"at": "2013-04-23T12:00:%02dZ" % i, "value": str(i)}
                                               for i in range(n)]})
    c.send(publish_packet(ds() .replace(".json", "/datapoints.json"), pts(3), qos=1, pid=1))
    c.expect(4)
    B.wait_log(r"warn too-many-datapoints .*client=dps", start=m)
    c.send(publish_packet(ds().replace(".json", "/datapoints.json"), pts(2), qos=1, pid=2))
    c.expect(4)
    B.wait_log(r"request-ok .*client=dps .*op=publish", start=m)


if __name__ == "__main__":
    run(provision, *LIMITS)
