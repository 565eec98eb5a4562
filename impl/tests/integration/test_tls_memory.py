#!/usr/bin/python3
"""Many TLS handshakes in a row do not make the bridge grow (issue #7): VmRSS of the
bridge (/proc/PID/status) after a warm-up, then after rounds of complete sessions
(handshake, CONNECT, CONNACK, DISCONNECT), failed handshakes (garbage, a handshake
stopped half way) and batches of simultaneous connections. No server-side session cache,
every SSL freed with its connection (XB-TRANS-9: a connection exists from accept to
close, and nothing of it after). Prints the handshake rate and the VmRSS figures.
"""
import os
import socket
import time

import _tlsutil
import xbtest
from xbtest import connect_packet, test

CERTS = _tlsutil.make_certs()
B = None
ROUNDS = int(os.environ.get("XB_TLS_ROUNDS", "4"))
PER_ROUND = int(os.environ.get("XB_TLS_PER_ROUND", "500"))
# Allowed growth between the first measured round and the last. A leak of one SSL
# object (several kB) per handshake would add megabytes over the rounds.
SLACK_KB = 768


def session(i):
    c = B.tls_client(client_id="m%d" % i)
    c.send(b"\xe0\x00")
    c.expect_closed()


def bad(i):
    s = socket.create_connection(("127.0.0.1", B.tls_port))
    if i % 2:
        s.sendall(os.urandom(200))
    else:
        s.sendall(HELLO[: len(HELLO) // 2])
    s.shutdown(socket.SHUT_WR)
    s.settimeout(5)
    try:
        while s.recv(4096):
            pass
    except OSError:
        pass
    s.close()


def batch(n):
    cs = [B.tls_client(client_id="b%d" % k) for k in range(n)]
    for c in cs:
        c.send(b"\xc0\x00")
    for c in cs:
        assert c.expect(13) == (13, 0, b"")
        c.close()


def settle():
    """Every connection of the round is gone: a fresh round trip proves the loop has
    processed the closes that came before it."""
    c = B.client(client_id="settle")
    c.send(b"\xc0\x00")
    c.expect(13)
    c.close()


@test("XB-TRANS-9", "XB-TRANS-21")
def many_handshakes_flat_memory():
    pid = B.proc.pid
    for i in range(200):  # warm-up: allocator pools, caches, the store's pages
        session(i)
    batch(100)
    settle()
    rss = [_tlsutil.vmrss_kb(pid)]
    t0 = time.time()
    n = 0
    for r in range(ROUNDS):
        for i in range(PER_ROUND):
            session(i)
            n += 1
            if i % 10 == 0:
                bad(i // 10)
        batch(100)
        n += 100
        settle()
        rss.append(_tlsutil.vmrss_kb(pid))
    dt = time.time() - t0
    print("      %d TLS sessions + %d failed handshakes in %.1fs (%.0f handshakes/s, client "
          "included); VmRSS kB per round: %s" % (n, ROUNDS * PER_ROUND // 10, dt, n / dt,
                                                 " ".join(map(str, rss))))
    assert rss[-1] - rss[1] <= SLACK_KB, "VmRSS grew from %d to %d kB" % (rss[1], rss[-1])


if __name__ == "__main__":
    HELLO = _tlsutil.client_hello(os.path.join(CERTS, "cert.pem"))
    with _tlsutil.TlsBridge(CERTS) as b:
        B = b
        rc = xbtest.main()
    raise SystemExit(rc)
