/*
 * xb_signal.h — process signals delivered through the event loop (self-pipe).
 *
 * The async-signal handler only writes the signal number to a non-blocking pipe; the
 * loop reads it and runs the hooks as ordinary callbacks, so they may do anything (close
 * the store, reopen the log). A self-pipe rather than signalfd keeps this portable and
 * works whatever the signal mask of other threads (libraries may start some).
 *
 *   SIGTERM, SIGINT -> hooks.on_stop(signo, arg), or xb_loop_stop(loop) when NULL
 *   SIGHUP          -> hooks.on_hup(arg), or xb_log_reopen() when NULL
 *   SIGPIPE         -> ignored (a write to a closed socket must be an EPIPE, not death)
 *
 * One installation per process (signal handlers are process-wide).
 */
#ifndef XB_SIGNAL_H
#define XB_SIGNAL_H

#include "net/xb_loop.h"

typedef struct {
  void (*on_stop)(int signo, void *arg);
  void (*on_hup)(void *arg);
  void *arg;
} xb_signal_hooks;

/* hooks may be NULL (defaults above). Returns 0, or -1 with errno (EBUSY if already
 * installed). */
int xb_signals_install(xb_loop *loop, const xb_signal_hooks *hooks);
/* Restores the previous dispositions and closes the pipe. */
void xb_signals_uninstall(void);

#endif
