/* Write payloads in the three API formats, and the value read back from a delivery.
 *
 * The embedded value is the send time in microseconds: a plain decimal survives the
 * bridge's re-rendering (values are stored and rendered as text), so the subscriber
 * finds it in the representation whatever the format it subscribed in. */
#include "xbb.h"

#include <stdio.h>
#include <string.h>

int xbb_fmt_from_name(const char *name, xbb_fmt *out)
{
    if (strcmp(name, "csv") == 0) {
        *out = XBB_FMT_CSV;
    } else if (strcmp(name, "json") == 0) {
        *out = XBB_FMT_JSON;
    } else if (strcmp(name, "xml") == 0) {
        *out = XBB_FMT_XML;
    } else {
        return -1;
    }
    return 0;
}

const char *xbb_fmt_name(xbb_fmt f)
{
    return f == XBB_FMT_CSV ? "csv" : f == XBB_FMT_JSON ? "json" : "xml";
}

xbb_shape xbb_shape_of_topic(const char *topic)
{
    if (strstr(topic, "/datastreams/") != NULL) {
        return XBB_SHAPE_DATASTREAM;
    }
    if (strstr(topic, "v1/") != NULL) {
        return XBB_SHAPE_FEED_V1;
    }
    return XBB_SHAPE_FEED_V2;
}

static size_t put(unsigned char *buf, size_t cap, size_t at, const char *s)
{
    size_t n = strlen(s);
    if (at == SIZE_MAX || n > cap - at) {
        return SIZE_MAX;
    }
    memcpy(buf + at, s, n);
    return at + n;
}

size_t xbb_payload(unsigned char *buf, size_t cap, xbb_fmt f, xbb_shape s, uint64_t value)
{
    char v[24];
    (void)snprintf(v, sizeof v, "%llu", (unsigned long long)value);
    size_t n = 0;
    switch (f) {
    case XBB_FMT_CSV:
        /* XB-CSV-26 datastream record `value`; XB-CSV-24 feed record `id,value`;
         * XB-CSV-27 v1 feed: field 0 is datastream "0". */
        n = put(buf, cap, n, s == XBB_SHAPE_FEED_V2 ? "0," : "");
        n = put(buf, cap, n, v);
        break;
    case XBB_FMT_JSON:
        if (s == XBB_SHAPE_DATASTREAM) {
            n = put(buf, cap, n, "{\"current_value\":\"");
            n = put(buf, cap, n, v);
            n = put(buf, cap, n, "\"}");
        } else {
            n = put(buf, cap, n,
                    "{\"version\":\"1.0.0\",\"datastreams\":[{\"id\":\"0\",\"current_value\":\"");
            n = put(buf, cap, n, v);
            n = put(buf, cap, n, "\"}]}");
        }
        break;
    case XBB_FMT_XML:
        /* XB-XML-40: the id of a datastream update's `data` is ignored. */
        n = put(buf, cap, n, s == XBB_SHAPE_DATASTREAM
                ? "<eeml><environment><data><current_value>"
                : "<eeml><environment><data id=\"0\"><current_value>");
        n = put(buf, cap, n, v);
        n = put(buf, cap, n, "</current_value></data></environment></eeml>");
        break;
    }
    return n == SIZE_MAX ? 0 : n;
}

static bool digits(const unsigned char *p, const unsigned char *end, uint64_t *value)
{
    uint64_t v = 0;
    size_t n = 0;
    while (p < end && *p >= '0' && *p <= '9' && n < 19) {
        v = v * 10u + (uint64_t)(*p - '0');
        p++;
        n++;
    }
    if (n == 0) {
        return false;
    }
    *value = v;
    return true;
}

static const unsigned char *find(const unsigned char *p, const unsigned char *end,
                                 const char *needle)
{
    size_t n = strlen(needle);
    while ((size_t)(end - p) >= n) {
        const unsigned char *q = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (q == NULL) {
            return NULL;
        }
        if (memcmp(q, needle, n) == 0) {
            return q + n;
        }
        p = q + 1;
    }
    return NULL;
}

static const unsigned char *skip_ws(const unsigned char *p, const unsigned char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
    }
    return p;
}

bool xbb_value_of(const unsigned char *p, size_t n, uint64_t *value)
{
    const unsigned char *end = p + n;
    const unsigned char *q = skip_ws(p, end);
    if (q < end && *q == '{') {
        /* a datastream, or the first datastream of a feed */
        q = find(q, end, "\"current_value\"");
        if (q == NULL) {
            return false;
        }
        q = skip_ws(q, end);
        if (q == end || *q != ':') {
            return false;
        }
        q = skip_ws(q + 1, end);
        if (q < end && *q == '"') {
            q++;
        }
        return digits(q, end, value);
    }
    if (q < end && *q == '<') {
        q = find(q, end, "<current_value");
        if (q == NULL) {
            return false;
        }
        q = memchr(q, '>', (size_t)(end - q));
        return q != NULL && digits(q + 1, end, value);
    }
    /* CSV: the value is the last field of the first record (`V`, `at,V`, `id,at,V`) */
    const unsigned char *eol = memchr(q, '\n', (size_t)(end - q));
    if (eol == NULL) {
        eol = end;
    }
    const unsigned char *f = eol;
    while (f > q && f[-1] != ',') {
        f--;
    }
    if (f < eol && *f == '"') {
        f++;
    }
    return digits(f, eol, value);
}

/* ------------------------------------------------------------------ histogram */
/* Log-linear buckets: exact below 128 us, then 64 buckets per power of two. */
static size_t bucket_of(uint64_t v)
{
    if (v < 128u) {
        return (size_t)v;
    }
    unsigned e = 63u - (unsigned)__builtin_clzll(v);   /* 7 .. 63 */
    if (e > 46u) {
        return XBB_HIST_BUCKETS - 1;
    }
    size_t sub = (size_t)((v >> (e - 6u)) & 63u);
    return 128u + (e - 7u) * 64u + sub;
}

static uint64_t bucket_value(size_t b)
{
    if (b < 128u) {
        return (uint64_t)b;
    }
    size_t e = (b - 128u) / 64u + 7u;
    uint64_t sub = (uint64_t)((b - 128u) % 64u) + 64u;
    return sub << (e - 6u);
}

void xbb_hist_add(xbb_hist *h, uint64_t us)
{
    h->count[bucket_of(us)]++;
    h->n++;
    if (us > h->max) {
        h->max = us;
    }
}

uint64_t xbb_hist_quantile(const xbb_hist *h, double q)
{
    if (h->n == 0) {
        return 0;
    }
    uint64_t rank = (uint64_t)(q * (double)h->n);
    if (rank >= h->n - 1) {
        return h->max;
    }
    uint64_t seen = 0;
    for (size_t b = 0; b < XBB_HIST_BUCKETS; b++) {
        seen += h->count[b];
        if (seen > rank) {
            uint64_t v = bucket_value(b);
            return v < h->max ? v : h->max;
        }
    }
    return h->max;
}
