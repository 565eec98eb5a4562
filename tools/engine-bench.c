/*
 * engine-bench.c — throughput of the API engine for datastream updates, with batched
 * commits (spec/persistence.md XB-STORE-9), on one core, against a real store on disk
 * with the durability the bridge uses (synchronous=FULL, XB-STORE-4).
 *
 * Every update is a full request as the server executes it: effective API key (cached
 * key lookup), authorization, JSON payload parsed by the strict parser, datastream row
 * read-modify-write, datapoint insert, min/max tracking, feed `updated`, in its own
 * savepoint; requests are grouped in batches of B per transaction, for each B given.
 *
 *   engine-bench [-n UPDATES] [-b 1,10,100,1000] [-t SECONDS] [-d DIR] [-s full|normal]
 *                [-f FEEDS] [-k STREAMS] [-r]
 *
 * Each batch size runs on a fresh store until UPDATES updates or SECONDS seconds,
 * whichever comes first; -r also renders the updated datastream once per update (what
 * the server does for subscribers, XB-SUB-21). Two rates are printed: per second of
 * wall time (every fsync included; on a shared machine also the other processes) and
 * per second of this process's CPU time (what one core spends per update).
 *
 * Durability helper modes (impl/tests/integration/durability.sh):
 *   engine-bench --writer DB BATCH   write values 1, 2, 3, ... to /v2/feeds/1/datastreams/0
 *                                    in batches of BATCH, printing "committed N" after
 *                                    each successful commit (stdout, flushed)
 *   engine-bench --verify DB N B     exit 0 iff every value 1..N is present as a
 *                                    datapoint, the current value C is >= N and C is a
 *                                    whole number of batches of B (no partial batch)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/xb_api.h"
#include "topic/xb_topic.h"

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void rm_store(const char *path) {
  const char *sfx[] = {"", "-wal", "-shm", ".lock"};
  char p[600];
  for (size_t i = 0; i < 4; i++) {
    snprintf(p, sizeof p, "%s%s", path, sfx[i]);
    unlink(p);
  }
}

typedef struct {
  char topic[96];
  xb_topic t;
} bench_topic;

static xb_api *open_store(const char *path, int sync, char key[XB_API_KEY_TEXT]) {
  xb_api_config cfg;
  xb_api_config_default(&cfg);
  cfg.synchronous = sync;
  char err[256];
  xb_api *api = xb_api_open(path, &cfg, err, sizeof err, NULL);
  if (api == NULL) {
    fprintf(stderr, "engine-bench: %s\n", err);
    exit(1);
  }
  if (key != NULL) {
    int st = xb_api_admin_add_user(api, "bench", false, "BenchKey-0123456789", now_us(), key,
                                   err, sizeof err);
    if (st != 201) {
      fprintf(stderr, "engine-bench: add user: %s\n", err);
      exit(1);
    }
  }
  return api;
}

static int put(xb_api *api, const bench_topic *bt, const char *payload, size_t plen,
               const char *key, xb_api_response *resp) {
  xb_api_request req;
  memset(&req, 0, sizeof req);
  req.method = XB_API_PUT;
  req.topic = &bt->t;
  req.topic_bytes = (const uint8_t *)bt->topic;
  req.payload = (const uint8_t *)payload;
  req.payload_len = plen;
  req.key = key;
  req.key_len = strlen(key);
  req.client_ip = "127.0.0.1";
  req.now = now_us();
  return xb_api_execute(api, &req, resp);
}

static void parse_topic(bench_topic *bt) {
  xb_topic_status s = xb_topic_parse((const uint8_t *)bt->topic, strlen(bt->topic),
                                     XB_TOPIC_MAX_LEN_DEFAULT, &bt->t);
  if (s != XB_TOPIC_OK) {
    fprintf(stderr, "engine-bench: topic %s: %s\n", bt->topic, xb_topic_status_str(s));
    exit(1);
  }
}

/* One batch size on a fresh store: returns updates per second of wall time; *cpu_rate
 * gets updates per second of this process's CPU time. */
