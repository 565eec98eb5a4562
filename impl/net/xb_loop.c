/*
 * xb_loop.c — see xb_loop.h.
 *
 * Timers live in a slot table (stable storage, so a timer id can name its slot) and a
 * binary min-heap of slot indices ordered by (when, seq): O(log n) add, cancel and pop,
 * O(1) earliest-timeout. seq breaks ties so equal deadlines fire in the order armed.
 */
#include "net/xb_loop.h"

#include "net/xb_loop_backend.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XB_LOOP_INITIAL_FDS 64
#define NO_INDEX UINT32_MAX

/* Interest changes that only remove events are applied lazily: the backend keeps the
 * old registration (reg) until the loop is about to block, and fired events are masked
 * with the wanted interest (mask), so a handler never sees an event it does not want.
 * A connection whose reading stops for the rest of a turn and resumes before the next
 * blocking wait (the session's batch limit, XB-STORE-12) then costs no epoll_ctl at all,
 * instead of a DEL and an ADD. Changes that add events are applied at once. */
typedef struct {
  int mask;      /* interest wanted by the owner (what xb_loop_mask reports) */
  uint8_t reg;   /* interest registered with the backend: a superset of mask */
  uint8_t stale; /* reg != mask may hold: listed in the loop's stale list */
  xb_fd_fn fn;
  void *arg;
} fd_slot;

typedef enum { T_FREE = 0, T_ARMED, T_DUE, T_FIRING, T_CANCELLED } timer_state;

typedef struct {
  uint64_t when;
  uint64_t seq;
  xb_timer_fn fn;
  void *arg;
  uint32_t gen;  /* bumped when the slot is freed: stale ids stop matching */
  uint32_t pos;  /* heap position while armed; next free slot while free */
  timer_state state;
} timer_slot;

typedef struct {
  xb_loop_hook_fn fn;
  void *arg;
} hook;

struct xb_loop {
  const xb_loop_backend *be;
  void *be_state;
  fd_slot *fds;
  int nfds;    /* table size */
  int max_fds; /* ceiling for nfds */
  xb_fired *fired;

  timer_slot *ts;
  uint32_t ts_len, ts_cap, ts_free; /* ts_free: head of free-slot list or NO_INDEX */
  uint32_t *heap;
  uint32_t heap_len, heap_cap;
  uint32_t *due; /* scratch for the timers firing this turn */
  uint32_t due_cap;
  uint64_t seq;

  hook hooks[XB_LOOP_MAX_HOOKS];
  int nhooks;

  int *stale; /* fds whose registration may be wider than wanted */
  int nstale, stale_cap;

  bool stop;
  bool skip_wait;
  uint64_t now;
  xb_clock_fn clock;
  void *clock_arg;
};

uint64_t xb_monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

xb_loop *xb_loop_create(xb_loop_backend_kind kind, int max_fds) {
  const xb_loop_backend *be = NULL;
  switch (kind) {
  case XB_LOOP_POLL: be = &xb_loop_backend_poll; break;
  case XB_LOOP_EPOLL:
  case XB_LOOP_DEFAULT:
#ifdef __linux__
    be = &xb_loop_backend_epoll;
#else
    be = kind == XB_LOOP_DEFAULT ? &xb_loop_backend_poll : NULL;
#endif
    break;
  }
  if (be == NULL) {
    errno = ENOTSUP;
    return NULL;
  }
  if (max_fds <= 0) {
    errno = EINVAL;
    return NULL;
  }
  xb_loop *l = calloc(1, sizeof *l);
  if (l == NULL) return NULL;
  l->be = be;
  l->max_fds = max_fds;
  l->nfds = max_fds < XB_LOOP_INITIAL_FDS ? max_fds : XB_LOOP_INITIAL_FDS;
  l->fds = calloc((size_t)l->nfds, sizeof *l->fds);
  l->fired = calloc((size_t)l->nfds, sizeof *l->fired);
  l->be_state = l->fds && l->fired ? be->create(l->nfds) : NULL;
  if (l->be_state == NULL) {
    int e = errno ? errno : ENOMEM;
    free(l->fds);
    free(l->fired);
    free(l);
    errno = e;
    return NULL;
  }
  l->ts_free = NO_INDEX;
  l->now = xb_monotonic_ms();
  return l;
}

