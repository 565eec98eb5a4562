/* xbbench: publishers, subscribers or idle connections against one MQTT server, all
 * in one thread around one epoll set; see `xbbench --help`. */
#include "xbb_run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#define BATCH_BYTES 16384u          /* a full-speed publisher's write per turn */
#define BACKLOG_BYTES 1048576u      /* a rated publisher skips slots beyond this */
#define PROBE_US 100000u            /* PINGREQ period of the probe connection */
#define SETUP_US 60000000u          /* connections and subscriptions must be up by then */
#define STALL_US 1000000u           /* --inflight: a message not delivered by then is lost */


static xbb_bench B;

static void die(const char *what)
{
    fprintf(stderr, "xbbench: %s\n", what);
    exit(1);
}

static long rss_kb(long pid)
{
    char path[64];
    (void)snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return -1;
    }
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    (void)fclose(f);
    return kb;
}

/* The server's time on a CPU and waiting for one: on a shared machine the second says
 * how much of a result is the server's and how much the neighbours'. */
static bool schedstat(long pid, uint64_t *run_ns, uint64_t *wait_ns)
{
    char path[64];
    (void)snprintf(path, sizeof path, "/proc/%ld/schedstat", pid);
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        return false;
    }
    unsigned long long r = 0, w = 0;
    bool ok = fscanf(f, "%llu %llu", &r, &w) == 2;
    (void)fclose(f);
    *run_ns = r;
    *wait_ns = w;
    return ok;
}

static const char *role_name(xbb_role r)
{
    return r == XBB_ROLE_SUB ? "subscriber" : r == XBB_ROLE_PUB ? "publisher"
         : r == XBB_ROLE_IDLE ? "idle" : "probe";
}

static void conn_fail(xbb_conn *c, const char *why)
{
    if (c->state == XBB_ST_DEAD) {
        return;
    }
    if (B.ph != PH_RUN && B.ph != PH_DRAIN) {
        fprintf(stderr, "xbbench: %s connection %u: %s (after %u CONNACKs)\n",
                role_name(c->role), c->index, why, B.connacked);
        exit(1);
    }
    if (B.dead == 0) {
        fprintf(stderr, "xbbench: %s connection %u lost during the run: %s\n",
                role_name(c->role), c->index, why);
    }
    B.dead++;
    xbb_conn_close(&B.io, c);
}

static void send_packet(xbb_conn *c, const unsigned char *p, size_t n, uint64_t now)
{
    if (n == 0 || xbb_conn_queue(c, p, n) != 0) {
        die("out of memory or packet too large");
    }
    c->last_tx_us = now;
    if (!c->out_blocked && xbb_conn_flush(&B.io, c) < 0) {
        conn_fail(c, "write failed");
    }
}

static void start_mqtt(xbb_conn *c, uint64_t now)
{
    char id[32];
    (void)snprintf(id, sizeof id, "xbb%05u-%c%u", (unsigned)(getpid() % 100000),
                   role_name(c->role)[0], c->index);
    unsigned char pkt[1024];
    c->state = XBB_ST_CONNACK;
    xbb_conn_events(&B.io, c, EPOLLIN);
    send_packet(c, pkt, xbb_enc_connect(pkt, sizeof pkt, id, B.o.username,
                                        (uint16_t)B.o.keepalive), now);
}

static void ready_add(xbb_conn *c)
{
    if (!c->in_ready && B.o.rate <= 0.0 && B.ph == PH_RUN && c->role == XBB_ROLE_PUB &&
        c->state == XBB_ST_READY) {
        c->in_ready = true;
        B.ready[B.n_ready++] = c->index;
    }
}

static void on_connack(xbb_conn *c, const unsigned char *body, size_t len, uint64_t now)
{
    if (c->state != XBB_ST_CONNACK || len < 2) {
        conn_fail(c, "unexpected or malformed CONNACK");
        return;
    }
    if (body[1] != 0) {
        char why[64];
        (void)snprintf(why, sizeof why, "CONNACK return code %u", body[1]);
        conn_fail(c, why);
        return;
    }
    B.pending--;
    B.connacked++;
    if (c->role == XBB_ROLE_SUB) {
        unsigned char pkt[70000];
        c->state = XBB_ST_SUBACK;
        send_packet(c, pkt, xbb_enc_subscribe(pkt, sizeof pkt, 1, B.sub_topic[c->feed]), now);
    } else {
        c->state = XBB_ST_READY;
    }
}

