/*
 * test_store_props.c — properties of the store's SQLite set-up that no request can
 * show: automatic WAL checkpoints stay on (spec/persistence.md XB-STORE-17), and a key is
 * looked up through an index, never by a scan whose work depends on how much of a wrong
 * key was right (spec/auth.md XB-AUTH-17). Structural checks, no timing.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/xb_auth.h"
#include "store/xb_store.h"
#include "store/xb_store_int.h"

static char pdir[64];
static char ppath[128];

static void props_setup(void) {
  snprintf(pdir, sizeof pdir, "/tmp/xbprops-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(pdir));
  snprintf(ppath, sizeof ppath, "%s/x.db", pdir);
}

static void props_teardown(void) {
  const char *names[] = {"x.db", "x.db-wal", "x.db-shm", "x.db.lock"};
  for (size_t i = 0; i < 4; i++) {
    char p[256];
    snprintf(p, sizeof p, "%s/%s", pdir, names[i]);
    unlink(p);
  }
  rmdir(pdir);
}

static xb_store *props_open(void) {
  xb_store *st = NULL;
  char err[256];
  ck_assert_int_eq(xb_store_open(ppath, NULL, &st, err, sizeof err), XB_STORE_OK);
  return st;
}

static int pragma_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *s = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
  int v = sqlite3_column_int(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* XB-STORE-17: the connection the server uses keeps automatic WAL checkpoints on (a
 * positive page threshold), and no checkpoint-disabling hook replaced them: a commit
 * past the threshold resets the WAL. */
START_TEST(test_wal_autocheckpoint_enabled_XB_STORE_17) {
  xb_store *st = props_open();
  int pages = pragma_int(st->db, "PRAGMA wal_autocheckpoint");
  ck_assert_int_gt(pages, 0);
  /* Lower the threshold on the same connection: commits must then checkpoint by
   * themselves, which they would not if the auto-checkpoint hook had been removed
   * (sqlite3_wal_hook) rather than merely given a large threshold. */
  ck_assert_int_eq(pragma_int(st->db, "PRAGMA wal_autocheckpoint=4"), 4);
  ck_assert_int_eq(sqlite3_exec(st->db, "CREATE TABLE t(x BLOB)", NULL, NULL, NULL), SQLITE_OK);
  for (int i = 0; i < 40; i++)
    ck_assert_int_eq(sqlite3_exec(st->db, "INSERT INTO t VALUES (zeroblob(8192))", NULL, NULL, NULL),
                     SQLITE_OK);
  int log = -1, ckpt = -1;
  ck_assert_int_eq(sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &ckpt),
                   SQLITE_OK);
  /* 40 commits of 2+ pages each: without auto-checkpoints the WAL would hold > 80
   * frames; with them it restarts every few pages. */
  ck_assert_int_lt(log, 40);
  xb_store_close(st);
  /* The threshold is per connection: a fresh open sets it again. */
  st = props_open();
  ck_assert_int_eq(pragma_int(st->db, "PRAGMA wal_autocheckpoint"), pages);
  xb_store_close(st);
}
END_TEST

static int64_t props_user(xb_store *st) {
  xb_user_row u;
  memset(&u, 0, sizeof u);
  u.login = XB_STR_LIT("alice");
  u.created = 1;
  int64_t id = 0;
  ck_assert_int_eq(xb_store_user_insert(st, &u, &id), XB_STORE_OK);
  return id;
}

/* XB-AUTH-17: the key lookup statement searches the unique index of api_key (no table
 * scan), and the work of a lookup of a wrong key does not depend on how many of its
 * leading characters are those of a real key. */
START_TEST(test_key_lookup_uses_index_XB_AUTH_17) {
  xb_store *st = props_open();
  int64_t uid = props_user(st);
  char k[64];
  for (int i = 0; i < 200; i++) {
    snprintf(k, sizeof k, "key%04dabcdefghijklmnopqrstuv", i);
    xb_key_row row;
    memset(&row, 0, sizeof row);
    row.api_key = (xb_str){k, strlen(k)};
    row.user_id = uid;
    row.label = XB_STR_LIT("l");
    ck_assert_int_eq(xb_store_key_insert(st, &row), XB_STORE_OK);
  }
  /* The plan of the very statement the store prepared for lookups. */
  const char *sql = sqlite3_sql(st->q[XB_Q_KEY_GET]);
  ck_assert_ptr_nonnull(sql);
  char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
  sqlite3_stmt *s = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(st->db, eqp, -1, &s, NULL), SQLITE_OK);
  sqlite3_free(eqp);
  int rows = 0;
  while (sqlite3_step(s) == SQLITE_ROW) {
    const char *detail = (const char *)sqlite3_column_text(s, 3);
    ck_assert_ptr_nonnull(detail);
    ck_assert_msg(strncmp(detail, "SEARCH", 6) == 0 && strstr(detail, "INDEX") != NULL &&
                      strstr(detail, "(api_key=?)") != NULL,
                  "key lookup plan is not an index search: %s", detail);
    rows++;
  }
  sqlite3_finalize(s);
  ck_assert_int_eq(rows, 1);

  /* Through the key cache (the engine's path): wrong keys sharing 0, 8 and 28 leading
   * characters with stored keys cost the same number of VM steps and no scan step. */
  xb_keycache *kc = xb_keycache_new(64);
  ck_assert_ptr_nonnull(kc);
  const char *wrong[] = {"ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", "key0100aZZZZZZZZZZZZZZZZZZZZZZZZ",
                         "key0100abcdefghijklmnopqrstuZZZZ"};
  int steps[3];
  for (int i = 0; i < 3; i++) {
    sqlite3_stmt *q = st->q[XB_Q_KEY_GET];
    sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 1);
    sqlite3_stmt_status(q, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
    const xb_key_row *out = NULL;
    ck_assert_int_eq(xb_keycache_get(kc, st, wrong[i], strlen(wrong[i]), &out),
                     XB_STORE_NOT_FOUND);
    steps[i] = sqlite3_stmt_status(q, SQLITE_STMTSTATUS_VM_STEP, 0);
    ck_assert_int_gt(steps[i], 0); /* it did go through the indexed statement */
    ck_assert_int_eq(sqlite3_stmt_status(q, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0), 0);
  }
  ck_assert_int_eq(steps[0], steps[1]);
  ck_assert_int_eq(steps[1], steps[2]);
  /* And the right key is found the same way. */
  const xb_key_row *out = NULL;
  ck_assert_int_eq(xb_keycache_get(kc, st, "key0100abcdefghijklmnopqrstuv", 29, &out), XB_STORE_OK);
  ck_assert_uint_eq(out->api_key.n, 29);
  xb_keycache_free(kc);
  xb_store_close(st);
}
END_TEST

Suite *xb_suite_store_props(void);
Suite *xb_suite_store_props(void) {
  Suite *s = suite_create("store_props");
  TCase *tc = tcase_create("props");
  tcase_add_checked_fixture(tc, props_setup, props_teardown);
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, test_wal_autocheckpoint_enabled_XB_STORE_17);
  tcase_add_test(tc, test_key_lookup_uses_index_XB_AUTH_17);
  suite_add_tcase(s, tc);
  return s;
}
