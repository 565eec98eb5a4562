#!/usr/bin/python3
"""TLS on the real bridge (issue #7, spec/transport.md §2, spec/errors.md XB-ERR-24):
mosquitto_sub / mosquitto_pub with --cafile, subscribe-state and publish over TLS, the
protocol policy seen by `openssl s_client` (TLS 1.0/1.1 refused, ciphers, no
compression, no client certificate request, any SNI, no ALPN, no renegotiation),
close_notify, timeouts, and bad input (clear text on the TLS port, TLS on the plain
port, handshakes stopping half way, garbage), each ending its own connection with one
log line while the other connections go on. Certificates are made at test time.
"""
import json
import os
import socket
import ssl
import subprocess
import time

import _tlsutil
import xbtest
from xbtest import Client, connect_packet, publish_packet, subscribe_packet, test

B = None
CERTS = _tlsutil.make_certs()
KEY = FEED = None
HS_TIMEOUT = 2
CONNECT_TIMEOUT = 3


def provision(b):
    global KEY, FEED
    env = b.demo()
    KEY, FEED = env["XB_DEMO_KEY"], env["XB_DEMO_FEED"]


def ds(name="temperature"):
    return "/v2/feeds/%s/datastreams/%s.json" % (FEED, name)


def feed():
    return "/v2/feeds/%s.json" % FEED


def cafile():
    return os.path.join(CERTS, "cert.pem")


def conn_lines(conn_id, start=0):
    """The log lines of connection conn_id (after offset start)."""
    return [l for l in B.log()[start:].splitlines() if " conn=%d " % conn_id in l]


def last_conn_id(pattern, start):
    m = B.wait_log(pattern, 5, start)
    return int(m.group(1))


def s_client(*args, stdin=b"", timeout=10):
    r = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % B.tls_port,
                        "-CAfile", cafile()] + list(args), input=stdin, capture_output=True,
                       timeout=timeout)
    return r.returncode, (r.stdout + r.stderr).decode("utf-8", "replace")


def mosq(tool, *args):
    return [tool, "-h", "127.0.0.1", "-p", str(B.tls_port), "--cafile", cafile()] + list(args)


def watchers():
    """A TLS and a plain subscriber of the temperature datastream, past its state."""
    t = B.tls_client(client_id="tls-watch-%d" % time.time_ns())
    p = B.client(client_id="plain-watch-%d" % time.time_ns())
    for c in (t, p):
        c.send(subscribe_packet(1, ds()))
        c.expect(9)
        c.recv(0.3)  # the state, if the datastream has one
    return t, p


def still_served(t, p, tag):
    """The watchers get a new write: the bad input of the test affected no other
    connection."""
    w = B.client(client_id="writer-%s" % tag, user=KEY)
    w.send(publish_packet(ds(), '{"current_value":"%s"}' % tag, qos=1))
    w.expect(4)
    for c in (t, p):
        v = json.loads(c.expect_publish(ds(), retain=False))["current_value"]
        assert v == tag, v
    w.close()


