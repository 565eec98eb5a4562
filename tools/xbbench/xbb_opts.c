/* Command line of xbbench. */
#include "xbb_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
"usage: xbbench [OPTIONS]\n"
"An MQTT 3.1.1 QoS 0 load generator for xbridge or any MQTT server (one thread, epoll).\n"
"Publish/subscribe run (default): subscribers connect and subscribe first, then the\n"
"publishers connect and publish; after a warm-up the run is measured for a fixed\n"
"duration, then deliveries are drained. Each payload carries its send time (monotonic\n"
"clock, microseconds) as the datastream value, read back from the CSV, JSON or XML\n"
"representation the subscriber receives, which gives the delivery latency.\n"
"  -H, --host HOST        server address (127.0.0.1)\n"
"  -p, --port PORT        server port (1883)\n"
"  -u, --username KEY     MQTT username (for xbridge: the API key)\n"
"      --mode MODE        xbridge (default) or mosquitto: the same payloads published\n"
"                         with RETAIN=1, a plain broker's closest equivalent to the\n"
"                         bridge's subscribe-state\n"
"  -f, --format FMT       csv, json (default) or xml: payloads written, and the default\n"
"                         topic /v2/feeds/%d/datastreams/0.FMT\n"
"  -t, --topic TEMPLATE   publish and subscribe topic; every %d becomes the feed id\n"
"      --pub-topic T      publish topic only; --sub-topic T: subscribe filter only\n"
"  -F, --feeds N          feeds (topics) used (1)\n"
"      --feed-base ID     feed id of the first feed (1); feed i has id ID+i\n"
"  -P, --pubs N           publisher connections, spread round-robin over the feeds (1)\n"
"  -S, --subs N           subscriber connections, spread round-robin over the feeds (1)\n"
"  -r, --rate R           messages per second per publisher (0 = full speed, default)\n"
"  -i, --inflight N       full speed, but at most N messages of a publisher not yet\n"
"                         delivered to every subscriber of its feed (0 = no bound,\n"
"                         default); without a bound, latency at full speed is mostly\n"
"                         time spent queued in socket buffers and server queues\n"
"  -d, --duration S       measured seconds (5)\n"
"  -w, --warmup S         seconds of publishing before the measure (1)\n"
"      --idle N           instead: open N idle connections (CONNECT, keep alive) and,\n"
"                         with --pid, report the server's memory per connection\n"
"      --pid PID          server process: its VmRSS (/proc/PID/status) in an idle run;\n"
"                         its CPU time and run-queue wait (/proc/PID/schedstat) in a\n"
"                         publish run\n"
"      --settle S         idle run: seconds between the last CONNACK and the reading (1)\n"
"      --keepalive S      keep alive sent in CONNECT (60); PINGREQ every S/2 when quiet\n"
"      --window N         connections being opened at once (100)\n"
"      --tls              connect over TLS; --cafile FILE verifies the server with it\n"
"                         (without --cafile the certificate is not verified)\n"
"      --max-packet N     largest packet accepted from the server (1048576)\n"
"      --free-port        print a free TCP port on 127.0.0.1 and exit\n"
"      --self-test        check the value parsers, encoders and percentiles, and exit\n"
"  -h, --help             this text\n"
"The last line printed is `RESULT key=value ...` for scripts (tools/bench.sh).\n";

char *xbb_topic_expand(const char *tmpl, unsigned long id)
{
    char num[24];
    (void)snprintf(num, sizeof num, "%lu", id);
    size_t n = 0;
    for (const char *p = tmpl; *p != '\0'; p++) {
        if (p[0] == '%' && p[1] == 'd') {
            n += strlen(num);
            p++;
        } else {
            n++;
        }
    }
    char *out = malloc(n + 1);
    if (out == NULL) {
        return NULL;
    }
    char *q = out;
    for (const char *p = tmpl; *p != '\0'; p++) {
        if (p[0] == '%' && p[1] == 'd') {
            memcpy(q, num, strlen(num));
            q += strlen(num);
            p++;
        } else {
            *q++ = *p;
        }
    }
    *q = '\0';
    return out;
}

static int num_u(const char *name, const char *s, unsigned long max, unsigned *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-') {
        fprintf(stderr, "xbbench: --%s: not an integer in 0..%lu: %s\n", name, max, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int num_d(const char *name, const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= 0.0) || v > 1e9) {
        fprintf(stderr, "xbbench: --%s: not a non-negative number: %s\n", name, s);
        return -1;
    }
    *out = v;
    return 0;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("xbbench: --free-port");
        return 2;
    }
    printf("%u\n", (unsigned)ntohs(a.sin_port));
    (void)close(fd);
    return 1;
}

enum {
    O_MODE = 256, O_PUB_TOPIC, O_SUB_TOPIC, O_FEED_BASE, O_IDLE, O_PID, O_SETTLE,
    O_KEEPALIVE, O_WINDOW, O_TLS, O_CAFILE, O_MAX_PACKET, O_FREE_PORT, O_SELF_TEST
};