void xb_loop_destroy(xb_loop *l) {
  if (l == NULL) return;
  l->be->destroy(l->be_state);
  free(l->fds);
  free(l->fired);
  free(l->ts);
  free(l->heap);
  free(l->due);
  free(l->stale);
  free(l);
}

const char *xb_loop_backend_name(const xb_loop *l) { return l->be->name; }
int xb_loop_max_fds(const xb_loop *l) { return l->max_fds; }

/* ------------------------------------------------------------------ fd table */

/* Doubling keeps the table proportional to the highest fd in use, not to max_fds. */
static int grow_fds(xb_loop *l, int fd) {
  if (fd < l->nfds) return 0;
  if (fd >= l->max_fds) {
    errno = ERANGE;
    return -1;
  }
  int n = l->nfds;
  while (n <= fd) n = n > l->max_fds / 2 ? l->max_fds : n * 2;
  fd_slot *fds = realloc(l->fds, (size_t)n * sizeof *fds);
  if (fds == NULL) return -1;
  memset(fds + l->nfds, 0, (size_t)(n - l->nfds) * sizeof *fds);
  l->fds = fds;
  xb_fired *fired = realloc(l->fired, (size_t)n * sizeof *fired);
  if (fired == NULL) return -1;
  l->fired = fired;
  if (l->be->resize(l->be_state, n) < 0) return -1;
  l->nfds = n;
  return 0;
}

/* Registers `to` for fd with the backend, `from` being registered now. */
static int be_apply(xb_loop *l, int fd, int from, int to) {
  if (from == to) return 0;
  if (to == 0) return l->be->del(l->be_state, fd);
  if (from == 0) return l->be->add(l->be_state, fd, to);
  return l->be->mod(l->be_state, fd, to);
}

static int apply_mask(xb_loop *l, int fd, int mask) {
  fd_slot *s = &l->fds[fd];
  if ((mask & ~(int)s->reg) == 0) { /* nothing to add: narrow lazily (see fd_slot) */
    s->mask = mask;
    if (s->reg != mask && !s->stale) {
      if (l->nstale == l->stale_cap) {
        int cap = l->stale_cap ? 2 * l->stale_cap : 64;
        int *p = realloc(l->stale, (size_t)cap * sizeof *p);
        if (p == NULL) goto now; /* cannot defer: apply at once */
        l->stale = p;
        l->stale_cap = cap;
      }
      l->stale[l->nstale++] = fd;
      s->stale = 1;
    }
    return 0;
  }
now:;
  int r = be_apply(l, fd, s->reg, mask);
  if (r == 0) s->mask = s->reg = (uint8_t)mask;
  return r;
}

/* Before a wait that may block: registrations narrowed to what is wanted, so a stale
 * interest cannot wake the loop over and over. A failure leaves the fd listed. */
static void apply_stale(xb_loop *l) {
  int keep = 0;
  for (int i = 0; i < l->nstale; i++) {
    int fd = l->stale[i];
    fd_slot *s = &l->fds[fd];
    if (s->fn != NULL && s->reg != s->mask) {
      if (be_apply(l, fd, s->reg, s->mask) < 0) {
        l->stale[keep++] = fd;
        continue;
      }
      s->reg = (uint8_t)s->mask;
    }
    s->stale = 0;
  }
  l->nstale = keep;
}

