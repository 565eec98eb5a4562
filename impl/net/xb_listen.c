/*
 * xb_listen.c — listening sockets, accept, connection limit, adopting a socket.
 */
#ifdef __linux__
#define _GNU_SOURCE /* accept4: non-blocking + close-on-exec without two more syscalls */
#endif
#include "net/xb_net_int.h"

#include "net/xb_log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Accepts per readiness event: the backlog is drained over several turns under a storm
 * so established connections keep being served (redis uses the same bound). */
#define XB_ACCEPTS_PER_EVENT 1000
/* After EMFILE and friends, stop accepting this long instead of spinning on a listener
 * that stays readable. */
#define XB_ACCEPT_PAUSE_MS 100u

/* ------------------------------------------------------------------ addresses */

static int parse_port(const char *s, uint16_t *port) {
  if (*s == '\0' || strlen(s) > 5) return -1;
  unsigned v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    v = v * 10u + (unsigned)(*p - '0');
  }
  if (v > 65535u) return -1;
  *port = (uint16_t)v;
  return 0;
}

/* Splits "host:port" / "[v6]:port" into host (no brackets) and port. */
static int split_addr(const char *addr, char *host, size_t hostcap, uint16_t *port,
                      bool *bracketed) {
  const char *colon;
  const char *hs = addr;
  size_t hl;
  *bracketed = addr[0] == '[';
  if (*bracketed) {
    const char *close = strchr(addr, ']');
    if (close == NULL || close[1] != ':') return -1;
    hs = addr + 1;
    hl = (size_t)(close - hs);
    colon = close + 1;
  } else {
    colon = strrchr(addr, ':');
    if (colon == NULL) return -1;
    hl = (size_t)(colon - addr);
    if (memchr(addr, ':', hl) != NULL) return -1; /* bare IPv6 needs brackets */
  }
  if (hl == 0 || hl >= hostcap) return -1;
  memcpy(host, hs, hl);
  host[hl] = '\0';
  return parse_port(colon + 1, port);
}

static int numeric_addr(const char *host, bool bracketed, uint16_t port,
                        struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *v4 = (struct sockaddr_in *)(void *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)(void *)ss;
  if (!bracketed && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    *len = sizeof *v4;
    return 0;
  }
  if (bracketed && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    *len = sizeof *v6;
    return 0;
  }
  return -1;
}

int xb_net_parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sslen) {
  char host[256];
  uint16_t port;
  bool br;
  if (addr == NULL || split_addr(addr, host, sizeof host, &port, &br) < 0 ||
      numeric_addr(host, br, port, ss, sslen) < 0) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

/* Numeric first; a name is resolved (once, at startup) and its first address used. */
static int resolve(const char *addr, struct sockaddr_storage *ss, socklen_t *len) {
  char host[256];
  uint16_t port;
  bool br;
  if (split_addr(addr, host, sizeof host, &port, &br) < 0) return EAI_NONAME;
  if (numeric_addr(host, br, port, ss, len) == 0) return 0;
  if (br) return EAI_NONAME;
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_ADDRCONFIG;
  int r = getaddrinfo(host, NULL, &hints, &res);
  if (r != 0) return r;
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *len = res->ai_addrlen;
  if (ss->ss_family == AF_INET) ((struct sockaddr_in *)(void *)ss)->sin_port = htons(port);
  else ((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons(port);
  freeaddrinfo(res);
  return 0;
}

/* Peer text as used for source_ip checks: an IPv4-mapped IPv6 peer shows as IPv4
 * (XB-TRANS-22). */
static void addr_text(const struct sockaddr_storage *ss, char *ip, size_t cap,
                      uint16_t *port) {
  *port = 0;
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)ss;
    inet_ntop(AF_INET, &v4->sin_addr, ip, (socklen_t)cap);
    *port = ntohs(v4->sin_port);
  } else if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)(const void *)ss;
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], ip, (socklen_t)cap);
    else inet_ntop(AF_INET6, &v6->sin6_addr, ip, (socklen_t)cap);
    *port = ntohs(v6->sin6_port);
  } else {
    snprintf(ip, cap, "local");
  }
}

