/*
 * xb_sess_int.h — internals shared by the session layer's files (not a public header).
 *
 *   xb_server.c   server lifecycle, turn hooks, batch, pending output, logging, tables
 *   xb_session.c  connection callbacks and the packet state machine, last will
 *   xb_subs.c     subscriptions, the fan-out index, permission cache, notifications
 *   xb_hash.c     keyed hash and an intrusive hash table
 */
#ifndef XB_SESS_INT_H
#define XB_SESS_INT_H

#include "session/xb_session.h"

#include "mqtt/xb_mqtt.h"
#include "net/xb_log.h"
#include "topic/xb_topic.h"
#include "util/xb_buf.h"

/* ------------------------------------------------------------------ hash table */

typedef struct xb_hnode {
  struct xb_hnode *next;
  uint64_t hash;
} xb_hnode;

typedef struct {
  xb_hnode **b;
  size_t nb; /* power of two, or 0 before the first insert */
  size_t n;
} xb_htab;

/* SipHash-2-4 of p[0..n) under the process key (random at first use), so a client
 * cannot choose client ids or topics that all fall into one bucket. */
uint64_t xb_hash_bytes(const void *p, size_t n);
uint64_t xb_hash_u64(uint64_t v);
/* Insert (grows the table; false only when out of memory, node not inserted). */
bool xb_htab_insert(xb_htab *t, xb_hnode *node, uint64_t hash);
void xb_htab_remove(xb_htab *t, xb_hnode *node);
/* First node of the bucket of hash (compare hash, then the key, along ->next). */
xb_hnode *xb_htab_bucket(const xb_htab *t, uint64_t hash);
void xb_htab_free(xb_htab *t);

#define XB_OWNER(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* ------------------------------------------------------------------ sessions */

typedef struct xb_sess xb_sess;
typedef struct xb_sub xb_sub;
typedef struct xb_group xb_group;
typedef struct xb_feedent xb_feedent;

enum { XB_SS_WAIT_CONNECT = 0, XB_SS_CONNECTED, XB_SS_CLOSING };

/* Authorization cache state of a subscription (see xb_subs.c). */
enum { XB_AZ_UNKNOWN = 0, XB_AZ_ALLOW, XB_AZ_DENY };

struct xb_sub {
  xb_sess *s;
  xb_sub *next, *prev;   /* the session's subscriptions, in creation order */
  xb_group *g;           /* fan-out group (streaming API targets only) */
  xb_sub *gnext, *gprev; /* members of g, in subscription order */
  uint64_t seq;          /* creation order over the server (XB-SUB-19) */
  uint32_t refs;         /* 1 while recorded + 1 per pending delivery */
  bool live;             /* recorded on its session */
  uint8_t az;            /* XB_AZ_*: cached decision of the subscription's `get` */
  const char *az_reason; /* the engine's reason of a cached denial */
  uint64_t az_epoch;     /* server authz epoch the decision belongs to */
  const char *key;       /* request key: the filter's prefix key or the session's */
  size_t key_len;        /* 0: anonymous (XB-AUTH-13) */
  size_t len;            /* filter bytes */
  uint8_t filter[];      /* the filter exactly as subscribed (XB-SUB-2) */
};