int xb_loop_watch(xb_loop *l, int fd, int mask, xb_fd_fn fn, void *arg) {
  if (fd < 0 || fn == NULL || (mask & ~(XB_EV_READ | XB_EV_WRITE)) != 0) {
    errno = EINVAL;
    return -1;
  }
  if (grow_fds(l, fd) < 0) return -1;
  if (apply_mask(l, fd, mask) < 0) return -1;
  l->fds[fd].fn = fn;
  l->fds[fd].arg = arg;
  return 0;
}

int xb_loop_set_mask(xb_loop *l, int fd, int mask) {
  if (fd < 0 || fd >= l->nfds || l->fds[fd].fn == NULL) {
    errno = EBADF;
    return -1;
  }
  if ((mask & ~(XB_EV_READ | XB_EV_WRITE)) != 0) {
    errno = EINVAL;
    return -1;
  }
  return apply_mask(l, fd, mask);
}

int xb_loop_mask(const xb_loop *l, int fd) {
  if (fd < 0 || fd >= l->nfds) return 0;
  return l->fds[fd].mask;
}

void xb_loop_unwatch(xb_loop *l, int fd) {
  if (fd < 0 || fd >= l->nfds || l->fds[fd].fn == NULL) return;
  /* At once, not lazily: the fd is about to be closed and its number reused. */
  (void)be_apply(l, fd, l->fds[fd].reg, 0);
  l->fds[fd].reg = 0;
  l->fds[fd].mask = 0; /* even if the backend failed: the fd must not be dispatched */
  l->fds[fd].fn = NULL;
  l->fds[fd].arg = NULL;
}

/* ------------------------------------------------------------------ timers */

static bool t_before(const xb_loop *l, uint32_t a, uint32_t b) {
  const timer_slot *x = &l->ts[a], *y = &l->ts[b];
  return x->when < y->when || (x->when == y->when && x->seq < y->seq);
}

static void heap_set(xb_loop *l, uint32_t pos, uint32_t slot) {
  l->heap[pos] = slot;
  l->ts[slot].pos = pos;
}

static void sift_up(xb_loop *l, uint32_t pos) {
  uint32_t slot = l->heap[pos];
  while (pos > 0) {
    uint32_t parent = (pos - 1) / 2;
    if (!t_before(l, slot, l->heap[parent])) break;
    heap_set(l, pos, l->heap[parent]);
    pos = parent;
  }
  heap_set(l, pos, slot);
}

static void sift_down(xb_loop *l, uint32_t pos) {
  uint32_t slot = l->heap[pos];
  for (;;) {
    uint32_t c = 2 * pos + 1;
    if (c >= l->heap_len) break;
    if (c + 1 < l->heap_len && t_before(l, l->heap[c + 1], l->heap[c])) c++;
    if (!t_before(l, l->heap[c], slot)) break;
    heap_set(l, pos, l->heap[c]);
    pos = c;
  }
  heap_set(l, pos, slot);
}

static void heap_remove(xb_loop *l, uint32_t pos) {
  uint32_t last = --l->heap_len;
  if (pos == last) return;
  uint32_t moved = l->heap[last];
  heap_set(l, pos, moved);
  /* The last leaf may belong above or below the hole it fills. */
  if (pos > 0 && t_before(l, moved, l->heap[(pos - 1) / 2])) sift_up(l, pos);
  else sift_down(l, pos);
}

static int heap_push(xb_loop *l, uint32_t slot) {
  if (l->heap_len == l->heap_cap) {
    uint32_t cap = l->heap_cap ? l->heap_cap * 2 : 16;
    uint32_t *h = realloc(l->heap, (size_t)cap * sizeof *h);
    if (h == NULL) return -1;
    l->heap = h;
    l->heap_cap = cap;
  }
  heap_set(l, l->heap_len, slot);
  l->heap_len++;
  sift_up(l, l->heap_len - 1);
  return 0;
}

static void slot_free(xb_loop *l, uint32_t slot) {
  timer_slot *t = &l->ts[slot];
  t->state = T_FREE;
  t->gen++;
  t->fn = NULL;
  t->arg = NULL;
  t->pos = l->ts_free;
  l->ts_free = slot;
}

