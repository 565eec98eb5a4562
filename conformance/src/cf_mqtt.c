/*
 * cf_mqtt — MQTT client of the conformance suite (see cf_mqtt.h). Everything here is
 * written from the MQTT 3.1.1 text; nothing comes from impl/.
 */
#include "cf_mqtt.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cf_tls.h"

cf_target cf_net = {"127.0.0.1", "1883", false, NULL};

struct cf_conn {
  int fd;
  cf_tls *tls;
  char label[24];
  uint8_t *rx;
  size_t rxlen, rxcap;
  bool eof;
};

/* ------------------------------------------------------------------ transcript */

static int transcript = -1;

void cf_transcript_fd(int fd) { transcript = fd; }

static void tr_write(const char *s, size_t n) {
  if (transcript < 0) return;
  while (n > 0) {
    ssize_t w = write(transcript, s, n);
    if (w <= 0) return;
    s += (size_t)w;
    n -= (size_t)w;
  }
}

void cf_transcript_note(const char *fmt, ...) {
  if (transcript < 0) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (k < 0) return;
  size_t n = (size_t)k < sizeof line - 1 ? (size_t)k : sizeof line - 2;
  line[n++] = '\n';
  tr_write("      ", 6);
  tr_write(line, n);
}

static void tr_bytes(const cf_conn *c, const char *dir, const uint8_t *p, size_t n) {
  if (transcript < 0) return;
  char line[4096];
  size_t k = (size_t)snprintf(line, sizeof line, "      %s %s %zu bytes: ", c->label, dir, n);
  size_t shown = n < 96 ? n : 96;
  for (size_t i = 0; i < shown && k + 4 < sizeof line; i++)
    k += (size_t)snprintf(line + k, sizeof line - k, "%02x ", p[i]);
  if (shown < n && k + 8 < sizeof line) k += (size_t)snprintf(line + k, sizeof line - k, "... ");
  if (k + 4 < sizeof line) {
    line[k++] = '|';
    cf_escape(p, n < 400 ? n : 400, line + k, sizeof line - k - 3);
    k = strlen(line);
    line[k++] = '|';
  }
  line[k++] = '\n';
  tr_write(line, k);
}

/* ------------------------------------------------------------------ buffers */

void cf_buf_put(cf_buf *b, const void *data, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (p == NULL) abort();
    b->p = p;
    b->cap = cap;
  }
  if (n > 0) memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = 0;
}

void cf_buf_u8(cf_buf *b, unsigned v) {
  uint8_t x = (uint8_t)(v & 0xffu);
  cf_buf_put(b, &x, 1);
}

void cf_buf_u16(cf_buf *b, unsigned v) {
  uint8_t x[2] = {(uint8_t)((v >> 8) & 0xffu), (uint8_t)(v & 0xffu)};
  cf_buf_put(b, x, 2);
}

void cf_buf_str(cf_buf *b, const char *s, size_t n) {
  cf_buf_u16(b, (unsigned)n);
  cf_buf_put(b, s, n);
}

void cf_buf_cstr(cf_buf *b, const char *s) { cf_buf_str(b, s, strlen(s)); }

