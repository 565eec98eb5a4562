/*
 * cf_fixture — what the bridge under test has provisioned (conformance/README.md,
 * "Fixture file").
 */
#ifndef CF_FIXTURE_H
#define CF_FIXTURE_H

#include <stddef.h>

typedef struct cf_fixture {
  const char *owner_login, *other_login;
  const char *key_master, *key_readonly, *key_feed, *key_ds, *key_nopriv, *key_ip;
  const char *key_other, *key_invalid;
  const char *feed_public, *feed_private, *feed_canon, *feed_other, *feed_other_public;
  const char *feed_missing;
  const char *ds_public, *ds_never, *ds_will, *ds_private, *ds_private2, *ds_other;
  const char *ds_other_public;
  const char *api_base_url, *site_base_url;
  long max_client_id, max_packet_size, max_payload_size, max_topic_length;
  long max_subscriptions, max_inflight_qos2, connect_timeout, tls_handshake_timeout;
  long max_datapoints;
} cf_fixture;

extern cf_fixture cf_fx;

/* Load FILE into cf_fx. 0 on success; otherwise a message (file:line) is written to
 * err and the result is non-zero. */
int cf_fixture_load(const char *path, char *err, size_t errlen);
/* Print the format (every name, required or default) for --help-fixture. */
void cf_fixture_help(void);

#endif
