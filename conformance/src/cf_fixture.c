/*
 * cf_fixture — parser of the fixture file: `name = value` lines, `#` comments.
 * Every name is known in advance so that a typo is an error rather than a silently
 * skipped requirement.
 */
#include "cf_fixture.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cf_fixture cf_fx;

typedef enum { F_LOGIN, F_KEY, F_FEED, F_DS, F_URL, F_INT } fkind;

typedef struct field {
  const char *name;
  fkind kind;
  const char **str;
  long *num;
  const char *def; /* NULL: required */
  const char *help;
} field;

#define S(n, k, d, h) {#n, k, &cf_fx.n, NULL, d, h}
#define N(n, d, h) {#n, F_INT, NULL, &cf_fx.n, d, h}

static const field fields[] = {
    S(owner_login, F_LOGIN, NULL, "login of the user owning the key_* keys (but key_other) and the owner feeds"),
    S(other_login, F_LOGIN, NULL, "login of a second user"),
    S(key_master, F_KEY, NULL, "master key of owner_login (get,put,post,delete, no resources, private access)"),
    S(key_readonly, F_KEY, NULL, "owner key: get only, no resources, private access (its label may be changed by the tests)"),
    S(key_feed, F_KEY, NULL, "owner key: get,put,post on feed_public only, private access"),
    S(key_ds, F_KEY, NULL, "owner key: get,put on datastream ds_private of feed_private only, private access"),
    S(key_nopriv, F_KEY, NULL, "owner key: get,put,post, no resources, private access false"),
    S(key_ip, F_KEY, NULL, "owner key: get,put,post,delete, no resources, private access, source_ip an address the tester never uses (192.0.2.1)"),
    S(key_other, F_KEY, NULL, "master key of other_login"),
    S(key_invalid, F_KEY, NULL, "a string of the api-key form that is not a key of the bridge"),
    S(feed_public, F_FEED, NULL, "public feed of owner_login holding ds_public, ds_never and ds_will"),
    S(feed_private, F_FEED, NULL, "private feed of owner_login holding ds_private and ds_private2"),
    S(feed_canon, F_FEED, NULL, "public feed of owner_login holding exactly the datastreams 0 and temp; rewritten by the format tests"),
    S(feed_other, F_FEED, NULL, "private feed of other_login holding ds_other"),
    S(feed_other_public, F_FEED, NULL, "public feed of other_login holding ds_other_public"),
    S(feed_missing, F_FEED, "2147483600", "a feed id that does not exist"),
    S(ds_public, F_DS, NULL, "datastream of feed_public that the tests change"),
    S(ds_never, F_DS, NULL, "datastream of feed_public that is never written"),
    S(ds_will, F_DS, NULL, "datastream of feed_public written by the last-will tests"),
    S(ds_private, F_DS, NULL, "datastream of feed_private (key_ds's scope) that the tests change"),
    S(ds_private2, F_DS, NULL, "another datastream of feed_private that the tests change"),
    S(ds_other, F_DS, NULL, "datastream of feed_other"),
    S(ds_other_public, F_DS, NULL, "datastream of feed_other_public"),
    S(api_base_url, F_URL, "https://api.xively.com", "the bridge's api-base-url"),
    S(site_base_url, F_URL, "https://xively.com", "the bridge's site-base-url"),
    N(max_client_id, "128", "the bridge's max-client-id-length"),
    N(max_packet_size, "262144", "the bridge's max-packet-size"),
    N(max_payload_size, "65536", "the bridge's max-payload-size"),
    N(max_topic_length, "1024", "the bridge's max-topic-length"),
    N(max_subscriptions, "64", "the bridge's max-subscriptions"),
    N(max_inflight_qos2, "64", "the bridge's max-inflight-qos2"),
    N(connect_timeout, "10", "the bridge's connect-timeout in seconds"),
    N(tls_handshake_timeout, "10", "the bridge's tls-handshake-timeout in seconds"),
    N(max_datapoints, "500", "the bridge's max-datapoints"),
};

