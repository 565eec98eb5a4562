/* The report of a run: a human summary, then one `RESULT key=value ...` line that
 * tools/bench.sh reads. */
#include "xbb_run.h"

#include <stdio.h>

uint64_t xbb_expected(const xbb_bench *b)
{
    uint64_t e = 0;
    for (uint32_t i = b->n_sub; i < b->n_sub + b->n_pub; i++) {
        e += b->c[i].sent * b->subs_on_feed[b->c[i].feed];
    }
    return e;
}

static double cpu_s(const struct rusage *r)
{
    return (double)r->ru_utime.tv_sec + (double)r->ru_utime.tv_usec / 1e6 +
           (double)r->ru_stime.tv_sec + (double)r->ru_stime.tv_usec / 1e6;
}

void xbb_report(const xbb_bench *b)
{
    if (b->o.idle > 0) {
        long per = b->rss0_kb >= 0 && b->rss1_kb >= 0
                 ? (b->rss1_kb - b->rss0_kb) * 1024 / (long)b->o.idle : -1;
        printf("idle connections %u open, server pid %ld VmRSS %ld kB -> %ld kB: ",
               b->o.idle, b->o.pid, b->rss0_kb, b->rss1_kb);
        if (per >= 0) {
            printf("%ld bytes per connection\n", per);
        } else {
            printf("memory not measured (no --pid, or /proc unreadable)\n");
        }
        printf("RESULT conns=%u rss_before_kb=%ld rss_after_kb=%ld bytes_per_conn=%ld\n",
               b->o.idle, b->rss0_kb, b->rss1_kb, per);
        return;
    }
    double win = (double)(b->t_win1 - b->t_win0) / 1e6;
    double pub_rate = (double)(b->win_pub1 - b->win_pub0) / win;
    double deliv_rate = (double)b->win_recv / win;
    uint64_t expected = xbb_expected(b);
    double pct = expected > 0 ? 100.0 * (double)b->recv_total / (double)expected : 0.0;
    double cpu = 100.0 * (cpu_s(&b->ru1) - cpu_s(&b->ru0)) / win;
    uint64_t p50 = xbb_hist_quantile(&b->hist, 0.50);
    uint64_t p99 = xbb_hist_quantile(&b->hist, 0.99);
    uint64_t p999 = xbb_hist_quantile(&b->hist, 0.999);
    char mode[64];
    if (b->o.rate > 0.0) {
        (void)snprintf(mode, sizeof mode, "%.0f msg/s per publisher", b->o.rate);
    } else if (b->o.inflight > 0) {
        (void)snprintf(mode, sizeof mode, "full speed, %u in flight", b->o.inflight);
    } else {
        (void)snprintf(mode, sizeof mode, "full speed");
    }
    printf("%u feeds, %u publishers, %u subscribers, %s, %s%s, measured %.2f s\n",
           b->o.feeds, b->n_pub, b->n_sub, xbb_fmt_name(b->o.fmt), mode,
           b->o.retain ? ", RETAIN=1" : "", win);
    printf("published  %10.0f msg/s  (%llu in the window, %llu slots skipped)\n", pub_rate,
           (unsigned long long)(b->win_pub1 - b->win_pub0), (unsigned long long)b->skipped);
    printf("delivered  %10.0f msg/s  (%llu in the window)\n", deliv_rate,
           (unsigned long long)b->win_recv);
    printf("whole run  %llu sent, %llu deliveries expected, %llu received (%.2f %%), "
           "%llu initial states, %llu without a value, %llu in-flight slots released unseen after 1 s\n",
           (unsigned long long)b->pub_total, (unsigned long long)expected,
           (unsigned long long)b->recv_total, pct, (unsigned long long)b->retained,
           (unsigned long long)b->unparsed, (unsigned long long)b->given_up);
    printf("latency    p50 %llu us, p99 %llu us, p99.9 %llu us, max %llu us\n",
           (unsigned long long)p50, (unsigned long long)p99, (unsigned long long)p999,
           (unsigned long long)b->hist.max);
    printf("ping       %llu PINGREQ, %llu answered, slowest %llu us\n",
           (unsigned long long)b->ping_sent, (unsigned long long)b->ping_recv,
           (unsigned long long)b->ping_max);
    double srv_cpu = -1.0, srv_wait = -1.0;
    if (b->srv_sched) {
        srv_cpu = (double)(b->srv_run1 - b->srv_run0) / 1e7 / win;
        srv_wait = (double)(b->srv_wait1 - b->srv_wait0) / 1e7 / win;
        printf("server     pid %ld: %.0f %% of the window on a CPU, %.0f %% runnable but "
               "waiting for one\n", b->o.pid, srv_cpu, srv_wait);
    }
    printf("client     %.0f %% of a core, %llu connections lost\n", cpu,
           (unsigned long long)b->dead);
    printf("RESULT pub_rate=%.0f deliv_rate=%.0f p50_us=%llu p99_us=%llu p999_us=%llu "
           "max_us=%llu sent=%llu expected=%llu received=%llu delivered_pct=%.2f "
           "retained=%llu unparsed=%llu skipped=%llu lost_conns=%llu pings=%llu "
           "pongs=%llu ping_max_us=%llu client_cpu_pct=%.0f given_up=%llu "
           "server_cpu_pct=%.0f server_runq_pct=%.0f\n",
           pub_rate, deliv_rate, (unsigned long long)p50, (unsigned long long)p99,
           (unsigned long long)p999, (unsigned long long)b->hist.max,
           (unsigned long long)b->pub_total, (unsigned long long)expected,
           (unsigned long long)b->recv_total, pct, (unsigned long long)b->retained,
           (unsigned long long)b->unparsed, (unsigned long long)b->skipped,
           (unsigned long long)b->dead, (unsigned long long)b->ping_sent,
           (unsigned long long)b->ping_recv, (unsigned long long)b->ping_max, cpu,
           (unsigned long long)b->given_up, srv_cpu, srv_wait);
}
