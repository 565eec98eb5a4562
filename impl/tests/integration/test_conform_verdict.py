#!/usr/bin/python3
"""xbconform's verdict is what spec/scope.md XB-SCOPE-17 calls conformance: every test it
runs checks at least one MUST statement, so a failing test means a MUST is broken and the
SHOULD and MAY statements (the deviations of spec/exceptions.md included) never decide
it; the reference bridge passes, the same bridge with one MUST broken (SUBACK 01 instead
of 00, through a rewriting proxy) fails with status 1, an unreachable bridge is a setup
error (2). And the verdict depends on nothing of the storage engine (XB-STORE-18): the
checker links no SQLite, reads no store, and its fixture names only resources."""
import glob
import os
import re
import select
import socket
import subprocess
import threading

from xbtest import BUILD, ROOT, Bridge, run, test

B = None
XBCONFORM = os.path.join(BUILD, "xbconform")
XBADMIN = os.path.join(BUILD, "xbadmin")
FIXTURE = None

# A test that touches no SUBSCRIBE, one whose only SUBSCRIBEs have no result to break,
# and one that checks SUBACK codes.
SELECTION = "protocol/reserved_and_server_types,protocol/proxy_protocol_not_understood,qos/suback_grants_qos0_deliveries_qos0"


def provision(b):
    global FIXTURE
    FIXTURE = os.path.join(b.dir, "fixture")
    out = subprocess.run([XBADMIN, "--db", b.db, "fixture", FIXTURE], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def spec_levels():
    lv = {}
    rx = re.compile(r"^\s*(?:[-*]|\d+\.)?\s*\*\*(XB-[A-Z]+-\d+)\*\*\s*\((MUST|SHOULD|MAY)\)")
    for path in glob.glob(os.path.join(ROOT, "spec", "*.md")):
        for line in open(path, encoding="utf-8"):
            m = rx.match(line)
            if m:
                lv[m.group(1)] = m.group(2)
    return lv


def xbconform(port, *args, timeout=120):
    p = subprocess.run([XBCONFORM, "--host", "127.0.0.1", "--port", str(port), "--fixture", FIXTURE,
                        "--timeout", "1000"] + list(args), capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout + p.stderr


@test("XB-SCOPE-17")
def every_conformance_test_checks_a_must():
    lv = spec_levels()
    assert lv, "no statement found in spec/"
    out = subprocess.run([XBCONFORM, "--list"], capture_output=True, text=True, timeout=30).stdout
    tests = re.findall(r"^\s+(\S+/\S+)\s+\[([^\]]*)\]", out, re.M)
    assert len(tests) > 100, out[:500]
    for name, ids in tests:
        ids = ids.split()
        assert ids, "%s names no statement" % name
        for i in ids:
            assert i in lv, "%s names %s, which spec/ does not define" % (name, i)
        levels = {lv[i] for i in ids}
        # A test that checked only SHOULD or MAY statements would make a bridge that
        # conforms (XB-SCOPE-17) fail the suite.
        assert "MUST" in levels, "%s checks no MUST statement (%s)" % (name, " ".join(ids))


class SubackRewriter:
    """A TCP proxy to the bridge that changes every SUBACK return code 00 into 01: the
    bridge with XB-MQTT-49 broken, and nothing else."""

    def __init__(self, target):
        self.target = target
        self.lsock = socket.socket()
        self.lsock.bind(("127.0.0.1", 0))
        self.lsock.listen(64)
        self.port = self.lsock.getsockname()[1]
        self.stop = False
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while not self.stop:
            r, _, _ = select.select([self.lsock], [], [], 0.2)
            if not r:
                continue
            try:
                c, _ = self.lsock.accept()
                s = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                continue
            threading.Thread(target=self.pump, args=(c, s), daemon=True).start()

    @staticmethod
    def frames(buf):
        """Complete MQTT packets at the start of buf, and the rest."""
        out = []
        while len(buf) >= 2:
            n, mul, i = 0, 1, 1
            while True:
                if i >= len(buf):
                    return out, buf
                n += (buf[i] & 0x7F) * mul
                mul *= 128
                i += 1
                if not buf[i - 1] & 0x80:
                    break
            if len(buf) < i + n:
                break
            out.append((i, buf[:i + n]))
            buf = buf[i + n:]
        return out, buf

    def pump(self, c, s):
        pend = b""
        try:
            while True:
                r, _, _ = select.select([c, s], [], [], 30)
                if not r:
                    break
                if c in r:
                    d = c.recv(65536)
                    if not d:
                        break
                    s.sendall(d)
                if s in r:
                    d = s.recv(65536)
                    if not d:
                        break
                    pkts, pend = self.frames(pend + d)
                    for hl, p in pkts:
                        if p[0] == 0x90:
                            p = p[:hl + 2] + bytes(1 if x == 0 else x for x in p[hl + 2:])
                        c.sendall(p)
        except OSError:
            pass
        finally:
            c.close()
            s.close()

    def close(self):
        self.stop = True
        self.lsock.close()


@test("XB-SCOPE-17")
def verdict_pass_fail_and_setup_error():
    rc, out = xbconform(B.port, "--only", SELECTION)
    assert rc == 0, out
    assert re.search(r"xbconform: 3 passed, 0 failed", out), out
    # The same bridge with one MUST broken does not conform: status 1, and only the
    # test that checks that statement fails.
    px = SubackRewriter(B.port)
    try:
        rc, out = xbconform(px.port, "--only", SELECTION)
    finally:
        px.close()
    assert rc == 1, (rc, out)
    assert re.search(r"FAIL qos/suback_grants_qos0_deliveries_qos0 .*XB-MQTT-49", out), out
    assert re.search(r"pass protocol/reserved_and_server_types", out), out
    assert re.search(r"xbconform: 2 passed, 1 failed", out), out
    # No bridge at all: a setup error, not a verdict.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = s.getsockname()[1]
    s.close()
    rc, out = xbconform(dead, "--only", SELECTION)
    assert rc == 2, (rc, out)


@test("XB-STORE-18")
def verdict_independent_of_the_storage_engine():
    # The checker links no SQLite and includes nothing of impl/ (where the store is).
    ldd = subprocess.run(["ldd", XBCONFORM], capture_output=True, text=True, timeout=30).stdout
    assert "libsqlite3" not in ldd, ldd
    for path in glob.glob(os.path.join(ROOT, "conformance", "src", "*.[ch]")):
        text = open(path, encoding="utf-8").read()
        assert "sqlite" not in text.lower(), "%s mentions SQLite" % path
        assert not re.search(r'#include\s+"(store|api|auth|session|net|impl)/', text), path
    # Its fixture names resources and settings only: every name is one that
    # --help-fixture lists, and no value is a path of the store.
    names = set(re.findall(r"^\s*([a-z_0-9]+)\s", subprocess.run(
        [XBCONFORM, "--help-fixture"], capture_output=True, text=True, timeout=30).stdout, re.M))
    for line in open(FIXTURE, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        k, v = [x.strip() for x in line.split("=", 1)]
        assert k in names, "fixture name %r is not one xbconform documents" % k
        assert B.dir not in v and not v.endswith(".db"), (k, v)
    # And it decides with nothing but the network: it passes while the store is held
    # exclusively by the running bridge (XB-STORE-3), so it cannot have opened it.
    rc, out = xbconform(B.port, "--only", "protocol/reserved_and_server_types")
    assert rc == 0, out


if __name__ == "__main__":
    run(provision)
