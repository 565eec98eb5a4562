/*
 * xb_csv.h — the CSV write parser of xbridge (spec/csv.md §3 and §4, XB-CSV-14..31).
 *
 * Two layers, both pure (no malloc, no globals, no I/O, no recursion, bounded memory:
 * XB-CSV-23), with ACSL contracts for Frama-C/WP: the payload check and the field decoding
 * (xb_csv.c) in proofs/units/csv.mk, the tokenizer (xb_csv_line.c) in csvline.mk, the
 * write shapes (xb_csv_shape.c, xb_csv_parse.c; internal header xb_csv_shape.h) in
 * csvshape.mk:
 *
 *  1. The record tokenizer. xb_csv_check_payload() checks the payload as a whole (no
 *     byte-order mark, well-formed UTF-8: XB-CSV-14); xb_csv_next_record() then walks
 *     the lines (LF or CRLF, XB-CSV-15), skips blank ones (XB-CSV-16) and splits each
 *     other line into fields with xb_csv_split_line() (XB-CSV-17, XB-CSV-18, XB-CSV-20).
 *     A field is reported as spans into the input: its raw piece (the bytes between two
 *     separators, exactly as written) and its content (trimmed; for a quoted field the
 *     bytes between the quotes, trimmed again by XB-CSV-19, doubled quotes left as
 *     written). xb_csv_decode() turns a content span into the field string.
 *
 *  2. The write shapes of §4 (xb_csv_parse): each record becomes an entry {datastream
 *     id span or position, optional timestamp, value span}, validated as spec/resources.md
 *     demands. Syntax errors (400) anywhere in the payload win over content errors (422),
 *     as the check order of XB-RES-86 requires, so the whole payload is always read.
 *
 * Nothing points outside [0, len) and nothing outlives the input.
 */
#ifndef XB_CSV_H
#define XB_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* XB-CSV-20: parser bounds. */
#define XB_CSV_MAX_FIELDS 128u
#define XB_CSV_MAX_FIELD_BYTES 4096u
/* spec/resources.md: values 0..255 bytes, ds-id 1..64 id-chars. */
#define XB_CSV_MAX_VALUE_BYTES 255u
#define XB_CSV_MAX_ID_BYTES 64u

typedef enum {
  XB_CSV_OK = 0,
  XB_CSV_END,            /* xb_csv_next_record: no record left */
  XB_CSV_SYNTAX,         /* 400 `CSV Parser Error` (XB-CSV-14..21, XB-RES-22) */
  XB_CSV_INVALID,        /* 422: a field breaks a rule of spec/resources.md */
  XB_CSV_TOO_MANY_VALUES,/* 422, logged too-many-datapoints (XB-RES-63): entries > cap */
  XB_CSV_BAD_ARGUMENT    /* NULL pointer, bad span or unknown shape (a caller bug) */
} xb_csv_status;

/* Why a payload was refused; xb_csv_reason_text() gives the wording of the detail. */
typedef enum {
  XB_CSV_R_NONE = 0,
  XB_CSV_R_EMPTY,           /* 400 no record at all (XB-CSV-16, XB-RES-22) */
  XB_CSV_R_BOM,             /* 400 byte-order mark (XB-CSV-14) */
  XB_CSV_R_UTF8,            /* 400 ill-formed UTF-8 (XB-CSV-14) */
  XB_CSV_R_CR,              /* 400 CR not followed by LF (XB-CSV-15) */
  XB_CSV_R_LF,              /* 400 LF inside a span given to xb_csv_split_line */
  XB_CSV_R_QUOTE_IN_FIELD,  /* 400 `"` inside an unquoted field (XB-CSV-18) */
  XB_CSV_R_AFTER_QUOTE,     /* 400 text after a closing quote (XB-CSV-18) */
  XB_CSV_R_UNTERMINATED,    /* 400 quote not closed on its line (XB-CSV-18) */
  XB_CSV_R_TOO_MANY_FIELDS, /* 400 more than 128 fields, or than the caller's cap */
  XB_CSV_R_FIELD_TOO_LONG,  /* 400 field over 4096 bytes as written (XB-CSV-20) */
  XB_CSV_R_FIELD_COUNT,     /* 400 field count not allowed for the target (XB-CSV-21) */
  XB_CSV_R_RECORD_COUNT,    /* 400 more than one record where one is allowed */
  XB_CSV_R_BAD_ID,          /* 422 not a ds-id */
  XB_CSV_R_BAD_TIMESTAMP,   /* 422 not a valid timestamp (XB-RES-6) */
  XB_CSV_R_VALUE_TOO_LONG,  /* 422 value over 255 bytes */
  XB_CSV_R_CONTROL_CHAR,    /* 422 control character in a value (XB-RES-3) */
  XB_CSV_R_NEED_TIMESTAMP,  /* 422 XB-CSV-25, XB-CSV-26, XB-CSV-30 */
  XB_CSV_R_TOO_MANY_VALUES, /* 422 more values than the caller's cap (XB-RES-63) */
  XB_CSV_R_ARGUMENT         /* caller bug */
} xb_csv_reason;

