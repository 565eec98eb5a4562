/*
 * Area "formats-csv": CSV v2 and v1 output byte for byte (spec/csv.md §1, §2), the
 * accepted CSV writes (§3, §4) and malformed or invalid CSV without effect. The v1
 * topics (CSV only) are checked here too.
 */
#include <stdio.h>
#include <string.h>

#include "cf_check.h"
#include "cf_t_canon.h"

#define FX cf_fx

static const char *canon(const char *suffix) { return cf_fmt("/v2/feeds/%s%s", FX.feed_canon, suffix); }

static void expect_read(const char *topic, const char *want, const char *what) {
  char *s = cf_read(NULL, topic);
  if (s == NULL) cf_fail("%s: nothing delivered for %s", what, topic);
  CF_EXPECT_STR(what, want, s);
}

START_TEST(datastream_csv) {
  cf_canon_write();
  expect_read(canon("/datastreams/0.csv"), "2013-04-23T12:34:56.100000Z,21.5", "the CSV of the datastream");
  expect_read(canon("/datastreams/0"), CF_CANON_DS0_JSON_BODY ",\"version\":\"1.0.0\"}",
              "the same datastream without suffix (JSON)");
}
END_TEST

START_TEST(never_written_csv) {
  expect_read(cf_fmt("/v2/feeds/%s/datastreams/%s.csv", FX.feed_public, FX.ds_never), ",\"\"",
              "the CSV of a never-written datastream");
  expect_read(cf_fmt("/v1/feeds/%s/datastreams/%s.csv", FX.feed_public, FX.ds_never), "\"\"",
              "the v1 CSV of a never-written datastream");
}
END_TEST

START_TEST(feed_csv) {
  cf_canon_write();
  expect_read(canon(".csv"), "0,2013-04-23T12:34:56.100000Z,21.5\ntemp,,\"\"", "the CSV of the feed");
  expect_read(canon(".csv?datastreams=temp"), "temp,,\"\"", "the CSV of the feed restricted to temp");
}
END_TEST

START_TEST(history_csv) {
  cf_canon_write();
  const char *q = "?start=2013-04-23T12:30:00Z&end=2013-04-23T12:40:00Z";
  expect_read(canon(cf_fmt(".csv%s", q)),
              "0,2013-04-23T12:30:00.000000Z,21.4\n0,2013-04-23T12:34:56.100000Z,21.5",
              "the CSV of the feed history");
  expect_read(canon(cf_fmt("/datastreams/0.csv%s", q)),
              "2013-04-23T12:30:00.000000Z,21.4\n2013-04-23T12:34:56.100000Z,21.5",
              "the CSV of the datastream history");
  expect_read(canon("/datastreams/0.csv?start=2013-04-23T13:00:00Z&end=2013-04-23T13:10:00Z"), "",
              "the CSV of a datastream history without datapoints (empty payload)");
  expect_read(canon(".csv?start=2013-04-23T13:00:00Z&end=2013-04-23T13:10:00Z"), "",
              "the CSV of a feed history without datapoints (empty payload)");
}
END_TEST

START_TEST(datapoints_csv) {
  cf_canon_write();
  expect_read(canon("/datastreams/0/datapoints/2013-04-23T12:34:56.100000Z.csv"),
              "2013-04-23T12:34:56.100000Z,21.5", "the CSV of a datapoint");
  expect_read(canon("/datastreams/0/datapoints.csv"), "", "the CSV of an empty datapoints collection");
}
END_TEST

START_TEST(v1_reads_and_stream) {
  cf_canon_write();
  expect_read(cf_fmt("/v1/feeds/%s/datastreams/0.csv", FX.feed_canon), "21.5", "the v1 CSV of the datastream");
  expect_read(cf_fmt("/v1/feeds/%s.csv", FX.feed_canon), "21.5,\"\"", "the v1 CSV of the feed");
  const char *t = cf_fmt("/v1/feeds/%s/datastreams/%s.csv", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  (void)cf_sub_state(c, t);
  char *v = cf_uvalue("v1");
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private2),
             cf_fmt("{\"current_value\":\"%s\"}", v), 1);
  cf_pkt p;
  cf_expect_delivery(c, t, 0, &p, "for a v1 datastream subscription after a write");
  CF_EXPECT_STR("the v1 notification", v, p.payload);
  cf_pkt_free(&p);
  cf_disconnect(c);
}
END_TEST

