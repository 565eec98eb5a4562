#!/usr/bin/python3
"""TLS settings of the real bridge (spec/transport.md XB-TRANS-3, XB-TRANS-17, issue #7):
the certificate chain and key read at startup (exit status 1 when unreadable, encrypted
or not matching), configuration errors (status 2), the default TLS listeners, the issue's
option names, --tls-min-version, --tls-ciphers and an intermediate from --tls-ca-chain or
from the certificate file. Certificates are made at test time with the openssl command.
"""
import atexit
import os
import shutil
import socket
import ssl
import subprocess
import tempfile

import _tlsutil
import xbtest
from xbtest import test

CERTS = _tlsutil.make_certs()
TMP = tempfile.mkdtemp(prefix="xbtlscfg-")
atexit.register(shutil.rmtree, TMP, True)


def C(name):
    return os.path.join(CERTS, name)


def run_bridge(*args, timeout=10):
    """Start xbridge expecting it to exit at once; (status, stderr)."""
    db = os.path.join(TMP, "x%d.db" % len(os.listdir(TMP)))
    r = subprocess.run([xbtest.XBRIDGE, "--db", db, "--listen", "127.0.0.1:0"] + list(args),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    return r.returncode, r.stderr


def expect_exit(status, pattern, *args):
    rc, err = run_bridge(*args)
    assert rc == status and pattern in err, (rc, err)


@test("XB-TRANS-17", "XB-SCOPE-11")
def unusable_files_exit_1():
    listen = ["--listen-tls", "127.0.0.1:0"]
    expect_exit(1, "tls-cert", *listen, "--tls-cert", C("none.pem"), "--tls-key", C("key.pem"))
    expect_exit(1, "tls-key", *listen, "--tls-cert", C("cert.pem"), "--tls-key", C("none.key"))
    expect_exit(1, "does not match", *listen, "--tls-cert", C("cert.pem"), "--tls-key", C("other.key"))
    # An encrypted key fails at once, without asking for a pass phrase.
    expect_exit(1, "unencrypted", *listen, "--tls-cert", C("cert.pem"), "--tls-key", C("enc.key"))
    expect_exit(1, "tls-cert", *listen, "--tls-cert", C("key.pem"), "--tls-key", C("key.pem"))
    expect_exit(1, "tls-ca-chain", *listen, "--tls-cert", C("cert.pem"), "--tls-key", C("key.pem"),
                "--tls-ca-chain", C("key.pem"))


@test("XB-TRANS-3", "XB-TRANS-11", "XB-LIM-14")
def configuration_errors_exit_2():
    files = ["--tls-cert", C("cert.pem"), "--tls-key", C("key.pem")]
    expect_exit(2, "listen-tls", "--listen-tls", "127.0.0.1:0")
    expect_exit(2, "tls-cert and tls-key", "--tls-cert", C("cert.pem"))
    expect_exit(2, "tls-min-version", *files, "--tls-min-version", "1.1")
    expect_exit(2, "tls-min-version", *files, "--tls-min-version", "1.0")
    expect_exit(2, "tls-ciphers", *files, "--listen-tls", "127.0.0.1:0", "--tls-ciphers", "NOPE-NOTHING")
    expect_exit(2, "need tls-cert", "--tls-ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256")
    expect_exit(2, "given twice", *files, "--cert", C("cert.pem"))


@test("XB-TRANS-3")
def default_tls_listeners():
    db = os.path.join(TMP, "default.db")
    p = subprocess.Popen([xbtest.XBRIDGE, "--db", db, "--listen", "127.0.0.1:0", "--tls-cert",
                          C("cert.pem"), "--tls-key", C("key.pem")], stderr=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, text=True)
    try:
        line = p.stderr.readline()
    finally:
        p.terminate()
        p.wait(10)
    assert " listen-tls=0.0.0.0:8883,[::]:8883 tls=yes " in line, line


def served(bridge, cafile, minv=None, maxv=None):
    ctx = _tlsutil.client_context(cafile, minv, maxv)
    try:
        c = _tlsutil.TlsClient(bridge.tls_port, cafile, ctx=ctx, client_id="cfg")
    except (ssl.SSLError, ConnectionResetError) as e:
        return str(e)
    c.send(b"\xe0\x00")
    c.expect_closed()
    return True


class ChainBridge(_tlsutil.TlsBridge):
    """A TLS bridge with the given TLS options instead of cert.pem / key.pem."""

    def __init__(self, *tls_args):
        xbtest.Bridge.__init__(self, "--listen-tls", "127.0.0.1:0", *tls_args)
        self.certs = CERTS


@test("XB-TRANS-17")
def chain_from_ca_chain_or_cert_file():
    root = C("root.pem")
    with ChainBridge("--tls-cert", C("leaf2.pem"), "--tls-key", C("leaf2.key")) as b:
        assert served(b, root) is not True  # the intermediate is missing
    with ChainBridge("--cert", C("leaf2.pem"), "--key", C("leaf2.key"), "--ca-chain", C("inter.pem"),
                     "--tls-listen", "127.0.0.1:0") as b:  # the names
        assert served(b, root) is True
    with open(os.path.join(TMP, "chain.pem"), "w") as f:
        f.write(open(C("leaf2.pem")).read() + open(C("inter.pem")).read())
    with ChainBridge("--tls-cert", os.path.join(TMP, "chain.pem"), "--tls-key", C("leaf2.key")) as b:
        assert served(b, root) is True


@test("XB-TRANS-11", "XB-TRANS-18")
def min_version_and_ciphers():
    files = ["--tls-cert", C("cert.pem"), "--tls-key", C("key.pem")]
    ca = C("cert.pem")
    with ChainBridge(*files, "--tls-min-version", "1.3") as b:
        assert served(b, ca, maxv=ssl.TLSVersion.TLSv1_2) is not True
        assert served(b, ca, minv=ssl.TLSVersion.TLSv1_3) is True
        b.wait_log(r"info config .* tls-min-version=1\.3 ")
    with ChainBridge(*files, "--tls-ciphers", "ECDHE-ECDSA-CHACHA20-POLY1305") as b:
        ctx = _tlsutil.client_context(ca, maxv=ssl.TLSVersion.TLSv1_2)
        c = _tlsutil.TlsClient(b.tls_port, ca, ctx=ctx, client_id="ch")
        assert c.sock.cipher()[0] == "ECDHE-ECDSA-CHACHA20-POLY1305", c.sock.cipher()
        c.close()
    with ChainBridge(*files, "--tls-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256") as b:
        c = _tlsutil.TlsClient(b.tls_port, ca, client_id="cs")
        assert c.sock.cipher()[0] == "TLS_CHACHA20_POLY1305_SHA256", c.sock.cipher()
        c.close()


if __name__ == "__main__":
    raise SystemExit(xbtest.main())