/* Where and why; line and column count from 1, the column in bytes (XB-RES-88). */
typedef struct {
  xb_csv_reason reason;
  size_t off;  /* byte offset in the payload */
  size_t line;
  size_t col;
} xb_csv_error;

/* One field of a record. */
typedef struct {
  size_t raw_off; /* the piece between separators (or line ends), exactly as written */
  size_t raw_len;
  size_t wr_off;  /* the field as written: the piece without surrounding blanks */
  size_t wr_len;  /* (quotes included; XB-CSV-20 bounds this length) */
  size_t off;     /* content: = wr for an unquoted field; for a quoted field the bytes */
  size_t len;     /* between the quotes, trimmed of blanks (XB-CSV-19) */
  bool quoted;    /* the field was written in quotes */
  bool escaped;   /* the content holds doubled quotes: decode it (xb_csv_decode) */
} xb_csv_field;

/* One record (a non-blank line). */
typedef struct {
  size_t off;     /* the line, without its LF or CRLF */
  size_t len;
  size_t line;    /* 1-based line number */
  size_t nfields;
} xb_csv_record;

/* Position of xb_csv_next_record in the payload; start with {0, 1}. */
typedef struct {
  size_t pos;   /* first byte of the next line */
  size_t line;  /* its 1-based number */
} xb_csv_cursor;

/* The write targets of spec/csv.md §4. */
typedef enum {
  XB_CSV_FEED = 1,        /* PUT /v2/feeds/F.csv            XB-CSV-24, XB-CSV-25 */
  XB_CSV_DATASTREAMS,     /* POST /v2/feeds/F/datastreams.csv  XB-CSV-29 */
  XB_CSV_DATASTREAM,      /* PUT /v2/feeds/F/datastreams/D.csv XB-CSV-26 */
  XB_CSV_DATAPOINTS,      /* POST .../D/datapoints.csv      XB-CSV-30 */
  XB_CSV_DATAPOINT,       /* PUT .../D/datapoints/T.csv     XB-CSV-31 */
  XB_CSV_V1_FEED,         /* PUT /v1/feeds/F.csv            XB-CSV-27 */
  XB_CSV_V1_DATASTREAM    /* PUT /v1/feeds/F/datastreams/D.csv XB-CSV-28 */
} xb_csv_shape;

/* One value to write. */
typedef struct {
  size_t line;     /* 1-based line of its record */
  size_t index;    /* v1 feed: the position k (datastream id "k"); else the record number */
  size_t id_off;   /* FEED, DATASTREAMS: the datastream id (a valid ds-id) */
  size_t id_len;   /* 0 for the other shapes (the topic names the datastream) */
  size_t val_off;  /* value content span (as xb_csv_field.off/len) */
  size_t val_len;
  size_t val_size; /* bytes of the decoded value (<= 255) */
  int64_t at;      /* microseconds since 1970-01-01T00:00:00Z when has_at */
  bool has_at;     /* false: the request time applies (XB-CSV-22) */
  bool val_escaped;/* decode the value with xb_csv_decode */
} xb_csv_entry;

