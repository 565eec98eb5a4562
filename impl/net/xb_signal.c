/*
 * xb_signal.c — see xb_signal.h.
 */
#include "net/xb_signal.h"

#include "net/xb_log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

static int g_pipe[2] = {-1, -1};
static xb_loop *g_loop;
static xb_signal_hooks g_hooks;
static struct sigaction g_old_term, g_old_int, g_old_hup, g_old_pipe;

static void on_signal(int signo) {
  int saved = errno; /* the interrupted code may be about to read errno */
  unsigned char b = (unsigned char)signo;
  /* Non-blocking: if the pipe is full, a wake-up is already pending. */
  ssize_t r = write(g_pipe[1], &b, 1);
  (void)r;
  errno = saved;
}

static void on_pipe_readable(xb_loop *loop, int fd, int events, void *arg) {
  (void)events;
  (void)arg;
  unsigned char buf[64];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) {
      int signo = buf[i];
      /* No log line here: the hooks log what they do (spec/errors.md `shutdown`). */
      if (signo == SIGHUP) {
        if (g_hooks.on_hup) g_hooks.on_hup(g_hooks.arg);
        else if (xb_log_reopen() < 0)
          xb_log_error("log-reopen detail=\"%s\"", strerror(errno));
      } else {
        if (g_hooks.on_stop) g_hooks.on_stop(signo, g_hooks.arg);
        else xb_loop_stop(loop);
      }
    }
  }
}

static int set_flags(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
  return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int xb_signals_install(xb_loop *loop, const xb_signal_hooks *hooks) {
  if (g_loop != NULL) {
    errno = EBUSY;
    return -1;
  }
  if (pipe(g_pipe) < 0) return -1;
  if (set_flags(g_pipe[0]) < 0 || set_flags(g_pipe[1]) < 0 ||
      xb_loop_watch(loop, g_pipe[0], XB_EV_READ, on_pipe_readable, NULL) < 0) {
    int e = errno;
    close(g_pipe[0]);
    close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
    errno = e;
    return -1;
  }
  g_loop = loop;
  memset(&g_hooks, 0, sizeof g_hooks);
  if (hooks) g_hooks = *hooks;

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, &g_old_term);
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGHUP, &sa, &g_old_hup);
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  sigaction(SIGPIPE, &ign, &g_old_pipe);
  return 0;
}

void xb_signals_uninstall(void) {
  if (g_loop == NULL) return;
  sigaction(SIGTERM, &g_old_term, NULL);
  sigaction(SIGINT, &g_old_int, NULL);
  sigaction(SIGHUP, &g_old_hup, NULL);
  sigaction(SIGPIPE, &g_old_pipe, NULL);
  xb_loop_unwatch(g_loop, g_pipe[0]);
  close(g_pipe[0]);
  close(g_pipe[1]);
  g_pipe[0] = g_pipe[1] = -1;
  g_loop = NULL;
}
