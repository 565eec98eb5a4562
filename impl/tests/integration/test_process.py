#!/usr/bin/python3
"""Process-level behaviour of the real bridge: shutdown with open connections within
5 s and without firing wills (spec/scope.md XB-SCOPE-13, spec/exceptions.md XB-EXC-28);
no outbound connection of any kind, triggers that never fire (XB-SCOPE-2, XB-EXC-18);
every API request made of all its parts, from SUBSCRIBE, PUBLISH and will alike (XB-MAP-1)."""
import json
import os
import select
import signal
import socket
import time

from xbtest import Bridge, Client, Closed, connect_packet, publish_packet, run, subscribe_packet, test

B = None
ENV = {}
PRIV = None       # a private feed of the demo user, datastream "d"
KEY_OK = None     # get/put/post on PRIV from 127.0.0.1
KEY_FAR = None    # get/put/post on PRIV from 192.0.2.1 only


def provision(b):
    global PRIV, KEY_OK, KEY_FAR
    ENV.update(b.demo())
    PRIV = b.prov("feed", ENV["XB_DEMO_LOGIN"], "Private", "--private")
    b.prov("datastream", ENV["XB_DEMO_LOGIN"], PRIV, "d")
    KEY_OK = b.prov("key", ENV["XB_DEMO_LOGIN"], "--private-access", "--perm", "get,put,post:%s@127.0.0.1" % PRIV)
    KEY_FAR = b.prov("key", ENV["XB_DEMO_LOGIN"], "--private-access", "--perm", "get,put,post:%s@192.0.2.1" % PRIV)


_n = [0]


def cid(tag):
    _n[0] += 1
    return "%s%d" % (tag, _n[0])


def state(topic, user=None, port=None):
    """The initial state delivered for topic, or None when nothing is (ping-checked)."""
    c = Client(port or B.port, client_id=cid("r"), user=user)
    c.send(subscribe_packet(1, topic))
    t, f, body = c.expect(9)
    assert body[2:] == b"\x00", body
    p = c.recv(2)
    if p is None:
        c.close()
        return None
    if p == (13, 0, b""):
        raise AssertionError("unexpected PINGRESP")
    assert p[0] == 3, p
    tl = int.from_bytes(p[2][:2], "big")
    assert p[2][2:2 + tl].decode() == topic
    c.expect_silence()
    c.close()
    return p[2][2 + tl:].decode()


def state_or_none(topic, user=None, port=None):
    """As state(), but decides 'nothing' by a PINGREQ round trip right after SUBACK."""
    c = Client(port or B.port, client_id=cid("r"), user=user)
    c.send(subscribe_packet(1, topic))
    c.expect(9)
    c.send(b"\xc0\x00")
    p = c.recv(5)
    if p == (13, 0, b""):
        c.close()
        return None
    assert p is not None and p[0] == 3, p
    tl = int.from_bytes(p[2][:2], "big")
    c.close()
    return p[2][2 + tl:].decode()


def puback(c, topic, payload, pid):
    c.send(publish_packet(topic, payload, qos=1, pid=pid))
    t, f, body = c.expect(4)
    assert body == pid.to_bytes(2, "big"), body


# ------------------------------------------------------------------ XB-MAP-1

