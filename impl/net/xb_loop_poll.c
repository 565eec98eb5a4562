/*
 * xb_loop_poll.c — the poll(2) backend: portable, O(watched fds) per turn. A dense
 * pollfd array (swap-remove on delete) plus an fd -> index map keeps add/mod/del O(1).
 */
#include "net/xb_loop_backend.h"

#include "net/xb_loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

typedef struct {
  struct pollfd *pfds; /* n used entries */
  int n;
  int *index; /* fd -> position in pfds, -1 if absent; `size` entries */
  int size;
} poll_state;

static void *pl_create(int size) {
  poll_state *s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  s->pfds = calloc((size_t)size, sizeof *s->pfds);
  s->index = malloc((size_t)size * sizeof *s->index);
  if (s->pfds == NULL || s->index == NULL) {
    free(s->pfds);
    free(s->index);
    free(s);
    return NULL;
  }
  for (int i = 0; i < size; i++) s->index[i] = -1;
  s->size = size;
  return s;
}

static void pl_destroy(void *state) {
  poll_state *s = state;
  if (s == NULL) return;
  free(s->pfds);
  free(s->index);
  free(s);
}

static int pl_resize(void *state, int size) {
  poll_state *s = state;
  struct pollfd *p = realloc(s->pfds, (size_t)size * sizeof *p);
  if (p == NULL) return -1;
  s->pfds = p;
  int *ix = realloc(s->index, (size_t)size * sizeof *ix);
  if (ix == NULL) return -1;
  for (int i = s->size; i < size; i++) ix[i] = -1;
  s->index = ix;
  s->size = size;
  return 0;
}

static short to_poll(int mask) {
  short ev = 0;
  if (mask & XB_EV_READ) ev = (short)(ev | POLLIN);
  if (mask & XB_EV_WRITE) ev = (short)(ev | POLLOUT);
  return ev;
}

static int pl_add(void *state, int fd, int mask) {
  poll_state *s = state;
  if (fd < 0 || fd >= s->size) {
    errno = ERANGE;
    return -1;
  }
  int i = s->index[fd];
  if (i < 0) {
    i = s->n++;
    s->index[fd] = i;
    s->pfds[i].fd = fd;
  }
  s->pfds[i].events = to_poll(mask);
  s->pfds[i].revents = 0;
  return 0;
}

static int pl_mod(void *state, int fd, int mask) { return pl_add(state, fd, mask); }

static int pl_del(void *state, int fd) {
  poll_state *s = state;
  if (fd < 0 || fd >= s->size || s->index[fd] < 0) return 0;
  int i = s->index[fd];
  int last = --s->n;
  if (i != last) {
    s->pfds[i] = s->pfds[last];
    s->index[s->pfds[i].fd] = i;
  }
  s->index[fd] = -1;
  return 0;
}

static int pl_poll(void *state, int timeout_ms, xb_fired *out, int max) {
  poll_state *s = state;
  int r = poll(s->pfds, (nfds_t)s->n, timeout_ms);
  if (r < 0) return errno == EINTR ? 0 : -1;
  int k = 0;
  for (int i = 0; i < s->n && k < r && k < max; i++) {
    short re = s->pfds[i].revents;
    if (re == 0) continue;
    int m = 0;
    if (re & POLLIN) m |= XB_EV_READ;
    if (re & POLLOUT) m |= XB_EV_WRITE;
    /* As with epoll: a failure wakes whatever is watched so the I/O call reports it. */
    if (re & (POLLERR | POLLHUP | POLLNVAL)) m |= XB_EV_READ | XB_EV_WRITE;
    out[k].fd = s->pfds[i].fd;
    out[k].events = m;
    k++;
  }
  return k;
}

const xb_loop_backend xb_loop_backend_poll = {
    "poll", pl_create, pl_destroy, pl_resize, pl_add, pl_mod, pl_del, pl_poll,
};
