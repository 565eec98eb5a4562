"""_tlsutil — TLS helpers for the integration tests of issue #7 (test_tls*.py).

Certificates are made at test time with the openssl command in a temporary directory:
a self-signed leaf (cert.pem / key.pem, SAN IP:127.0.0.1 and DNS:localhost), a root ->
intermediate -> leaf chain (root.pem, inter.pem, leaf2.pem / leaf2.key), a key that
matches nothing (other.key) and an encrypted key (enc.key, pass phrase "secret").
TlsBridge is xbtest.Bridge with a TLS listener on a free port (tls_port, read from its
`listening ... transport=tls` line); TlsClient is xbtest.Client over TLS.
"""
import atexit
import os
import shutil
import select
import socket
import ssl
import subprocess
import tempfile
import time

import xbtest


def _openssl(*args, cwd):
    r = subprocess.run(["openssl"] + list(args), cwd=cwd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (" ".join(args), r.stderr.strip()))


def make_certs(d=None):
    if d is None:
        d = tempfile.mkdtemp(prefix="xbtls-")
        atexit.register(shutil.rmtree, d, True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    san = "subjectAltName=IP:127.0.0.1,DNS:localhost"
    _openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=localhost", "-addext", san,
             "-keyout", "key.pem", "-out", "cert.pem", cwd=d)
    _openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=xbridge test root",
             "-keyout", "root.key", "-out", "root.pem", cwd=d)
    with open(os.path.join(d, "ca.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n")
    with open(os.path.join(d, "leaf.ext"), "w") as f:
        f.write(san + "\nbasicConstraints=CA:false\n")
    _openssl("req", *ec, "-subj", "/CN=xbridge test intermediate", "-keyout", "inter.key",
             "-out", "inter.csr", cwd=d)
    _openssl("x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key",
             "-CAcreateserial", "-days", "2", "-extfile", "ca.ext", "-out", "inter.pem", cwd=d)
    _openssl("req", *ec, "-subj", "/CN=localhost", "-keyout", "leaf2.key", "-out", "leaf2.csr", cwd=d)
    _openssl("x509", "-req", "-in", "leaf2.csr", "-CA", "inter.pem", "-CAkey", "inter.key",
             "-CAcreateserial", "-days", "2", "-extfile", "leaf.ext", "-out", "leaf2.pem", cwd=d)
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", "other.key", cwd=d)
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-aes256", "-pass", "pass:secret", "-out", "enc.key", cwd=d)
    return d


def client_context(cafile, minv=None, maxv=None):
    ctx = ssl.create_default_context(cafile=cafile)
    if minv is not None:
        ctx.minimum_version = minv
    if maxv is not None:
        ctx.maximum_version = maxv
    return ctx


class TlsBridge(xbtest.Bridge):
    """xbtest.Bridge plus --listen-tls 127.0.0.1:0 with certs (a make_certs directory)."""

    def __init__(self, certs, *extra, provision=None):
        self.certs = certs
        self.cafile = os.path.join(certs, "cert.pem")
        super().__init__("--listen-tls", "127.0.0.1:0", "--tls-cert", self.cafile,
                         "--tls-key", os.path.join(certs, "key.pem"), *extra, provision=provision)

    def start(self):
        super().start()
        m = self.wait_log(r"info listening addr=127\.0\.0\.1 port=(\d+) transport=tls", 10)
        self.tls_port = int(m.group(1))
        return self

    def tls_client(self, **kw):
        return TlsClient(self.tls_port, self.cafile, **kw)


class TlsClient(xbtest.Client):
    """xbtest.Client over TLS (certificate verified against cafile)."""

    def __init__(self, port, cafile, connect=True, ctx=None, ragged_ok=True, **kw):
        raw = socket.create_connection(("127.0.0.1", port), timeout=5)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ctx = ctx or client_context(cafile)
        self.sock = ctx.wrap_socket(raw, server_hostname="localhost",
                                    suppress_ragged_eofs=ragged_ok)
        self.buf = b""
        if connect:
            self.send(xbtest.connect_packet(**kw))
            t, f, body = self.recv()
            if t != 2 or body != b"\x00\x00":
                raise AssertionError("CONNACK %r" % body)

    def recv(self, timeout=5):
        deadline = time.time() + timeout
        while True:
            p = self._frame()
            if p is not None:
                return p
            left = deadline - time.time()
            if left <= 0:
                return None
            if not self.sock.pending():
                r, _, _ = select.select([self.sock], [], [], left)
                if not r:
                    return None
            try:
                data = self.sock.recv(65536)
            except ssl.SSLWantReadError:
                continue
            except (ConnectionResetError, socket.timeout):
                data = b""
            if not data:
                raise xbtest.Closed()
            self.buf += data


def vmrss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def client_hello(cafile, port_unused=None):
    """The bytes of a real ClientHello (TLS 1.2..1.3), from a memory BIO."""
    ctx = client_context(cafile)
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()