static uint64_t make_id(uint32_t slot, uint32_t gen) {
  return ((uint64_t)gen << 32) | ((uint64_t)slot + 1u);
}

/* Returns the slot named by id if it is still that timer, else NO_INDEX. */
static uint32_t id_slot(const xb_loop *l, uint64_t id) {
  uint64_t low = id & 0xffffffffu;
  if (low == 0 || low > l->ts_len) return NO_INDEX;
  uint32_t slot = (uint32_t)(low - 1u);
  if (l->ts[slot].gen != (uint32_t)(id >> 32) || l->ts[slot].state == T_FREE) return NO_INDEX;
  return slot;
}

uint64_t xb_loop_timer_add(xb_loop *l, uint64_t delay_ms, xb_timer_fn fn, void *arg) {
  if (fn == NULL) return 0;
  uint32_t slot = l->ts_free;
  if (slot == NO_INDEX) {
    if (l->ts_len == l->ts_cap) {
      if (l->ts_cap >= UINT32_MAX / 2) return 0;
      uint32_t cap = l->ts_cap ? l->ts_cap * 2 : 16;
      timer_slot *ts = realloc(l->ts, (size_t)cap * sizeof *ts);
      if (ts == NULL) return 0;
      l->ts = ts;
      l->ts_cap = cap;
    }
    slot = l->ts_len++;
    memset(&l->ts[slot], 0, sizeof l->ts[slot]);
    l->ts[slot].gen = 1;
  } else {
    l->ts_free = l->ts[slot].pos;
  }
  timer_slot *t = &l->ts[slot];
  t->when = l->now + delay_ms < l->now ? UINT64_MAX : l->now + delay_ms;
  t->seq = l->seq++;
  t->fn = fn;
  t->arg = arg;
  t->state = T_ARMED;
  if (heap_push(l, slot) < 0) {
    slot_free(l, slot);
    return 0;
  }
  return make_id(slot, t->gen);
}

bool xb_loop_timer_cancel(xb_loop *l, uint64_t id) {
  uint32_t slot = id_slot(l, id);
  if (slot == NO_INDEX) return false;
  timer_slot *t = &l->ts[slot];
  switch (t->state) {
  case T_ARMED:
    heap_remove(l, t->pos);
    slot_free(l, slot);
    return true;
  case T_DUE: /* collected for this turn: skip it when its turn comes */
  case T_FIRING: /* inside its own callback: do not re-arm */
    t->state = T_CANCELLED;
    return true;
  default:
    return false;
  }
}

uint32_t xb_loop_timer_count(const xb_loop *l) { return l->heap_len; }

int64_t xb_loop_next_timeout(xb_loop *l) {
  if (l->heap_len == 0) return -1;
  uint64_t when = l->ts[l->heap[0]].when;
  if (when <= l->now) return 0;
  uint64_t d = when - l->now;
  return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
}

static int process_timers(xb_loop *l) {
  /* Collect first: anything armed by the callbacks below waits for the next turn. */
  uint32_t ndue = 0;
  while (l->heap_len > 0 && l->ts[l->heap[0]].when <= l->now) {
    if (ndue == l->due_cap) {
      uint32_t cap = l->due_cap ? l->due_cap * 2 : 16;
      uint32_t *d = realloc(l->due, (size_t)cap * sizeof *d);
      if (d == NULL) break; /* the rest fire next turn */
      l->due = d;
      l->due_cap = cap;
    }
    uint32_t slot = l->heap[0];
    heap_remove(l, 0);
    l->ts[slot].state = T_DUE;
    l->due[ndue++] = slot;
  }
  int fired = 0;
  for (uint32_t i = 0; i < ndue; i++) {
    uint32_t slot = l->due[i];
    timer_slot *t = &l->ts[slot];
    if (t->state == T_CANCELLED) {
      slot_free(l, slot);
      continue;
    }
    t->state = T_FIRING;
    uint64_t id = make_id(slot, t->gen);
    int64_t again = t->fn(l, id, t->arg);
    t = &l->ts[slot]; /* the callback may have grown the table */
    fired++;
    if (again >= 0 && t->state == T_FIRING) {
      t->when = l->now + (uint64_t)again < l->now ? UINT64_MAX : l->now + (uint64_t)again;
      t->seq = l->seq++;
      t->state = T_ARMED;
      if (heap_push(l, slot) == 0) continue;
    }
    slot_free(l, slot);
  }
  return fired;
}