#define NFIELDS (sizeof fields / sizeof fields[0])

static bool idchars(const char *s, size_t lo, size_t hi) {
  size_t n = strlen(s);
  if (n < lo || n > hi) return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_') return false;
  return true;
}

static const char *check(const field *f, const char *v) {
  switch (f->kind) {
  case F_LOGIN:
    return idchars(v, 1, 40) ? NULL : "not a login (1..40 of A-Z a-z 0-9 - _)";
  case F_KEY:
    return idchars(v, 16, 64) ? NULL : "not an api-key (16..64 of A-Z a-z 0-9 - _)";
  case F_DS:
    return idchars(v, 1, 64) ? NULL : "not a datastream id (1..64 of A-Z a-z 0-9 - _)";
  case F_FEED: {
    char *end = NULL;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (v[0] < '1' || v[0] > '9' || *end != '\0' || errno != 0 || x > 2147483647LL)
      return "not a feed id (1..2147483647)";
    return NULL;
  }
  case F_URL:
    if ((strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0) ||
        v[strlen(v) - 1] == '/')
      return "not an http(s) URL without trailing /";
    return NULL;
  case F_INT: {
    char *end = NULL;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || *end != '\0' || errno != 0 || x <= 0)
      return "not a positive integer";
    return NULL;
  }
  }
  return "unknown kind";
}

static int set(const field *f, const char *v) {
  char *copy = strdup(v);
  if (copy == NULL) abort();
  if (f->str != NULL) *f->str = copy;
  else {
    *f->num = strtol(copy, NULL, 10);
    free(copy);
  }
  return 0;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') s++;
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
    s[--n] = '\0';
  return s;
}

int cf_fixture_load(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return 1;
  }
  bool seen[NFIELDS] = {false};
  char line[2048];
  int lineno = 0, rc = 0;
  while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
    lineno++;
    char *s = trim(line);
    if (*s == '\0' || *s == '#') continue;
    char *eq = strchr(s, '=');
    if (eq == NULL) {
      snprintf(err, errlen, "%s:%d: expected `name = value`", path, lineno);
      rc = 1;
      break;
    }
    *eq = '\0';
    char *name = trim(s), *value = trim(eq + 1);
    size_t i = 0;
    while (i < NFIELDS && strcmp(fields[i].name, name) != 0) i++;
    if (i == NFIELDS) {
      snprintf(err, errlen, "%s:%d: unknown name `%s` (xbconform --help-fixture lists them)",
               path, lineno, name);
      rc = 1;
    } else if (seen[i]) {
      snprintf(err, errlen, "%s:%d: `%s` given twice", path, lineno, name);
      rc = 1;
    } else {
      const char *bad = check(&fields[i], value);
      if (bad != NULL) {
        snprintf(err, errlen, "%s:%d: %s: %s", path, lineno, name, bad);
        rc = 1;
      } else {
        seen[i] = true;
        set(&fields[i], value);
      }
    }
  }
  fclose(f);
  if (rc != 0) return rc;
  size_t k = 0;
  for (size_t i = 0; i < NFIELDS; i++) {
    if (seen[i]) continue;
    if (fields[i].def != NULL) {
      set(&fields[i], fields[i].def);
      continue;
    }
    if (k == 0) k = (size_t)snprintf(err, errlen, "%s: missing", path);
    if (k < errlen) k += (size_t)snprintf(err + k, errlen - k, " %s", fields[i].name);
    rc = 1;
  }
  return rc;
}

void cf_fixture_help(void) {
  printf("Fixture file: one `name = value` per line; blank lines and lines starting with #\n"
         "are ignored. Names (those with a default are optional):\n\n");
  for (size_t i = 0; i < NFIELDS; i++)
    printf("  %-18s %s%s%s%s\n", fields[i].name, fields[i].help,
           fields[i].def ? " [default " : "", fields[i].def ? fields[i].def : "",
           fields[i].def ? "]" : "");
}