static double run(const char *dir, int sync, size_t batch, long n, double limit, int feeds,
                  int streams, bool render, long *done_out, double *cpu_rate) {
  char path[512];
  snprintf(path, sizeof path, "%s/engine-bench.db", dir);
  rm_store(path);
  char key[XB_API_KEY_TEXT];
  xb_api *api = open_store(path, sync, key);
  size_t nt = (size_t)feeds * (size_t)streams;
  bench_topic *topics = calloc(nt, sizeof *topics);
  char err[256];
  for (int f = 0; f < feeds; f++) {
    uint32_t id = 0;
    if (xb_api_admin_add_feed(api, "bench", 0, "bench", false, now_us(), &id, err, sizeof err) !=
        201) {
      fprintf(stderr, "engine-bench: feed: %s\n", err);
      exit(1);
    }
    for (int s = 0; s < streams; s++) {
      bench_topic *bt = &topics[(size_t)f * (size_t)streams + (size_t)s];
      snprintf(bt->topic, sizeof bt->topic, "/v2/feeds/%u/datastreams/s%d.json", id, s);
      parse_topic(bt);
    }
  }
  xb_buf body, rendered;
  xb_buf_init(&body, 0);
  xb_buf_init(&rendered, 0);
  xb_api_response resp;
  memset(&resp, 0, sizeof resp);
  resp.body = &body;
  char payload[64];
  long done = 0;
  double t0 = mono(), c0 = cpu(), elapsed = 0;
  while (done < n && elapsed < limit) {
    if (xb_api_batch_begin(api) != 0) {
      fprintf(stderr, "engine-bench: begin failed\n");
      exit(1);
    }
    for (size_t i = 0; i < batch && done < n; i++, done++) {
      const bench_topic *bt = &topics[(size_t)done % nt];
      int len = snprintf(payload, sizeof payload, "{\"current_value\":\"%ld.5\"}", done % 1000);
      int st = put(api, bt, payload, (size_t)len, key, &resp);
      if (st != 200) {
        fprintf(stderr, "engine-bench: update failed: %d %s\n", st, resp.detail);
        exit(1);
      }
      if (render &&
          xb_api_render_state(api, &bt->t, (const uint8_t *)bt->topic, now_us(), &rendered) != 200) {
        fprintf(stderr, "engine-bench: render failed\n");
        exit(1);
      }
    }
    if (xb_api_batch_commit(api) != 0) {
      fprintf(stderr, "engine-bench: commit failed\n");
      exit(1);
    }
    elapsed = mono() - t0;
  }
  double used = cpu() - c0;
  *cpu_rate = used > 0 ? (double)done / used : 0;
  xb_buf_free(&body);
  xb_buf_free(&rendered);
  free(topics);
  xb_api_close(api);
  rm_store(path);
  *done_out = done;
  return elapsed > 0 ? (double)done / elapsed : 0;
}

/* The instant of durability value v: 2000-01-01T00:00:00Z + v seconds (distinct, so
 * every value stays a datapoint of its own, XB-RES-61). */
