#!/usr/bin/python3
"""A subscriber that stops reading (spec/subscribe.md §5): its deliveries are dropped whole
once its output queue is full (logged queue-full), the others keep receiving theirs, and
after slow-subscriber-grace of uninterrupted congestion it is closed (slow-subscriber) and
its will fires. A bridge of its own, with a 64 KiB queue and a grace of 1 s."""
import socket
import time

from xbtest import Client, connect_packet, publish_packet, run, subscribe_packet, test

B = None
DEV = FEED = MASTER = None
NSUBS = 50


def provision(b):
    global DEV, FEED, MASTER
    env = b.demo()
    DEV, FEED, MASTER = env["XB_DEMO_KEY"], env["XB_DEMO_FEED"], env["XB_DEMO_MASTER_KEY"]


@test("XB-SUB-27", "XB-SUB-29", "XB-SUB-30", "XB-ERR-47", "XB-WILL-4")
def slow_subscriber():
    feed = "/v2/feeds/%s.json" % FEED
    m = B.log_mark()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", B.port))
    s.sendall(connect_packet(client_id="slow", user=DEV,
                             will_topic="/v2/feeds/%s/datastreams/slowwill.json" % FEED,
                             will_msg='{"current_value":"dropped"}'))
    # Many distinct filters on one feed multiply what every write queues for it.
    s.sendall(subscribe_packet(1, *["%s?datastreams=d%d" % (feed, i) for i in range(NSUBS)]))
    fast = Client(B.port, client_id="fast")
    fast.send(subscribe_packet(1, feed))
    fast.expect(9)
    fast.expect_publish(feed, retain=True)
    w = Client(B.port, client_id="w", user=MASTER)
    t0 = time.time()
    i = 0
    # Updates keep coming; the kernel's buffers fill, then the bridge's queue.
    while "slow-subscriber" not in B.log()[m:]:
        assert time.time() - t0 < 30, "not closed after %d writes" % i
        w.send(publish_packet(feed, '{"description":"%s%06d"}' % ("d" * 2000, i)))
        fast.expect_publish(feed, retain=False)  # the fast one keeps up (XB-SUB-30)
        i += 1
    queue_full = B.wait_log(r"warn queue-full .*client=slow .*op=delivery", start=m)
    closed = B.wait_log(r"warn slow-subscriber .*client=slow", start=m)
    assert queue_full.start() < closed.start()
    # Its will fires: a slow-subscriber close is not a DISCONNECT.
    B.wait_log(r"request-ok .*client=slow .*op=will", start=m)
    # The fast subscriber got the will's change too, and is still served.
    fast.send(b"\xc0\x00")
    while True:
        p = fast.recv(5)
        assert p is not None, "no PINGRESP"
        if p[0] == 13:
            break
        assert p[0] == 3, p
    s.close()


if __name__ == "__main__":
    run(provision, "--output-queue-size", "65536", "--slow-subscriber-grace", "1")