@test("XB-TRANS-3", "XB-TRANS-6", "XB-TRANS-7")
def mosquitto_over_tls_subscribe_state_and_publish():
    sub = subprocess.Popen(mosq("mosquitto_sub", "-u", KEY, "-t", feed(), "-C", "2", "-W", "10"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    plain = B.client(client_id="plain-sub")
    plain.send(subscribe_packet(1, ds()))
    plain.expect(9)
    plain.recv(0.3)
    m = B.log_mark()
    B.wait_log(r"op=subscribe topic=%s" % feed(), 5)
    r = subprocess.run(mosq("mosquitto_pub", "-u", KEY, "-t", ds(), "-m", '{"current_value":"21.5"}'),
                       capture_output=True, timeout=10)
    assert r.returncode == 0, r.stderr
    out, err = sub.communicate(timeout=15)
    assert sub.returncode == 0, err
    lines = out.decode().splitlines()
    assert len(lines) == 2, lines  # the state at once (subscribe-state), then the update
    assert json.loads(lines[0])["id"] == int(FEED)
    assert any(d["id"] == "temperature" and d["current_value"] == "21.5"
               for d in json.loads(lines[1])["datastreams"]), lines[1]
    # XB-TRANS-7: the TLS write reached a plain subscriber like any write.
    assert json.loads(plain.expect_publish(ds(), retain=False))["current_value"] == "21.5"
    B.wait_log(r"info disconnect conn=\d+ ", 5, m)


@test("XB-TRANS-7", "XB-TRANS-20")
def raw_tls_client_same_as_plain():
    c = B.tls_client(client_id="raw-tls", user=KEY, keepalive=30)
    c.send(subscribe_packet(7, ds("other")))
    assert c.expect(9)[2] == b"\x00\x07\x00"
    c.send(publish_packet(ds("other"), '{"current_value":"7"}', qos=1, pid=9))
    assert c.expect(4)[2] == b"\x00\x09"
    assert json.loads(c.expect_publish(ds("other"), retain=False))["current_value"] == "7"
    c.send(b"\xc0\x00")
    assert c.expect(13) == (13, 0, b"")
    # A packet of 60 kB arrives in several TLS records (refused as invalid: still acked).
    c.send(publish_packet(ds("big"), json.dumps({"current_value": "1", "unit": {"label": "x" * 60000}}), qos=1, pid=10))
    assert c.expect(4)[2] == b"\x00\x0a"
    c.send(b"\xe0\x00")
    c.expect_closed()


@test("XB-TRANS-11", "XB-ERR-24", "XB-EXC-26")
def s_client_tls1_1_and_1_0_refused():
    for v in ("-tls1_1", "-tls1"):
        m = B.log_mark()
        rc, out = s_client(v)
        assert rc != 0, out
        assert "alert protocol version" in out or "no protocols available" in out, out
        if "alert protocol version" in out:  # the client did send its ClientHello
            B.wait_log(r"warn tls-handshake conn=\d+ .*detail=\"?unsupported protocol", 5, m)
    # Python's client limited to TLS 1.1 fails the same way.
    ctx = _tlsutil.client_context(cafile(), ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1)
    try:
        ctx.set_ciphers("ALL:@SECLEVEL=0")
        _tlsutil.TlsClient(B.tls_port, cafile(), ctx=ctx, connect=False)
        raise AssertionError("a TLS 1.1 handshake completed")
    except (ssl.SSLError, ConnectionResetError):
        pass


@test("XB-TRANS-11", "XB-TRANS-12", "XB-TRANS-15", "XB-TRANS-16", "XB-TRANS-18", "XB-TRANS-19", "XB-EXC-26")
def s_client_policy():
    for v, proto in (("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")):
        rc, out = s_client(v, "-servername", "anything.invalid", "-alpn", "mqtt")
        assert "Verify return code: 0 (ok)" in out, out
        # The "SSL-Session" block (with "Protocol  :") is printed only once a
        # session exists; with TLS 1.3 that needs the ticket, which may arrive
        # after s_client has quit. The "New, <version>," line is always there.
        assert ("New, %s," % proto) in out or ("Protocol  : %s" % proto) in out, out
        assert "Compression: NONE" in out, out                    # XB-TRANS-12
        assert "No client certificate CA names sent" in out, out  # XB-TRANS-15
        assert "No ALPN negotiated" in out, out                   # XB-TRANS-19
        if proto == "TLSv1.2":                                    # XB-TRANS-18
            c = [l for l in out.splitlines() if "Cipher is" in l][0]
            assert "ECDHE-" in c and ("GCM" in c or "CHACHA20" in c), c
    rc, out = s_client("-tls1_2", "-noservername")                # XB-TRANS-16
    assert "Verify return code: 0 (ok)" in out, out
    # XB-TRANS-18: no RSA key exchange, no CBC with TLS 1.2.
    for cipher in ("AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384"):
        rc, out = s_client("-tls1_2", "-cipher", cipher)
        assert rc != 0 and "Cipher is (NONE)" in out, (cipher, out)


@test("XB-TRANS-13")
def renegotiation_refused():
    m = B.log_mark()
    rc, out = s_client("-tls1_2", stdin=b"R\n", timeout=10)
    assert "RENEGOTIATING" in out, out
    assert "no renegotiation" in out, out
    n = last_conn_id(r"warn \S+ conn=(\d+) ", m)
    assert len(conn_lines(n, m)) == 1, conn_lines(n, m)


@test("XB-TRANS-21", "XB-TRANS-25")
def close_notify_when_the_server_closes():
    # CONNACK 01 + close: close_notify after the CONNACK (a ragged EOF would raise).
    c = _tlsutil.TlsClient(B.tls_port, cafile(), connect=False, ragged_ok=False)
    c.send(connect_packet(client_id="cn1", level=5))
    assert c.expect(2)[2] == b"\x00\x01"
    c.expect_closed()
    # A close without flush (keep alive expired) still sends close_notify.
    c = _tlsutil.TlsClient(B.tls_port, cafile(), ragged_ok=False, client_id="cn2", keepalive=1)
    c.expect_closed(4)
    # After DISCONNECT.
    c = _tlsutil.TlsClient(B.tls_port, cafile(), ragged_ok=False, client_id="cn3")
    c.send(b"\xe0\x00")
    c.expect_closed()


@test("XB-TRANS-14", "XB-TRANS-20", "XB-ERR-24")
def handshake_timeout_then_connect_timeout():
    m = B.log_mark()
    t0 = time.time()
    silent = socket.create_connection(("127.0.0.1", B.tls_port))
    half = socket.create_connection(("127.0.0.1", B.tls_port))
    hello = _tlsutil.client_hello(cafile())
    half.sendall(hello[:len(hello) // 2])  # a handshake that stops half way
    for s in (silent, half):
        s.settimeout(HS_TIMEOUT + 3)
        assert s.recv(100) == b""
    took = time.time() - t0
    assert HS_TIMEOUT - 0.3 <= took <= HS_TIMEOUT + 1.5, took
    lines = [l for l in B.log()[m:].splitlines() if "tls-handshake-timeout" in l]
    assert len(lines) == 2 and all(l.split()[1] == "warn" for l in lines), lines
    # XB-TRANS-20: a handshake completed late gets the whole CONNECT timeout from then.
    raw = socket.create_connection(("127.0.0.1", B.tls_port))
    time.sleep(HS_TIMEOUT / 2)  # the point of the test: a late ClientHello
    ctx = _tlsutil.client_context(cafile())
    s = ctx.wrap_socket(raw, server_hostname="localhost")
    t1 = time.time()
    s.settimeout(CONNECT_TIMEOUT + 3)
    assert s.recv(100) == b""
    took = time.time() - t1
    assert CONNECT_TIMEOUT - 0.3 <= took <= CONNECT_TIMEOUT + 1.5, took
    B.wait_log(r"warn connect-timeout conn=\d+ ", 5, m)


@test("XB-TRANS-10", "XB-ERR-24", "XB-TRANS-24")
def clear_text_on_the_tls_port():
    t, p = watchers()
    m = B.log_mark()
    s = socket.create_connection(("127.0.0.1", B.tls_port))
    s.sendall(connect_packet(client_id="clear"))
    s.settimeout(5)
    got = b""
    while True:
        d = s.recv(100)
        if not d:
            break
        got += d
    assert not got or got[0] == 0x15, got  # at most a TLS alert, never a CONNACK
    n = last_conn_id(r"warn tls-handshake conn=(\d+) ", m)
    assert len(conn_lines(n, m)) == 1, conn_lines(n, m)
    still_served(t, p, "clear")


@test("XB-ERR-9", "XB-TRANS-7")
def tls_on_the_plain_port():
    t, p = watchers()
    m = B.log_mark()
    s = socket.create_connection(("127.0.0.1", B.port))
    s.sendall(_tlsutil.client_hello(cafile()))
    s.settimeout(5)
    assert s.recv(100) == b""  # closed without a byte (0x16: reserved CONNECT flags)
    n = last_conn_id(r"warn malformed-packet conn=(\d+) ", m)
    assert len(conn_lines(n, m)) == 1, conn_lines(n, m)
    still_served(t, p, "tlsplain")


@test("XB-TRANS-10", "XB-ERR-24", "XB-TRANS-24", "XB-ERR-30", "XB-WILL-4")
def garbage_and_half_handshakes():
    t, p = watchers()
    hello = _tlsutil.client_hello(cafile())
    cases = [
        ("garbage", os.urandom(3000)),
        ("garbage record", b"\x16\x03\x01\x00\x40" + os.urandom(64)),
        ("http", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("half then close", hello[:40]),
        ("hello then close", hello),
    ]
    for name, data in cases:
        m = B.log_mark()
        s = socket.create_connection(("127.0.0.1", B.tls_port))
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        s.settimeout(5)
        try:
            while s.recv(4096):
                pass
        except ConnectionResetError:
            pass
        n = last_conn_id(r"warn tls-handshake conn=(\d+) ", m)
        lines = conn_lines(n, m)
        assert len(lines) == 1, (name, lines)
        s.close()
    # Garbage after the handshake: a record that does not decrypt ends that connection
    # as a socket error, and its will fires (XB-TRANS-24, XB-ERR-30).
    m = B.log_mark()
    c = B.tls_client(client_id="garbage-dev", user=KEY, will_topic=ds(),
                     will_msg='{"current_value":"gone"}')
    os.write(c.sock.fileno(), b"\x17\x03\x03\x00\x30" + os.urandom(48))
    for w in (t, p):
        assert json.loads(w.expect_publish(ds(), retain=False))["current_value"] == "gone"
    n = last_conn_id(r"warn socket-error conn=(\d+) .*client=garbage-dev", m)
    assert "bad record mac" in B.wait_log(r"warn socket-error conn=%d .*" % n, 5, m).group(0)
    still_served(t, p, "garbage")


@test("XB-TRANS-9", "XB-ERR-14")
def tls_connections_count_toward_the_limit():
    with _tlsutil.TlsBridge(CERTS, "--max-connections", "2") as b2:
        plain = b2.client(client_id="p1")
        tls = b2.tls_client(client_id="t1")
        # A third connection, TLS, is refused with CONNACK 03 (after its handshake).
        c = _tlsutil.TlsClient(b2.tls_port, cafile(), connect=False)
        c.send(connect_packet(client_id="t2"))
        assert c.expect(2)[2] == b"\x00\x03"
        c.expect_closed()
        tls.close()
        b2.wait_log(r"warn peer-closed conn=\d+ .*client=t1", 5)
        # A TLS connection counts before its CONNECT (here: handshake done, no CONNECT).
        half = _tlsutil.TlsClient(b2.tls_port, cafile(), connect=False)
        c = Client(b2.port, connect=False)
        c.send(connect_packet(client_id="p2"))
        assert c.expect(2)[2] == b"\x00\x03"
        half.close()
        plain.close()


@test("XB-TRANS-14")
def slow_handshakes_never_block_the_others():
    # 40 handshakes stopped half way, then the plain and TLS clients still get answers
    # within the handshake timeout's order of magnitude below (the loop is not blocked).
    hello = _tlsutil.client_hello(cafile())
    halves = []
    for _ in range(40):
        s = socket.create_connection(("127.0.0.1", B.tls_port))
        s.sendall(hello[:60])
        halves.append(s)
    t, p = watchers()
    for c in (t, p):
        t0 = time.time()
        c.send(b"\xc0\x00")
        assert c.expect(13) == (13, 0, b"")
        assert time.time() - t0 < 0.5
    still_served(t, p, "slow")
    for s in halves:
        s.close()


def main():
    global B
    with _tlsutil.TlsBridge(CERTS, "--tls-handshake-timeout", str(HS_TIMEOUT),
                            "--connect-timeout", str(CONNECT_TIMEOUT), provision=provision) as b:
        B = b
        xbtest.B = b
        rc = xbtest.main()
    seen = xbtest.check_log(B.log())
    assert "tls-handshake" in seen and "tls-handshake-timeout" in seen, seen
    print("ok    %-52s %5s  XB-ERR-1 XB-ERR-2 XB-ERR-3" % ("tls_log_lines_follow_spec", ""))
    return rc


if __name__ == "__main__":
    raise SystemExit(main())