@test("XB-MAP-1", "XB-MAP-3", "XB-TOPIC-12", "XB-AUTH-10", "XB-AUTHZ-8")
def request_parts_from_subscribe_publish_and_will():
    """Each part of a request (method, version, target, format, query, payload, request
    key, client address) decides its outcome, whichever packet the request came from."""
    F = PRIV
    ds = "/v2/feeds/%s/datastreams/d" % F
    # PUBLISH: item = PUT, payload and format from the topic, key from the prefix,
    # the connection's address checked against source_ip.
    w = Client(B.port, client_id=cid("w"))
    puback(w, "%s%s.csv" % (KEY_OK, ds), "v-csv", 1)                      # format CSV
    assert json.loads(state("%s%s.json" % (KEY_OK, ds)))["current_value"] == "v-csv"
    puback(w, "%s%s.json" % (KEY_FAR, ds), '{"current_value":"far"}', 2)  # address refused
    puback(w, "%s%s.json" % (ENV["XB_DEMO_KEY"], ds), '{"current_value":"nokey"}', 3)  # key without rights
    puback(w, "%s.json" % ds, '{"current_value":"anon"}', 4)               # no key at all
    assert json.loads(state("%s%s.json" % (KEY_OK, ds)))["current_value"] == "v-csv"
    # Collection = POST (create), version v1 = positional CSV of the feed.
    puback(w, "%s/v2/feeds/%s/datastreams.json" % (KEY_OK, F),
           '{"datastreams":[{"id":"made","current_value":"m1"}]}', 5)
    assert json.loads(state("%s/v2/feeds/%s/datastreams/made.json" % (KEY_OK, F)))["current_value"] == "m1"
    puback(w, "%s/v1/feeds/%s.csv" % (KEY_OK, F), "p0,p1", 6)
    assert json.loads(state("%s/v2/feeds/%s/datastreams/1.json" % (KEY_OK, F)))["current_value"] == "p1"
    w.close()
    # SUBSCRIBE: target, version, format and query select the document; key and
    # address decide whether there is one.
    v2csv = state("%s%s.csv" % (KEY_OK, ds))
    v1csv = state("%s/v1/feeds/%s/datastreams/d.csv" % (KEY_OK, F))
    js = state("%s%s.json" % (KEY_OK, ds))
    hist = state("%s%s.json?duration=1hour" % (KEY_OK, ds))
    assert v2csv.endswith(",v-csv") and v2csv.count(",") == 1, v2csv     # timestamp,value
    assert v1csv == "v-csv", v1csv                                        # value only
    assert json.loads(js)["id"] == "d", js
    assert "datapoints" in json.loads(hist), hist
    assert state_or_none("%s%s.json" % (KEY_FAR, ds)) is None
    assert state_or_none("%s.json" % ds) is None
    # Will: the same parts, executed when the connection drops.
    for key, val, applied in ((KEY_FAR, "will-far", False), (KEY_OK, "will-ok", True)):
        c = Client(B.port, client_id=cid("will"), will_topic="%s%s.csv" % (key, ds), will_msg=val.encode())
        m = B.log_mark()
        c.close()
        B.wait_log(r"(request-ok|source-ip|forbidden)[^\n]*op=will", start=m)
        cur = json.loads(state("%s%s.json" % (KEY_OK, ds)))["current_value"]
        assert (cur == val) == applied, (key == KEY_OK, cur)


# ------------------------------------------------------------------ XB-SCOPE-2, XB-EXC-18

