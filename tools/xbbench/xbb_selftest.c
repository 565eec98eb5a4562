/* `xbbench --self-test`: the pieces a wrong measurement would come from (value read
 * back from each representation, payloads, packet framing, percentiles), checked
 * against the renderings of spec/json.md, spec/csv.md and spec/xml.md. bench.sh runs
 * it before measuring anything. */
#include "xbb.h"

#include <stdio.h>
#include <string.h>

static int failures;

static void check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "xbbench self-test: FAILED: %s\n", what);
        failures++;
    }
}

static void value_is(const char *payload, bool found, uint64_t want, const char *what)
{
    uint64_t v = 0;
    bool got = xbb_value_of((const unsigned char *)payload, strlen(payload), &v);
    check(got == found && (!found || v == want), what);
}

static void representations(void)
{
    value_is("{\"id\":\"0\",\"current_value\":\"123456\",\"at\":\"2013-04-23T12:34:56.100000Z\","
             "\"version\":\"1.0.0\"}", true, 123456, "JSON datastream");
    value_is("{ \"current_value\" : 987 }", true, 987, "JSON number with spaces");
    value_is("{\"id\":504,\"datastreams\":[{\"id\":\"0\",\"current_value\":\"42\"},"
             "{\"id\":\"1\",\"current_value\":\"7\"}],\"version\":\"1.0.0\"}", true, 42,
             "JSON feed: first datastream");
    value_is("{\"id\":\"0\",\"version\":\"1.0.0\"}", false, 0, "JSON never written");
    value_is("2013-04-23T12:34:56.100000Z,5551212", true, 5551212, "CSV v2 datastream");
    value_is("0,2013-04-23T12:34:56.100000Z,77\n1,2013-04-23T12:34:56.100000Z,8", true, 77,
             "CSV v2 feed: first record");
    value_is("31337", true, 31337, "CSV v1 datastream");
    value_is("\"31337\"", true, 31337, "CSV quoted value");
    value_is(",\"\"", false, 0, "CSV never written");
    value_is("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<eeml xmlns=\"http://www.eeml.org/xsd/"
             "0.5.1\" version=\"0.5.1\">\n  <environment updated=\"2013-04-23T12:34:56.123456Z\""
             " id=\"504\">\n    <data id=\"0\">\n      <tag>temperature</tag>\n      "
             "<current_value at=\"2013-04-23T12:34:56.100000Z\">21</current_value>\n"
             "    </data>\n  </environment>\n</eeml>", true, 21, "XML datastream");
    value_is("<eeml><environment><data id=\"temp\"/></environment></eeml>", false, 0,
             "XML never written");
    value_is("", false, 0, "empty payload");
}

static void payloads(void)
{
    static const xbb_fmt fmts[] = {XBB_FMT_CSV, XBB_FMT_JSON, XBB_FMT_XML};
    static const xbb_shape shapes[] = {XBB_SHAPE_DATASTREAM, XBB_SHAPE_FEED_V2,
                                       XBB_SHAPE_FEED_V1};
    for (size_t f = 0; f < 3; f++) {
        for (size_t s = 0; s < 3; s++) {
            unsigned char buf[512];
            size_t n = xbb_payload(buf, sizeof buf, fmts[f], shapes[s], 1234567890123u);
            uint64_t v = 0;
            check(n > 0 && xbb_value_of(buf, n, &v) && v == 1234567890123u,
                  "payload written is read back");
            check(xbb_payload(buf, 5, fmts[f], shapes[s], 1234567890123u) == 0,
                  "payload refused when it does not fit");
        }
    }
    check(xbb_shape_of_topic("/v2/feeds/1/datastreams/0.csv") == XBB_SHAPE_DATASTREAM &&
          xbb_shape_of_topic("/v2/feeds/1.csv") == XBB_SHAPE_FEED_V2 &&
          xbb_shape_of_topic("KEYKEYKEYKEYKEYKEY/v1/feeds/1.csv") == XBB_SHAPE_FEED_V1,
          "topic shapes");
}

static void packets(void)
{
    unsigned char buf[512];
    unsigned char payload[200];
    memset(payload, 'x', sizeof payload);
    /* 2 + 7 + 200 = 209 bytes remaining: a two-byte remaining length */
    size_t n = xbb_enc_publish(buf, sizeof buf, "a/b/c/d", 7, true, payload, sizeof payload);
    unsigned char hdr = 0;
    const unsigned char *body = NULL;
    size_t body_len = 0;
    check(n == 1 + 2 + 209 && buf[0] == 0x31 && buf[1] == (209 % 128 + 128) && buf[2] == 1,
          "PUBLISH header and remaining length");
    check(xbb_packet(buf, n, 4096, &hdr, &body, &body_len) == n && hdr == 0x31 &&
          body_len == 209 && body[0] == 0 && body[1] == 7 && memcmp(body + 2, "a/b/c/d", 7) == 0,
          "PUBLISH framed back");
    check(xbb_packet(buf, n - 1, 4096, &hdr, &body, &body_len) == 0, "incomplete packet waits");
    check(xbb_packet(buf, 2, 4096, &hdr, &body, &body_len) == 0, "incomplete length waits");
    check(xbb_packet(buf, n, 100, &hdr, &body, &body_len) == SIZE_MAX, "oversized refused");
    static const unsigned char five[] = {0x30, 0xff, 0xff, 0xff, 0xff, 0x01};
    check(xbb_packet(five, sizeof five, SIZE_MAX / 2, &hdr, &body, &body_len) == SIZE_MAX,
          "five length bytes refused");
    n = xbb_enc_connect(buf, sizeof buf, "id", "KEY", 60);
    static const unsigned char connect[] = {0x10, 19, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x82, 0, 60,
                                            0, 2, 'i', 'd', 0, 3, 'K', 'E', 'Y'};
    check(n == sizeof connect && memcmp(buf, connect, n) == 0, "CONNECT bytes");
    n = xbb_enc_subscribe(buf, sizeof buf, 1, "t");
    static const unsigned char sub[] = {0x82, 6, 0, 1, 0, 1, 't', 0};
    check(n == sizeof sub && memcmp(buf, sub, n) == 0, "SUBSCRIBE bytes");
}

static void percentiles(void)
{
    static xbb_hist h;
    for (uint64_t v = 1; v <= 100000; v++) {
        xbb_hist_add(&h, v);
    }
    uint64_t p50 = xbb_hist_quantile(&h, 0.5);
    uint64_t p99 = xbb_hist_quantile(&h, 0.99);
    check(p50 >= 49000 && p50 <= 51000, "p50 of 1..100000");
    check(p99 >= 97500 && p99 <= 100000, "p99 of 1..100000");
    check(xbb_hist_quantile(&h, 1.0) == 100000 && h.max == 100000, "maximum");
    static xbb_hist small;
    xbb_hist_add(&small, 7);
    check(xbb_hist_quantile(&small, 0.999) == 7, "exact below 128 us");
}

int xbb_selftest(void)
{
    failures = 0;
    representations();
    payloads();
    packets();
    percentiles();
    if (failures == 0) {
        printf("xbbench self-test: ok\n");
    }
    return failures == 0 ? 0 : 1;
}