/*@
  // ------------------------------------------------------------ record syntax
  // The state of XB-CSV-17/18 after reading a line's bytes lo .. p-1:
  //   0 start of a field (only blanks so far)   1 unquoted field
  //   2 inside quotes                           3 a quote inside quotes: closing or doubled
  //   4 after a closing quote (only blanks)     5 error (absorbing)
  // CR and LF are errors everywhere: a line never holds its terminator (XB-CSV-15).
  predicate xb_csv_blank(integer c) = c == 32 || c == 9;

  logic integer xb_csv_step(integer s, integer c) =
    (c == 13 || c == 10) ? 5
    : s == 0 ? ((c == 32 || c == 9 || c == 44) ? 0 : c == 34 ? 2 : 1)
    : s == 1 ? (c == 44 ? 0 : c == 34 ? 5 : 1)
    : s == 2 ? (c == 34 ? 3 : 2)
    : s == 3 ? (c == 34 ? 2 : c == 44 ? 0 : (c == 32 || c == 9) ? 4 : 5)
    : s == 4 ? (c == 44 ? 0 : (c == 32 || c == 9) ? 4 : 5)
    : 5;

  // xb_csv_st and xb_csv_nsep are defined by primitive recursion on p >= lo (a base
  // case at lo, one step from p to p + 1), so the axioms below are consistent: they
  // describe exactly one function on p >= lo. They are written as an axiomatic rather
  // than as recursive definitions because the step axiom, guarded by p < q <= p + 1
  // (that is q == p + 1, written so that WP keeps q as a variable), is only
  // instantiated for pairs of positions a goal already mentions; a recursive definition
  // lets the SMT solvers unfold p, p - 1, p - 2, ... without end.
  axiomatic XbCsvState {
    logic integer xb_csv_st{L}(uint8_t *in, integer lo, integer p) reads in[lo .. p - 1];
    axiom xb_csv_st_lo{L}: \forall uint8_t *in, integer lo; xb_csv_st(in, lo, lo) == 0;
    axiom xb_csv_st_next{L}: \forall uint8_t *in, integer lo, p, q;
      lo <= p && p < q && q <= p + 1 ==> xb_csv_st(in, lo, q) == xb_csv_step(xb_csv_st(in, lo, p), in[p]);
  }

  // A separator: a comma read outside quotes (XB-CSV-17).
  predicate xb_csv_sep{L}(uint8_t *in, integer lo, integer p) =
    in[p] == 44 && xb_csv_st(in, lo, p) != 2 && xb_csv_st(in, lo, p) != 5;

  // Separators among lo .. p-1 (same scheme as xb_csv_st).
  axiomatic XbCsvSeps {
    logic integer xb_csv_nsep{L}(uint8_t *in, integer lo, integer p) reads in[lo .. p - 1];
    axiom xb_csv_nsep_lo{L}: \forall uint8_t *in, integer lo; xb_csv_nsep(in, lo, lo) == 0;
    axiom xb_csv_nsep_next{L}: \forall uint8_t *in, integer lo, p, q;
      lo <= p && p < q && q <= p + 1 ==>
        xb_csv_nsep(in, lo, q) == xb_csv_nsep(in, lo, p)
          + ((in[p] == 44 && xb_csv_st(in, lo, p) != 2 && xb_csv_st(in, lo, p) != 5) ? 1 : 0);
  }

  // The line lo .. hi-1 is well-formed: no error state, no quote left open (XB-CSV-18).
  predicate xb_csv_line_ok{L}(uint8_t *in, integer lo, integer hi) =
    xb_csv_st(in, lo, hi) != 2 && xb_csv_st(in, lo, hi) != 5;

  predicate xb_csv_all_blank{L}(uint8_t *in, integer a, integer b) =
    \forall integer p; a <= p < b ==> xb_csv_blank(in[p]);

  predicate xb_csv_no_lf{L}(uint8_t *in, integer a, integer b) =
    \forall integer p; a <= p < b ==> in[p] != 10;

  // A reported field is the trimmed, unquoted reading of its piece (XB-CSV-17..20):
  // blanks only around the written text, which starts and ends with a non-blank; a
  // quoted field is written between quotes and its content is the inside, trimmed; an
  // unescaped content holds no quote. Stated on the eight members of an xb_csv_field
  // (raw_off, raw_len, wr_off, wr_len, off, len, quoted, escaped) so that the same text
  // serves a field value (xb_csv_field_ok) and an array element (xb_csv_piece_at): for
  // WP an array element read member by member, not as a whole record.
  predicate xb_csv_field_m{L}(uint8_t *in, integer raw_off, integer raw_len, integer wr_off,
                              integer wr_len, integer off, integer len, integer quoted,
                              integer escaped) =
    raw_off <= wr_off && wr_off + wr_len <= raw_off + raw_len
    && wr_len <= 4096
    && xb_csv_all_blank(in, raw_off, wr_off)
    && xb_csv_all_blank(in, wr_off + wr_len, raw_off + raw_len)
    && (wr_len > 0 ==> !xb_csv_blank(in[wr_off]) && !xb_csv_blank(in[wr_off + wr_len - 1]))
    && (quoted != 0 ==>
          wr_len >= 2 && in[wr_off] == 34 && in[wr_off + wr_len - 1] == 34
          && wr_off + 1 <= off && off + len <= wr_off + wr_len - 1
          && xb_csv_all_blank(in, wr_off + 1, off)
          && xb_csv_all_blank(in, off + len, wr_off + wr_len - 1)
          && (len > 0 ==> !xb_csv_blank(in[off]) && !xb_csv_blank(in[off + len - 1])))
    && (quoted == 0 ==> off == wr_off && len == wr_len && escaped == 0)
    && (escaped == 0 ==> \forall integer p; off <= p < off + len ==> in[p] != 34);

  predicate xb_csv_field_ok{L}(uint8_t *in, xb_csv_field f) =
    xb_csv_field_m(in, f.raw_off, f.raw_len, f.wr_off, f.wr_len, f.off, f.len, f.quoted,
                   f.escaped);

  // The piece raw_off .. raw_off+raw_len-1 lies in the line lo .. hi-1 and holds no
  // separator.
  predicate xb_csv_in_piece{L}(uint8_t *in, integer lo, integer hi, integer raw_off,
                               integer raw_len) =
    lo <= raw_off && raw_off + raw_len <= hi
    && \forall integer p; raw_off <= p < raw_off + raw_len ==> !xb_csv_sep(in, lo, p);

  // f is a piece of the line lo .. hi-1: inside it, holding no separator, and read as
  // xb_csv_field_ok says.
  predicate xb_csv_piece{L}(uint8_t *in, integer lo, integer hi, xb_csv_field f) =
    xb_csv_in_piece(in, lo, hi, f.raw_off, f.raw_len) && xb_csv_field_ok(in, f);

  // A piece raw_off .. raw_off+raw_len-1 of the line that starts at lo ends at a
  // separator and the next piece starts at next_off, just after it.
  predicate xb_csv_adj{L}(uint8_t *in, integer lo, integer raw_off, integer raw_len,
                          integer next_off) =
    xb_csv_sep(in, lo, raw_off + raw_len) && next_off == raw_off + raw_len + 1;

  // fields[0 .. n-1] are exactly the pieces of the line lo .. hi-1: the first starts at
  // lo, the last ends at hi, consecutive pieces are separated by exactly one separator,
  // no piece holds a separator, so n is the number of separators plus one; each is read
  // as xb_csv_field_ok says (xb_csv_piece(in, lo, hi, fields[k]), spelt out member by
  // member so that the provers instantiate the quantifiers on the array accesses).
  predicate xb_csv_pieces{L}(uint8_t *in, integer lo, integer hi, xb_csv_field *fields,
                             integer n) =
    1 <= n && n == xb_csv_nsep(in, lo, hi) + 1
    && fields[0].raw_off == lo
    && fields[n - 1].raw_off + fields[n - 1].raw_len == hi
    && (\forall integer k; 0 <= k < n - 1 ==>
          xb_csv_adj(in, lo, fields[k].raw_off, fields[k].raw_len, fields[k + 1].raw_off))
    && (\forall integer k; 0 <= k < n ==>
          xb_csv_in_piece(in, lo, hi, fields[k].raw_off, fields[k].raw_len)
          && xb_csv_field_m(in, fields[k].raw_off, fields[k].raw_len, fields[k].wr_off,
                            fields[k].wr_len, fields[k].off, fields[k].len,
                            fields[k].quoted, fields[k].escaped));

  // Some field of the line lo .. hi-1 is longer than XB-CSV-20 allows as written: a text
  // a .. b-1 without separator, over 4096 bytes, starting and ending with a non-blank.
  predicate xb_csv_overlong{L}(uint8_t *in, integer lo, integer hi) =
    \exists integer a, b; lo <= a < b <= hi && b - a > XB_CSV_MAX_FIELD_BYTES
      && !xb_csv_blank(in[a]) && !xb_csv_blank(in[b - 1])
      && \forall integer p; a <= p < b ==> !xb_csv_sep(in, lo, p);

  // id-char of spec/topics.md.
  predicate xb_csv_idchar(integer c) =
    ('A' <= c <= 'Z') || ('a' <= c <= 'z') || ('0' <= c <= '9') || c == '-' || c == '_';
  predicate xb_csv_dsid{L}(uint8_t *in, integer off, integer n) =
    1 <= n <= 64 && \forall integer p; off <= p < off + n ==> xb_csv_idchar(in[p]);
*/