def bridge_sockets(pid):
    """{inode: (proto, local_port, remote_port, state)} of every inet socket of pid."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    out = {}
    for proto in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        try:
            lines = open("/proc/%d/net/%s" % (pid, proto)).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[9] in inodes:
                out[f[9]] = (proto, int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16), f[3])
    return inodes, out


def assert_no_outbound(pid, port):
    inodes, socks = bridge_sockets(pid)
    assert socks, "no inet socket found for the bridge (at least its listener)"
    for inode, (proto, lport, rport, st) in socks.items():
        assert proto.startswith("tcp"), "non-TCP inet socket %s %r" % (proto, socks[inode])
        # Either the listener (state 0A) or a connection accepted on the listening port.
        assert st == "0A" or lport == port, "outbound socket %r" % (socks[inode],)


@test("XB-SCOPE-2", "XB-EXC-18", "XB-RES-85")
def triggers_never_fire_no_outbound_connection():
    hook = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hook.bind(("127.0.0.1", 0))
    hook.listen(16)
    hport = hook.getsockname()[1]
    F = ENV["XB_DEMO_FEED"]
    m = Client(B.port, client_id=cid("m"), user=ENV["XB_DEMO_MASTER_KEY"])
    for i, (ttype, thr) in enumerate((("change", None), ("gt", "0"), ("lt", "1000"), ("frozen", None))):
        trig = {"url": "http://127.0.0.1:%d/hook%d" % (hport, i), "trigger_type": ttype,
                "environment_id": int(F), "stream_id": "temperature"}
        if thr is not None:
            trig["threshold_value"] = thr
        puback(m, "/v2/triggers.json", json.dumps(trig), 10 + i)
    # A trigger on a host name too: no name is resolved either (no UDP socket below).
    puback(m, "/v2/triggers.json", json.dumps({"url": "http://hook.example.invalid/x", "trigger_type": "change",
                                               "environment_id": int(F), "stream_id": "temperature"}), 20)
    lst = json.loads(state("/v2/triggers.json", user=ENV["XB_DEMO_MASTER_KEY"]))
    urls = [t["url"] for t in lst]
    assert sum(("127.0.0.1:%d" % hport) in u for u in urls) == 4, urls   # stored (control)
    # Meet every condition, several times.
    ds = "/v2/feeds/%s/datastreams/temperature.json" % F
    for i, v in enumerate(("5", "50", "500", "7")):
        puback(m, ds, '{"current_value":"%s"}' % v, 30 + i)
        assert_no_outbound(B.proc.pid, B.port)
    m.expect_silence()
    r, _, _ = select.select([hook], [], [], 1.5)
    assert not r, "the bridge connected to the trigger url"
    assert_no_outbound(B.proc.pid, B.port)
    # Stored but never fired: no notified_at.
    for t in json.loads(state("/v2/triggers.json", user=ENV["XB_DEMO_MASTER_KEY"])):
        assert "notified_at" not in t, t
    hook.close()
    m.close()


# ------------------------------------------------------------------ XB-SCOPE-13, XB-EXC-28

@test("XB-SCOPE-13", "XB-SCOPE-12", "XB-EXC-28", "XB-WILL-6")
def shutdown_with_connections_within_5s_no_wills():
    b = Bridge(provision=lambda b: b.demo())
    b.start()
    env = b.env
    F, key = env["XB_DEMO_FEED"], env["XB_DEMO_KEY"]
    ds = "/v2/feeds/%s/datastreams/temperature.json" % F
    w0 = Client(b.port, client_id="w0", user=key)
    puback(w0, ds, '{"current_value":"before"}', 1)
    w0.close()
    clients = []
    for i in range(30):
        kw = dict(client_id="c%d" % i, user=key, keepalive=60)
        if i % 3 == 0:
            kw.update(will_topic=ds, will_msg=b'{"current_value":"will-fired"}')
        c = Client(b.port, **kw)
        c.send(subscribe_packet(1, ds, "/v2/feeds/%s.json" % F))
        c.expect(9)
        c.expect(3)
        c.expect(3)
        clients.append(c)
    # One connection mid-packet, one that never sent its CONNECT, one that does not read.
    half = Client(b.port, client_id="half", user=key)
    half.send(publish_packet(ds, '{"current_value":"half"}', qos=1, pid=9)[:7])
    raw = socket.create_connection(("127.0.0.1", b.port))
    lazy = Client(b.port, client_id="lazy", user=key)
    lazy.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    lazy.send(subscribe_packet(1, ds))
    for i in range(200):
        clients[1].send(publish_packet(ds, '{"current_value":"load%d"}' % i))
    m = b.log_mark()
    t0 = time.monotonic()
    b.proc.send_signal(signal.SIGTERM)
    try:
        rc = b.proc.wait(timeout=5)
    except Exception:
        raise AssertionError("the bridge did not exit within 5 s of SIGTERM")
    took = time.monotonic() - t0
    assert rc == 0, rc
    assert took < 5, took
    log = b.log()[m:]
    b.proc = None
    b.log_file.close()
    # Every client connection was closed by the bridge.
    for c in clients + [half]:
        c.sock.settimeout(2)
        try:
            while c.sock.recv(65536):
                pass
        except (ConnectionResetError, socket.timeout):
            pass
    assert "op=will" not in log, log
    assert "shutdown" in log, log
    # XB-EXC-28: after a restart on the same store the wills did not write anything.
    b2 = Bridge()
    b2.db = b.db
    b2.start()
    try:
        cur = json.loads(state(ds, port=b2.port))["current_value"]
        assert cur != "will-fired", cur
    finally:
        assert b2.stop() == 0
    raw.close()
    lazy.close()


if __name__ == "__main__":
    run(provision)