static void on_publish(xbb_conn *c, unsigned char hdr, const unsigned char *body, size_t len,
                       uint64_t now)
{
    unsigned qos = (hdr >> 1) & 3u;
    if (len < 2) {
        conn_fail(c, "malformed PUBLISH");
        return;
    }
    size_t off = 2 + (size_t)body[0] * 256u + body[1];
    size_t pid_at = off;
    off += qos > 0 ? 2 : 0;
    if (off > len) {
        conn_fail(c, "malformed PUBLISH");
        return;
    }
    if (qos == 1) {          /* never asked for, but a server may send it: acknowledge */
        unsigned char ack[4] = {XBB_PUBACK << 4, 2, body[pid_at], body[pid_at + 1]};
        send_packet(c, ack, sizeof ack, now);
    }
    if ((hdr & 1u) != 0) {
        B.retained++;        /* the initial state of a subscription, not a change */
        return;
    }
    c->received++;
    B.recv_total++;
    B.t_last_rx = now;
    uint64_t v = 0;
    if (!xbb_value_of(body + off, len - off, &v) || v > now) {
        B.unparsed++;
        return;
    }
    c->last_value = v > c->last_value ? v : c->last_value;
    if (B.in_win) {
        B.win_recv++;
        xbb_hist_add(&B.hist, now - v);
    }
}

static void on_packet(xbb_conn *c, unsigned char hdr, const unsigned char *body, size_t len,
                      uint64_t now)
{
    switch (hdr >> 4) {
    case XBB_CONNACK:
        on_connack(c, body, len, now);
        break;
    case XBB_SUBACK:
        if (c->state != XBB_ST_SUBACK || len < 3 || body[2] == 0x80) {
            conn_fail(c, "SUBSCRIBE refused or unexpected SUBACK");
            return;
        }
        c->state = XBB_ST_READY;
        B.subacked++;
        break;
    case XBB_PUBLISH:
        on_publish(c, hdr, body, len, now);
        break;
    case XBB_PINGRESP:
        if (c->ping_sent_us != 0) {
            uint64_t rtt = now - c->ping_sent_us;
            B.ping_recv++;
            B.ping_max = rtt > B.ping_max ? rtt : B.ping_max;
            c->ping_sent_us = 0;
        }
        break;
    default:
        break;               /* PUBACK of nothing, UNSUBACK...: not ours to judge */
    }
}

static void on_readable(xbb_conn *c)
{
    for (;;) {
        size_t have = c->in_len;
        if (have > 0) {
            memcpy(B.scratch, c->in, have);
            c->in_len = 0;
        }
        ssize_t n = xbb_conn_read(c, B.scratch + have, B.scratch_cap - have);
        if (n < 0) {
            conn_fail(c, "connection closed by the server");
            return;
        }
        uint64_t now = xbb_now_us();
        size_t len = have + (size_t)n;
        size_t at = 0;
        while (at < len && c->state != XBB_ST_DEAD) {
            unsigned char hdr = 0;
            const unsigned char *body = NULL;
            size_t body_len = 0;
            size_t k = xbb_packet(B.scratch + at, len - at, B.o.max_packet, &hdr, &body,
                                  &body_len);
            if (k == SIZE_MAX) {
                conn_fail(c, "malformed or oversized packet from the server");
                return;
            }
            if (k == 0) {
                break;
            }
            on_packet(c, hdr, body, body_len, now);
            at += k;
        }
        if (c->state == XBB_ST_DEAD) {
            return;
        }
        if (at < len) {                        /* keep the incomplete packet */
            if (c->in_cap < len - at) {
                unsigned char *p = realloc(c->in, len - at);
                if (p == NULL) {
                    die("out of memory");
                }
                c->in = p;
                c->in_cap = len - at;
            }
            memcpy(c->in, B.scratch + at, len - at);
            c->in_len = len - at;
        }
        /* TLS may hold decrypted bytes epoll cannot see: read until it has none */
        if (c->ssl == NULL || (size_t)n < B.scratch_cap - have || n == 0) {
            return;
        }
    }
}

