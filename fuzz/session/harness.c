/*
 * Stateful fuzz harness for the session layer (impl/session/, spec/mqtt.md,
 * spec/subscribe.md, spec/will.md): whole client byte streams, split at points the input
 * chooses, for up to four connections at once, through the real event loop, net layer,
 * API engine and store. No network: each client is one end of a socketpair adopted by
 * the server (xb_server_adopt), and the loop runs on a fake clock the input advances, so
 * CONNECT timeouts, keep alive and slow-subscriber closes are reached too.
 *
 * Input:
 *   byte 0        bits 0-1: connections - 1; bit 2: clients never read (queues fill)
 *   then records  op = next byte:
 *     op % 4 == 0   send: length L = next byte, then L bytes to client (op >> 2) % n
 *     op % 4 == 1   run (op >> 2) % 8 + 1 loop turns
 *     op % 4 == 2   advance the clock by next byte * 100 ms, turn by turn
 *     op % 4 == 3   client (op >> 2) % n closes its end; a fresh client takes its slot
 *
 * The store (a temporary SQLite file, synchronous off) and the server are created once
 * per process and rebuilt every XB_FZ_RECYCLE inputs, so history written by earlier inputs
 * cannot grow without bound. After every input all clients close and the clock moves past
 * every deadline: then no session, subscription group or pending item may remain, or the
 * harness aborts (a leak of session state).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/xb_api.h"
#include "net/xb_blob.h"
#include "net/xb_log.h"
#include "net/xb_loop.h"
#include "session/xb_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                      \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      fprintf(stderr, "session harness: %s:%d: promise broken: %s\n", __FILE__, __LINE__, \
              #cond);                                                                    \
      abort();                                                                           \
    }                                                                                    \
  } while (0)

/* Keys the seed corpus uses (fuzz/session/gen_corpus.py). */
#define FZ_MASTER "FuzzMasterKey0000000001"
#define FZ_DEVICE "FuzzDeviceKey0000000001"
#define FZ_OTHER "FuzzOtherKey00000000001"
#define XB_FZ_RECYCLE 500
#define XB_FZ_CLIENTS 4

static char g_dir[64];
static char g_path[128];
static xb_api *g_api;
static xb_loop *g_loop;
static xb_server *g_srv;
static uint64_t g_ms = 1000000;
static int64_t g_us = 1366718400000000LL;
static unsigned g_runs;
static int g_fd[XB_FZ_CLIENTS];

static uint64_t fz_clock(void *arg) {
  (void)arg;
  return g_ms;
}

static int64_t fz_req_clock(void *arg) {
  (void)arg;
  return g_us + (int64_t)(g_ms - 1000000) * 1000;
}

static void fz_unlink_store(void) {
  const char *ext[] = {"", "-wal", "-shm", ".lock"};
  for (size_t i = 0; i < 4; i++) {
    char p[200];
    snprintf(p, sizeof p, "%s%s", g_path, ext[i]);
    unlink(p);
  }
}

static void fz_teardown(void) {
  xb_server_destroy(g_srv);
  xb_api_close(g_api);
  xb_loop_destroy(g_loop);
  g_srv = NULL;
  g_api = NULL;
  g_loop = NULL;
  fz_unlink_store();
}

