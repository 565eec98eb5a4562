"""xbtest — helpers for the integration tests of the real build/xbridge.

A Bridge runs build/xbridge on a temporary store and a free port (`--listen 127.0.0.1:0`,
the port read from its `listening ... port=` log line); provisioning goes through
build/xbdemo before the bridge starts (the store is locked while it runs, XB-STORE-3).
Raw MQTT packets are built here from MQTT 3.1.1 itself, so the tests do not depend on the
codec under test. Waits poll (sockets, log lines) with deadlines; nothing sleeps blindly.
"""
import os
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILD = os.environ.get("XB_BUILD", os.path.join(ROOT, "build"))
XBRIDGE = os.path.join(BUILD, "xbridge")
XBDEMO = os.path.join(BUILD, "xbdemo")


def prov(db, *args):
    """Run xbdemo on db; returns its stdout (stripped)."""
    out = subprocess.run([XBDEMO, "--db", db] + [str(a) for a in args], capture_output=True,
                         text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError("xbdemo %s: %s" % (" ".join(map(str, args)), out.stderr.strip()))
    return out.stdout.strip()


class Bridge:
    """build/xbridge on a temporary store; use as a context manager."""

    def __init__(self, *extra, provision=None):
        self.dir = tempfile.mkdtemp(prefix="xbit-")
        self.db = os.path.join(self.dir, "store.db")
        self.logpath = os.path.join(self.dir, "bridge.log")
        self.extra = list(extra)
        self.proc = None
        self.port = None
        self.env = {}
        if provision is not None:
            provision(self)

    def prov(self, *args):
        return prov(self.db, *args)

    def demo(self):
        """The `make run` provisioning: sets self.env (XB_DEMO_KEY, XB_DEMO_FEED, ...)."""
        for line in self.prov("demo").splitlines():
            k, v = line.split("=", 1)
            self.env[k] = v
        return self.env

    def start(self):
        self.log_file = open(self.logpath, "ab")
        self.proc = subprocess.Popen(
            [XBRIDGE, "--db", self.db, "--listen", "127.0.0.1:0", "--log-level", "debug"]
            + self.extra, stdout=subprocess.DEVNULL, stderr=self.log_file)
        m = self.wait_log(r"info listening addr=127\.0\.0\.1 port=(\d+)", 10)
        self.port = int(m.group(1))
        deadline = time.time() + 10
        while True:  # ready when the port accepts
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.02)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = self.proc.wait()
        self.proc = None
        self.log_file.close()
        return rc

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        rc = self.stop()
        if exc[0] is None and rc != 0:
            raise AssertionError("xbridge exited with %s" % rc)

    def log(self):
        with open(self.logpath, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_log(self, pattern, timeout=5, start=0):
        """Wait until pattern appears in the log (after offset start); returns the match."""
        rx = re.compile(pattern)
        deadline = time.time() + timeout
        while True:
            m = rx.search(self.log(), start)
            if m:
                return m
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError("bridge exited (%s) waiting for %r" % (self.proc.returncode, pattern))
            if time.time() > deadline:
                raise AssertionError("no log line %r within %ss:\n%s" % (pattern, timeout, self.log()[-3000:]))
            time.sleep(0.02)

    def log_mark(self):
        return len(self.log())

    def client(self, **kw):
        return Client(self.port, **kw)


# ---------------------------------------------------------------- raw MQTT

def mstr(s):
    if isinstance(s, str):
        s = s.encode()
    return struct.pack("!H", len(s)) + s


def varint(n):
    out = b""
    while True:
        d = n % 128
        n //= 128
        out += bytes([d | (0x80 if n else 0)])
        if not n:
            return out


def packet(first, body=b""):
    return bytes([first]) + varint(len(body)) + body


def connect_packet(client_id="c", user=None, password=None, keepalive=0, clean=True,
                   will_topic=None, will_msg=b"", level=4, name=None):
    if name is None:
        name = "MQIsdp" if level == 3 else "MQTT"
    flags = 0x02 if clean else 0
    payload = mstr(client_id)
    if will_topic is not None:
        flags |= 0x04
        payload += mstr(will_topic) + mstr(will_msg)
    if user is not None:
        flags |= 0x80
        payload += mstr(user)
    if password is not None:
        flags |= 0x40
        payload += mstr(password)
    body = mstr(name) + bytes([level, flags]) + struct.pack("!H", keepalive) + payload
    return packet(0x10, body)


def publish_packet(topic, payload=b"", qos=0, pid=1, retain=False, dup=False):
    if isinstance(payload, str):
        payload = payload.encode()
    body = mstr(topic) + (struct.pack("!H", pid) if qos else b"") + payload
    return packet(0x30 | (0x08 if dup else 0) | (qos << 1) | (1 if retain else 0), body)


def subscribe_packet(pid, *filters):
    body = struct.pack("!H", pid) + b"".join(mstr(f) + b"\x01" for f in filters)
    return packet(0x82, body)


def unsubscribe_packet(pid, *filters):
    return packet(0xA2, struct.pack("!H", pid) + b"".join(mstr(f) for f in filters))


class Closed(Exception):
    pass


class Client:
    """A raw MQTT client on a blocking socket with timeouts."""

    def __init__(self, port, connect=True, **kw):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        if connect:
            self.send(connect_packet(**kw))
            t, f, body = self.recv()
            if t != 2 or body != b"\x00\x00":
                raise AssertionError("CONNACK %r" % body)

    def send(self, data):
        self.sock.sendall(data)

    def _frame(self):
        b = self.buf
        if len(b) < 2:
            return None
        n, mul, i = 0, 1, 1
        while True:
            if i >= len(b):
                return None
            n += (b[i] & 0x7F) * mul
            mul *= 128
            i += 1
            if not b[i - 1] & 0x80:
                break
        if len(b) < i + n:
            return None
        pkt = (b[0] >> 4, b[0] & 0x0F, b[i:i + n])
        self.buf = b[i + n:]
        return pkt

    def recv(self, timeout=5):
        """Next packet (type, flags, body); Closed on EOF; None on timeout."""
        deadline = time.time() + timeout
        while True:
            p = self._frame()
            if p is not None:
                return p
            left = deadline - time.time()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                return None
            try:
                data = self.sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                data = b""
            if not data:
                raise Closed()
            self.buf += data

    def expect(self, ptype, timeout=5):
        p = self.recv(timeout)
        if p is None:
            raise AssertionError("no packet of type %d within %ss" % (ptype, timeout))
        if p[0] != ptype:
            raise AssertionError("expected type %d, got %r" % (ptype, p))
        return p

    def expect_publish(self, topic, retain=None, timeout=5):
        t, f, body = self.expect(3, timeout)
        tl = struct.unpack("!H", body[:2])[0]
        got = body[2:2 + tl].decode()
        if got != topic:
            raise AssertionError("PUBLISH on %r, expected %r" % (got, topic))
        if f & 0x06 or f & 0x08:
            raise AssertionError("delivery with QoS/DUP flags %x (XB-MQTT-44)" % f)
        if retain is not None and bool(f & 1) != retain:
            raise AssertionError("RETAIN=%d, expected %d" % (f & 1, retain))
        return body[2 + tl:].decode("utf-8", "replace")

    def expect_silence(self, timeout=5):
        """Nothing is queued for this connection: a PINGREQ sent now is answered by the
        very next packet. Valid once what could have caused a delivery was processed (its
        PUBACK or its log line seen): that delivery would then be queued before the
        PINGRESP, the bridge keeping the order of its output per connection."""
        self.send(b"\xc0\x00")
        p = self.recv(timeout)
        if p != (13, 0, b""):
            raise AssertionError("unexpected packet %r (expected only PINGRESP)" % (p,))

    def expect_closed(self, timeout=5):
        try:
            p = self.recv(timeout)
        except Closed:
            return
        raise AssertionError("expected the connection to close, got %r" % (p,))

    def close(self):
        self.sock.close()


# ---------------------------------------------------------------- test runner

_TESTS = []


def test(*ids):
    """Register a test function; ids are the spec IDs it checks."""
    def deco(fn):
        _TESTS.append((fn, ids))
        return fn
    return deco


def main():
    only = sys.argv[1:]
    failed = 0
    t0 = time.time()
    for fn, ids in _TESTS:
        if only and fn.__name__ not in only:
            continue
        start = time.time()
        try:
            fn()
            status = "ok"
        except Skip as s:
            status = "skip (%s)" % s
        except Exception:
            status = "FAIL"
            failed += 1
            traceback.print_exc()
        print("%-5s %-52s %5.2fs  %s" % (status.split()[0], fn.__name__, time.time() - start,
                                        " ".join(ids) + ("" if not status.startswith("skip") else "  " + status)))
        sys.stdout.flush()
    print("%s: %d tests, %d failed, %.1fs" % (os.path.basename(sys.argv[0]), len(_TESTS), failed, time.time() - t0))
    return 1 if failed else 0


REASONS = {
    "malformed-packet", "protocol-violation", "bad-protocol-name", "bad-protocol-level",
    "bad-client-id", "server-full", "unknown-key", "expired-key", "packet-too-large",
    "connect-timeout", "keepalive-timeout", "tls-handshake", "tls-handshake-timeout",
    "peer-closed", "socket-error", "takeover", "too-many-inflight", "slow-subscriber",
    "unexpected-packet", "topic-too-long", "wildcard-filter", "not-api-topic", "bad-query",
    "bad-format", "method-not-allowed", "payload-too-large", "not-found", "forbidden",
    "source-ip", "bad-payload", "invalid", "conflict", "too-many-datapoints",
    "too-many-subscriptions", "queue-full", "store-error", "will-unusable"}
EVENTS = {"listening": "info", "listen-skipped": "info", "config": "info", "connect": "info",
          "disconnect": "info", "shutdown": "info", "request-ok": "debug"}
LINE_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (error|warn|info|debug) (\S+)(?: (.*))?$")
FIELDS_RE = re.compile(r'^conn=(\d+|-) ip=\S+ client=("(?:[^"\\]|\\.)*"|\S+) key=(-|[^ "*]{1,4}\*|"(?:[^"\\]|\\.){1,20}\*")'
                       r'(?: op=(connect|publish|subscribe|delivery|will))?( topic=\S+| topic="(?:[^"\\]|\\.)*")?'
                       r'( will=1)?( detail=.*)?$')


def check_log(text):
    """XB-ERR-1..3, XB-SCOPE-15/16, XB-AUTH-16: every line of a bridge's log has the form
    of spec/errors.md §1, a known keyword at its level, and no key beyond 4 characters."""
    seen = set()
    for line in text.splitlines():
        m = LINE_RE.match(line)
        assert m, "log line not in the spec/errors.md format: %r" % line
        level, word, rest = m.group(1), m.group(2), m.group(3) or ""
        seen.add(word)
        if word in REASONS:
            want = "error" if word == "store-error" else "warn"
        else:
            assert word in EVENTS, "unknown log keyword %r: %r" % (word, line)
            want = EVENTS[word]
        assert level == want, "%s logged at %s, not %s: %r" % (word, level, want, line)
        if word in REASONS or word in ("connect", "disconnect", "request-ok"):
            assert FIELDS_RE.match(rest), "fields of %r" % line
    return seen


def run(provision=None, *extra):
    """Start a bridge, run the registered tests against it, stop it (exit status 0
    required, XB-SCOPE-11), and exit with the verdict."""
    b = Bridge(*extra, provision=provision).start()
    mod = sys.modules["__main__"]
    mod.B = b
    rc = main()
    st = b.stop()
    if st != 0:
        print("xbridge exited with status %s after SIGTERM" % st)
        rc = 1
    try:
        seen = check_log(b.log())
        print("ok    %-52s %5s  XB-ERR-1 XB-ERR-2 XB-ERR-3 XB-MAP-15 XB-SCOPE-15 XB-SCOPE-16 XB-AUTH-16 (%d kinds)"
              % ("log_lines_follow_spec", "", len(seen)))
    except AssertionError as e:
        print("FAIL  log_lines_follow_spec: %s" % e)
        rc = 1
    sys.exit(rc)


class Skip(Exception):
    pass