struct xb_sess {
  /* Fields ordered by size: 10,000 idle connections pay for every byte of padding. */
  xb_server *srv;
  xb_conn *conn;         /* NULL once the connection is gone */
  uint64_t id;           /* xb_conn_id: `conn=` of the log lines */
  uint64_t keepalive_ms; /* 1.5 x enforced keep alive, 0 = none (XB-LIM-7) */
  xb_hnode hn;           /* client id table */
  xb_sess *next_dead;    /* dead list / paused list link */
  xb_sess *next_paused;
  uint64_t fan_stamp;    /* last change that queued a delivery here (XB-SUB-19 sort) */
  size_t pending_bytes;  /* delivery bytes waiting for the flush */
  char *client_id;       /* NUL-terminated copy; NULL before CONNECT */
  uint8_t *will_topic;   /* malloc'd: topic bytes then message bytes */
  size_t will_topic_len;
  size_t will_msg_len;
  xb_sub *subs, *subs_tail;
  uint8_t *qos2;         /* bitmap of 65536 packet ids awaiting PUBREL, lazily */
  uint32_t client_id_len; /* at most 65535 (an MQTT string) */
  uint32_t key_len;       /* at most XB_TOPIC_KEY_MAX */
  uint32_t pending_items;
  uint32_t nsubs;
  uint32_t nqos2;
  uint8_t state;         /* XB_SS_* */
  uint8_t level;         /* 3 or 4 once connected */
  bool over_limit;       /* accepted beyond max-connections: CONNACK 03 (XB-LIM-4) */
  bool will_armed;       /* a will is registered and has not fired (XB-WILL-12) */
  bool paused;           /* reading stopped until the end of the turn (XB-STORE-12) */
  bool in_table;         /* present in the client id table */
  bool dead;             /* connection closed; freed when no pending item refers to it */
  bool fail_close;       /* close after a failed commit (XB-ERR-45) */
  bool secure;           /* accepted through the secure transport (TLS) */
  bool handshaking;      /* its handshake has not completed yet (XB-TRANS-14) */
  char ip[46];           /* client IP address (XB-TRANS-22), at most INET6_ADDRSTRLEN */
  char key[XB_TOPIC_KEY_MAX + 1]; /* connection key (XB-AUTH-10), key_len 0: none */
};

/* A subscription group: one rendering per change for all its members (XB-SUB-21). */
struct xb_group {
  xb_hnode hn;           /* server group table, by canonical topic */
  xb_feedent *fe;
  xb_group *fnext, *fprev;
  xb_sub *head, *tail;
  uint32_t n;
  xb_topic t;            /* parsed canonical topic (spans into bytes) */
  size_t len;
  uint8_t bytes[];       /* canonical topic: path, suffix, query; no key prefix */
};

struct xb_feedent {
  xb_hnode hn;           /* server feed table, by feed id */
  uint32_t feed_id;
  xb_group *head;
};

/* ------------------------------------------------------------------ pending output */

enum {
  XB_IT_CTRL = 0,   /* a response, never refused (XB-SUB-28) */
  XB_IT_CTRL_CLOSE, /* a refusing CONNACK: send, then close after writing it */
  XB_IT_ACK_WRITE,  /* PUBACK / PUBREC of a write: only once the batch committed */
  XB_IT_DELIVERY    /* a PUBLISH of a subscription: blob + header from sub */
};

typedef struct {
  xb_sess *s;
  uint8_t kind;
  bool retain;
  uint32_t off, len; /* CTRL*: bytes in srv->ctrl */
  xb_blob *blob;    /* DELIVERY */
  xb_sub *sub;      /* DELIVERY */
  uint64_t seq;     /* sub->seq, for the XB-SUB-19 sort */
} xb_item;

struct xb_server {
  xb_loop *loop;
  xb_net *net;
  xb_api *api;
  xb_session_config cfg;
  xb_conn_handlers handlers;
  xb_conn_handlers secure_handlers; /* handlers wrapped for secure listeners */
  xb_server_secure secure;          /* the transport of secure listeners */
  int64_t (*clock)(void *);
  void *clock_arg;
  bool stopped;
  bool hooks_added;
  bool batch_open;      /* a batch is open (xb_api_batch_begin succeeded) */
  bool batch_tried;     /* a request ran this turn (batch opened or failed to open) */
  bool batch_wrote;     /* some request of the batch was a write */
  uint32_t batch_requests;
  uint64_t authz_epoch; /* bumped when a change may alter a read decision */
  uint64_t seq;         /* subscription creation counter */
  uint64_t fan_stamp;
  uint64_t assign_seq;  /* server-assigned client ids (XB-MQTT-30) */
  xb_htab clients;      /* client id -> connected session (XB-MQTT-36) */
  xb_htab groups;       /* canonical topic -> group */
  xb_htab feeds;        /* feed id -> feed entry */
  xb_item *items;
  size_t nitems, items_cap;
  xb_buf ctrl;          /* bytes of the pending control packets */
  xb_buf body;          /* response bodies (initial states, errors) */
  xb_buf render;        /* notification renderings */
  uint8_t *hdr;         /* PUBLISH header scratch (fixed header, topic) */
  size_t hdr_cap;
  size_t hdr_len;       /* bytes of the last header encoded in hdr, 0: none */
  size_t hdr_blen;      /* its payload length, topic length and RETAIN flag */
  size_t hdr_tlen;
  bool hdr_retain;
  xb_sess *dead;        /* sessions waiting for their pending items */
  /* Sessions to resume after the flush (XB-STORE-12), each list in the order paused:
   * [0] those that had no request in the batch, resumed first, [1] those that had
   * some. Round robin: none waits behind a connection that was just served. */
  xb_sess *paused[2];
  xb_sess **paused_tail[2]; /* &last->next_paused, or &paused[i] when empty */
  xb_server_stats st;
};

