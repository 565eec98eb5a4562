/*
 * xb_loop.h — xbridge's single-threaded event loop (after redis' ae.c).
 *
 * One turn of the loop (xb_loop_run_once):
 *   1. the "before sleep" hooks run, in registration order (the net layer flushes
 *      pending output there and closes the connections marked for closing);
 *   2. the backend waits for readiness; the timeout is the time left until the
 *      earliest timer (none: wait forever), 0 if a hook asked for it (xb_loop_skip_wait);
 *   3. each ready fd's handler is called once with the ready events it is watching;
 *   4. timers due at the start of step 4 fire, earliest first (FIFO on ties).
 * Timers added or re-armed while step 4 runs never fire in the same turn, so a timer
 * with delay 0 cannot starve the loop.
 *
 * Readiness is level-triggered: a handler may do part of its work and will be called
 * again next turn. A handler may unwatch any fd (its own included) at any time; an fd
 * whose interest was removed earlier in the same turn is not dispatched.
 *
 * Backends: epoll (Linux, default) and poll(2) (portable; O(watched fds) per turn).
 * Both sit behind the five-function interface in xb_loop_backend.h.
 *
 * Times are milliseconds of CLOCK_MONOTONIC, cached once per turn (xb_loop_now), so all
 * callbacks of a turn see the same "now". Tests may substitute the clock.
 *
 * Not thread-safe; one loop per thread.
 */
#ifndef XB_LOOP_H
#define XB_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#define XB_EV_NONE 0
#define XB_EV_READ 1
#define XB_EV_WRITE 2

/* Return value of a timer callback that does not want to be re-armed. */
#define XB_TIMER_STOP (-1)

/* Most before-sleep hooks per loop (the net layer uses one). */
#define XB_LOOP_MAX_HOOKS 8

typedef struct xb_loop xb_loop;

typedef enum {
  XB_LOOP_DEFAULT = 0, /* epoll where available, else poll */
  XB_LOOP_EPOLL,
  XB_LOOP_POLL
} xb_loop_backend_kind;

/* events: the subset of XB_EV_READ | XB_EV_WRITE that is ready (errors and hang-ups
 * are reported as whatever the fd watches, so the handler's read/write sees them). */
typedef void (*xb_fd_fn)(xb_loop *loop, int fd, int events, void *arg);

/* Returns the delay in ms before firing again (>= 0), or XB_TIMER_STOP. */
typedef int64_t (*xb_timer_fn)(xb_loop *loop, uint64_t id, void *arg);

typedef void (*xb_loop_hook_fn)(xb_loop *loop, void *arg);

/* Clock for tests: returns monotonic milliseconds. */
typedef uint64_t (*xb_clock_fn)(void *arg);

/*
 * max_fds bounds the fd table (it starts small and doubles as higher fds are watched):
 * fds >= max_fds cannot be watched (xb_loop_watch fails with ERANGE). Returns NULL with
 * errno set (ENOTSUP for a backend not built on this system).
 */
xb_loop *xb_loop_create(xb_loop_backend_kind kind, int max_fds);
void xb_loop_destroy(xb_loop *loop);
const char *xb_loop_backend_name(const xb_loop *loop);
int xb_loop_max_fds(const xb_loop *loop);

/* Watch fd with interest mask (XB_EV_*; 0 = registered but idle) and handler fn.
 * Replaces a previous handler of the same fd. Returns 0 or -1 (errno). */
int xb_loop_watch(xb_loop *loop, int fd, int mask, xb_fd_fn fn, void *arg);
/* Change the interest of a watched fd. Returns 0 or -1 (errno; EBADF if not watched). */
int xb_loop_set_mask(xb_loop *loop, int fd, int mask);
/* Current interest of fd (0 if not watched). */
int xb_loop_mask(const xb_loop *loop, int fd);
/* Forget fd (does not close it). Safe from any callback. */
void xb_loop_unwatch(xb_loop *loop, int fd);

/* Timers: O(log n) add and cancel (binary min-heap over a slot table). The id is never
 * 0 and is never reused for another timer (slot index + generation), so cancelling a
 * timer that already fired is a harmless no-op. Returns 0 on allocation failure. */
uint64_t xb_loop_timer_add(xb_loop *loop, uint64_t delay_ms, xb_timer_fn fn, void *arg);
/* true if the timer was pending (it will not fire again). Safe inside its own callback:
 * the timer is then not re-armed whatever the callback returns. */
bool xb_loop_timer_cancel(xb_loop *loop, uint64_t id);
/* Number of armed timers. */
uint32_t xb_loop_timer_count(const xb_loop *loop);
/* ms until the earliest timer (0 if overdue), or -1 when no timer is armed. */
int64_t xb_loop_next_timeout(xb_loop *loop);

/* Before-sleep hooks. Return 0 or -1 (ENOSPC: XB_LOOP_MAX_HOOKS reached). */
int xb_loop_add_before_sleep(xb_loop *loop, xb_loop_hook_fn fn, void *arg);
void xb_loop_remove_before_sleep(xb_loop *loop, xb_loop_hook_fn fn, void *arg);
/* Make the next wait non-blocking (a hook left work for the next turn). */
void xb_loop_skip_wait(xb_loop *loop);

/*
 * One turn. max_wait_ms caps the wait (-1: no cap), so tests can run bounded loops.
 * Returns the number of fd handlers and timers that ran (0 on a timeout), or -1 if the
 * backend failed (errno set).
 */
int xb_loop_run_once(xb_loop *loop, int max_wait_ms);
/* Turns until xb_loop_stop; returns 0, or -1 on a backend failure. */
int xb_loop_run(xb_loop *loop);
/* Ask xb_loop_run to return after the current turn. Safe from any callback. */
void xb_loop_stop(xb_loop *loop);
bool xb_loop_stopping(const xb_loop *loop);
/* Clear a previous stop so the loop can run again. */
void xb_loop_clear_stop(xb_loop *loop);

/* Cached time of this turn, and a refresh (done by the loop around each wait). */
uint64_t xb_loop_now(const xb_loop *loop);
uint64_t xb_loop_update_time(xb_loop *loop);
/* Substitute the clock (NULL restores CLOCK_MONOTONIC). Refreshes the cached time. */
void xb_loop_set_clock(xb_loop *loop, xb_clock_fn fn, void *arg);
/* CLOCK_MONOTONIC in ms. */
uint64_t xb_monotonic_ms(void);

#endif
