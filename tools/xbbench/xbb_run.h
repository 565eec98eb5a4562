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

/* Parses argv into o (defaults first). Returns 0 to run, 1 when done (help or
 * --free-port printed), 2 on a usage error (message already printed), 3 for
 * --self-test. */
int xbb_opts_parse(xbb_opts *o, int argc, char **argv);
/* The topic template with every `%d` replaced by id (malloc'd). */
char *xbb_topic_expand(const char *tmpl, unsigned long id);

#endif