/* Write value (as a JSON string) to ds_private2 and read its v2 CSV: `at,field`. */
START_TEST(quoting) {
  static const struct {
    const char *json, *csv;
  } cases[] = {{"\"21.5\"", "21.5"}, {"\"on, high\"", "\"on, high\""},
               {"\"say \\\"hi\\\"\"", "\"say \"\"hi\"\"\""}, {"\"\"", "\"\""},
               {"25.0", "25.0"}};
  const char *jt = cf_fmt("/v2/feeds/%s/datastreams/%s.json", FX.feed_private, FX.ds_private2);
  const char *ct = cf_fmt("/v2/feeds/%s/datastreams/%s.csv", FX.feed_private, FX.ds_private2);
  cf_conn *c = cf_client("A", FX.key_master);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    cf_publish(c, jt, cf_fmt("{\"current_value\":%s}", cases[i].json), 1);
    char *s = cf_read(FX.key_master, ct);
    if (s == NULL) cf_fail("nothing delivered for %s", ct);
    char *comma = strchr(s, ',');
    if (comma == NULL || !cf_is_timestamp(cf_fmt("%.*s", (int)(comma - s), s)))
      cf_fail("the CSV datastream read must be `at,value` with a 6-digit UTC timestamp\n  got: %s", s);
    CF_EXPECT_STR(cf_fmt("the CSV field of the value written as %s", cases[i].json), cases[i].csv, comma + 1);
  }
  cf_disconnect(c);
}
END_TEST

static char *current(const char *feed, const char *ds) {
  char *s = cf_read(FX.key_master, cf_fmt("/v2/feeds/%s/datastreams/%s.json", feed, ds));
  char *v = s ? cf_json_str(s, "current_value") : NULL;
  return v ? v : cf_fmt("(no current value in %s)", s ? s : "nothing");
}

