#!/usr/bin/python3
"""Authentication and CONNECT against the real bridge: the API key as user name (checked at
CONNECT) and as topic prefix, CONNACK codes and their order, protocol levels 3, 4 and 5,
with raw sockets and with paho-mqtt (spec/auth.md, spec/mqtt.md §3, spec/errors.md)."""
import json
import re
import threading
import time

import paho.mqtt.client as mqtt

from xbtest import Client, Closed, connect_packet, publish_packet, run, subscribe_packet, test

B = None
DEV = FEED = MASTER = OTHER = None


def setup(b):
    global DEV, FEED, MASTER, OTHER
    env = b.demo()
    DEV, FEED, MASTER = env["XB_DEMO_KEY"], env["XB_DEMO_FEED"], env["XB_DEMO_MASTER_KEY"]
    OTHER = b.prov("user", "other")


def raw_connack(**kw):
    c = Client(B.port, connect=False)
    c.send(connect_packet(**kw))
    try:
        p = c.recv(5)
    except Closed:
        return None, c
    return p, c


def paho_connect(user=None, protocol=mqtt.MQTTv311, password=None, client_id="p"):
    done = threading.Event()
    res = {}
    cl = mqtt.Client(client_id=client_id, protocol=protocol)
    if user is not None:
        cl.username_pw_set(user, password)

    def on_connect(c, u, flags, rc):
        res["rc"] = rc
        res["flags"] = flags
        done.set()
    cl.on_connect = on_connect
    cl.connect("127.0.0.1", B.port, 30)
    cl.loop_start()
    done.wait(5)
    cl.disconnect()
    cl.loop_stop()
    return res.get("rc")


def ds_value(key=None):
    """Current value of the demo datastream, read over MQTT (initial state)."""
    c = Client(B.port, client_id="reader", user=key)
    t = "/v2/feeds/%s/datastreams/temperature.json" % FEED
    c.send(subscribe_packet(1, t))
    c.expect(9)
    body = json.loads(c.expect_publish(t, retain=True))
    c.close()
    return body.get("current_value")


@test("XB-AUTH-1", "XB-MQTT-34", "XB-AUTH-6")
def username_key_accepted():
    p, c = raw_connack(client_id="k1", user=DEV)
    assert p == (2, 0, b"\x00\x00"), p
    assert paho_connect(DEV) == 0
    # XB-AUTH-6: a key that can do nothing on this feed (other user's master) still connects.
    assert paho_connect(OTHER) == 0


@test("XB-AUTH-1", "XB-AUTH-3", "XB-ERR-22", "XB-AUTH-16", "XB-MQTT-35")
def unknown_key_refused():
    m = B.log_mark()
    bogus = "ZZZZ" + "y" * 36
    p, c = raw_connack(client_id="k2", user=bogus)
    assert p == (2, 0, b"\x00\x04"), p
    c.expect_closed()
    line = B.wait_log(r"warn unknown-key conn=\d+ ip=127\.0\.0\.1 client=k2 key=ZZZZ\* op=connect", start=m)
    assert bogus not in B.log()  # XB-AUTH-16: never more than 4 characters
    for user in ("", "short", "has space 0123456789"):
        p, c = raw_connack(client_id="k3", user=user)
        assert p == (2, 0, b"\x00\x04"), (user, p)
        c.expect_closed()
    assert paho_connect("NotAKeyNotAKeyNotAKey") == 4


@test("XB-AUTH-4", "XB-SCOPE-15")
def password_ignored():
    p, c = raw_connack(client_id="pw", user=DEV, password="s3cr3t-password-xyz")
    assert p == (2, 0, b"\x00\x00"), p
    assert "s3cr3t-password-xyz" not in B.log()