/* xb_server.c */
int64_t xb_srv_now(xb_server *srv);
/* Open the turn's batch at the first request (XB-STORE-9); counts the request. */
void xb_srv_request(xb_server *srv);
/* Append a control packet for s; kind XB_IT_CTRL / CTRL_CLOSE / ACK_WRITE. */
void xb_srv_ctrl(xb_server *srv, xb_sess *s, uint8_t kind, const uint8_t *p, size_t n);
/* Append a delivery of blob (payload) for sub; the output bound (XB-SUB-27) is applied
 * when it reaches the connection. */
void xb_srv_deliver(xb_server *srv, xb_sub *sub, xb_blob *blob, bool retain);
/* Sort the deliveries appended since item index `from` by (session, subscription
 * creation), so one connection gets one request's notifications in XB-SUB-19 order. */
void xb_srv_sort_from(xb_server *srv, size_t from);
xb_sess *xb_srv_client_find(xb_server *srv, const char *id, size_t len);
bool xb_srv_client_add(xb_server *srv, xb_sess *s);
void xb_srv_client_del(xb_server *srv, xb_sess *s);
void xb_srv_sess_release(xb_server *srv, xb_sess *s);

/*
 * One log line in the format of spec/errors.md §1:
 *   <reason> conn= ip= client= key= [op=] [topic=] [will=1] [detail=]
 * key is masked (XB-AUTH-16); op, topic, detail may be NULL.
 */
void xb_slog(xb_log_level lvl, const char *reason, const xb_sess *s, const char *key,
             size_t key_len, const char *op, const uint8_t *topic, size_t topic_len,
             bool will, const char *detail);
/* The level of a reason keyword (XB-ERR-3). */
xb_log_level xb_reason_level(const char *reason);

/* xb_session.c */
void xb_sess_handlers(xb_conn_handlers *h);
/* Fire the will of s if armed (XB-WILL-4), at most once (XB-WILL-12). */
void xb_sess_fire_will(xb_sess *s);
/* Close s with a logged reason (will fires when connected, unless no_will). */
void xb_sess_abort(xb_sess *s, const char *reason, const char *detail);
/* Execute a PUBLISH-like write (PUBLISH or will) with its acknowledgement (ack: 0, or
 * the PUBACK / PUBREC type for packet id pid); returns the engine status, and sets
 * *store_error for a store failure (XB-ERR-45), in which case nothing is acknowledged. */
int xb_sess_write(xb_sess *s, const uint8_t *topic, size_t tlen, const uint8_t *payload,
                  size_t plen, bool will, uint8_t ack, uint16_t pid, bool *store_error);

/* xb_subs.c */
void xb_subs_subscribe(xb_sess *s, const uint8_t *body, size_t len,
                       const xb_mqtt_subscribe *sub);
void xb_subs_unsubscribe(xb_sess *s, const uint8_t *body, size_t len,
                         const xb_mqtt_subscribe *uns);
/* Remove every subscription of s (end of connection, XB-SUB-26). */
void xb_subs_drop_all(xb_sess *s);
/* Notify subscribers of a committed-in-batch change (XB-SUB-8..XB-SUB-14). */
void xb_subs_notify(xb_server *srv, const xb_api_changes *ch);
void xb_sub_unref(xb_sub *sub);
void xb_subs_free_index(xb_server *srv);

#endif
