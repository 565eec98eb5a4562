#!/usr/bin/python3
"""Last will against the real bridge: fired on socket close and on keep-alive expiry, not
after DISCONNECT, before the CONNACK of a takeover, authorized when it fires; with raw
sockets, paho-mqtt and mosquitto_sub --will-* (spec/will.md, spec/mqtt.md XB-MQTT-36/37)."""
import json
import os
import signal
import subprocess
import threading
import time

import paho.mqtt.client as mqtt

from xbtest import Client, connect_packet, publish_packet, run, subscribe_packet, test

B = None
DEV = FEED = None


def provision(b):
    global DEV, FEED
    env = b.demo()
    DEV, FEED = env["XB_DEMO_KEY"], env["XB_DEMO_FEED"]


def ds(name="status"):
    return "/v2/feeds/%s/datastreams/%s.json" % (FEED, name)


def watcher(name, cid):
    """A subscriber of datastream name; returns it after the initial state (if any)."""
    w = Client(B.port, client_id=cid)
    w.send(subscribe_packet(1, ds(name)))
    w.expect(9)
    return w


def value(payload):
    return json.loads(payload).get("current_value")


@test("XB-WILL-4", "XB-WILL-8", "XB-WILL-11", "XB-ERR-30", "XB-TRANS-24")
def will_on_socket_close():
    w = watcher("s1", "watch1")
    c = Client(B.port, client_id="dev1", user=DEV, will_topic=ds("s1"), will_msg='{"current_value":"offline"}')
    m = B.log_mark()
    c.sock.close()  # no DISCONNECT
    assert value(w.expect_publish(ds("s1"), retain=False)) == "offline"
    B.wait_log(r"warn peer-closed .*client=dev1", start=m)
    B.wait_log(r"debug request-ok .*client=dev1 .*op=will topic=%s will=1" % ds("s1"), start=m)


@test("XB-WILL-5", "XB-MQTT-54")
def no_will_after_disconnect():
    w = watcher("s2", "watch2")
    c = Client(B.port, client_id="dev2", user=DEV, will_topic=ds("s2"), will_msg='{"current_value":"offline"}')
    c.send(b"\xe0\x00")
    c.expect_closed()
    w.expect_silence(0.5)
    # paho: a clean disconnect discards the will too.
    cl = mqtt.Client(client_id="paho-will", protocol=mqtt.MQTTv311)
    cl.username_pw_set(DEV)
    cl.will_set(ds("s2"), '{"current_value":"paho-offline"}', qos=1, retain=True)
    connected = threading.Event()
    cl.on_connect = lambda c, u, f, rc: connected.set()
    cl.connect("127.0.0.1", B.port, 30)
    cl.loop_start()
    assert connected.wait(5)
    cl.disconnect()
    cl.loop_stop()
    w.expect_silence(0.5)


@test("XB-MQTT-37", "XB-ERR-25", "XB-WILL-4")
def will_on_keepalive_expiry():
    w = watcher("s3", "watch3")
    t0 = time.time()
    c = Client(B.port, client_id="dev3", user=DEV, keepalive=1, will_topic=ds("s3"),
               will_msg='{"current_value":"timeout"}')
    assert value(w.expect_publish(ds("s3"), retain=False, timeout=5)) == "timeout"
    elapsed = time.time() - t0
    assert 1.4 <= elapsed < 3.0, elapsed  # 1.5 x keep alive
    c.expect_closed()
    B.wait_log(r"warn keepalive-timeout .*client=dev3")


@test("XB-MQTT-36", "XB-WILL-7", "XB-ERR-31", "XB-WILL-4")
def takeover_fires_old_will_first():
    old = Client(B.port, client_id="same", user=DEV, will_topic=ds("s4"), will_msg='{"current_value":"replaced"}')
    new = Client(B.port, client_id="same", user=DEV)  # CONNACK 00 received here
    # The will was committed before that CONNACK: the new connection reads its effect.
    new.send(subscribe_packet(1, ds("s4")))
    new.expect(9)
    assert value(new.expect_publish(ds("s4"), retain=True)) == "replaced"
    old.expect_closed()


@test("XB-WILL-8", "XB-WILL-10", "XB-AUTH-14", "XB-WILL-2", "XB-WILL-3", "XB-TOPIC-35")
def will_authorized_when_fired():
    w = watcher("s5", "watch5")
    m = B.log_mark()
    # Anonymous: registering is fine, executing is denied (XB-AUTHZ-20).
    a = Client(B.port, client_id="anon-will", will_topic=ds("s5"), will_msg='{"current_value":"x"}')
    a.sock.close()
    B.wait_log(r"warn forbidden .*client=anon-will key=- op=will topic=%s will=1" % ds("s5"), start=m)
    w.expect_silence(0.3)
    # A prefix key in the will topic authorizes it.
    topic = "%s%s" % (DEV, ds("s5"))
    p = Client(B.port, client_id="prefix-will", will_topic=topic, will_msg='{"current_value":"pk"}')
    p.sock.close()
    assert value(w.expect_publish(ds("s5"), retain=False)) == "pk"
    # A non-API will topic is accepted, reported at CONNECT, dropped when fired.
    n = Client(B.port, client_id="bad-will", user=DEV, will_topic="status/dev", will_msg="off")
    B.wait_log(r"warn will-unusable .*client=bad-will .*topic=status/dev will=1 detail=not-api-topic", start=m)
    n.sock.close()
    B.wait_log(r"warn not-api-topic .*client=bad-will .*op=will topic=status/dev will=1", start=m)


@test("XB-WILL-4", "XB-WILL-9")
def mosquitto_sub_killed():
    w = watcher("s6", "watch6")
    m = B.log_mark()
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(B.port), "-u", DEV,
                            "-i", "killed-device", "-t", ds("s6"), "--will-topic", ds("s6"),
                            "--will-payload", '{"current_value":"killed"}', "--will-qos", "2",
                            "--will-retain"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    B.wait_log(r"info connect .*client=killed-device .*will=1", start=m)
    os.kill(sub.pid, signal.SIGKILL)
    sub.wait()
    # QoS 2 and retain of the will are ignored: an ordinary change, RETAIN=0.
    assert value(w.expect_publish(ds("s6"), retain=False)) == "killed"


@test("XB-WILL-4", "XB-ERR-16", "XB-WILL-12")
def will_on_protocol_violation_once():
    w = watcher("s7", "watch7")
    c = Client(B.port, client_id="dev7", user=DEV, will_topic=ds("s7"), will_msg='{"current_value":"bye"}')
    c.send(connect_packet(client_id="dev7"))  # a second CONNECT
    c.expect_closed()
    assert value(w.expect_publish(ds("s7"), retain=False)) == "bye"
    w.expect_silence(0.3)


@test("XB-WILL-1", "XB-MQTT-35")
def refused_connect_registers_no_will():
    w = watcher("s8", "watch8")
    m = B.log_mark()
    c = Client(B.port, connect=False)
    c.send(connect_packet(client_id="refused", user="NoSuchKeyNoSuchKey", will_topic=ds("s8"),
                          will_msg='{"current_value":"never"}'))
    assert c.recv(5) == (2, 0, b"\x00\x04")
    c.expect_closed()
    B.wait_log(r"warn unknown-key .*client=refused", start=m)
    w.expect_silence()
    assert "op=will" not in B.log()[m:]


if __name__ == "__main__":
    run(provision)
