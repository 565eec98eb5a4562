/*
 * xb_net.c — the net context: configuration, the before-sleep hook that flushes and
 * closes, and the deadline wheel.
 *
 * Deadline wheel: XB_WHEEL_SLOTS lists, one per XB_NET_TICK_MS tick, modulo the slot
 * count (51.2 s span). A connection is filed in the slot of its earliest due time
 * (deadline, slow-subscriber grace end, linger end), capped to the span. When a tick's
 * slot comes up, each connection there is checked against the clock: overdue ones get
 * their timeout, the others are filed again. So moving a deadline later (keepalive
 * refresh on every packet) is an O(1) store with no list operation; moving it earlier
 * is an O(1) unlink + push. A tick costs O(connections in that slot), and one periodic
 * loop timer drives the wheel only while it holds connections.
 */
#include "net/xb_net_int.h"

#include "net/xb_log.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define XB_SCRATCH 65536u
#ifdef IOV_MAX
#define XB_IOV_MAX (IOV_MAX < 1024 ? IOV_MAX : 1024)
#else
#define XB_IOV_MAX 1024 /* Linux UIO_MAXIOV; sysconf() refines it below */
#endif

void xb_net_config_defaults(xb_net_config *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->max_conns = 10000;
  cfg->refuse_slots = 64;         /* XB-LIM-5 */
  cfg->in_cap = 256u * 1024u;     /* max-packet-size, fixed header included (XB-LIM-1) */
  cfg->out_max = 1024u * 1024u;
  cfg->ctrl_reserve = 64u * 1024u;
  cfg->slow_grace_ms = 30000;
  cfg->linger_ms = 5000;
}

/* ------------------------------------------------------------------ wheel */

static uint64_t tick_of(uint64_t ms) { return (ms + XB_NET_TICK_MS - 1) / XB_NET_TICK_MS; }

uint64_t xb_conn_next_due_(const xb_conn *c) {
  if (c->flags & XB_CONNF_DESTROYING) return 0;
  if (c->flags & XB_CONNF_CLOSING) return (c->flags & XB_CONNF_CLOSE_FLUSH) ? c->linger_until : 0;
  uint64_t due = c->deadline;
  uint64_t grace = c->net->cfg.slow_grace_ms;
  if (c->full_since != 0 && grace != 0) {
    uint64_t slow = c->full_since + grace;
    if (due == 0 || slow < due) due = slow;
  }
  return due;
}

static int64_t wheel_tick_fn(xb_loop *loop, uint64_t id, void *arg);

void xb_wheel_unfile_(xb_conn *c) {
  if (!xb_dl_linked(&c->wheel)) return;
  xb_dl_unlink(&c->wheel);
  c->net->wheel_count--;
}

void xb_wheel_file_(xb_conn *c) {
  xb_net *net = c->net;
  uint64_t due = xb_conn_next_due_(c);
  if (due == 0) {
    xb_wheel_unfile_(c);
    return;
  }
  if (net->wheel_count == 0 && !xb_dl_linked(&c->wheel)) {
    /* The wheel was idle: restart it at the present instead of replaying old ticks. */
    net->wheel_cur = xb_loop_now(net->loop) / XB_NET_TICK_MS;
  }
  uint64_t t = tick_of(due);
  if (t <= net->wheel_cur) t = net->wheel_cur + 1;
  if (t > net->wheel_cur + XB_WHEEL_SLOTS - 1) t = net->wheel_cur + XB_WHEEL_SLOTS - 1;
  if (xb_dl_linked(&c->wheel)) xb_wheel_unfile_(c);
  xb_dl_push(&net->wheel[t % XB_WHEEL_SLOTS], &c->wheel);
  net->wheel_count++;
  if (net->wheel_timer == 0) {
    net->wheel_timer = xb_loop_timer_add(net->loop, XB_NET_TICK_MS, wheel_tick_fn, net);
    if (net->wheel_timer == 0)
      xb_log_error("socket-error conn=- ip=- client=- key=- detail=\"no memory for the "
                   "deadline timer\"");
  }
}

static void expire(xb_conn *c, uint64_t now) {
  if (c->flags & XB_CONNF_CLOSING) {
    /* Only a lingering close is filed: give up on the rest of its output. */
    c->reason = XB_CLOSE_LINGER;
    c->flags &= ~(uint32_t)XB_CONNF_CLOSE_FLUSH;
    xb_conn_mark_dirty_(c);
    return;
  }
  xb_timeout_kind kind;
  if (c->deadline != 0 && c->deadline <= now) {
    kind = XB_TIMEOUT_DEADLINE;
    c->deadline = 0;
  } else {
    kind = XB_TIMEOUT_SLOW;
    c->full_since = now; /* if the session keeps it, warn again one grace later */
  }
  if (XB_CONN_H(c)->on_timeout) XB_CONN_H(c)->on_timeout(c, kind, c->user);
  else xb_conn_fail_(c, XB_CLOSE_TIMEOUT, 0);
}

