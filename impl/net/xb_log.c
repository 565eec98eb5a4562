/*
 * xb_log.c — see xb_log.h. Lines are assembled in a stack buffer and written at once.
 */
#include "net/xb_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Long enough for any line xbridge writes (a 1024-byte topic fully escaped is 4 KiB);
 * longer messages are cut and marked. */
#define XB_LOG_LINE_MAX 8192

static xb_log_level g_level = XB_LOG_INFO;
static int g_fd = STDERR_FILENO;
static char *g_path; /* NULL: stderr */

static const char *const g_names[] = {"error", "warn", "info", "debug"};

void xb_log_set_level(xb_log_level level) {
  if (level >= XB_LOG_ERROR && level <= XB_LOG_DEBUG) g_level = level;
}

xb_log_level xb_log_get_level(void) { return g_level; }

bool xb_log_enabled(xb_log_level level) { return level <= g_level; }

int xb_log_parse_level(const char *name, xb_log_level *out) {
  if (name == NULL || out == NULL) return -1;
  for (int i = 0; i <= (int)XB_LOG_DEBUG; i++) {
    if (strcmp(name, g_names[i]) == 0) {
      *out = (xb_log_level)i;
      return 0;
    }
  }
  return -1;
}

const char *xb_log_level_name(xb_log_level level) {
  if (level < XB_LOG_ERROR || level > XB_LOG_DEBUG) return "?";
  return g_names[level];
}

static int open_log_file(const char *path) {
  return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
}

int xb_log_open(const char *path) {
  if (path == NULL) {
    xb_log_close();
    return 0;
  }
  char *copy = strdup(path);
  if (copy == NULL) return -1;
  int fd = open_log_file(path);
  if (fd < 0) {
    int e = errno;
    free(copy);
    errno = e;
    return -1;
  }
  if (g_fd != STDERR_FILENO) close(g_fd);
  free(g_path);
  g_fd = fd;
  g_path = copy;
  return 0;
}

int xb_log_reopen(void) {
  if (g_path == NULL) return 0;
  int fd = open_log_file(g_path);
  if (fd < 0) return -1; /* keep writing to the old file rather than losing lines */
  if (g_fd != STDERR_FILENO) close(g_fd);
  g_fd = fd;
  return 0;
}

void xb_log_close(void) {
  if (g_fd != STDERR_FILENO) close(g_fd);
  g_fd = STDERR_FILENO;
  free(g_path);
  g_path = NULL;
}

/* Copies src into dst escaping control bytes; returns bytes written (< cap). */
static size_t escape_into(char *dst, size_t cap, const char *src, size_t len) {
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)src[i];
    if (ch < 0x20 || ch == 0x7f) {
      if (o + 4 >= cap) break;
      dst[o++] = '\\';
      dst[o++] = 'x';
      dst[o++] = hex[ch >> 4];
      dst[o++] = hex[ch & 15];
    } else {
      if (o + 1 >= cap) break;
      dst[o++] = (char)ch;
    }
  }
  return o;
}

__attribute__((format(printf, 2, 0))) static void vlog(xb_log_level level, const char *fmt,
                                                     va_list ap) {
  char msg[XB_LOG_LINE_MAX];
  char line[XB_LOG_LINE_MAX + 64];
  int n = vsnprintf(msg, sizeof msg, fmt, ap);
  if (n < 0) return;
  size_t mlen = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;

  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  int h = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ %s ",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                   tm.tm_sec, ts.tv_nsec / 1000L, g_names[level]);
  if (h < 0) return;
  size_t o = (size_t)h;
  /* Keep room for the truncation mark and the newline. */
  o += escape_into(line + o, sizeof line - o - 8, msg, mlen);
  if ((size_t)n >= sizeof msg) {
    memcpy(line + o, "...", 3);
    o += 3;
  }
  line[o++] = '\n';
  size_t off = 0;
  while (off < o) {
    ssize_t w = write(g_fd, line + off, o - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break; /* nowhere left to report a logging failure */
    off += (size_t)w;
  }
}

void xb_log(xb_log_level level, const char *fmt, ...) {
  if (level < XB_LOG_ERROR || level > g_level) return;
  va_list ap;
  va_start(ap, fmt);
  vlog(level, fmt, ap);
  va_end(ap);
}

#define XB_LOG_DEFINE(fn, lvl)           \
  void fn(const char *fmt, ...) {        \
    if ((lvl) > g_level) return;         \
    va_list ap;                          \
    va_start(ap, fmt);                   \
    vlog((lvl), fmt, ap);                \
    va_end(ap);                          \
  }

XB_LOG_DEFINE(xb_log_error, XB_LOG_ERROR)
XB_LOG_DEFINE(xb_log_warn, XB_LOG_WARN)
XB_LOG_DEFINE(xb_log_info, XB_LOG_INFO)
XB_LOG_DEFINE(xb_log_debug, XB_LOG_DEBUG)

const char *xb_log_val(char *dst, size_t cap, const void *val, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *v = val;
  if (cap == 0) return dst;
  bool bare = len > 0;
  for (size_t i = 0; i < len && bare; i++)
    bare = v[i] >= 0x21 && v[i] <= 0x7e && v[i] != '"' && v[i] != '=';
  size_t o = 0;
  if (bare) {
    for (size_t i = 0; i < len && o + 1 < cap; i++) dst[o++] = (char)v[i];
    dst[o] = '\0';
    return dst;
  }
  /* Room kept for the closing quote and the NUL. */
  if (cap < 3) {
    dst[0] = '\0';
    return dst;
  }
  dst[o++] = '"';
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = v[i];
    char esc[4];
    size_t n;
    if (ch == '"' || ch == '\\') {
      esc[0] = '\\';
      esc[1] = (char)ch;
      n = 2;
    } else if (ch < 0x20 || ch > 0x7e) {
      esc[0] = '\\';
      esc[1] = 'x';
      esc[2] = hex[ch >> 4];
      esc[3] = hex[ch & 15];
      n = 4;
    } else {
      esc[0] = (char)ch;
      n = 1;
    }
    if (o + n + 2 > cap) break; /* cut at a whole escape, never inside one */
    memcpy(dst + o, esc, n);
    o += n;
  }
  dst[o++] = '"';
  dst[o] = '\0';
  return dst;
}
