/*
 * Fuzz harness for the CSV write parser (impl/formats/xb_csv.h) and the ISO 8601
 * timestamps (impl/formats/xb_time.h). abort() on any disagreement:
 *
 *  - tokenizer: every record and field span inside the payload; the raw pieces equal
 *    those of a naive splitter written here (quote parity instead of a state machine);
 *    the content is the trimmed / unquoted reading of its piece; skipped bytes are
 *    blanks and line ends only;
 *  - every write shape: on success the entries are inside the payload and obey the value
 *    rules, and a differential round trip holds: the entries rendered back as canonical
 *    CSV (quoting of XB-CSV-2, timestamps of XB-RES-7) parse again to the same entries;
 *  - timestamps: a parsed timestamp renders and parses back to the same instant, and a
 *    canonical text renders to itself.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/xb_csv.h"
#include "formats/xb_time.h"

#define MAX_ENTRIES 500u
#define OUT_CAP (MAX_ENTRIES * 700u + 64u)

static void must(bool c) {
  if (!c) abort();
}

static bool blank(uint8_t c) {
  return c == ' ' || c == '\t';
}

/* ------------------------------------------------------------------ tokenizer checks */

/* Naive split of in[lo .. hi-1]: commas at even quote parity. Valid for lines the parser
 * accepted (doubled quotes flip the parity twice). */
static size_t naive_pieces(const uint8_t *in, size_t lo, size_t hi, size_t *start, size_t *end,
                           size_t cap) {
  size_t n = 0, a = lo;
  bool inq = false;
  for (size_t i = lo; i <= hi; i++) {
    if (i < hi && in[i] == '"') inq = !inq;
    if (i == hi || (in[i] == ',' && !inq)) {
      must(n < cap);
      start[n] = a;
      end[n] = i;
      n++;
      a = i + 1;
    }
  }
  must(!inq);
  return n;
}

static void check_field(const uint8_t *in, const xb_csv_field *f) {
  size_t p = f->raw_off, q = f->raw_off + f->raw_len;
  while (p < q && blank(in[p])) p++;
  while (q > p && blank(in[q - 1])) q--;
  if (p == q) {
    /* blanks only: the empty string, positioned anywhere in the piece (the contract
     * of xb_csv_next_record does not fix where) */
    must(f->wr_len == 0 && f->len == 0 && !f->quoted && !f->escaped);
    must(f->wr_off >= f->raw_off && f->wr_off <= f->raw_off + f->raw_len);
    must(f->off == f->wr_off);
    return;
  }
  must(f->wr_off == p && f->wr_off + f->wr_len == q);
  must(f->wr_len <= XB_CSV_MAX_FIELD_BYTES);
  if (p < q && in[p] == '"') {
    must(f->quoted);
    must(q - p >= 2 && in[q - 1] == '"');
    size_t a = p + 1, b = q - 1;
    while (a < b && blank(in[a])) a++;
    while (b > a && blank(in[b - 1])) b--;
    must(f->off == a && f->len == b - a);
    size_t quotes = 0;
    for (size_t i = a; i < b; i++) {
      must(in[i] != '\r' && in[i] != '\n');
      if (in[i] == '"') {
        must(i + 1 < b && in[i + 1] == '"'); /* only doubled quotes inside */
        quotes++;
        i++;
      }
    }
    must(f->escaped == (quotes > 0));
    must(xb_csv_decoded_size(in, b, a, b - a) == (b - a) - quotes);
  } else {
    must(!f->quoted && !f->escaped);
    must(f->off == p && f->len == q - p);
    for (size_t i = p; i < q; i++) must(in[i] != '"' && in[i] != '\r' && in[i] != '\n');
  }
}

