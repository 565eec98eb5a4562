/*
 * xb_loop_backend.h — the readiness backends behind xb_loop (internal to impl/net).
 *
 * A backend only maps "fd + interest" to the OS facility; the loop owns the fd table,
 * the handlers and the timers. To add a backend (kqueue, ...), implement these six
 * functions and list it in xb_loop.c.
 */
#ifndef XB_LOOP_BACKEND_H
#define XB_LOOP_BACKEND_H

typedef struct {
  int fd;
  int events; /* XB_EV_READ | XB_EV_WRITE */
} xb_fired;

typedef struct {
  const char *name;
  /* State for an fd table of `size` entries (fds 0 .. size-1); NULL on failure. */
  void *(*create)(int size);
  void (*destroy)(void *state);
  /* The fd table grew to `size` entries. Returns 0 or -1 (errno). */
  int (*resize)(void *state, int size);
  /* mask: XB_EV_READ | XB_EV_WRITE, never 0 (the loop deletes instead). */
  int (*add)(void *state, int fd, int mask);
  int (*mod)(void *state, int fd, int mask);
  int (*del)(void *state, int fd);
  /* Wait up to timeout_ms (-1: forever); fill at most max entries of out (max >= the
   * number of registered fds); returns the count (0 on timeout or EINTR) or -1. */
  int (*poll)(void *state, int timeout_ms, xb_fired *out, int max);
} xb_loop_backend;

extern const xb_loop_backend xb_loop_backend_poll;
#ifdef __linux__
extern const xb_loop_backend xb_loop_backend_epoll;
#endif

#endif