static int64_t wheel_tick_fn(xb_loop *loop, uint64_t id, void *arg) {
  (void)id;
  xb_net *net = arg;
  uint64_t now = xb_loop_now(loop);
  uint64_t target = now / XB_NET_TICK_MS;
  /* After a long stall, visiting every slot once examines every filed connection. */
  if (target > net->wheel_cur + XB_WHEEL_SLOTS) net->wheel_cur = target - XB_WHEEL_SLOTS;
  while (net->wheel_cur < target) {
    net->wheel_cur++;
    xb_dnode local;
    xb_dl_splice(&local, &net->wheel[net->wheel_cur % XB_WHEEL_SLOTS]);
    while (!xb_dl_empty(&local)) {
      xb_conn *c = XB_CONTAINER(local.next, xb_conn, wheel);
      xb_dl_unlink(&c->wheel);
      net->wheel_count--;
      uint64_t due = xb_conn_next_due_(c);
      if (due != 0 && due <= now) expire(c, now);
      /* Callbacks may have filed c already (a new deadline); else file what is left. */
      if (!xb_dl_linked(&c->wheel)) xb_wheel_file_(c);
    }
  }
  if (net->wheel_count > 0) return XB_NET_TICK_MS;
  net->wheel_timer = 0;
  return XB_TIMER_STOP;
}

void xb_conn_set_deadline(xb_conn *c, uint64_t ms) {
  if (c->flags & (XB_CONNF_CLOSING | XB_CONNF_DESTROYING)) return;
  if (ms == 0) {
    c->deadline = 0;
    /* Left filed: the slot visit finds nothing due and re-files or drops it. */
    return;
  }
  uint64_t now = xb_loop_now(c->net->loop);
  uint64_t old_due = xb_conn_next_due_(c);
  c->deadline = now + ms < now ? UINT64_MAX : now + ms;
  uint64_t due = xb_conn_next_due_(c);
  /* Later than what the wheel already holds: nothing to move (lazy). */
  if (xb_dl_linked(&c->wheel) && old_due != 0 && due >= old_due) return;
  xb_wheel_file_(c);
}

uint64_t xb_conn_deadline(const xb_conn *c) { return c->deadline; }

/* ------------------------------------------------------------------ hook */

static void before_sleep(xb_loop *loop, void *arg) {
  xb_net *net = arg;
  xb_dnode local;
  xb_dl_splice(&local, &net->dirty);
  while (!xb_dl_empty(&local)) {
    xb_conn *c = XB_CONTAINER(local.next, xb_conn, dirty);
    xb_dl_unlink(&c->dirty);
    c->flags &= ~(uint32_t)XB_CONNF_DIRTY;
    xb_conn_service_(c);
  }
  /* Work created by on_close (a will's fan-out) or by reads done here: next turn, at
   * once. */
  if (!xb_dl_empty(&net->dirty)) xb_loop_skip_wait(loop);
}

/* ------------------------------------------------------------------ create, destroy */

xb_net *xb_net_create(xb_loop *loop, const xb_net_config *cfg) {
  xb_net *net = calloc(1, sizeof *net);
  if (net == NULL) return NULL;
  net->loop = loop;
  if (cfg) net->cfg = *cfg;
  else xb_net_config_defaults(&net->cfg);
  if (net->cfg.in_cap == 0) net->cfg.in_cap = 1;
  xb_dl_init(&net->conns);
  xb_dl_init(&net->dirty);
  xb_dl_init(&net->listeners);
  for (unsigned i = 0; i < XB_WHEEL_SLOTS; i++) xb_dl_init(&net->wheel[i]);
  net->wheel_cur = xb_loop_now(loop) / XB_NET_TICK_MS;
  long sys = sysconf(_SC_IOV_MAX);
  net->iov_max = sys > 0 && sys < XB_IOV_MAX ? (int)sys : XB_IOV_MAX;
  net->iov = calloc((size_t)net->iov_max, sizeof *net->iov);
  net->scratch_cap = XB_SCRATCH;
  net->scratch = malloc(net->scratch_cap);
  if (net->iov == NULL || net->scratch == NULL ||
      xb_loop_add_before_sleep(loop, before_sleep, net) < 0) {
    free(net->iov);
    free(net->scratch);
    free(net);
    return NULL;
  }
  return net;
}

void xb_net_destroy(xb_net *net) {
  if (net == NULL) return;
  while (!xb_dl_empty(&net->listeners)) {
    xb_listener *l = XB_CONTAINER(net->listeners.next, xb_listener, link);
    xb_listener_close(l);
  }
  /* Connections still open get one non-blocking chance to write what is queued. */
  while (!xb_dl_empty(&net->conns)) {
    xb_conn_shutdown_(XB_CONTAINER(net->conns.next, xb_conn, all));
  }
  if (net->wheel_timer) xb_loop_timer_cancel(net->loop, net->wheel_timer);
  xb_loop_remove_before_sleep(net->loop, before_sleep, net);
  free(net->iov);
  free(net->scratch);
  free(net);
}

xb_loop *xb_net_loop(const xb_net *net) { return net->loop; }
const xb_net_config *xb_net_get_config(const xb_net *net) { return &net->cfg; }
const char *xb_net_last_error(const xb_net *net) { return net->last_error; }

void xb_net_get_stats(const xb_net *net, xb_net_stats *out) {
  *out = net->stats;
  out->conns = net->nconns;
}
