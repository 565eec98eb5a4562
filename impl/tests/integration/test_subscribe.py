#!/usr/bin/python3
"""Subscribe-state against the real bridge, with raw sockets, paho-mqtt, mosquitto_sub and
mosquitto_pub: SUBACK, the current state at once (RETAIN=1), then every change (RETAIN=0)
to every subscriber including the writer; silent denials; isolation of non-API and
wildcard topics (spec/subscribe.md, spec/topics.md §1, spec/scope.md XB-SCOPE-5)."""
import json
import queue
import socket
import struct
import subprocess
import threading

import paho.mqtt.client as mqtt

from xbtest import Client, publish_packet, run, subscribe_packet, unsubscribe_packet, test

B = None
DEV = FEED = MASTER = PRIV = None


def provision(b):
    global DEV, FEED, MASTER, PRIV
    env = b.demo()
    DEV, FEED, MASTER = env["XB_DEMO_KEY"], env["XB_DEMO_FEED"], env["XB_DEMO_MASTER_KEY"]
    PRIV = b.prov("feed", "demo", "secret", "--private")
    b.prov("datastream", "demo", PRIV, "temperature")


def ds(feed=None):
    return "/v2/feeds/%s/datastreams/temperature.json" % (feed or FEED)


def value(payload):
    return json.loads(payload).get("current_value")


@test("XB-SUB-1", "XB-SUB-2", "XB-SUB-6", "XB-SUB-12", "XB-SUB-16", "XB-MAP-18", "XB-MQTT-49")
def state_then_updates_writer_included():
    w = Client(B.port, client_id="writer", user=DEV)
    w.send(publish_packet(ds(), '{"current_value":"10"}', qos=1, pid=1))
    w.expect(4)
    s = Client(B.port, client_id="sub")
    s.send(subscribe_packet(7, ds()))
    t, f, body = s.expect(9)
    assert body == b"\x00\x07\x00", body  # SUBACK first, 00 granted for a QoS 1 request
    assert value(s.expect_publish(ds(), retain=True)) == "10"
    w.send(subscribe_packet(2, ds()))
    w.expect(9)
    assert value(w.expect_publish(ds(), retain=True)) == "10"
    w.send(publish_packet(ds(), '{"current_value":"11"}', qos=1, pid=3))
    assert w.expect(4)[2] == b"\x00\x03"  # the PUBACK before its own notification
    assert value(w.expect_publish(ds(), retain=False)) == "11"
    assert value(s.expect_publish(ds(), retain=False)) == "11"
    s.expect_silence(0.3)


@test("XB-SUB-23", "XB-TOPIC-7", "XB-SUB-2")
def each_spelling_its_own_topic():
    a, b2 = "/v2/feeds/%s.json" % FEED, "v2/feeds/%s" % FEED
    c = "%s/v2/feeds/%s.json" % (DEV, FEED)
    s = Client(B.port, client_id="spell")
    s.send(subscribe_packet(1, a, b2, c))
    s.expect(9)
    states = [s.expect_publish(x, retain=True) for x in (a, b2, c)]
    assert states[0] == states[1] == states[2]
    w = Client(B.port, client_id="w2", user=DEV)
    w.send(publish_packet(ds(), '{"current_value":"12"}'))
    got = [s.expect_publish(x, retain=False) for x in (a, b2, c)]
    assert got[0] == got[1] == got[2] and '"current_value":"12"' in got[0]


@test("XB-SUB-4", "XB-SUB-14", "XB-AUTHZ-25", "XB-ERR-41")
def denied_is_silent():
    m = B.log_mark()
    s = Client(B.port, client_id="nosy")
    s.send(subscribe_packet(1, ds(PRIV)))
    assert s.expect(9)[2] == b"\x00\x01\x00"
    s.expect_silence(0.3)
    B.wait_log(r"warn forbidden .*client=nosy key=- op=subscribe topic=" + ds(PRIV), start=m)
    owner = Client(B.port, client_id="owner", user=MASTER)
    owner.send(subscribe_packet(1, ds(PRIV)))
    owner.expect(9)
    owner.expect_publish(ds(PRIV), retain=True)
    owner.send(publish_packet(ds(PRIV), '{"current_value":"hidden"}'))
    assert value(owner.expect_publish(ds(PRIV), retain=False)) == "hidden"
    s.expect_silence(0.3)
    B.wait_log(r"warn forbidden .*client=nosy key=- op=delivery", start=m)
    s.send(b"\xc0\x00")
    s.expect(13)  # still connected


@test("XB-SCOPE-5", "XB-TOPIC-2", "XB-TOPIC-33", "XB-TOPIC-34", "XB-ERR-33", "XB-ERR-34", "XB-EXC-7")
def isolation_of_non_api_topics():
    m = B.log_mark()
    s = Client(B.port, client_id="listener")
    s.send(subscribe_packet(1, "#", "devices/+/status", "devices/42/status", "$SYS/broker/uptime"))
    assert s.expect(9)[2] == b"\x00\x01\x00\x00\x00\x00"
    w = Client(B.port, client_id="talker", user=DEV)
    w.send(publish_packet("devices/42/status", "online", qos=1, pid=1))
    w.expect(4)
    w.send(publish_packet(ds(), '{"current_value":"13"}', qos=1, pid=2))
    w.expect(4)
    s.expect_silence()
    B.wait_log(r"warn wildcard-filter .*client=listener .*topic=#", start=m)
    B.wait_log(r"warn not-api-topic .*client=listener .*op=subscribe topic=devices/42/status", start=m)
    B.wait_log(r"warn not-api-topic .*client=talker .*op=publish topic=devices/42/status", start=m)
    # The same with real clients: mosquitto_sub on '#' sees nothing from mosquitto_pub.
    m2 = B.log_mark()
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(B.port), "-t", "#",
                            "-t", "devices/42/status", "-W", "1", "-v"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    B.wait_log(r"not-api-topic .*op=subscribe topic=devices/42/status", start=m2)
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(B.port), "-t",
                    "devices/42/status", "-m", "hello"], check=True, timeout=10)
    out, _ = sub.communicate(timeout=10)
    assert out == "", out