@test("XB-AUTH-5", "XB-AUTHZ-20", "XB-AUTHZ-26")
def anonymous_connection():
    c = Client(B.port, client_id="anon")
    m = B.log_mark()
    t = "/v2/feeds/%s/datastreams/temperature.json" % FEED
    c.send(publish_packet(t, '{"current_value":"anon"}', qos=1, pid=3))
    assert c.expect(4)[2] == b"\x00\x03"  # acknowledged, denied (XB-AUTHZ-25)
    B.wait_log(r"warn forbidden conn=\d+ ip=127\.0\.0\.1 client=anon key=- op=publish topic=" + t, start=m)
    assert ds_value(DEV) != "anon"
    # A public feed is readable anonymously (XB-AUTHZ-17).
    c.send(subscribe_packet(2, t))
    c.expect(9)
    c.expect_publish(t, retain=True)


@test("XB-AUTH-9", "XB-AUTH-10", "XB-AUTH-12", "XB-TOPIC-6")
def prefix_key():
    c = Client(B.port, client_id="pre")  # anonymous: the prefix key alone authorizes
    t = "%s/v2/feeds/%s/datastreams/temperature.json" % (DEV, FEED)
    c.send(publish_packet(t, '{"current_value":"by-prefix"}', qos=1, pid=1))
    c.expect(4)
    assert ds_value(DEV) == "by-prefix"
    # The prefix key overrides the user name: the other user's key cannot write here.
    d = Client(B.port, client_id="pre2", user=DEV)
    m = B.log_mark()
    t2 = "%s/v2/feeds/%s/datastreams/temperature.json" % (OTHER, FEED)
    d.send(publish_packet(t2, '{"current_value":"other"}', qos=1, pid=2))
    d.expect(4)
    B.wait_log(r"warn forbidden .* key=%s\* op=publish" % OTHER[:4], start=m)
    assert ds_value(DEV) == "by-prefix"
    # An unknown prefix key is denied silently, the connection stays (XB-AUTH-12).
    t3 = "UnknownKeyUnknownKey/v2/feeds/%s/datastreams/temperature.json" % FEED
    d.send(publish_packet(t3, '{"current_value":"x"}', qos=1, pid=3))
    d.expect(4)
    B.wait_log(r"warn unknown-key .* key=Unkn\* op=publish", start=m)
    d.send(b"\xc0\x00")
    d.expect(13)


@test("XB-AUTH-2", "XB-AUTH-11", "XB-ERR-39")
def expired_key():
    key = B_EXPIRING
    c = Client(B.port, client_id="exp", user=key)
    t = "/v2/feeds/%s/datastreams/temperature.json" % FEED
    # The master key gives that key an expiry one second ahead, over MQTT (XB-AUTHZ-13).
    admin = Client(B.port, client_id="admin", user=MASTER)
    m = B.log_mark()
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2))
    admin.send(publish_packet("/v2/keys/%s.json" % key, '{"key":{"expires_at":"%s"}}' % when,
                              qos=1, pid=1))
    admin.expect(4)
    B.wait_log(r"request-ok .* op=publish topic=/v2/keys/", start=m)
    # Once it has expired, the connection stays and its requests are denied (XB-AUTH-11).
    deadline = time.time() + 5
    pid = 5
    while not re.search(r"warn expired-key .*client=exp .*op=publish", B.log()[m:]):
        assert time.time() < deadline, "key never expired"
        c.send(publish_packet(t, '{"current_value":"late"}', qos=1, pid=pid))
        c.expect(4)
        pid += 1
        time.sleep(0.2)  # the expiry is a time of day: poll it
    # A new CONNECT with it gets CONNACK 04, logged expired-key (XB-AUTH-2).
    p, d = raw_connack(client_id="exp2", user=key)
    assert p == (2, 0, b"\x00\x04"), p
    B.wait_log(r"warn expired-key .*client=exp2 .*op=connect", start=m)