static void check_tokenizer(const uint8_t *in, size_t len) {
  static xb_csv_field f[XB_CSV_MAX_FIELDS];
  xb_csv_error err;
  xb_csv_status st = xb_csv_check_payload(in, len, &err);
  must(st == XB_CSV_OK || st == XB_CSV_SYNTAX);
  must(xb_csv_utf8_prefix(in, len) <= len);
  if (st != XB_CSV_OK) {
    must(err.off <= len && err.line >= 1 && err.col >= 1);
    return;
  }
  xb_csv_cursor cur = {0, 1};
  size_t last = 0;
  for (;;) {
    xb_csv_record rec;
    size_t before = cur.pos;
    st = xb_csv_next_record(in, len, &cur, f, XB_CSV_MAX_FIELDS, &rec, &err);
    if (st == XB_CSV_END) {
      for (size_t i = before; i < len; i++) must(blank(in[i]) || in[i] == '\n' || in[i] == '\r');
      break;
    }
    if (st != XB_CSV_OK) {
      must(st == XB_CSV_SYNTAX && err.off <= len && err.line >= 1 && err.col >= 1);
      break;
    }
    must(cur.pos > before && cur.pos <= len);
    must(rec.off >= before && rec.len >= 1 && rec.off + rec.len <= len);
    must(rec.line > last || last == 0);
    last = rec.line;
    for (size_t i = before; i < rec.off; i++) must(blank(in[i]) || in[i] == '\n' || in[i] == '\r');
    bool nonblank = false;
    for (size_t i = rec.off; i < rec.off + rec.len; i++) {
      must(in[i] != '\n' && in[i] != '\r');
      nonblank = nonblank || !blank(in[i]);
    }
    must(nonblank);
    size_t s[XB_CSV_MAX_FIELDS], e[XB_CSV_MAX_FIELDS];
    size_t n = naive_pieces(in, rec.off, rec.off + rec.len, s, e, XB_CSV_MAX_FIELDS);
    must(n == rec.nfields && n >= 1 && n <= XB_CSV_MAX_FIELDS);
    for (size_t k = 0; k < n; k++) {
      must(f[k].raw_off == s[k] && f[k].raw_off + f[k].raw_len == e[k]);
      check_field(in, &f[k]);
    }
  }
}

/* ------------------------------------------------------------------ shapes */

typedef struct {
  uint8_t *p;
  size_t len;
} out_buf;

static void put(out_buf *o, const void *s, size_t n) {
  must(o->len + n <= OUT_CAP);
  memcpy(o->p + o->len, s, n);
  o->len += n;
}

/* XB-CSV-2: bare unless empty or holding , " CR LF, or starting/ending with a blank,
 * or starting with U+FEFF (else read back as a byte order mark, XB-CSV-14). */
static void put_value(out_buf *o, const uint8_t *v, size_t n) {
  bool q = n == 0 || blank(v[0]) || blank(v[n - 1]) ||
           (n >= 3 && v[0] == 0xEF && v[1] == 0xBB && v[2] == 0xBF);
  for (size_t i = 0; i < n && !q; i++) q = v[i] == ',' || v[i] == '"' || v[i] == '\r' || v[i] == '\n';
  if (!q) {
    put(o, v, n);
    return;
  }
  put(o, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    put(o, &v[i], 1);
    if (v[i] == '"') put(o, "\"", 1);
  }
  put(o, "\"", 1);
}

static size_t value_of(const uint8_t *in, size_t len, const xb_csv_entry *e, uint8_t *buf) {
  size_t sz = xb_csv_decode(in, len, e->val_off, e->val_len, buf, 256);
  must(sz == e->val_size && sz <= 255);
  return sz;
}

static void render(const uint8_t *in, size_t len, xb_csv_shape sh, const xb_csv_entry *e,
                   size_t n, out_buf *o) {
  uint8_t v[256];
  for (size_t k = 0; k < n; k++) {
    size_t vn = value_of(in, len, &e[k], v);
    if (sh == XB_CSV_V1_FEED) {
      if (k > 0) put(o, ",", 1);
      put_value(o, v, vn);
      continue;
    }
    if (k > 0) put(o, "\n", 1);
    if (sh == XB_CSV_FEED || sh == XB_CSV_DATASTREAMS) {
      put(o, in + e[k].id_off, e[k].id_len);
      put(o, ",", 1);
    }
    if (e[k].has_at) {
      uint8_t ts[XB_ISO8601_CANON_LEN];
      must(xb_iso8601_format(e[k].at, ts, sizeof ts) == XB_ISO8601_CANON_LEN);
      put(o, ts, sizeof ts);
      put(o, ",", 1);
    }
    put_value(o, v, vn);
  }
}

