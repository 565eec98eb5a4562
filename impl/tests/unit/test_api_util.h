/*
 * test_api_util.h — fixtures shared by the engine tests (test_api*.c): a fresh store in
 * a temporary directory, two users with master keys, and one-line requests.
 */
#ifndef TEST_API_UTIL_H
#define TEST_API_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "api/xb_api.h"
#include "util/xb_buf.h"

typedef struct {
  xb_api *api;
  char dir[64];
  char path[128];
  int64_t now;            /* request time; tests move it explicitly */
  xb_buf body;            /* body of the last request */
  xb_api_response resp;   /* response of the last request */
  char alice[XB_API_KEY_TEXT]; /* master key of user "alice" */
  char bob[XB_API_KEY_TEXT];   /* master key of user "bob" */
  char admin[XB_API_KEY_TEXT]; /* master key of administrator "root" */
} ta_ctx;

extern ta_ctx T;

/* Fixture: open a store with users alice, bob and root (administrator). */
void ta_setup(void);
void ta_teardown(void);
/* Close and reopen the same store (durability checks). */
void ta_reopen(void);

/* An instant given as text (asserts it parses). */
int64_t ta_time(const char *iso);

/* Execute one request; key and ip may be NULL. Returns the status. */
int ta_req(xb_api_method m, const char *topic, const char *payload, const char *key,
           const char *ip);
#define ta_get(topic, key) ta_req(XB_API_GET, (topic), NULL, (key), NULL)
#define ta_put(topic, payload, key) ta_req(XB_API_PUT, (topic), (payload), (key), NULL)
#define ta_post(topic, payload, key) ta_req(XB_API_POST, (topic), (payload), (key), NULL)

/* The body of the last request as a NUL-terminated string (static storage). */
const char *ta_body(void);
/* Whether the last body contains s. */
bool ta_has(const char *s);

/* Create a feed for alice (title "F", public unless priv) and return its id. */
uint32_t ta_feed(const char *key, bool priv);

/* Create a key for user login with one permission; returns the key (static storage). */
const char *ta_key(const char *login, unsigned methods, uint32_t feed, const char *ds,
                   const char *source_ip, bool private_access);

#endif