static void value_at(long v, char out[64]) {
  time_t secs = (time_t)(946684800L + v);
  struct tm tm;
  gmtime_r(&secs, &tm);
  snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* --writer DB BATCH */
static int writer(const char *path, long batch) {
  char key[XB_API_KEY_TEXT], err[256];
  xb_api *api = open_store(path, 2, key);
  uint32_t id = 0;
  if (xb_api_admin_add_feed(api, "bench", 1, "durability", false, now_us(), &id, err,
                            sizeof err) != 201) {
    fprintf(stderr, "engine-bench: feed: %s\n", err);
    return 1;
  }
  bench_topic bt;
  snprintf(bt.topic, sizeof bt.topic, "/v2/feeds/1/datastreams/0.json");
  parse_topic(&bt);
  xb_api_response resp;
  memset(&resp, 0, sizeof resp);
  char payload[128], at[64];
  for (long v = 1;;) {
    if (xb_api_batch_begin(api) != 0) return 1;
    for (long i = 0; i < batch; i++, v++) {
      value_at(v, at);
      int len = snprintf(payload, sizeof payload, "{\"current_value\":%ld,\"at\":\"%s\"}", v,
                         at);
      if (put(api, &bt, payload, (size_t)len, key, &resp) != 200) {
        fprintf(stderr, "engine-bench: write %ld: %s\n", v, resp.detail);
        return 1;
      }
    }
    if (xb_api_batch_commit(api) != 0) return 1;
    /* Only now is the batch durable (XB-STORE-10): report it. */
    printf("committed %ld\n", v - 1);
    fflush(stdout);
  }
}

/* --verify DB N B */
static int verify(const char *path, long n, long batch) {
  xb_api *api = open_store(path, 2, NULL);
  char err[256];
  xb_buf out;
  xb_buf_init(&out, 0);
  int st = xb_api_admin_show(api, "bench", "/v2/feeds/1/datastreams/0.json", now_us(), &out, err,
                             sizeof err);
  if (st != 200) {
    if (n == 0) { /* killed before the first commit: nothing may be there */
      printf("verify: nothing committed, nothing present\n");
      return 0;
    }
    fprintf(stderr, "verify: datastream missing: %s\n", err);
    return 1;
  }
  xb_buf_putc(&out, '\0');
  const char *cv = strstr((const char *)out.data, "\"current_value\":\"");
  long cur = cv != NULL ? strtol(cv + 17, NULL, 10) : -1;
  if (cur < n) {
    fprintf(stderr, "verify: current value %ld < last committed %ld\n", cur, n);
    return 1;
  }
  /* XB-STORE-14: a batch is there entirely or not at all. */
  if (batch > 0 && cur % batch != 0) {
    fprintf(stderr, "verify: current value %ld is not a whole batch of %ld\n", cur, batch);
    return 1;
  }
  /* Batches committed after the last report must be complete too: check up to C. */
  n = cur;
  /* Page through the history (XB-TOPIC-26: start the next window after the last at). */
  long expect = 1, seen = 0;
  while (expect <= n) {
    char at[64], topic[200];
    value_at(expect, at);
    snprintf(topic, sizeof topic, "/v2/feeds/1/datastreams/0.json?start=%s&limit=1000", at);
    st = xb_api_admin_show(api, "bench", topic, now_us(), &out, err, sizeof err);
    if (st != 200) {
      fprintf(stderr, "verify: history: %s\n", err);
      return 1;
    }
    xb_buf_putc(&out, '\0');
    const char *p = (const char *)out.data;
    long got = 0;
    while ((p = strstr(p, "{\"value\":\"")) != NULL && expect <= n) {
      long v = strtol(p + 10, NULL, 10);
      if (v != expect) {
        fprintf(stderr, "verify: committed value %ld missing (found %ld)\n", expect, v);
        return 1;
      }
      expect++;
      got++;
      p++;
    }
    seen += got;
    if (got == 0) break;
  }
  xb_buf_free(&out);
  xb_api_close(api);
  if (expect <= n) {
    fprintf(stderr, "verify: only %ld of %ld committed values found\n", expect - 1, n);
    return 1;
  }
  printf("verify: all %ld committed values present (%ld datapoints read, current %ld)\n", n,
         seen, cur);
  return 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: engine-bench [-n UPDATES] [-b B1,B2,...] [-t SECONDS] [-d DIR]\n"
          "                    [-s full|normal] [-f FEEDS] [-k STREAMS] [-r]\n"
          "       engine-bench --writer DB BATCH | --verify DB N BATCH\n");
  exit(2);
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--writer") == 0) return writer(argv[2], atol(argv[3]));
  if (argc == 5 && strcmp(argv[1], "--verify") == 0)
    return verify(argv[2], atol(argv[3]), atol(argv[4]));
  long n = 200000;
  double limit = 10;
  const char *dir = "/tmp";
  const char *batches = "1,10,100,1000";
  int sync = 2, feeds = 10, streams = 10;
  bool render = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-r") == 0) {
      render = true;
      continue;
    }
    if (i + 1 >= argc) usage();
    const char *v = argv[++i];
    if (strcmp(a, "-n") == 0) n = atol(v);
    else if (strcmp(a, "-b") == 0) batches = v;
    else if (strcmp(a, "-t") == 0) limit = atof(v);
    else if (strcmp(a, "-d") == 0) dir = v;
    else if (strcmp(a, "-f") == 0) feeds = atoi(v);
    else if (strcmp(a, "-k") == 0) streams = atoi(v);
    else if (strcmp(a, "-s") == 0) sync = strcmp(v, "normal") == 0 ? 1 : 2;
    else usage();
  }
  if (n <= 0 || feeds <= 0 || streams <= 0 || streams > 100 || limit <= 0) usage();
  mkdir(dir, 0700);
  printf("engine-bench: %ld updates max, %.0f s max per batch size, %d feeds x %d datastreams, "
         "synchronous=%s%s\n",
         n, limit, feeds, streams, sync == 2 ? "FULL" : "NORMAL", render ? ", render each" : "");
  /* Wall time includes every fsync (and other processes on a busy machine); CPU time
   * is what one core spends per update, excluding the waits for the disk. */
  printf("%10s %12s %10s %16s %16s\n", "batch", "updates", "seconds", "updates/s wall",
         "updates/s cpu");
  char *list = strdup(batches);
  for (char *tok = strtok(list, ","); tok != NULL; tok = strtok(NULL, ",")) {
    long b = atol(tok);
    if (b <= 0) usage();
    long done = 0;
    double t = mono(), crate = 0;
    double rate = run(dir, sync, (size_t)b, n, limit, feeds, streams, render, &done, &crate);
    printf("%10ld %12ld %10.2f %16.0f %16.0f\n", b, done, mono() - t, rate, crate);
    fflush(stdout);
  }
  free(list);
  return 0;
}