void cf_buf_free(cf_buf *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

void cf_frame(cf_buf *out, unsigned first_byte, const cf_buf *body) {
  cf_buf_u8(out, first_byte);
  size_t rl = body != NULL ? body->len : 0;
  do {
    unsigned d = (unsigned)(rl % 128);
    rl /= 128;
    cf_buf_u8(out, rl > 0 ? d | 128u : d);
  } while (rl > 0);
  if (body != NULL) cf_buf_put(out, body->p, body->len);
}

/* ------------------------------------------------------------------ connections */

int cf_tcp_connect(const char *host, const char *port, char *why, size_t whylen) {
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(host, port, &hints, &res);
  if (gai != 0) {
    snprintf(why, whylen, "cannot resolve %s:%s: %s", host, port, gai_strerror(gai));
    return -1;
  }
  int fd = -1, err = 0;
  for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) {
    snprintf(why, whylen, "cannot connect to %s:%s: %s", host, port, strerror(err));
    return -1;
  }
  int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

cf_conn *cf_conn_open(const char *label, char *why, size_t whylen) {
  int fd = cf_tcp_connect(cf_net.host, cf_net.port, why, whylen);
  if (fd < 0) return NULL;
  cf_conn *c = calloc(1, sizeof *c);
  if (c == NULL) abort();
  c->fd = fd;
  snprintf(c->label, sizeof c->label, "%s", label);
  if (cf_net.tls) {
    c->tls = cf_tls_client(fd, NULL, why, whylen);
    if (c->tls == NULL) {
      close(fd);
      free(c);
      return NULL;
    }
  }
  cf_transcript_note("%s: connected to %s:%s%s", c->label, cf_net.host, cf_net.port,
                     cf_net.tls ? " (TLS)" : "");
  return c;
}

cf_conn *cf_conn_wrap(int fd, cf_tls *tls, const char *label) {
  cf_conn *c = calloc(1, sizeof *c);
  if (c == NULL) abort();
  c->fd = fd;
  c->tls = tls;
  snprintf(c->label, sizeof c->label, "%s", label);
  return c;
}

void cf_conn_close(cf_conn *c) {
  if (c == NULL) return;
  cf_transcript_note("%s: closed by the client", c->label);
  if (c->tls != NULL) cf_tls_free(c->tls);
  close(c->fd);
  free(c->rx);
  free(c);
}

const char *cf_conn_label(const cf_conn *c) { return c->label; }
int cf_conn_fd(const cf_conn *c) { return c->fd; }

static ssize_t io_write(cf_conn *c, const void *p, size_t n) {
  if (c->tls != NULL) return cf_tls_write(c->tls, p, n);
  return send(c->fd, p, n, MSG_NOSIGNAL);
}

/* > 0 bytes, 0 end of stream, -1 error (errno), -2 nothing available yet (TLS). */
static ssize_t io_read(cf_conn *c, void *p, size_t n) {
  if (c->tls != NULL) return cf_tls_read(c->tls, p, n);
  ssize_t r = recv(c->fd, p, n, 0);
  return r;
}

static bool io_pending(cf_conn *c) { return c->tls != NULL && cf_tls_pending(c->tls); }

bool cf_send(cf_conn *c, const void *data, size_t n) {
  tr_bytes(c, "->", data, n);
  const uint8_t *p = data;
  while (n > 0) {
    ssize_t w = io_write(c, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      cf_transcript_note("%s: write failed: %s", c->label, strerror(errno));
      return false;
    }
    p += (size_t)w;
    n -= (size_t)w;
  }
  return true;
}

bool cf_send_buf(cf_conn *c, const cf_buf *b) { return cf_send(c, b->p, b->len); }

bool cf_send_trickle(cf_conn *c, const void *data, size_t n) {
  const uint8_t *p = data;
  for (size_t i = 0; i < n; i++) {
    if (!cf_send(c, p + i, 1)) return false;
    struct timespec ts = {0, 2000000}; /* let each byte reach the bridge on its own */
    nanosleep(&ts, NULL);
  }
  return true;
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is available into rx, waiting until deadline. 1 got bytes, 0 timeout,
 * -1 closed. */
static int fill(cf_conn *c, int64_t deadline) {
  if (c->eof) return -1;
  if (!io_pending(c)) {
    int64_t left = deadline - now_ms();
    if (left < 0) left = 0;
    struct pollfd pfd = {c->fd, POLLIN, 0};
    int r = poll(&pfd, 1, (int)left);
    if (r < 0 && errno == EINTR) return 0;
    if (r <= 0) return 0;
  }
  if (c->rxlen + 65536 > c->rxcap) {
    size_t cap = c->rxcap ? c->rxcap * 2 : 131072;
    uint8_t *p = realloc(c->rx, cap);
    if (p == NULL) abort();
    c->rx = p;
    c->rxcap = cap;
  }
  ssize_t r = io_read(c, c->rx + c->rxlen, c->rxcap - c->rxlen);
  if (r == -2) return 0;
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
  if (r <= 0) {
    c->eof = true;
    cf_transcript_note("%s: %s", c->label, r == 0 ? "end of stream from the bridge"
                                                  : "connection reset by the bridge");
    return -1;
  }
  tr_bytes(c, "<-", c->rx + c->rxlen, (size_t)r);
  c->rxlen += (size_t)r;
  return 1;
}

static uint32_t be16(const uint8_t *p) { return ((uint32_t)p[0] << 8) | p[1]; }

/* Parse one server packet at the start of rx. 1 parsed, 0 incomplete, -1 invalid. */
static int parse(cf_conn *c, cf_pkt *out, char *why, size_t whylen) {
  if (c->rxlen < 2) return 0;
  size_t rl = 0, i = 1, mult = 1;
  for (;;) {
    if (i >= c->rxlen) return 0;
    uint8_t b = c->rx[i++];
    rl += (size_t)(b & 127u) * mult;
    if ((b & 128u) == 0) {
      if (i > 2 && b == 0) {
        snprintf(why, whylen, "remaining length not minimally encoded (XB-MQTT-57)");
        return -1;
      }
      break;
    }
    mult *= 128;
    if (i == 5) {
      snprintf(why, whylen, "remaining length longer than 4 bytes");
      return -1;
    }
  }
  if (rl > (size_t)64 << 20) {
    snprintf(why, whylen, "remaining length %zu from the bridge is implausible", rl);
    return -1;
  }
  if (c->rxlen < i + rl) return 0;
  unsigned type = c->rx[0] >> 4, flags = c->rx[0] & 15u;
  size_t total = i + rl;
  memset(out, 0, sizeof *out);
  out->type = type;
  out->flags = flags;
  out->raw = malloc(total + 1);
  if (out->raw == NULL) abort();
  memcpy(out->raw, c->rx, total);
  out->rawlen = total;
  out->body = out->raw + i;
  out->bodylen = rl;
  memmove(c->rx, c->rx + total, c->rxlen - total);
  c->rxlen -= total;

  const char *bad = NULL;
  switch (type) {
  case CF_CONNACK:
  case CF_PUBACK:
  case CF_PUBREC:
  case CF_PUBCOMP:
  case CF_UNSUBACK:
    if (flags != 0) bad = "non-zero fixed-header flags";
    else if (rl != 2) bad = "remaining length is not 2";
    break;
  case CF_PINGRESP:
    if (flags != 0) bad = "non-zero fixed-header flags";
    else if (rl != 0) bad = "remaining length is not 0";
    break;
  case CF_SUBACK:
    if (flags != 0) bad = "non-zero fixed-header flags";
    else if (rl < 3) bad = "SUBACK shorter than 3 bytes";
    break;
  case CF_PUBLISH: {
    out->dup = (flags >> 3) & 1u;
    out->qos = (flags >> 1) & 3u;
    out->retain = flags & 1u;
    if (out->qos == 3) {
      bad = "PUBLISH with QoS 3";
      break;
    }
    if (rl < 2 || be16(out->body) + 2 > rl) {
      bad = "PUBLISH topic runs past the packet";
      break;
    }
    size_t tl = be16(out->body), off = 2 + tl;
    if (out->qos > 0) {
      if (off + 2 > rl) {
        bad = "PUBLISH packet identifier missing";
        break;
      }
      out->id = be16(out->body + off);
      off += 2;
    }
    out->topic = malloc(tl + 1);
    out->payload = malloc(rl - off + 1);
    if (out->topic == NULL || out->payload == NULL) abort();
    memcpy(out->topic, out->body + 2, tl);
    out->topic[tl] = '\0';
    out->topiclen = tl;
    memcpy(out->payload, out->body + off, rl - off);
    out->payload[rl - off] = '\0';
    out->paylen = rl - off;
    break;
  }
  default:
    bad = "a packet type the server never sends (XB-MQTT-55)";
  }
  if (bad != NULL) {
    char raw[300];
    cf_escape(out->raw, out->rawlen, raw, sizeof raw);
    snprintf(why, whylen, "the bridge sent a malformed %s packet: %s (bytes %s)",
             cf_type_name(type), bad, raw);
    cf_pkt_free(out);
    return -1;
  }
  return 1;
}

cf_rr cf_recv(cf_conn *c, int timeout_ms, cf_pkt *out, char *why, size_t whylen) {
  int64_t deadline = now_ms() + timeout_ms;
  memset(out, 0, sizeof *out);
  if (why != NULL && whylen > 0) why[0] = '\0';
  char tmp[512];
  for (;;) {
    int r = parse(c, out, tmp, sizeof tmp);
    if (r == 1) return CF_RX_OK;
    if (r < 0) {
      if (why != NULL) snprintf(why, whylen, "%s", tmp);
      return CF_RX_BAD;
    }
    if (c->eof) {
      if (c->rxlen > 0 && why != NULL)
        snprintf(why, whylen, "connection closed after %zu bytes of an incomplete packet",
                 c->rxlen);
      return c->rxlen > 0 ? CF_RX_BAD : CF_RX_CLOSED;
    }
    if (now_ms() >= deadline) return CF_RX_TIMEOUT;
    int f = fill(c, deadline);
    if (f == 0 && now_ms() >= deadline) return CF_RX_TIMEOUT;
  }
}

bool cf_wait_closed(cf_conn *c, int timeout_ms, size_t *extra) {
  int64_t deadline = now_ms() + timeout_ms;
  size_t start = c->rxlen;
  while (!c->eof) {
    if (now_ms() >= deadline) break;
    (void)fill(c, deadline);
  }
  if (extra != NULL) *extra = c->rxlen - (start < c->rxlen ? start : c->rxlen);
  return c->eof;
}

void cf_pkt_free(cf_pkt *p) {
  free(p->raw);
  free(p->topic);
  free(p->payload);
  memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------ packet builders */

void cf_unique_id(char *out, size_t n) {
  static unsigned counter;
  snprintf(out, n, "cf%ld-%u", (long)getpid() % 1000000, ++counter);
}

void cf_build_connect(cf_buf *out, const cf_connect_opts *o) {
  int level = o->level_zero ? 0 : o->level ? o->level : 4;
  const char *proto = o->proto ? o->proto : (level == 3 ? "MQIsdp" : "MQTT");
  if (o->level_zero && o->proto == NULL) proto = "MQTT";
  cf_buf body = {0};
  cf_buf_cstr(&body, proto);
  cf_buf_u8(&body, (unsigned)level);
  unsigned flags = 0;
  if (!o->persistent) flags |= 0x02u;
  if (o->will_topic != NULL) flags |= 0x04u | ((o->will_qos & 3u) << 3) | (o->will_retain ? 0x20u : 0u);
  if (o->pass != NULL) flags |= 0x40u;
  if (o->user != NULL) flags |= 0x80u;
  if (o->raw_flags) flags = o->flags & 0xffu;
  cf_buf_u8(&body, flags);
  cf_buf_u16(&body, o->keepalive_zero ? 0u : (o->keepalive ? o->keepalive : 60u));
  char idbuf[32];
  const char *cid = o->client_id;
  if (cid == NULL) {
    cf_unique_id(idbuf, sizeof idbuf);
    cid = idbuf;
  }
  cf_buf_str(&body, cid, o->client_id_len ? o->client_id_len : strlen(cid));
  if (o->will_topic != NULL) {
    cf_buf_cstr(&body, o->will_topic);
    const char *m = o->will_msg ? o->will_msg : "";
    cf_buf_str(&body, m, o->will_len ? o->will_len : strlen(m));
  }
  if (o->user != NULL) cf_buf_cstr(&body, o->user);
  if (o->pass != NULL) cf_buf_str(&body, o->pass, o->pass_len ? o->pass_len : strlen(o->pass));
  cf_frame(out, 0x10u, &body);
  cf_buf_free(&body);
}

void cf_build_publish(cf_buf *out, const char *topic, size_t topiclen, const void *payload,
                      size_t paylen, unsigned qos, bool retain, bool dup, unsigned id) {
  cf_buf body = {0};
  cf_buf_str(&body, topic, topiclen);
  if (qos > 0) cf_buf_u16(&body, id);
  cf_buf_put(&body, payload, paylen);
  cf_frame(out, 0x30u | (dup ? 8u : 0u) | ((qos & 3u) << 1) | (retain ? 1u : 0u), &body);
  cf_buf_free(&body);
}

void cf_build_subscribe(cf_buf *out, unsigned id, const char *const *filters, size_t n,
                        const unsigned *qos) {
  cf_buf body = {0};
  cf_buf_u16(&body, id);
  for (size_t i = 0; i < n; i++) {
    cf_buf_cstr(&body, filters[i]);
    cf_buf_u8(&body, qos ? qos[i] : 0u);
  }
  cf_frame(out, 0x82u, &body);
  cf_buf_free(&body);
}

void cf_build_unsubscribe(cf_buf *out, unsigned id, const char *const *filters, size_t n) {
  cf_buf body = {0};
  cf_buf_u16(&body, id);
  for (size_t i = 0; i < n; i++) cf_buf_cstr(&body, filters[i]);
  cf_frame(out, 0xa2u, &body);
  cf_buf_free(&body);
}

/* ------------------------------------------------------------------ descriptions */

const char *cf_type_name(unsigned type) {
  static const char *const names[16] = {
      "reserved(0)", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
      "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT",
      "reserved(15)"};
  return names[type & 15u];
}

void cf_escape(const void *data, size_t len, char *out, size_t n) {
  const uint8_t *p = data;
  size_t k = 0;
  if (n == 0) return;
  for (size_t i = 0; i < len; i++) {
    char tmp[8];
    uint8_t b = p[i];
    if (b == '\\') snprintf(tmp, sizeof tmp, "\\\\");
    else if (b == '\n') snprintf(tmp, sizeof tmp, "\\n");
    else if (b == '\r') snprintf(tmp, sizeof tmp, "\\r");
    else if (b == '\t') snprintf(tmp, sizeof tmp, "\\t");
    else if (b < 0x20 || b >= 0x7f) snprintf(tmp, sizeof tmp, "\\x%02x", b);
    else snprintf(tmp, sizeof tmp, "%c", b);
    size_t t = strlen(tmp);
    if (k + t + 4 >= n) {
      if (k + 4 < n) memcpy(out + k, "...", 3), k += 3;
      break;
    }
    memcpy(out + k, tmp, t);
    k += t;
  }
  out[k] = '\0';
}

void cf_describe(const cf_pkt *p, char *out, size_t n) {
  char esc[1200];
  if (p->type == CF_PUBLISH) {
    cf_escape(p->payload, p->paylen, esc, sizeof esc);
    snprintf(out, n, "PUBLISH topic \"%s\" QoS %u RETAIN %u DUP %u payload (%zu bytes) \"%s\"",
             p->topic, p->qos, p->retain, p->dup, p->paylen, esc);
    return;
  }
  size_t k = (size_t)snprintf(out, n, "%s", cf_type_name(p->type));
  for (size_t i = 0; i < p->rawlen && i < 40 && k + 4 < n; i++)
    k += (size_t)snprintf(out + k, n - k, "%s%02x", i == 0 ? " bytes " : " ", p->raw[i]);
}
