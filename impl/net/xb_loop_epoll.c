/*
 * xb_loop_epoll.c — the epoll(7) backend (Linux): O(ready fds) per turn, level-triggered
 * so the loop may leave work for the next turn without losing a wake-up.
 */
#include "net/xb_loop_backend.h"

#ifdef __linux__

#include "net/xb_loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

typedef struct {
  int epfd;
  int size;
  struct epoll_event *evs;
} epoll_state;

static void *ep_create(int size) {
  epoll_state *s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  s->evs = calloc((size_t)size, sizeof *s->evs);
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (s->evs == NULL || s->epfd < 0) {
    int e = errno;
    if (s->epfd >= 0) close(s->epfd);
    free(s->evs);
    free(s);
    errno = e;
    return NULL;
  }
  s->size = size;
  return s;
}

static void ep_destroy(void *state) {
  epoll_state *s = state;
  if (s == NULL) return;
  close(s->epfd);
  free(s->evs);
  free(s);
}

static int ep_resize(void *state, int size) {
  epoll_state *s = state;
  struct epoll_event *evs = realloc(s->evs, (size_t)size * sizeof *evs);
  if (evs == NULL) return -1;
  s->evs = evs;
  s->size = size;
  return 0;
}

static uint32_t to_epoll(int mask) {
  uint32_t ev = 0;
  if (mask & XB_EV_READ) ev |= EPOLLIN;
  if (mask & XB_EV_WRITE) ev |= EPOLLOUT;
  return ev;
}

static int ep_ctl(epoll_state *s, int op, int fd, int mask) {
  struct epoll_event ev = {.events = to_epoll(mask), .data.fd = fd};
  return epoll_ctl(s->epfd, op, fd, &ev);
}

static int ep_add(void *state, int fd, int mask) {
  epoll_state *s = state;
  int r = ep_ctl(s, EPOLL_CTL_ADD, fd, mask);
  /* The fd number was reused after a close the loop did not see: update instead. */
  if (r < 0 && errno == EEXIST) r = ep_ctl(s, EPOLL_CTL_MOD, fd, mask);
  return r;
}

static int ep_mod(void *state, int fd, int mask) {
  epoll_state *s = state;
  int r = ep_ctl(s, EPOLL_CTL_MOD, fd, mask);
  /* close() silently removes an fd from epoll; a new fd with that number is not known. */
  if (r < 0 && errno == ENOENT) r = ep_ctl(s, EPOLL_CTL_ADD, fd, mask);
  return r;
}

static int ep_del(void *state, int fd) {
  epoll_state *s = state;
  struct epoll_event ev = {0};
  int r = epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, &ev);
  if (r < 0 && (errno == ENOENT || errno == EBADF)) r = 0; /* already gone with close() */
  return r;
}

static int ep_poll(void *state, int timeout_ms, xb_fired *out, int max) {
  epoll_state *s = state;
  int cap = max < s->size ? max : s->size;
  if (cap <= 0) cap = 1;
  int n = epoll_wait(s->epfd, s->evs, cap, timeout_ms);
  if (n < 0) return errno == EINTR ? 0 : -1;
  for (int i = 0; i < n; i++) {
    uint32_t e = s->evs[i].events;
    int m = 0;
    if (e & EPOLLIN) m |= XB_EV_READ;
    if (e & EPOLLOUT) m |= XB_EV_WRITE;
    /* Errors and hang-ups wake both directions; the loop keeps only the watched ones,
     * and the handler's read or write then reports the condition. */
    if (e & (EPOLLERR | EPOLLHUP)) m |= XB_EV_READ | XB_EV_WRITE;
    out[i].fd = s->evs[i].data.fd;
    out[i].events = m;
  }
  return n;
}

const xb_loop_backend xb_loop_backend_epoll = {
    "epoll", ep_create, ep_destroy, ep_resize, ep_add, ep_mod, ep_del, ep_poll,
};

#endif
