#!/usr/bin/python3
"""QoS 1 and 2 PUBLISH against the real bridge: executed, then acknowledged once the batch
committed (PUBACK; PUBREC / PUBREL / PUBCOMP), executed once per QoS 2 packet id, and
acknowledged whatever the outcome; with raw sockets, paho-mqtt and mosquitto_pub
(spec/mqtt.md §4, spec/mapping.md §3, §4)."""
import json
import re
import subprocess
import threading

import paho.mqtt.client as mqtt

from xbtest import Client, publish_packet, run, subscribe_packet, test

B = None
DEV = FEED = None


def provision(b):
    global DEV, FEED
    env = b.demo()
    DEV, FEED = env["XB_DEMO_KEY"], env["XB_DEMO_FEED"]


def ds():
    return "/v2/feeds/%s/datastreams/temperature.json" % FEED


def current():
    r = Client(B.port, client_id="reader")
    r.send(subscribe_packet(1, ds()))
    r.expect(9)
    v = json.loads(r.expect_publish(ds(), retain=True)).get("current_value")
    r.close()
    return v


def executed(pattern, start):
    return len(re.findall(pattern, B.log()[start:]))


@test("XB-MQTT-40", "XB-MAP-17", "XB-STORE-10")
def qos1_puback_after_commit():
    c = Client(B.port, client_id="q1", user=DEV)
    c.send(publish_packet(ds(), '{"current_value":"q1"}', qos=1, pid=0x1234))
    assert c.expect(4) == (4, 0, b"\x12\x34")
    assert current() == "q1"  # visible to every later request


@test("XB-MQTT-41", "XB-MAP-13", "XB-MAP-20")
def qos2_exactly_once():
    m = B.log_mark()
    c = Client(B.port, client_id="q2", user=DEV)
    c.send(publish_packet(ds(), '{"current_value":"q2a"}', qos=2, pid=9))
    assert c.expect(5) == (5, 0, b"\x00\x09")
    c.send(publish_packet(ds(), '{"current_value":"q2b"}', qos=2, pid=9, dup=True))
    assert c.expect(5) == (5, 0, b"\x00\x09")  # answered again, not executed
    assert executed(r"request-ok [^\n]*client=q2 [^\n]*op=publish", m) == 1
    assert current() == "q2a"
    c.send(b"\x62\x02\x00\x09")
    assert c.expect(7) == (7, 0, b"\x00\x09")
    c.send(b"\x62\x02\x00\x63")  # unknown id: PUBCOMP all the same
    assert c.expect(7) == (7, 0, b"\x00\x63")
    # QoS 1 resent with DUP is executed again (at least once).
    c.send(publish_packet(ds(), '{"current_value":"d1"}', qos=1, pid=4))
    c.expect(4)
    c.send(publish_packet(ds(), '{"current_value":"d1"}', qos=1, pid=4, dup=True))
    c.expect(4)
    assert executed(r"(request-ok|warn \S+) [^\n]*client=q2 [^\n]*op=publish", m) >= 3


@test("XB-MAP-16", "XB-AUTHZ-25", "XB-ERR-42", "XB-ERR-43", "XB-TOPIC-34", "XB-MAP-11", "XB-ERR-4")
def acknowledged_whatever_the_outcome():
    m = B.log_mark()
    c = Client(B.port, client_id="bad", user=DEV)
    before = current()
    cases = [(ds(), "{not json", "bad-payload"), ("/v2/feeds/999999.json", "{}", "not-found"),
             ("no/such/topic", "x", "not-api-topic"), (ds() + "?duration=1hour", "{}", "bad-query"),
             ("/v2/feeds/%s.json" % FEED, '{"title":""}', "invalid"),
             (ds(), '{"current_value":"x","at":"not a time"}', "invalid"),
             ("/v2/feeds/%s/datastreams.json" % FEED, '{"datastreams":[{"id":"temperature"}]}', "conflict")]
    for i, (topic, payload, reason) in enumerate(cases, 1):
        c.send(publish_packet(topic, payload, qos=1, pid=i))
        assert c.expect(4)[2] == bytes([0, i])
        c.send(publish_packet(topic, payload, qos=2, pid=100 + i))
        assert c.expect(5)[2] == bytes([0, 100 + i])
        B.wait_log(r"warn %s [^\n]*client=bad [^\n]*op=publish" % reason, start=m)
    # Only PUBACK / PUBREC came back (no error of any kind), and nothing was changed.
    c.expect_silence()
    assert current() == before


@test("XB-MAP-18", "XB-SUB-12", "XB-MAP-12", "XB-SUB-18")
def ack_before_own_notification():
    c = Client(B.port, client_id="order", user=DEV)
    c.send(subscribe_packet(1, ds()))
    c.expect(9)
    c.expect_publish(ds(), retain=True)
    for i in range(5):
        c.send(publish_packet(ds(), '{"current_value":"o%d"}' % i, qos=1, pid=i + 1))
    for i in range(5):
        assert c.expect(4)[2] == bytes([0, i + 1])
        assert json.loads(c.expect_publish(ds(), retain=False))["current_value"] == "o%d" % i


@test("XB-MQTT-43", "XB-ERR-29")
def client_acks_ignored():
    m = B.log_mark()
    c = Client(B.port, client_id="acks")
    for first in (0x40, 0x50, 0x70):
        c.send(bytes([first, 2, 0, 9]))
    c.expect_silence()  # nothing answered, still connected
    assert len(re.findall(r"warn unexpected-packet [^\n]*client=acks ", B.log()[m:])) == 3


@test("XB-MAP-19", "XB-EXC-4")
def retain_flag_ignored():
    m = B.log_mark()
    c = Client(B.port, client_id="ret", user=DEV)
    c.send(publish_packet(ds(), '{"current_value":"retained?"}', qos=1, pid=1, retain=True))
    c.expect(4)
    assert current() == "retained?"  # executed like any other write
    # A zero-length retained PUBLISH removes nothing: an ordinary, invalid write.
    c.send(publish_packet(ds(), b"", qos=1, pid=2, retain=True))
    c.expect(4)
    B.wait_log(r"warn bad-payload [^\n]*client=ret ", start=m)
    # What a new subscriber gets is the resource's state, not a stored message.
    c.send(publish_packet(ds(), '{"current_value":"later"}', qos=1, pid=3))
    c.expect(4)
    assert current() == "later"


@test("XB-MQTT-40", "XB-MQTT-41")
def real_clients():
    for q in (1, 2):
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(B.port), "-u", DEV, "-q", str(q),
                        "-t", ds(), "-m", '{"current_value":"mosq%d"}' % q], check=True, timeout=10)
        assert current() == "mosq%d" % q
    done = threading.Event()
    cl = mqtt.Client(client_id="paho-q", protocol=mqtt.MQTTv311)
    cl.username_pw_set(DEV)
    published = []
    cl.on_publish = lambda c, u, mid: (published.append(mid), done.set() if len(published) == 2 else None)
    cl.connect("127.0.0.1", B.port, 30)
    cl.loop_start()
    try:
        cl.publish(ds(), '{"current_value":"paho1"}', qos=1)
        cl.publish(ds(), '{"current_value":"paho2"}', qos=2)
        assert done.wait(5), published  # on_publish: PUBACK, and PUBCOMP after PUBREL
    finally:
        cl.disconnect()
        cl.loop_stop()
    assert current() == "paho2"


if __name__ == "__main__":
    run(provision)