int xbb_opts_parse(xbb_opts *o, int argc, char **argv)
{
    static const struct option longs[] = {
        {"host", required_argument, NULL, 'H'},
        {"port", required_argument, NULL, 'p'},
        {"username", required_argument, NULL, 'u'},
        {"mode", required_argument, NULL, O_MODE},
        {"format", required_argument, NULL, 'f'},
        {"topic", required_argument, NULL, 't'},
        {"pub-topic", required_argument, NULL, O_PUB_TOPIC},
        {"sub-topic", required_argument, NULL, O_SUB_TOPIC},
        {"feeds", required_argument, NULL, 'F'},
        {"feed-base", required_argument, NULL, O_FEED_BASE},
        {"pubs", required_argument, NULL, 'P'},
        {"subs", required_argument, NULL, 'S'},
        {"rate", required_argument, NULL, 'r'},
        {"inflight", required_argument, NULL, 'i'},
        {"duration", required_argument, NULL, 'd'},
        {"warmup", required_argument, NULL, 'w'},
        {"idle", required_argument, NULL, O_IDLE},
        {"pid", required_argument, NULL, O_PID},
        {"settle", required_argument, NULL, O_SETTLE},
        {"keepalive", required_argument, NULL, O_KEEPALIVE},
        {"window", required_argument, NULL, O_WINDOW},
        {"tls", no_argument, NULL, O_TLS},
        {"cafile", required_argument, NULL, O_CAFILE},
        {"max-packet", required_argument, NULL, O_MAX_PACKET},
        {"free-port", no_argument, NULL, O_FREE_PORT},
        {"self-test", no_argument, NULL, O_SELF_TEST},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->port = "1883";
    o->fmt = XBB_FMT_JSON;
    o->feeds = 1;
    o->feed_base = 1;
    o->pubs = 1;
    o->subs = 1;
    o->window = 100;
    o->keepalive = 60;
    o->duration = 5.0;
    o->warmup = 1.0;
    o->settle = 1.0;
    o->max_packet = 1048576;
    const char *topic = NULL;
    unsigned u = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "H:p:u:f:t:F:P:S:r:i:d:w:h", longs, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'H': o->host = optarg; break;
        case 'p': bad = num_u("port", optarg, 65535, &u); o->port = optarg; break;
        case 'u': o->username = optarg; break;
        case O_MODE:
            if (strcmp(optarg, "mosquitto") == 0) {
                o->retain = true;
            } else if (strcmp(optarg, "xbridge") == 0) {
                o->retain = false;
            } else {
                fprintf(stderr, "xbbench: --mode: xbridge or mosquitto, not %s\n", optarg);
                bad = -1;
            }
            break;
        case 'f':
            if (xbb_fmt_from_name(optarg, &o->fmt) != 0) {
                fprintf(stderr, "xbbench: --format: csv, json or xml, not %s\n", optarg);
                bad = -1;
            }
            break;
        case 't': topic = optarg; break;
        case O_PUB_TOPIC: o->pub_tmpl = optarg; break;
        case O_SUB_TOPIC: o->sub_tmpl = optarg; break;
        case 'F': bad = num_u("feeds", optarg, 1000000, &o->feeds); break;
        case O_FEED_BASE: bad = num_u("feed-base", optarg, 2147483647, &o->feed_base); break;
        case 'P': bad = num_u("pubs", optarg, 1000000, &o->pubs); break;
        case 'S': bad = num_u("subs", optarg, 1000000, &o->subs); break;
        case 'r': bad = num_d("rate", optarg, &o->rate); break;
        case 'i': bad = num_u("inflight", optarg, 10000000, &o->inflight); break;
        case 'd': bad = num_d("duration", optarg, &o->duration); break;
        case 'w': bad = num_d("warmup", optarg, &o->warmup); break;
        case O_IDLE: bad = num_u("idle", optarg, 1000000, &o->idle); break;
        case O_PID: bad = num_u("pid", optarg, 2147483647, &u); o->pid = (long)u; break;
        case O_SETTLE: bad = num_d("settle", optarg, &o->settle); break;
        case O_KEEPALIVE: bad = num_u("keepalive", optarg, 65535, &o->keepalive); break;
        case O_WINDOW: bad = num_u("window", optarg, 1000000, &o->window); break;
        case O_TLS: o->tls = true; break;
        case O_CAFILE: o->cafile = optarg; break;
        case O_MAX_PACKET:
            bad = num_u("max-packet", optarg, 268435460, &u);
            o->max_packet = u;
            break;
        case O_FREE_PORT: return free_port();
        case O_SELF_TEST: return 3;
        case 'h': fputs(usage_text, stdout); return 1;
        default: fputs(usage_text, stderr); return 2;
        }
        if (bad != 0) {
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "xbbench: unexpected argument %s\n", argv[optind]);
        return 2;
    }
    if (topic != NULL) {
        o->pub_tmpl = o->pub_tmpl != NULL ? o->pub_tmpl : topic;
        o->sub_tmpl = o->sub_tmpl != NULL ? o->sub_tmpl : topic;
    }
    if (o->feeds == 0 || o->window == 0 || o->max_packet < 1024) {
        fprintf(stderr, "xbbench: --feeds, --window must be at least 1, --max-packet 1024\n");
        return 2;
    }
    if (o->idle == 0 && (o->pubs == 0 || o->duration <= 0.0)) {
        fprintf(stderr, "xbbench: a publish run needs --pubs >= 1 and --duration > 0\n");
        return 2;
    }
    if (o->cafile != NULL && !o->tls) {
        fprintf(stderr, "xbbench: --cafile needs --tls\n");
        return 2;
    }
    return 0;
}