static uint16_t local_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  char ip[INET6_ADDRSTRLEN];
  uint16_t port = 0;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) addr_text(&ss, ip, sizeof ip, &port);
  return port;
}

static int set_nonblock_cloexec(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
  return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* ------------------------------------------------------------------ accepting */

#define XB_STR2(x) #x
#define XB_STR(x) XB_STR2(x)

/* Accept failures concern no connection: the fields of spec/errors.md are "-". */
static void log_accept_error(const xb_listener *l, const char *what, int err) {
  char d[160], dv[400];
  snprintf(d, sizeof d, "%s: %s: %s", l->name, what, strerror(err));
  xb_log_warn("socket-error conn=- ip=- client=- key=- detail=%s",
              xb_log_val(dv, sizeof dv, d, strlen(d)));
}

static void on_listener_readable(xb_loop *loop, int fd, int events, void *arg);

static int64_t resume_accept(xb_loop *loop, uint64_t id, void *arg) {
  (void)id;
  xb_listener *l = arg;
  l->resume_timer = 0;
  if (xb_loop_watch(loop, l->fd, XB_EV_READ, on_listener_readable, l) < 0)
    log_accept_error(l, "cannot resume accepting", errno);
  return XB_TIMER_STOP;
}

/* Wraps a connected socket; on_accept decides. Returns the connection or NULL. */
static xb_conn *start_conn(xb_net *net, int fd, const struct sockaddr_storage *peer,
                           const xb_conn_handlers *h, void *arg, bool over_limit) {
  xb_conn *c = xb_conn_new_(net, fd, h, arg, over_limit);
  if (c == NULL) {
    /* fd beyond the loop's table, or no memory: the server cannot take it. */
    char ip[INET6_ADDRSTRLEN], d[96], dv[200];
    uint16_t port;
    addr_text(peer, ip, sizeof ip, &port);
    snprintf(d, sizeof d, "cannot serve fd %d: %s", fd, strerror(errno));
    xb_log_warn("server-full conn=%llu ip=%s client=- key=- detail=%s",
                (unsigned long long)++net->next_id, ip, xb_log_val(dv, sizeof dv, d, strlen(d)));
    net->stats.refused++;
    close(fd);
    return NULL;
  }
  addr_text(peer, c->peer, sizeof c->peer, &c->peer_port);
  c->local_port = local_port(fd);
  c->flags |= XB_CONNF_ACCEPTED;
  if (h->on_accept(c, over_limit, arg) < 0) {
    xb_conn_close(c, XB_CLOSE_NOW);
    return NULL;
  }
  return c;
}

static void on_listener_readable(xb_loop *loop, int fd, int events, void *arg) {
  (void)events;
  xb_listener *l = arg;
  xb_net *net = l->net;
  for (int i = 0; i < XB_ACCEPTS_PER_EVENT; i++) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
#ifdef __linux__
    int cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    int cfd = accept(fd, (struct sockaddr *)&ss, &len);
    if (cfd >= 0 && set_nonblock_cloexec(cfd) < 0) {
      close(cfd);
      continue;
    }
#endif
    if (cfd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      int e = errno;
      if (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM) {
        log_accept_error(l, "accept paused " XB_STR(XB_ACCEPT_PAUSE_MS) " ms", e);
        xb_loop_unwatch(loop, fd);
        l->resume_timer = xb_loop_timer_add(loop, XB_ACCEPT_PAUSE_MS, resume_accept, l);
      } else {
        log_accept_error(l, "accept", e);
      }
      return;
    }
    net->stats.accepted++;
    bool over = net->nconns - net->nover >= net->cfg.max_conns;
    if (over && net->nover >= net->cfg.refuse_slots) {
      net->stats.refused++;
      char ip[INET6_ADDRSTRLEN];
      uint16_t port;
      addr_text(&ss, ip, sizeof ip, &port);
      /* XB-LIM-5: no refusal slot left; closed without reading or sending. */
      xb_log_warn("server-full conn=%llu ip=%s client=- key=-",
                  (unsigned long long)++net->next_id, ip);
      close(cfd);
      continue;
    }
    int one = 1;
    /* XB-TRANS-8: output is already batched per turn; Nagle would only delay
     * CONNACK/PINGRESP. */
    (void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    (void)start_conn(net, cfd, &ss, &l->h, l->arg, over);
  }
}

xb_listener *xb_net_listen(xb_net *net, const char *addr, const xb_conn_handlers *h,
                           void *arg) {
  return xb_net_listen_tagged(net, addr, h, arg, NULL);
}

xb_listener *xb_net_listen_tagged(xb_net *net, const char *addr, const xb_conn_handlers *h,
                                  void *arg, const char *tag) {
  struct sockaddr_storage ss;
  socklen_t len = 0;
  if (addr == NULL || h == NULL || h->on_accept == NULL || h->on_data == NULL) {
    errno = EINVAL;
    return NULL;
  }
  int r = resolve(addr, &ss, &len);
  if (r != 0) {
    snprintf(net->last_error, sizeof net->last_error, "listen %s: %s", addr,
             r == EAI_NONAME ? "expected IPv4:port, [IPv6]:port or host:port"
                             : gai_strerror(r));
    errno = EINVAL;
    return NULL;
  }
  xb_listener *l = calloc(1, sizeof *l);
  if (l == NULL) return NULL;
  l->fd = socket(ss.ss_family, SOCK_STREAM, 0);
  int one = 1;
  const char *step = "socket";
  if (l->fd < 0) goto fail;
  step = "fcntl";
  if (set_nonblock_cloexec(l->fd) < 0) goto fail;
  step = "SO_REUSEADDR";
  if (setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) goto fail;
  step = "IPV6_V6ONLY"; /* XB-TRANS-4: IPv4 and IPv6 listeners on one port coexist */
  if (ss.ss_family == AF_INET6 &&
      setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0)
    goto fail;
  step = "bind";
  if (bind(l->fd, (struct sockaddr *)&ss, len) < 0) goto fail;
  step = "listen";
  if (listen(l->fd, SOMAXCONN) < 0) goto fail;
  step = "watch";
  if (xb_loop_watch(net->loop, l->fd, XB_EV_READ, on_listener_readable, l) < 0) goto fail;

  l->net = net;
  l->h = *h;
  l->arg = arg;
  l->port = local_port(l->fd);
  char ip[INET6_ADDRSTRLEN];
  uint16_t port;
  addr_text(&ss, ip, sizeof ip, &port);
  snprintf(l->name, sizeof l->name, ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip,
           l->port);
  xb_dl_push(&net->listeners, &l->link);
  /* XB-TRANS-6: one line per bound listener, with the actual port. */
  if (tag != NULL) xb_log_info("listening addr=%s port=%u transport=%s", ip, l->port, tag);
  else xb_log_info("listening addr=%s port=%u", ip, l->port);
  return l;

fail: {
  int e = errno;
  snprintf(net->last_error, sizeof net->last_error, "listen %s: %s: %s", addr, step,
           strerror(e));
  if (l->fd >= 0) close(l->fd);
  free(l);
  errno = e;
  return NULL;
}
}

uint16_t xb_listener_port(const xb_listener *l) { return l->port; }
const char *xb_listener_name(const xb_listener *l) { return l->name; }

void xb_listener_close(xb_listener *l) {
  if (l == NULL) return;
  if (l->resume_timer) xb_loop_timer_cancel(l->net->loop, l->resume_timer);
  xb_loop_unwatch(l->net->loop, l->fd);
  close(l->fd);
  xb_dl_unlink(&l->link);
  free(l);
}

xb_conn *xb_net_adopt(xb_net *net, int fd, const xb_conn_handlers *h, void *arg) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (h == NULL || h->on_accept == NULL || h->on_data == NULL) {
    close(fd);
    errno = EINVAL;
    return NULL;
  }
  memset(&ss, 0, sizeof ss);
  if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) ss.ss_family = AF_UNSPEC;
  if (set_nonblock_cloexec(fd) < 0) {
    close(fd);
    return NULL;
  }
  return start_conn(net, fd, &ss, h, arg, false);
}