/* Wording of a reason (a short English phrase for the error detail, XB-RES-88). */
const char *xb_csv_reason_text(xb_csv_reason r);

/* The engine's result code for a status: 200 (OK, END), 400, 422, 500 (BAD_ARGUMENT). */
int xb_csv_http_status(xb_csv_status st);

/*
 * Length of the longest prefix of in[0 .. len-1] made of complete well-formed UTF-8
 * sequences (RFC 3629: no overlong form, no surrogate, nothing above U+10FFFF): len when
 * the whole input is UTF-8, else the offset of the first bad sequence.
 */
size_t xb_csv_utf8_prefix(const uint8_t *in, size_t len);

/*
 * XB-CSV-14: OK, or SYNTAX with err set (BOM at offset 0, first ill-formed byte).
 * BAD_ARGUMENT when in is NULL and len > 0.
 */
xb_csv_status xb_csv_check_payload(const uint8_t *in, size_t len, xb_csv_error *err);

/*
 * Split the line in[lo .. hi-1] (no terminator) into at most cap fields (and at most
 * XB_CSV_MAX_FIELDS). `line` is its number, only used for err. OK with *nfields set, or
 * SYNTAX with err set (no field count guaranteed).
 */
xb_csv_status xb_csv_split_line(const uint8_t *in, size_t len, size_t lo, size_t hi,
                                size_t line, xb_csv_field *fields, size_t cap,
                                size_t *nfields, xb_csv_error *err);