@test("XB-SCOPE-1", "XB-MQTT-19", "XB-EXC-10", "XB-ERR-18", "XB-MQTT-18", "XB-ERR-17")
def protocol_levels():
    p, c = raw_connack(client_id="l3", user=DEV, level=3)
    assert p == (2, 0, b"\x00\x00"), p
    assert paho_connect(DEV, protocol=mqtt.MQTTv31) == 0
    for name, level in (("MQTT", 5), ("MQTT", 3), ("MQIsdp", 4), ("MQTT", 6)):
        p, c = raw_connack(client_id="lx", level=level, name=name)
        assert p == (2, 0, b"\x00\x01"), (name, level, p)
        c.expect_closed()
    m = B.log_mark()
    p, c = raw_connack(client_id="ln", level=4, name="MQTX")
    assert p is None, p  # closed without CONNACK
    B.wait_log(r"warn bad-protocol-name ", start=m)


@test("XB-ERR-5", "XB-AUTH-7", "XB-MQTT-32")
def connack_order():
    # Bad level and unknown key: the level decides (01).
    p, c = raw_connack(client_id="o1", level=5, user="NoSuchKeyNoSuchKey")
    assert p == (2, 0, b"\x00\x01"), p
    # Bad client id (level 3, 24 bytes) and unknown key: 02.
    p, c = raw_connack(client_id="x" * 24, level=3, user="NoSuchKeyNoSuchKey")
    assert p == (2, 0, b"\x00\x02"), p
    # Malformed (password without user name) and bad client id: closed, no CONNACK.
    c = Client(B.port, connect=False)
    body = connect_packet(client_id="x" * 24, level=3)
    body = bytearray(body)
    flags_at = 2 + 2 + 6 + 1  # fixed header, name, level
    body[flags_at] |= 0x40
    c.send(bytes(body))
    c.expect_closed()


@test("XB-AUTH-8", "XB-MQTT-36", "XB-ERR-31")
def takeover_across_keys():
    a = Client(B.port, client_id="shared-id", user=DEV)
    b = Client(B.port, client_id="shared-id", user=OTHER)
    a.expect_closed()
    b.send(b"\xc0\x00")
    b.expect(13)
    B.wait_log(r"warn takeover conn=\d+ ip=127\.0\.0\.1 client=shared-id")


@test("XB-AUTHZ-8", "XB-TRANS-22", "XB-TRANS-23", "XB-ERR-41")
def source_ip_restriction():
    t = "/v2/feeds/%s/datastreams/temperature.json" % FEED
    here, elsewhere = B_HERE, B_ELSEWHERE
    c = Client(B.port, client_id="ip1", user=here)
    c.send(publish_packet(t, '{"current_value":"from-loopback"}', qos=1, pid=1))
    c.expect(4)
    assert ds_value(DEV) == "from-loopback"
    m = B.log_mark()
    d = Client(B.port, client_id="ip2", user=elsewhere)
    d.send(publish_packet(t, '{"current_value":"from-elsewhere"}', qos=1, pid=2))
    d.expect(4)
    B.wait_log(r"warn source-ip conn=\d+ ip=127\.0\.0\.1 client=ip2 .*op=publish", start=m)
    assert ds_value(DEV) == "from-loopback"
    # The will of the connection is checked with the same address (XB-TRANS-23).
    w = Client(B.port, client_id="ip3", user=here, will_topic=t, will_msg='{"current_value":"will-ip"}')
    w.sock.close()
    B.wait_log(r"request-ok .*client=ip3 .*op=will", start=m)
    assert ds_value(DEV) == "will-ip"


def provision(b):
    global B_EXPIRING, B_HERE, B_ELSEWHERE
    setup(b)
    # Keys of demo's feed bound to a client address (XB-AUTHZ-8).
    B_HERE = b.prov("key", "demo", "--perm", "get,put:%s@127.0.0.1" % FEED)
    B_ELSEWHERE = b.prov("key", "demo", "--perm", "get,put:%s@192.0.2.1" % FEED)
    # A master-like key of demo, private access, that the test expires later.
    B_EXPIRING = b.prov("key", "demo", "--private-access", "--perm", "get,put,post,delete")


if __name__ == "__main__":
    run(provision)