/* ------------------------------------------------------------------ hooks, running */

int xb_loop_add_before_sleep(xb_loop *l, xb_loop_hook_fn fn, void *arg) {
  if (l->nhooks == XB_LOOP_MAX_HOOKS) {
    errno = ENOSPC;
    return -1;
  }
  l->hooks[l->nhooks].fn = fn;
  l->hooks[l->nhooks].arg = arg;
  l->nhooks++;
  return 0;
}

void xb_loop_remove_before_sleep(xb_loop *l, xb_loop_hook_fn fn, void *arg) {
  for (int i = 0; i < l->nhooks; i++) {
    if (l->hooks[i].fn == fn && l->hooks[i].arg == arg) {
      memmove(&l->hooks[i], &l->hooks[i + 1], (size_t)(l->nhooks - i - 1) * sizeof(hook));
      l->nhooks--;
      return;
    }
  }
}

void xb_loop_skip_wait(xb_loop *l) { l->skip_wait = true; }

int xb_loop_run_once(xb_loop *l, int max_wait_ms) {
  xb_loop_update_time(l);
  for (int i = 0; i < l->nhooks; i++) l->hooks[i].fn(l, l->hooks[i].arg);

  int64_t t = xb_loop_next_timeout(l);
  if (l->skip_wait || l->stop) t = 0;
  l->skip_wait = false;
  if (max_wait_ms >= 0 && (t < 0 || t > max_wait_ms)) t = max_wait_ms;
  if (t > INT_MAX) t = INT_MAX;
  if (t != 0 && l->nstale > 0) apply_stale(l);

  int n = l->be->poll(l->be_state, (int)t, l->fired, l->nfds);
  if (n < 0) return -1;
  xb_loop_update_time(l);

  int ran = 0;
  for (int i = 0; i < n; i++) {
    int fd = l->fired[i].fd;
    if (fd < 0 || fd >= l->nfds) continue;
    fd_slot *s = &l->fds[fd];
    /* Interest is re-read here: an earlier handler of this turn may have changed it. */
    int ev = l->fired[i].events & s->mask;
    if (ev == 0 || s->fn == NULL) continue;
    s->fn(l, fd, ev, s->arg);
    ran++;
  }
  ran += process_timers(l);
  return ran;
}

int xb_loop_run(xb_loop *l) {
  while (!l->stop) {
    if (xb_loop_run_once(l, -1) < 0) return -1;
  }
  return 0;
}

void xb_loop_stop(xb_loop *l) { l->stop = true; }
bool xb_loop_stopping(const xb_loop *l) { return l->stop; }
void xb_loop_clear_stop(xb_loop *l) { l->stop = false; }

uint64_t xb_loop_now(const xb_loop *l) { return l->now; }

uint64_t xb_loop_update_time(xb_loop *l) {
  uint64_t t = l->clock ? l->clock(l->clock_arg) : xb_monotonic_ms();
  if (t > l->now) l->now = t; /* never backwards, so deadlines stay ordered */
  return l->now;
}

void xb_loop_set_clock(xb_loop *l, xb_clock_fn fn, void *arg) {
  l->clock = fn;
  l->clock_arg = arg;
  l->now = 0;
  xb_loop_update_time(l);
}