static void pub_emit(xbb_conn *c, uint64_t now)
{
    uint64_t v = now > c->last_value ? now : c->last_value + 1;
    c->last_value = v;
    unsigned char payload[512];
    size_t plen = xbb_payload(payload, sizeof payload, B.o.fmt, B.shape[c->feed], v);
    size_t tlen = B.pub_topic_len[c->feed];
    size_t need = 1 + 4 + 2 + tlen + plen;
    unsigned char *dst = xbb_conn_reserve(c, need);
    if (dst == NULL || plen == 0) {
        die("out of memory");
    }
    size_t k = xbb_enc_publish(dst, need, B.pub_topic[c->feed], tlen, B.o.retain, payload,
                               plen);
    if (k == 0) {
        die("PUBLISH does not fit");
    }
    c->out_len += k;
    c->sent++;
    c->last_tx_us = now;
    B.pub_total++;
}

/* The oldest value every live subscriber of the feed has seen (UINT64_MAX: none). */
static uint64_t feed_seen(unsigned feed)
{
    uint64_t m = UINT64_MAX;
    for (uint32_t i = feed; i < B.n_sub; i += B.o.feeds) {
        if (B.c[i].state == XBB_ST_READY && B.c[i].last_value < m) {
            m = B.c[i].last_value;
        }
    }
    return m;
}

/* --inflight: how many more messages c may send now. Values are rising, so a value a
 * subscriber has seen means every older one was delivered or dropped by the server; a
 * window stuck for STALL_US (deliveries dropped at the tail) gives up its oldest. */
static uint32_t window_room(xbb_conn *c, uint64_t now)
{
    uint32_t w = B.o.inflight;
    if (w == 0) {
        return UINT32_MAX;
    }
    uint64_t seen = feed_seen(c->feed);
    while (c->ring_len > 0 && c->ring[c->ring_head] <= seen) {
        c->ring_head = (c->ring_head + 1) % w;
        c->ring_len--;
    }
    if (c->ring_len == w) {
        if (c->stall_since == 0) {
            c->stall_since = now;
        } else if (now - c->stall_since >= STALL_US) {
            c->ring_head = (c->ring_head + 1) % w;
            c->ring_len--;
            B.given_up++;
            c->stall_since = now;
        }
    } else {
        c->stall_since = 0;
    }
    return w - c->ring_len;
}

/* Full speed: one batch per turn for each publisher the socket (and the window)
 * accepts, round robin. Returns false when no publisher could send anything. */
static bool publish_full_speed(void)
{
    bool progress = false;
    uint32_t i = 0;
    while (i < B.n_ready) {
        xbb_conn *c = &B.c[B.ready[i]];
        int rc = -1;
        if (c->state == XBB_ST_READY) {
            uint64_t now = xbb_now_us();
            uint32_t room = window_room(c, now);
            while (room > 0 && c->out_len - c->out_off < BATCH_BYTES) {
                pub_emit(c, now);
                if (B.o.inflight > 0) {
                    c->ring[(c->ring_head + c->ring_len) % B.o.inflight] = c->last_value;
                    c->ring_len++;
                }
                room--;
                progress = true;
                now = xbb_now_us();
            }
            rc = xbb_conn_flush(&B.io, c);
            if (rc < 0) {
                conn_fail(c, "write failed");
            }
        }
        if (rc != 0) {                         /* blocked (EPOLLOUT re-adds it) or dead */
            c->in_ready = false;
            B.ready[i] = B.ready[--B.n_ready];
        } else {
            i++;
        }
    }
    return progress;
}

static void publish_at_rate(uint64_t now)
{
    uint64_t due = (uint64_t)((double)(now - B.t_run) * B.o.rate / 1e6);
    for (uint32_t i = B.n_sub; i < B.n_sub + B.n_pub; i++) {
        xbb_conn *c = &B.c[i];
        if (c->state != XBB_ST_READY) {
            continue;
        }
        while (c->slots < due) {
            if (c->out_len - c->out_off > BACKLOG_BYTES) {
                B.skipped += due - c->slots;   /* the server does not keep up */
                c->slots = due;
                break;
            }
            pub_emit(c, now);
            c->slots++;
        }
        if (!c->out_blocked && c->out_len > c->out_off && xbb_conn_flush(&B.io, c) < 0) {
            conn_fail(c, "write failed");
        }
    }
}