@test("XB-MAP-22", "XB-MAP-23", "XB-MAP-24", "XB-MQTT-52", "XB-SUB-25")
def unsubscribe():
    s = Client(B.port, client_id="unsub")
    s.send(subscribe_packet(1, ds()))
    s.expect(9)
    s.expect_publish(ds(), retain=True)
    s.send(unsubscribe_packet(2, ds(), "never-subscribed"))
    assert s.expect(11)[2] == b"\x00\x02"
    w = Client(B.port, client_id="w3", user=DEV)
    w.send(publish_packet(ds(), '{"current_value":"14"}', qos=1, pid=1))
    w.expect(4)
    s.expect_silence(0.3)


@test("XB-SCOPE-6", "XB-MAP-12", "XB-SUB-3", "XB-SUB-18")
def concurrent_writers_serialized():
    s = Client(B.port, client_id="serial-sub")
    s.send(subscribe_packet(1, ds()))
    s.expect(9)
    s.expect_publish(ds(), retain=True)
    a = Client(B.port, client_id="wa", user=DEV)
    b = Client(B.port, client_id="wb", user=DEV)
    n = 40
    for i in range(n):  # both connections' packets interleave in the bridge's turns
        a.send(publish_packet(ds(), '{"current_value":"A%d"}' % i, qos=1, pid=i + 1))
        b.send(publish_packet(ds(), '{"current_value":"B%d"}' % i, qos=1, pid=i + 1))
    for c in (a, b):
        for i in range(n):
            assert c.expect(4)[2] == struct.pack("!H", i + 1)
    got = [value(s.expect_publish(ds(), retain=False)) for _ in range(2 * n)]
    s.expect_silence()
    # One notification per write, each connection's writes in its own order, and the
    # last notification is the state every later reader sees.
    assert [v for v in got if v[0] == "A"] == ["A%d" % i for i in range(n)], got
    assert [v for v in got if v[0] == "B"] == ["B%d" % i for i in range(n)], got
    r = Client(B.port, client_id="serial-read")
    r.send(subscribe_packet(1, ds()))
    r.expect(9)
    assert value(r.expect_publish(ds(), retain=True)) == got[-1]


@test("XB-SCOPE-14", "XB-TRANS-24")
def reset_subscriber_does_not_kill():
    s = Client(B.port, client_id="rst")
    s.send(subscribe_packet(1, "/v2/feeds/%s.json" % FEED))
    s.expect(9)
    s.expect_publish("/v2/feeds/%s.json" % FEED, retain=True)
    # Closed with a reset (linger 0): the bridge's next writes meet EPIPE / ECONNRESET.
    s.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.sock.close()
    w = Client(B.port, client_id="w-rst", user=DEV)
    for i in range(20):
        w.send(publish_packet(ds(), '{"current_value":"r%d"}' % i, qos=1, pid=i + 1))
        w.expect(4)
    B.wait_log(r"warn (socket-error|peer-closed) .*client=rst ")
    w.expect_silence()  # still served


@test("XB-SUB-2", "XB-SUB-6", "XB-SUB-12", "XB-MQTT-44")
def paho_and_mosquitto_clients():
    msgs = queue.Queue()
    cl = mqtt.Client(client_id="paho-sub", protocol=mqtt.MQTTv311)
    subscribed = threading.Event()
    cl.on_message = lambda c, u, m: msgs.put((m.topic, m.retain, m.qos, m.payload.decode()))
    cl.on_subscribe = lambda c, u, mid, q: subscribed.set()
    cl.connect("127.0.0.1", B.port, 30)
    cl.loop_start()
    try:
        cl.subscribe(ds(), qos=1)
        assert subscribed.wait(5)
        topic, retain, qos, payload = msgs.get(timeout=5)
        assert (topic, retain, qos) == (ds(), 1, 0), (topic, retain, qos)
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(B.port), "-u", DEV, "-t", ds(),
                        "-m", '{"current_value":"15"}'], check=True, timeout=10)
        topic, retain, qos, payload = msgs.get(timeout=5)
        assert (topic, retain, qos) == (ds(), 0, 0) and value(payload) == "15"
    finally:
        cl.disconnect()
        cl.loop_stop()
    # mosquitto_sub: state then one update, with the retained flag shown by -F %r.
    m = B.log_mark()
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(B.port), "-u", DEV, "-t",
                            ds(), "-C", "2", "-W", "10", "-F", "%r %p"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    B.wait_log(r"request-ok .*op=subscribe topic=%s" % ds(), start=m)
    subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(B.port), "-u", DEV, "-t", ds(),
                    "-m", '{"current_value":"16"}'], check=True, timeout=10)
    out, err = sub.communicate(timeout=15)
    lines = out.strip().splitlines()
    assert len(lines) == 2, (out, err)
    assert lines[0].startswith("1 ") and value(lines[0][2:]) == "15", lines
    assert lines[1].startswith("0 ") and value(lines[1][2:]) == "16", lines


if __name__ == "__main__":
    run(provision)