/*
 * The next record at or after cur->pos: OK (rec and fields set, cursor moved past the
 * line), END (no non-blank line left), SYNTAX (err set). The payload must have passed
 * xb_csv_check_payload (this function does not look at UTF-8).
 */
xb_csv_status xb_csv_next_record(const uint8_t *in, size_t len, xb_csv_cursor *cur,
                                 xb_csv_field *fields, size_t cap, xb_csv_record *rec,
                                 xb_csv_error *err);

/* The size of the field string of a content span (see xb_csv_decode); writes nothing. */
size_t xb_csv_decoded_size(const uint8_t *in, size_t len, size_t off, size_t n);

/*
 * The field string of a content span in[off .. off+n-1]: each doubled quote `""` stands
 * for one `"`. Returns the decoded size; writes out[0 .. size-1] only when out != NULL
 * and size <= cap (call with out NULL to size the buffer first).
 */
size_t xb_csv_decode(const uint8_t *in, size_t len, size_t off, size_t n, uint8_t *out,
                     size_t cap);

/*
 * Parse a whole write payload for a target shape. On OK, entries[0 .. *n-1] hold the
 * values in payload order (*n >= 1). Otherwise *n is 0 or the entries written so far,
 * and err says why: SYNTAX (400) if any line is malformed or has a wrong field count,
 * else INVALID or TOO_MANY_VALUES (422) for the first offending record. cap is the
 * request's max-datapoints (XB-RES-63): more values than cap is TOO_MANY_VALUES.
 */
xb_csv_status xb_csv_parse(const uint8_t *in, size_t len, xb_csv_shape shape,
                           xb_csv_entry *entries, size_t cap, size_t *n,
                           xb_csv_error *err);

#endif