static void on_event(xbb_conn *c, uint32_t ev)
{
    uint64_t now = xbb_now_us();
    if (c->state == XBB_ST_TCP) {
        if (xbb_conn_connected(c) != 0) {
            conn_fail(c, strerror(errno));
            return;
        }
        if (B.io.ctx == NULL) {
            start_mqtt(c, now);
            return;
        }
        c->state = XBB_ST_TLS;
    }
    if (c->state == XBB_ST_TLS) {
        int rc = xbb_conn_tls_step(&B.io, c);
        if (rc < 0) {
            conn_fail(c, "TLS handshake failed");
        } else if (rc > 0) {
            start_mqtt(c, now);
        }
        return;
    }
    if ((ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) {
        on_readable(c);
    }
    if (c->state != XBB_ST_DEAD && (ev & EPOLLOUT) != 0 && c->out_blocked) {
        int rc = xbb_conn_flush(&B.io, c);
        if (rc < 0) {
            conn_fail(c, "write failed");
        } else if (rc == 0) {
            ready_add(c);
        }
    }
}

static void open_more(uint32_t limit)
{
    while (B.next_open < limit && B.pending < B.o.window) {
        xbb_conn *c = &B.c[B.next_open++];
        if (xbb_conn_open(&B.io, c) != 0) {
            char why[160];
            (void)snprintf(why, sizeof why, "cannot open connection %u: %s%s", c->index,
                           strerror(errno), errno == EMFILE ? " (raise ulimit -n)" : "");
            die(why);
        }
        B.pending++;
    }
}

static void keepalive_scan(uint64_t now)
{
    uint64_t half = (uint64_t)B.o.keepalive * 500000u;
    for (uint32_t i = 0; i < B.n && half > 0; i++) {
        xbb_conn *c = &B.c[i];
        if (c->state >= XBB_ST_CONNACK && c->state != XBB_ST_DEAD &&
            now - c->last_tx_us >= half) {
            unsigned char p[2];
            send_packet(c, p, xbb_enc_simple(p, sizeof p, XBB_PINGREQ), now);
        }
    }
}

static void probe(uint64_t now)
{
    xbb_conn *c = &B.c[B.n - 1];
    if (c->role != XBB_ROLE_PROBE || c->state != XBB_ST_READY || now - B.t_probe < PROBE_US) {
        return;
    }
    B.t_probe = now;
    if (c->ping_sent_us == 0) {
        unsigned char p[2];
        c->ping_sent_us = now;
        B.ping_sent++;
        send_packet(c, p, xbb_enc_simple(p, sizeof p, XBB_PINGREQ), now);
    }
}

static void set_phase(xbb_phase p, uint64_t now)
{
    B.ph = p;
    B.t_phase = now;
}


/* Phase changes; returns the epoll timeout to use next (ms). */
static int advance(uint64_t now)
{
    switch (B.ph) {
    case PH_SUBS:
        open_more(B.n_sub);
        if (B.subacked == B.n_sub) {
            set_phase(PH_PUBS, now);
        }
        break;
    case PH_PUBS:
        open_more(B.n);
        if (B.connacked == B.n) {
            set_phase(PH_RUN, now);
            B.t_run = now;
            B.t_win0 = now + (uint64_t)(B.o.warmup * 1e6);
            B.t_win1 = B.t_win0 + (uint64_t)(B.o.duration * 1e6);
            for (uint32_t i = B.n_sub; i < B.n_sub + B.n_pub; i++) {
                ready_add(&B.c[i]);
            }
        }
        break;
    case PH_RUN:
        if (!B.win_started && now >= B.t_win0) {
            B.win_started = true;
            B.in_win = true;
            B.win_pub0 = B.pub_total;
            (void)getrusage(RUSAGE_SELF, &B.ru0);
            B.srv_sched = B.o.pid > 0 && schedstat(B.o.pid, &B.srv_run0, &B.srv_wait0);
        }
        if (now >= B.t_win1) {
            B.in_win = false;
            B.win_pub1 = B.pub_total;
            (void)getrusage(RUSAGE_SELF, &B.ru1);
            B.srv_sched = B.srv_sched && schedstat(B.o.pid, &B.srv_run1, &B.srv_wait1);
            B.t_win1 = now;
            for (uint32_t i = 0; i < B.n_ready; i++) {
                B.c[B.ready[i]].in_ready = false;
            }
            B.n_ready = 0;
            set_phase(PH_DRAIN, now);
        } else if (B.o.rate > 0.0) {
            publish_at_rate(now);
        }
        probe(now);
        break;
    case PH_DRAIN: {
        uint64_t quiet_since = B.t_last_rx > B.t_phase ? B.t_last_rx : B.t_phase;
        bool pubs_flushed = true;
        for (uint32_t i = B.n_sub; i < B.n_sub + B.n_pub; i++) {
            pubs_flushed = pubs_flushed && B.c[i].out_len == B.c[i].out_off;
        }
        if ((pubs_flushed && B.recv_total >= xbb_expected(&B)) ||
            now - quiet_since >= 1000000u || now - B.t_phase >= 5000000u) {
            set_phase(PH_DONE, now);
        }
        probe(now);
        break;
    }
    case PH_IDLE_OPEN:
        open_more(B.n);
        if (B.connacked == B.n) {
            set_phase(PH_IDLE_SETTLE, now);
        }
        break;
    case PH_IDLE_SETTLE:
        if (now - B.t_phase >= (uint64_t)(B.o.settle * 1e6)) {
            B.rss1_kb = B.o.pid > 0 ? rss_kb(B.o.pid) : -1;
            set_phase(PH_DONE, now);
        }
        break;
    case PH_DONE:
        break;
    }
    if ((B.ph == PH_SUBS || B.ph == PH_PUBS || B.ph == PH_IDLE_OPEN) &&
        now - B.t_phase > SETUP_US) {
        fprintf(stderr, "xbbench: setup timed out: %u of %u connections acknowledged, "
                "%u of %u subscriptions\n", B.connacked, B.n, B.subacked, B.n_sub);
        exit(1);
    }
    if (now - B.t_scan >= 1000000u) {
        B.t_scan = now;
        keepalive_scan(now);
    }
    if (B.n_ready > 0) {
        return 0;      /* main() lowers it to 1 ms while every window is full */
    }
    return B.ph == PH_RUN && B.o.rate > 0.0 ? 1 : 10;
}

static void setup(void)
{
    bool idle = B.o.idle > 0;
    B.n_sub = idle ? 0 : B.o.subs;
    B.n_pub = idle ? 0 : B.o.pubs;
    B.n = idle ? B.o.idle : B.n_sub + B.n_pub + 1;
    B.c = calloc(B.n, sizeof *B.c);
    B.ready = calloc(B.n, sizeof *B.ready);
    B.scratch_cap = B.o.max_packet + 65536u;
    B.scratch = malloc(B.scratch_cap);
    if (B.c == NULL || B.ready == NULL || B.scratch == NULL) {
        die("out of memory");
    }
    for (uint32_t i = 0; i < B.n; i++) {
        B.c[i].fd = -1;
        B.c[i].index = i;
        B.c[i].state = XBB_ST_DEAD;
        B.c[i].role = idle ? XBB_ROLE_IDLE : i < B.n_sub ? XBB_ROLE_SUB
                    : i < B.n_sub + B.n_pub ? XBB_ROLE_PUB : XBB_ROLE_PROBE;
        B.c[i].feed = i < B.n_sub ? i % B.o.feeds : (i - B.n_sub) % B.o.feeds;
    }
    if (idle) {
        return;
    }
    char def[64];
    (void)snprintf(def, sizeof def, "/v2/feeds/%%d/datastreams/0.%s", xbb_fmt_name(B.o.fmt));
    const char *pt = B.o.pub_tmpl != NULL ? B.o.pub_tmpl : def;
    const char *st = B.o.sub_tmpl != NULL ? B.o.sub_tmpl : def;
    B.pub_topic = calloc(B.o.feeds, sizeof *B.pub_topic);
    B.sub_topic = calloc(B.o.feeds, sizeof *B.sub_topic);
    B.pub_topic_len = calloc(B.o.feeds, sizeof *B.pub_topic_len);
    B.shape = calloc(B.o.feeds, sizeof *B.shape);
    B.subs_on_feed = calloc(B.o.feeds, sizeof *B.subs_on_feed);
    if (B.pub_topic == NULL || B.sub_topic == NULL || B.pub_topic_len == NULL ||
        B.shape == NULL || B.subs_on_feed == NULL) {
        die("out of memory");
    }
    for (unsigned f = 0; f < B.o.feeds; f++) {
        B.pub_topic[f] = xbb_topic_expand(pt, (unsigned long)B.o.feed_base + f);
        B.sub_topic[f] = xbb_topic_expand(st, (unsigned long)B.o.feed_base + f);
        if (B.pub_topic[f] == NULL || B.sub_topic[f] == NULL) {
            die("out of memory");
        }
        B.pub_topic_len[f] = strlen(B.pub_topic[f]);
        B.shape[f] = xbb_shape_of_topic(B.pub_topic[f]);
    }
    for (uint32_t i = 0; i < B.n_sub; i++) {
        B.subs_on_feed[B.c[i].feed]++;
    }
    for (uint32_t i = B.n_sub; i < B.n_sub + B.n_pub && B.o.inflight > 0; i++) {
        B.c[i].ring = calloc(B.o.inflight, sizeof *B.c[i].ring);
        if (B.c[i].ring == NULL) {
            die("out of memory");
        }
    }
}

static void finish(void)
{
    uint64_t now = xbb_now_us();
    for (uint32_t i = 0; i < B.n; i++) {
        xbb_conn *c = &B.c[i];
        if (c->state == XBB_ST_READY || c->state == XBB_ST_SUBACK) {
            unsigned char p[2];
            c->out_off = c->out_len = 0;     /* unsent publishes are abandoned */
            if (xbb_conn_queue(c, p, xbb_enc_simple(p, sizeof p, XBB_DISCONNECT)) == 0) {
                (void)xbb_conn_flush(&B.io, c);
            }
        }
        if (c->ping_sent_us != 0 && now - c->ping_sent_us > B.ping_max) {
            B.ping_max = now - c->ping_sent_us;    /* unanswered: at least this slow */
        }
        xbb_conn_close(&B.io, c);
    }
}

int main(int argc, char **argv)
{
    int rc = xbb_opts_parse(&B.o, argc, argv);
    if (rc == 3) {
        return xbb_selftest();
    }
    if (rc != 0) {
        return rc == 1 ? 0 : 2;
    }
    (void)signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;           /* thousands of sockets: take what we may */
        (void)setrlimit(RLIMIT_NOFILE, &rl);
    }
    char err[256];
    if (xbb_io_init(&B.io, B.o.host, B.o.port, B.o.tls, B.o.cafile, err, sizeof err) != 0) {
        die(err);
    }
    setup();
    uint64_t now = xbb_now_us();
    B.t_scan = now;
    if (B.o.idle > 0) {
        B.rss0_kb = B.o.pid > 0 ? rss_kb(B.o.pid) : -1;
        if (B.o.pid > 0 && B.rss0_kb < 0) {
            fprintf(stderr, "xbbench: cannot read /proc/%ld/status\n", B.o.pid);
            return 1;
        }
        set_phase(PH_IDLE_OPEN, now);
    } else {
        set_phase(PH_SUBS, now);
    }
    static struct epoll_event evs[1024];
    int timeout = 0;
    while (B.ph != PH_DONE) {
        if (B.ph == PH_RUN && B.n_ready > 0) {
            /* a publisher waiting for its window polls each millisecond, not in a spin */
            timeout = publish_full_speed() ? 0 : 1;
        }
        int k = epoll_wait(B.io.ep, evs, 1024, timeout);
        if (k < 0 && errno != EINTR) {
            die("epoll_wait failed");
        }
        for (int i = 0; i < k; i++) {
            xbb_conn *c = &B.c[evs[i].data.u32];
            if (c->state != XBB_ST_DEAD) {
                on_event(c, evs[i].events);
            }
        }
        timeout = advance(xbb_now_us());
    }
    xbb_report(&B);
    finish();
    return 0;
}