static void check_entries(const uint8_t *in, size_t len, xb_csv_shape sh, const xb_csv_entry *e,
                          size_t n) {
  must(n >= 1 && n <= MAX_ENTRIES);
  for (size_t k = 0; k < n; k++) {
    must(e[k].val_off <= len && e[k].val_len <= len - e[k].val_off);
    must(e[k].val_size <= 255 && e[k].val_size <= e[k].val_len);
    for (size_t i = e[k].val_off; i < e[k].val_off + e[k].val_len; i++)
      must(in[i] >= 0x20 && in[i] != 0x7F);
    if (e[k].has_at) must(e[k].at >= 0 && e[k].at <= XB_ISO8601_MAX_US);
    if (sh == XB_CSV_FEED || sh == XB_CSV_DATASTREAMS) {
      must(e[k].id_len >= 1 && e[k].id_len <= 64 && e[k].id_off + e[k].id_len <= len);
      for (size_t i = 0; i < e[k].id_len; i++) {
        uint8_t c = in[e[k].id_off + i];
        must((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_');
      }
      /* XB-CSV-25 */
      for (size_t j = 0; j < k; j++) {
        if (e[j].id_len == e[k].id_len &&
            memcmp(in + e[j].id_off, in + e[k].id_off, e[k].id_len) == 0)
          must(e[j].has_at && e[k].has_at);
      }
    } else {
      must(e[k].id_len == 0);
    }
    if (sh == XB_CSV_DATAPOINTS) must(e[k].has_at);
    if (sh == XB_CSV_DATASTREAM && n > 1) must(e[k].has_at);
    if (sh == XB_CSV_V1_FEED) must(e[k].index == k);
  }
  if (sh == XB_CSV_DATAPOINT || sh == XB_CSV_V1_DATASTREAM) must(n == 1);
}

static void check_shape(const uint8_t *in, size_t len, xb_csv_shape sh) {
  static xb_csv_entry e[MAX_ENTRIES], e2[MAX_ENTRIES];
  static uint8_t outp[OUT_CAP];
  size_t n = 0;
  xb_csv_error err;
  xb_csv_status st = xb_csv_parse(in, len, sh, e, MAX_ENTRIES, &n, &err);
  must(st == XB_CSV_OK || st == XB_CSV_SYNTAX || st == XB_CSV_INVALID ||
       st == XB_CSV_TOO_MANY_VALUES);
  if (st != XB_CSV_OK) {
    must(n == 0);
    must(err.off <= len && err.line >= 1 && err.col >= 1 && err.reason != XB_CSV_R_NONE);
    return;
  }
  check_entries(in, len, sh, e, n);
  /* differential round trip: canonical rendering parses to the same entries */
  out_buf o = {outp, 0};
  render(in, len, sh, e, n, &o);
  size_t n2 = 0;
  st = xb_csv_parse(o.p, o.len, sh, e2, MAX_ENTRIES, &n2, &err);
  must(st == XB_CSV_OK && n2 == n);
  uint8_t a[256], b[256];
  for (size_t k = 0; k < n; k++) {
    must(e[k].has_at == e2[k].has_at);
    if (e[k].has_at) must(e[k].at == e2[k].at);
    must(e[k].id_len == e2[k].id_len);
    must(memcmp(in + e[k].id_off, o.p + e2[k].id_off, e[k].id_len) == 0);
    size_t an = value_of(in, len, &e[k], a);
    size_t bn = value_of(o.p, o.len, &e2[k], b);
    must(an == bn && memcmp(a, b, an) == 0);
    must(e[k].index == e2[k].index || sh != XB_CSV_V1_FEED);
  }
}

/* ------------------------------------------------------------------ timestamps */

static void check_time(const uint8_t *in, size_t len) {
  for (size_t n = 0; n <= len && n <= 40; n++) {
    int64_t us = -1;
    if (!xb_iso8601_parse(in, n, &us)) continue;
    must(us >= 0 && us <= XB_ISO8601_MAX_US && n >= 20 && n <= 32);
    uint8_t out[XB_ISO8601_CANON_LEN];
    must(xb_iso8601_format(us, out, sizeof out) == sizeof out);
    int64_t back = -1;
    must(xb_iso8601_parse(out, sizeof out, &back) && back == us);
    if (n == sizeof out && in[19] == '.' && in[26] == 'Z') must(memcmp(out, in, n) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536) return 0; /* the payload limit (XB-LIM-2): larger is never parsed */
  /* an exact-size copy, so ASan catches any read past the payload */
  uint8_t *in = malloc(size ? size : 1);
  if (in == NULL) return 0;
  if (size) memcpy(in, data, size);
  check_tokenizer(in, size);
  for (int sh = XB_CSV_FEED; sh <= XB_CSV_V1_DATASTREAM; sh++) check_shape(in, size, (xb_csv_shape)sh);
  check_time(in, size);
  free(in);
  return 0;
}
