/* One benchmark run: its options, its connections and its counters. */
#ifndef XBB_RUN_H
#define XBB_RUN_H

#include "xbb_io.h"

#include <sys/resource.h>

typedef struct {
    const char *host, *port, *username, *cafile;
    const char *pub_tmpl, *sub_tmpl;     /* NULL: the default topic of the format */
    xbb_fmt fmt;
    bool retain;                         /* --mode mosquitto */
    bool tls;
    unsigned feeds, feed_base, pubs, subs, idle, window, keepalive;
    unsigned inflight;                   /* per publisher, 0 = open loop */
    double rate;                         /* msgs/s per publisher, 0 = full speed */
    double duration, warmup, settle;
    long pid;                            /* server pid for /proc/PID/status, 0 = none */
    size_t max_packet;
} xbb_opts;

typedef enum {
    PH_SUBS, PH_PUBS, PH_RUN, PH_DRAIN, PH_IDLE_OPEN, PH_IDLE_SETTLE, PH_DONE
} xbb_phase;

/* The state of the run (one per process, in xbbench.c). */
typedef struct {
    xbb_opts o;
    xbb_io io;
    xbb_conn *c;
    uint32_t n, n_sub, n_pub;        /* [0,n_sub) subscribers, then publishers, then probe */
    char **pub_topic, **sub_topic;
    size_t *pub_topic_len;
    xbb_shape *shape;
    uint64_t *subs_on_feed;
    uint32_t *ready;                 /* full-speed publishers not blocked on output */
    uint32_t n_ready;
    unsigned char *scratch;
    size_t scratch_cap;
    uint32_t next_open, pending, connacked, subacked;
    xbb_phase ph;
    uint64_t t_phase, t_run, t_win0, t_win1, t_last_rx, t_scan, t_probe;
    uint64_t pub_total, skipped, recv_total, retained, unparsed, dead, given_up;
    uint64_t win_pub0, win_pub1, win_recv;
    bool in_win, win_started;
    xbb_hist hist;
    uint64_t ping_sent, ping_recv, ping_max;
    long rss0_kb, rss1_kb;
    uint64_t srv_run0, srv_wait0, srv_run1, srv_wait1;   /* ns, /proc/PID/schedstat */
    bool srv_sched;
    struct rusage ru0, ru1;
} xbb_bench;

/* Deliveries the whole run should have produced: messages sent x subscribers. */
uint64_t xbb_expected(const xbb_bench *b);
/* Prints the human summary and the `RESULT key=value ...` line. */
void xbb_report(const xbb_bench *b);

/* Parses argv into o (defaults first). Returns 0 to run, 1 when done (help or
 * --free-port printed), 2 on a usage error (message already printed), 3 for
 * --self-test. */
int xbb_opts_parse(xbb_opts *o, int argc, char **argv);
/* The topic template with every `%d` replaced by id (malloc'd). */
char *xbb_topic_expand(const char *tmpl, unsigned long id);

#endif