static void fz_setup(void) {
  if (g_dir[0] == '\0') {
    snprintf(g_dir, sizeof g_dir, "/tmp/xbfuzz-session-XXXXXX");
    CHECK(mkdtemp(g_dir) != NULL);
    snprintf(g_path, sizeof g_path, "%s/store.db", g_dir);
    /* Every code path formats its log line; nobody needs to read them. */
    xb_log_open("/dev/null");
    xb_log_set_level(XB_LOG_DEBUG);
  }
  fz_unlink_store();
  xb_api_config ac;
  xb_api_config_default(&ac);
  ac.synchronous = 0;
  ac.quick_check = false;
  ac.max_payload = 4096;
  char err[256] = "", key[XB_API_KEY_TEXT];
  g_api = xb_api_open(g_path, &ac, err, sizeof err, NULL);
  CHECK(g_api != NULL);
  uint32_t feed = 0;
  CHECK(xb_api_admin_add_user(g_api, "fuzz", false, FZ_MASTER, g_us, key, err, sizeof err) == 201);
  CHECK(xb_api_admin_add_user(g_api, "other", false, FZ_OTHER, g_us, key, err, sizeof err) == 201);
  CHECK(xb_api_admin_add_feed(g_api, "fuzz", 1, "public", false, g_us, &feed, err, sizeof err) / 100 == 2);
  CHECK(xb_api_admin_add_feed(g_api, "fuzz", 2, "private", true, g_us, &feed, err, sizeof err) / 100 == 2);
  CHECK(xb_api_admin_add_datastream(g_api, "fuzz", 1, "temp", g_us, err, sizeof err) / 100 == 2);
  xb_api_admin_perm perm = {XB_M_GET | XB_M_PUT | XB_M_POST, NULL, 1, NULL};
  CHECK(xb_api_admin_add_key(g_api, "fuzz", FZ_DEVICE, "device", true, &perm, 1, g_us, key, err,
                             sizeof err) / 100 == 2);
  g_loop = xb_loop_create(XB_LOOP_DEFAULT, 256);
  CHECK(g_loop != NULL);
  xb_loop_set_clock(g_loop, fz_clock, NULL);
  /* Small limits, so that inputs of a few hundred bytes reach every one of them. */
  xb_session_config cfg;
  xb_session_config_default(&cfg);
  cfg.max_packet = 2048;
  cfg.max_payload = 1024;
  cfg.max_topic = 128;
  cfg.max_client_id = 40;
  cfg.max_connections = 3;
  cfg.max_subscriptions = 4;
  cfg.max_inflight_qos2 = 3;
  cfg.connect_timeout = 2;
  cfg.output_queue = 8192;
  cfg.slow_grace = 2;
  cfg.batch_max = 8;
  g_srv = xb_server_create(g_loop, g_api, &cfg);
  CHECK(g_srv != NULL);
  xb_server_set_clock(g_srv, fz_req_clock, NULL);
}

static int fz_client(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  int small = 4096;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  fcntl(sv[1], F_SETFL, O_NONBLOCK);
  /* A refused adoption closes sv[0] and reports the close: the client sees EOF. */
  (void)xb_server_adopt(g_srv, sv[0]);
  return sv[1];
}

static void fz_drain(bool reads) {
  if (!reads) return;
  uint8_t buf[4096];
  for (int i = 0; i < XB_FZ_CLIENTS; i++) {
    if (g_fd[i] < 0) continue;
    while (recv(g_fd[i], buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
  }
}

static void fz_turn(bool reads) {
  CHECK(xb_loop_run_once(g_loop, 0) >= 0);
  fz_drain(reads);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (g_srv == NULL || g_runs++ % XB_FZ_RECYCLE == 0) {
    if (g_srv != NULL) fz_teardown();
    fz_setup();
  }
  if (size == 0) return 0;
  size_t n = (size_t)(data[0] & 3u) + 1;
  bool reads = (data[0] & 4u) == 0;
  for (size_t i = 0; i < XB_FZ_CLIENTS; i++) g_fd[i] = i < n ? fz_client() : -1;
  size_t pos = 1;
  while (pos < size) {
    uint8_t op = data[pos++];
    size_t who = (size_t)(op >> 2) % n;
    switch (op % 4u) {
      case 0: {
        size_t len = pos < size ? data[pos++] : 0;
        if (len > size - pos) len = size - pos;
        if (len > 0 && g_fd[who] >= 0) (void)send(g_fd[who], data + pos, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        pos += len;
        fz_turn(reads);
        break;
      }
      case 1:
        for (unsigned t = 0; t <= (unsigned)(op >> 2) % 8u; t++) fz_turn(reads);
        break;
      case 2: {
        unsigned steps = pos < size ? data[pos++] : 0;
        for (unsigned t = 0; t < steps; t++) {
          g_ms += 100;
          fz_turn(reads);
        }
        break;
      }
      default:
        close(g_fd[who]);
        g_fd[who] = fz_client();
        fz_turn(reads);
        break;
    }
  }
  /* Every client goes away; every deadline and linger passes. */
  for (size_t i = 0; i < XB_FZ_CLIENTS; i++) {
    if (g_fd[i] >= 0) close(g_fd[i]);
    g_fd[i] = -1;
  }
  for (int t = 0; t < 80; t++) {
    g_ms += 100;
    fz_turn(false);
  }
  xb_server_stats st;
  xb_server_get_stats(g_srv, &st);
  CHECK(st.sessions == 0);
  CHECK(st.groups == 0);
  CHECK(st.pending == 0);
  xb_net_stats ns;
  xb_net_get_stats(xb_server_net(g_srv), &ns);
  CHECK(ns.conns == 0);
#ifdef XB_FZ_VERBOSE
  fprintf(stderr, "session harness: %llu connections, %llu requests, %llu deliveries, %llu wills\n",
          (unsigned long long)st.connections, (unsigned long long)st.requests,
          (unsigned long long)st.deliveries, (unsigned long long)st.wills);
#endif
  return 0;
}