static char *point(const char *feed, const char *ds, const char *at) {
  char *s = cf_read(FX.key_master, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints/%s.json", feed, ds, at));
  char *v = s ? cf_json_str(s, "value") : NULL;
  return v ? v : cf_fmt("(no datapoint: %s)", s ? s : "nothing");
}

START_TEST(csv_writes) {
  const char *P = FX.feed_private, *D = FX.ds_private2;
  const char *ds = cf_fmt("/v2/feeds/%s/datastreams/%s.csv", P, D);
  cf_conn *c = cf_client("A", FX.key_master);
  cf_publish(c, ds, "\"1,5\"", 1);
  CF_EXPECT_STR("the value written as CSV \"1,5\"", "1,5", current(P, D));
  cf_publish(c, ds, "  \" red car \"  \r\n", 1);
  CF_EXPECT_STR("the value written as CSV `  \" red car \"  CRLF`", "red car", current(P, D));
  cf_publish(c, ds, "[1]", 1);
  CF_EXPECT_STR("a JSON-looking payload on a CSV topic is CSV", "[1]", current(P, D));
  char *v = cf_uvalue("hist");
  cf_publish(c, ds, cf_fmt("2013-04-23T12:20:00Z,%s", v), 1);
  CF_EXPECT_STR("the datapoint written as CSV `timestamp,value`", v, point(P, D, "2013-04-23T12:20:00Z"));
  v = cf_uvalue("feed");
  cf_publish(c, cf_fmt("/v2/feeds/%s.csv", P), cf_fmt("\n%s,%s\n\n", D, v), 1);
  CF_EXPECT_STR("the value written by a feed CSV record `id,value`", v, current(P, D));
  v = cf_uvalue("feed3");
  cf_publish(c, cf_fmt("/v2/feeds/%s.csv", P), cf_fmt("%s,,%s", D, v), 1);
  CF_EXPECT_STR("the value written by `id,,value` (empty timestamp: now)", v, current(P, D));
  v = cf_uvalue("v1ds");
  cf_publish(c, cf_fmt("/v1/feeds/%s/datastreams/%s.csv", P, D), v, 1);
  CF_EXPECT_STR("the value written by a v1 datastream write", v, current(P, D));
  char *a = cf_uvalue("pos0"), *b = cf_uvalue("pos1");
  cf_publish(c, cf_fmt("/v1/feeds/%s.csv", P), cf_fmt("%s,%s", a, b), 1);
  CF_EXPECT_STR("datastream 0 after the v1 feed write", a, current(P, "0"));
  CF_EXPECT_STR("datastream 1 after the v1 feed write", b, current(P, "1"));
  v = cf_uvalue("post");
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.csv", P, D), cf_fmt("2013-04-23T12:21:00Z,%s", v), 1);
  CF_EXPECT_STR("the datapoint of a CSV datapoints POST", v, point(P, D, "2013-04-23T12:21:00Z"));
  v = cf_uvalue("put");
  cf_publish(c, cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints/2013-04-23T12:21:00Z.csv", P, D), v, 1);
  CF_EXPECT_STR("the datapoint after a CSV datapoint PUT", v, point(P, D, "2013-04-23T12:21:00Z"));
  cf_publish(c, cf_fmt("/v2/feeds/%s.csv", P), cf_fmt("%s,25.0", D), 1);
  CF_EXPECT_STR("a value written in CSV read in JSON", "25.0", current(P, D));
  cf_disconnect(c);
}
END_TEST

/* control: a valid payload for topic (NULL: none) that must notify the feed observer,
 * so that a bridge ignoring CSV altogether cannot pass. */
static void csv_no_effect(const char *topic, const char *control, const char *const *payloads, size_t n) {
  const char *ft = cf_fmt("/v2/feeds/%s.json", FX.feed_public);
  cf_conn *o = cf_client("observer", FX.key_master);
  cf_conn *w = cf_client("writer", FX.key_master);
  (void)cf_sub_state(o, ft);
  if (control != NULL) {
    cf_publish(w, topic, control, 1);
    cf_pkt p;
    cf_expect_delivery(o, ft, 0, &p, cf_fmt("after the valid CSV payload \"%s\" to %s (control)", control, topic));
    cf_pkt_free(&p);
  }
  char *before = cf_read(FX.key_master, ft);
  for (size_t i = 0; i < n; i++) {
    cf_publish(w, topic, payloads[i], 1);
    char esc[300];
    cf_escape(payloads[i], strlen(payloads[i]), esc, sizeof esc);
    cf_expect_nothing(o, cf_fmt("after the bad CSV payload \"%s\" to %s", esc, topic));
  }
  char *after = cf_read(FX.key_master, ft);
  CF_EXPECT_STR(cf_fmt("feed %s after bad CSV payloads to %s", FX.feed_public, topic), before, after ? after : "(nothing)");
  cf_disconnect(w);
  cf_disconnect(o);
}

START_TEST(malformed_csv_no_effect) {
  static char longfield[4200];
  memset(longfield, 'x', 4100);
  const char *d = cf_fmt("/v2/feeds/%s/datastreams/%s.csv", FX.feed_public, FX.ds_public);
  const char *dp[] = {"\"abc", "ab\"c", "\"a\"b", "1\n2", "1,5", "a\rb", "\"a\rb\"", "", "\n \n\t\n",
                      "\xef\xbb\xbfv", "v\xff", "v\xc0\x80", "a,b,c", longfield,
                      "2013-02-30T00:00:00Z,1", "bad\x01value"};
  csv_no_effect(d, cf_uvalue("ctl"), dp, sizeof dp / sizeof dp[0]);
  const char *F = FX.feed_public, *D = FX.ds_public;
  const char *f = cf_fmt("/v2/feeds/%s.csv", F);
  const char *fp[] = {cf_fmt("%s,1,2,3", D), "cfone", cf_fmt("%s,1\n%s,2", D, D), "bad!id,1",
                      cf_fmt("%s,2013-02-30T00:00:00Z,1", D), cf_fmt("%s,1\n\"x", D)};
  csv_no_effect(f, cf_fmt("%s,%s", D, cf_uvalue("ctl")), fp, sizeof fp / sizeof fp[0]);
  const char *v1d = cf_fmt("/v1/feeds/%s/datastreams/%s.csv", F, D);
  const char *v1p[] = {"a,b", "a\nb"};
  csv_no_effect(v1d, cf_uvalue("ctl"), v1p, 2);
  const char *v1f[] = {"1,2\n3,4"};
  csv_no_effect(cf_fmt("/v1/feeds/%s.csv", F), NULL, v1f, 1);
  const char *dps[] = {"1", ",1", "2013-04-23T12:00:00Z,1,2"};
  csv_no_effect(cf_fmt("/v2/feeds/%s/datastreams/%s/datapoints.csv", F, D), NULL, dps, 3);
}
END_TEST

START_TEST(no_csv_for_accounts) {
  cf_conn *c = cf_client("A", FX.key_master);
  const char *fl = cf_fmt("/v2/feeds.json?user=%s&per_page=1000", FX.owner_login);
  char *keys = cf_sub_state(c, "/v2/keys.json");
  char *feeds = cf_sub_state(c, fl);
  cf_publish(c, "/v2/keys.csv", "cf csv key,get", 1);
  cf_publish(c, "/v2/feeds.csv", "cf csv feed", 1);
  cf_publish(c, cf_fmt("/v2/keys/%s.csv", FX.key_readonly), "x", 1);
  cf_publish(c, cf_fmt("/v2/users/%s.csv", FX.owner_login), "x", 1);
  cf_publish(c, "/v2/triggers.csv", "x", 1);
  cf_expect_nothing(c, "after CSV writes to keys, feeds, users and triggers");
  char *k2 = cf_read(FX.key_master, "/v2/keys.json"), *f2 = cf_read(FX.key_master, fl);
  CF_EXPECT_STR("the key list after CSV writes to keys", keys, k2 ? k2 : "(nothing)");
  CF_EXPECT_STR("the feed list after a CSV feed creation", feeds, f2 ? f2 : "(nothing)");
  cf_disconnect(c);
}
END_TEST

void cf_area_csv(cf_reg *r) {
  CF_ADD(r, datastream_csv, "XB-CSV-1 XB-CSV-4 XB-CSV-5 XB-CSV-8 XB-TOPIC-12",
         "datastream read: `at,value`, 6-digit UTC timestamp, no line end; no suffix is JSON");
  CF_ADD(r, never_written_csv, "XB-CSV-8 XB-CSV-11 XB-SUB-5", "never written: `,\"\"` in v2, `\"\"` in v1");
  CF_ADD(r, feed_csv, "XB-CSV-6 XB-CSV-3 XB-TOPIC-28", "feed read: one `id,at,value` record per datastream by id");
  CF_ADD(r, history_csv, "XB-CSV-7 XB-CSV-9 XB-CSV-1", "feed and datastream history records; empty payload without points");
  CF_ADD(r, datapoints_csv, "XB-CSV-10", "datapoint read; empty datapoints collection is the empty payload");
  CF_ADD(r, v1_reads_and_stream, "XB-CSV-11 XB-CSV-12 XB-SUB-6 XB-SCOPE-3",
         "v1 datastream and feed reads; a v1 datastream subscription streams changes");
  CF_ADD(r, quoting, "XB-CSV-2 XB-CSV-5 XB-RES-90", "CSV quoting of commas, quotes and empty values; numbers as written");
  CF_ADD(r, csv_writes,
         "XB-CSV-15 XB-CSV-16 XB-CSV-17 XB-CSV-19 XB-CSV-22 XB-CSV-24 XB-CSV-26 XB-CSV-27 XB-CSV-28 XB-CSV-30 XB-CSV-31 XB-CSV-33 XB-MAP-7",
         "every CSV write: datastream, feed, v1 datastream, v1 positional feed, datapoints POST, datapoint PUT");
  CF_ADD(r, malformed_csv_no_effect,
         "XB-CSV-14 XB-CSV-15 XB-CSV-16 XB-CSV-18 XB-CSV-20 XB-CSV-21 XB-CSV-24 XB-CSV-25 XB-CSV-26 XB-CSV-27 XB-CSV-28 XB-CSV-30",
         "malformed or invalid CSV to datastream, feed, v1 and datapoints topics changes nothing");
  CF_ADD(r, no_csv_for_accounts, "XB-CSV-32 XB-TOPIC-14",
         "CSV writes to keys, feed creation, users and triggers create or change nothing");
}
