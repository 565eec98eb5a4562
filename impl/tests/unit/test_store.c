/*
 * test_store.c — the SQLite store (spec/persistence.md XB-STORE-n, id rules of
 * spec/resources.md XB-RES-33, ordering XB-RES-59, datapoints XB-RES-61).
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/xb_store.h"

static char tdir[64];
static char tpath[128];

static void tmp_setup(void) {
  snprintf(tdir, sizeof tdir, "/tmp/xbstore-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tdir));
  snprintf(tpath, sizeof tpath, "%s/x.db", tdir);
}

static void rm_f(const char *dir, const char *name) {
  char p[256];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  unlink(p);
}

static void tmp_teardown(void) {
  const char *names[] = {"x.db", "x.db-wal", "x.db-shm", "x.db.lock"};
  for (size_t i = 0; i < 4; i++) rm_f(tdir, names[i]);
  char sub[128];
  snprintf(sub, sizeof sub, "%s/sub", tdir);
  const char *snames[] = {"y.db", "y.db-wal", "y.db-shm", "y.db.lock"};
  for (size_t i = 0; i < 4; i++) rm_f(sub, snames[i]);
  rmdir(sub);
  rmdir(tdir);
}

static xb_store *open_ok(void) {
  xb_store *st = NULL;
  char err[256];
  ck_assert_int_eq(xb_store_open(tpath, NULL, &st, err, sizeof err), XB_STORE_OK);
  return st;
}

static int64_t add_user(xb_store *st, const char *login) {
  xb_user_row u;
  memset(&u, 0, sizeof u);
  u.login = (xb_str){login, strlen(login)};
  u.created = 1;
  int64_t id = 0;
  ck_assert_int_eq(xb_store_user_insert(st, &u, &id), XB_STORE_OK);
  return id;
}

static uint32_t add_feed(xb_store *st, int64_t uid, uint32_t chosen) {
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.id = chosen;
  f.user_id = uid;
  f.title = XB_STR_LIT("t");
  f.created = f.updated = 5;
  uint32_t id = 0;
  ck_assert_int_eq(xb_store_feed_insert(st, &f, &id), XB_STORE_OK);
  return id;
}

static void add_ds(xb_store *st, uint32_t feed, const char *id) {
  xb_ds_row d;
  memset(&d, 0, sizeof d);
  d.feed_id = feed;
  d.id = (xb_str){id, strlen(id)};
  ck_assert_int_eq(xb_store_ds_insert(st, &d), XB_STORE_OK);
}

/* XB-STORE-2, XB-STORE-4, XB-STORE-5 */
START_TEST(test_store_open_creates_wal_schema_XB_STORE_2_XB_STORE_4_XB_STORE_5) {
  xb_store *st = open_ok();
  ck_assert_int_eq(xb_store_schema_version(st), XB_STORE_SCHEMA_VERSION);
  ck_assert_int_eq(xb_store_quick_check(st), XB_STORE_OK); /* XB-STORE-6 */
  struct stat sb;
  ck_assert_int_eq(stat(tpath, &sb), 0);
  ck_assert_int_eq(sb.st_mode & 0777, 0600);
  xb_store_close(st);
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(tpath, &db), SQLITE_OK);
  sqlite3_stmt *s = NULL;
  ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
  ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "wal");
  sqlite3_finalize(s);
  ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
  ck_assert_int_eq(sqlite3_column_int(s, 0), XB_STORE_SCHEMA_VERSION);
  sqlite3_finalize(s);
  sqlite3_close(db);
}
END_TEST

/* XB-STORE-16: a clean close leaves no WAL content behind (TRUNCATE checkpoint). */
START_TEST(test_store_close_checkpoints_XB_STORE_16) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  for (int i = 0; i < 50; i++) add_ds(st, f, (char[]){(char)('a' + i % 26), (char)('a' + i / 26), 0});
  char wal[160];
  snprintf(wal, sizeof wal, "%s-wal", tpath);
  struct stat sb;
  ck_assert_int_eq(stat(wal, &sb), 0);
  ck_assert_int_gt(sb.st_size, 0);
  xb_store_close(st);
  ck_assert(stat(wal, &sb) != 0 || sb.st_size == 0);
}
END_TEST

/* XB-STORE-5: a store newer than the program is refused with both versions named. */
START_TEST(test_store_newer_version_refused_XB_STORE_5) {
  xb_store_close(open_ok());
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(tpath, &db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  xb_store *st = NULL;
  char err[256] = "";
  ck_assert_int_ne(xb_store_open(tpath, NULL, &st, err, sizeof err), XB_STORE_OK);
  ck_assert_ptr_null(st);
  ck_assert_ptr_nonnull(strstr(err, "99"));
}
END_TEST

/* XB-STORE-5: an older store (version 0, tables absent) is migrated in place. */
START_TEST(test_store_migrates_from_zero_XB_STORE_5) {
  sqlite3 *db = NULL;
  ck_assert_int_eq(sqlite3_open(tpath, &db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE unrelated(x)", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  xb_store *st = open_ok();
  ck_assert_int_eq(xb_store_schema_version(st), XB_STORE_SCHEMA_VERSION);
  add_user(st, "a");
  xb_store_close(st);
}
END_TEST

/* XB-STORE-3: one process (opener) at a time; the lock goes with the store. */
START_TEST(test_store_exclusive_lock_XB_STORE_3) {
  xb_store *st = open_ok();
  xb_store *st2 = NULL;
  char err[256] = "";
  ck_assert_int_eq(xb_store_open(tpath, NULL, &st2, err, sizeof err), XB_STORE_LOCKED);
  ck_assert_ptr_null(st2);
  ck_assert_ptr_nonnull(strstr(err, tpath));
  /* The fcntl lock is per process: prove it from a child. */
  pid_t pid = fork();
  if (pid == 0) {
    xb_store *c = NULL;
    _exit(xb_store_open(tpath, NULL, &c, NULL, 0) == XB_STORE_LOCKED ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  xb_store_close(st);
  st = open_ok();
  xb_store_close(st);
}
END_TEST

/* XB-STORE-2: one missing directory level is created with mode 0700. */
START_TEST(test_store_parent_dir_XB_STORE_2) {
  char p[160];
  snprintf(p, sizeof p, "%s/sub/y.db", tdir);
  xb_store *st = NULL;
  ck_assert_int_eq(xb_store_open(p, NULL, &st, NULL, 0), XB_STORE_OK);
  xb_store_close(st);
  char d[160];
  snprintf(d, sizeof d, "%s/sub", tdir);
  struct stat sb;
  ck_assert_int_eq(stat(d, &sb), 0);
  ck_assert_int_eq(sb.st_mode & 0777, 0700);
  snprintf(p, sizeof p, "%s/no/such/z.db", tdir);
  char err[256] = "";
  ck_assert_int_ne(xb_store_open(p, NULL, &st, err, sizeof err), XB_STORE_OK);
}
END_TEST

/* XB-RES-33: ids allocated one above the high-water mark, never reused. */
START_TEST(test_store_feed_ids_high_water_XB_RES_33) {
  xb_store *st = open_ok();
  int64_t u = add_user(st, "someone");
  ck_assert_uint_eq(add_feed(st, u, 0), 1);
  ck_assert_uint_eq(add_feed(st, u, 0), 2);
  ck_assert_uint_eq(add_feed(st, u, 504), 504);
  ck_assert_uint_eq(add_feed(st, u, 10), 10); /* chosen below the mark: mark unchanged */
  ck_assert_uint_eq(add_feed(st, u, 0), 505);
  xb_store_close(st);
  /* Delete the newest feed out of band: its id is still never reused. */
  sqlite3 *db = NULL;
  sqlite3_open(tpath, &db);
  ck_assert_int_eq(sqlite3_exec(db, "DELETE FROM feeds WHERE id = 505", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  st = open_ok();
  ck_assert_uint_eq(add_feed(st, u, 0), 506);
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.user_id = u;
  f.title = XB_STR_LIT("x");
  uint32_t id;
  f.id = 504; /* taken */
  ck_assert_int_eq(xb_store_feed_insert(st, &f, &id), XB_STORE_EXISTS);
  xb_store_close(st);
}
END_TEST

START_TEST(test_store_feed_id_space_exhausted_XB_RES_33) {
  xb_store *st = open_ok();
  int64_t u = add_user(st, "someone");
  ck_assert_uint_eq(add_feed(st, u, 2147483647u), 2147483647u);
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.user_id = u;
  f.title = XB_STR_LIT("x");
  uint32_t id = 0;
  ck_assert_int_eq(xb_store_feed_insert(st, &f, &id), XB_STORE_ERROR);
  xb_store_close(st);
}
END_TEST

/* XB-RES-59: datastreams in ascending byte order of id. */
START_TEST(test_store_ds_byte_order_XB_RES_59) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  const char *ids[] = {"a", "_", "2", "A", "10", "1", "0"};
  for (size_t i = 0; i < 7; i++) add_ds(st, f, ids[i]);
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_ds_row *rows = NULL;
  size_t n = 0;
  ck_assert_int_eq(xb_store_ds_list(st, f, &a, &rows, &n), XB_STORE_OK);
  ck_assert_uint_eq(n, 7);
  const char *want[] = {"0", "1", "10", "2", "A", "_", "a"};
  for (size_t i = 0; i < 7; i++) ck_assert_str_eq(rows[i].id.p, want[i]);
  ck_assert(!rows[0].written);
  int64_t c = 0;
  ck_assert_int_eq(xb_store_ds_count(st, f, &c), XB_STORE_OK);
  ck_assert_int_eq(c, 7);
  add_ds(st, f, "x");
  xb_ds_row d;
  memset(&d, 0, sizeof d);
  d.feed_id = f;
  d.id = XB_STR_LIT("x");
  ck_assert_int_eq(xb_store_ds_insert(st, &d), XB_STORE_EXISTS);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* XB-RES-61, XB-STORE-7: one datapoint per instant; exact text kept. */
START_TEST(test_store_datapoints_XB_RES_61_XB_STORE_7) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  add_ds(st, f, "0");
  xb_str ds = XB_STR_LIT("0");
  ck_assert_int_eq(xb_store_point_put(st, f, ds, 100, XB_STR_LIT("1")), XB_STORE_OK);
  ck_assert_int_eq(xb_store_point_put(st, f, ds, 200, XB_STR_LIT("00035")), XB_STORE_OK);
  ck_assert_int_eq(xb_store_point_put(st, f, ds, 300, XB_STR_LIT("3")), XB_STORE_OK);
  ck_assert_int_eq(xb_store_point_put(st, f, ds, 100, XB_STR_LIT("1E3")), XB_STORE_OK);
  int64_t n = 0;
  ck_assert_int_eq(xb_store_point_count(st, f, ds, &n), XB_STORE_OK);
  ck_assert_int_eq(n, 3);
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_point_row p;
  ck_assert_int_eq(xb_store_point_get(st, f, ds, 100, &a, &p), XB_STORE_OK);
  ck_assert_str_eq(p.value.p, "1E3");
  ck_assert_int_eq(xb_store_point_get(st, f, ds, 150, &a, &p), XB_STORE_NOT_FOUND);
  xb_point_row *rows = NULL;
  size_t k = 0;
  ck_assert_int_eq(xb_store_points_range(st, f, ds, 100, 300, 2, &a, &rows, &k), XB_STORE_OK);
  ck_assert_uint_eq(k, 2);
  ck_assert_int_eq(rows[0].at, 100);
  ck_assert_str_eq(rows[1].value.p, "00035");
  ck_assert_int_eq(xb_store_point_first_from(st, f, ds, 101, 300, &a, &p), XB_STORE_OK);
  ck_assert_int_eq(p.at, 200);
  ck_assert_int_eq(xb_store_point_first_from(st, f, ds, 301, 900, &a, &p), XB_STORE_NOT_FOUND);
  ck_assert_int_eq(xb_store_point_last_before(st, f, ds, 200, false, &a, &p), XB_STORE_OK);
  ck_assert_int_eq(p.at, 200);
  ck_assert_int_eq(xb_store_point_last_before(st, f, ds, 200, true, &a, &p), XB_STORE_OK);
  ck_assert_int_eq(p.at, 100);
  ck_assert_int_eq(xb_store_point_last_before(st, f, ds, 100, true, &a, &p), XB_STORE_NOT_FOUND);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* XB-STORE-8: a savepoint rolled back leaves nothing; a released one stays. */
START_TEST(test_store_savepoints_XB_STORE_8_XB_STORE_9) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  ck_assert(xb_store_in_tx(st));
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  add_ds(st, f, "kept");
  ck_assert_int_eq(xb_store_release(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  add_ds(st, f, "undone");
  ck_assert_int_eq(xb_store_rollback_to(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_commit(st), XB_STORE_OK);
  ck_assert(!xb_store_in_tx(st));
  xb_store_close(st);
  st = open_ok();
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_ds_row d;
  ck_assert_int_eq(xb_store_ds_get(st, f, "kept", 4, &a, &d), XB_STORE_OK);
  ck_assert_int_eq(xb_store_ds_get(st, f, "undone", 6, &a, &d), XB_STORE_NOT_FOUND);
  /* A batch rolled back as a whole. */
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  add_ds(st, f, "gone");
  ck_assert_int_eq(xb_store_rollback(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_ds_get(st, f, "gone", 4, &a, &d), XB_STORE_NOT_FOUND);
  ck_assert_int_eq(xb_store_commit(st), XB_STORE_ERROR); /* no transaction open */
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

static xb_key_row make_key(int64_t uid, const char *api_key, xb_perm_row *perms, size_t n) {
  xb_key_row k;
  memset(&k, 0, sizeof k);
  k.api_key = (xb_str){api_key, strlen(api_key)};
  k.user_id = uid;
  k.label = XB_STR_LIT("lbl");
  k.perms = perms;
  k.nperms = n;
  return k;
}

/* Keys round-trip with permissions and resources in written order (XB-RES-80). */
START_TEST(test_store_keys_roundtrip_XB_RES_80) {
  xb_store *st = open_ok();
  int64_t u = add_user(st, "u");
  int64_t v = add_user(st, "v");
  uint32_t f = add_feed(st, u, 504);
  xb_res_row res[2] = {{f, XB_STR_LIT("0")}, {f, XB_STR_NONE}};
  xb_perm_row perms[2];
  memset(perms, 0, sizeof perms);
  perms[0].methods = XB_M_PUT | XB_M_POST;
  perms[0].source_ip = XB_STR_LIT("192.0.2.10");
  perms[0].res = res;
  perms[0].nres = 2;
  perms[1].methods = XB_M_GET;
  perms[1].referer = XB_STR_LIT("example.org");
  perms[1].has_min_interval = true;
  perms[1].minimum_interval = 60;
  uint64_t g0 = xb_store_key_generation(st);
  xb_key_row k = make_key(u, "zzzzzzzzzzzzzzzz1", perms, 2);
  k.has_expiry = true;
  k.expires_at = 77;
  ck_assert_int_eq(xb_store_key_insert(st, &k), XB_STORE_OK);
  ck_assert_uint_gt(xb_store_key_generation(st), g0);
  xb_key_row k2 = make_key(u, "aaaaaaaaaaaaaaaa1", perms + 1, 1);
  ck_assert_int_eq(xb_store_key_insert(st, &k2), XB_STORE_OK);
  xb_key_row k3 = make_key(v, "mmmmmmmmmmmmmmmm1", perms + 1, 1);
  ck_assert_int_eq(xb_store_key_insert(st, &k3), XB_STORE_OK);
  ck_assert_int_eq(xb_store_key_insert(st, &k3), XB_STORE_EXISTS);
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_key_row got;
  ck_assert_int_eq(xb_store_key_get(st, "zzzzzzzzzzzzzzzz1", 17, &a, &got), XB_STORE_OK);
  ck_assert_int_eq(got.user_id, u);
  ck_assert(got.has_expiry && got.expires_at == 77);
  ck_assert_uint_eq(got.nperms, 2);
  ck_assert_uint_eq(got.perms[0].methods, XB_M_PUT | XB_M_POST);
  ck_assert_str_eq(got.perms[0].source_ip.p, "192.0.2.10");
  ck_assert_uint_eq(got.perms[0].nres, 2);
  ck_assert_str_eq(got.perms[0].res[0].ds_id.p, "0");
  ck_assert_ptr_null(got.perms[0].res[1].ds_id.p);
  ck_assert_str_eq(got.perms[1].referer.p, "example.org");
  ck_assert(got.perms[1].has_min_interval && got.perms[1].minimum_interval == 60);
  ck_assert_int_eq(xb_store_key_get(st, "zzzzzzzzzzzzzzzz", 16, &a, &got), XB_STORE_NOT_FOUND);
  xb_key_row *rows = NULL;
  size_t n = 0;
  ck_assert_int_eq(xb_store_key_list(st, u, 0, &a, &rows, &n), XB_STORE_OK);
  ck_assert_uint_eq(n, 2);
  ck_assert_str_eq(rows[0].api_key.p, "aaaaaaaaaaaaaaaa1");
  ck_assert_int_eq(xb_store_key_list(st, u, f, &a, &rows, &n), XB_STORE_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(rows[0].api_key.p, "zzzzzzzzzzzzzzzz1");
  /* Update replaces the whole permission list. */
  ck_assert_int_eq(xb_store_key_get(st, "zzzzzzzzzzzzzzzz1", 17, &a, &got), XB_STORE_OK);
  got.perms = perms + 1;
  got.nperms = 1;
  got.label = XB_STR_LIT("new");
  got.has_expiry = false;
  ck_assert_int_eq(xb_store_key_update(st, &got), XB_STORE_OK);
  ck_assert_int_eq(xb_store_key_get(st, "zzzzzzzzzzzzzzzz1", 17, &a, &got), XB_STORE_OK);
  ck_assert_uint_eq(got.nperms, 1);
  ck_assert_str_eq(got.label.p, "new");
  ck_assert(!got.has_expiry);
  int64_t c = 0;
  ck_assert_int_eq(xb_store_key_count_by_user(st, u, &c), XB_STORE_OK);
  ck_assert_int_eq(c, 2);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* XB-STORE-11: rollbacks bump the key generation so no cache outlives them. */
START_TEST(test_store_key_generation_rollback_XB_STORE_11) {
  xb_store *st = open_ok();
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  uint64_t g = xb_store_key_generation(st);
  ck_assert_int_eq(xb_store_rollback_to(st), XB_STORE_OK);
  ck_assert_uint_gt(xb_store_key_generation(st), g);
  g = xb_store_key_generation(st);
  ck_assert_int_eq(xb_store_rollback(st), XB_STORE_OK);
  ck_assert_uint_gt(xb_store_key_generation(st), g);
  xb_store_close(st);
}
END_TEST

/* Users: unique login; the master key is reported (XB-RES-30); list order XB-RES-31. */
START_TEST(test_store_users_XB_RES_30_XB_RES_31) {
  xb_store *st = open_ok();
  int64_t b = add_user(st, "bob");
  add_user(st, "Alice");
  add_user(st, "alice");
  xb_user_row u;
  memset(&u, 0, sizeof u);
  u.login = XB_STR_LIT("bob");
  ck_assert_int_eq(xb_store_user_insert(st, &u, NULL), XB_STORE_EXISTS);
  xb_perm_row p;
  memset(&p, 0, sizeof p);
  p.methods = XB_M_ALL;
  xb_key_row k = make_key(b, "bobmasterkey0000", &p, 1);
  k.master = true;
  ck_assert_int_eq(xb_store_key_insert(st, &k), XB_STORE_OK);
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_user_row got;
  ck_assert_int_eq(xb_store_user_by_login(st, "bob", 3, &a, &got), XB_STORE_OK);
  ck_assert_str_eq(got.api_key.p, "bobmasterkey0000");
  ck_assert_int_eq(xb_store_user_by_login(st, "BOB", 3, &a, &got), XB_STORE_NOT_FOUND);
  got.full_name = XB_STR_LIT("Bob B");
  got.admin = true;
  ck_assert_int_eq(xb_store_user_update(st, &got), XB_STORE_OK);
  ck_assert_int_eq(xb_store_user_by_id(st, b, &a, &got), XB_STORE_OK);
  ck_assert_str_eq(got.full_name.p, "Bob B");
  ck_assert(got.admin);
  xb_user_row *rows = NULL;
  size_t n = 0;
  ck_assert_int_eq(xb_store_user_list(st, 0, &a, &rows, &n), XB_STORE_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert_str_eq(rows[0].login.p, "Alice");
  ck_assert_str_eq(rows[1].login.p, "alice");
  ck_assert_str_eq(rows[2].login.p, "bob");
  ck_assert_int_eq(xb_store_user_list(st, b, &a, &rows, &n), XB_STORE_OK);
  ck_assert_uint_eq(n, 1);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* Triggers: own counter, list order by id, feed filter (XB-RES-81, XB-RES-84). */
START_TEST(test_store_triggers_XB_RES_81_XB_RES_84) {
  xb_store *st = open_ok();
  int64_t u = add_user(st, "u");
  uint32_t f1 = add_feed(st, u, 0), f2 = add_feed(st, u, 0);
  xb_trigger_row t;
  memset(&t, 0, sizeof t);
  t.user_id = u;
  t.url = XB_STR_LIT("http://x.org/h");
  t.trigger_type = XB_STR_LIT("gt");
  t.threshold_value = XB_STR_LIT("30");
  t.feed_id = f1;
  t.stream_id = XB_STR_LIT("0");
  uint32_t id1 = 0, id2 = 0;
  ck_assert_int_eq(xb_store_trigger_insert(st, &t, &id1), XB_STORE_OK);
  t.feed_id = f2;
  ck_assert_int_eq(xb_store_trigger_insert(st, &t, &id2), XB_STORE_OK);
  ck_assert_uint_eq(id1, 1);
  ck_assert_uint_eq(id2, 2);
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_trigger_row *rows = NULL;
  size_t n = 0;
  ck_assert_int_eq(xb_store_trigger_list(st, u, 0, &a, &rows, &n), XB_STORE_OK);
  ck_assert_uint_eq(n, 2);
  ck_assert_uint_eq(rows[0].id, 1);
  ck_assert_str_eq(rows[0].user_login.p, "u");
  ck_assert_int_eq(xb_store_trigger_list(st, u, f2, &a, &rows, &n), XB_STORE_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_uint_eq(rows[0].id, 2);
  xb_trigger_row g;
  ck_assert_int_eq(xb_store_trigger_get(st, 2, &a, &g), XB_STORE_OK);
  g.trigger_type = XB_STR_LIT("change");
  g.threshold_value = XB_STR_NONE;
  ck_assert_int_eq(xb_store_trigger_update(st, &g), XB_STORE_OK);
  ck_assert_int_eq(xb_store_trigger_get(st, 2, &a, &g), XB_STORE_OK);
  ck_assert_str_eq(g.trigger_type.p, "change");
  ck_assert_ptr_null(g.threshold_value.p);
  ck_assert(!g.has_notified);
  ck_assert_int_eq(xb_store_trigger_get(st, 3, &a, &g), XB_STORE_NOT_FOUND);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* XB-RES-45: waypoints in ascending at, only the newest kept. */
START_TEST(test_store_waypoints_keep_newest_XB_RES_45) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  for (int i = 0; i < 40; i++) {
    xb_waypoint_row w = {i * 10, XB_STR_LIT("1"), XB_STR_LIT("2"), XB_STR_NONE};
    ck_assert_int_eq(xb_store_waypoint_add(st, f, &w, 32), XB_STORE_OK);
  }
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_waypoint_row *rows = NULL;
  size_t n = 0;
  ck_assert_int_eq(xb_store_waypoints(st, f, &a, &rows, &n), XB_STORE_OK);
  ck_assert_uint_eq(n, 32);
  ck_assert_int_eq(rows[0].at, 80);
  ck_assert_int_eq(rows[31].at, 390);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* Feed rows round-trip every attribute; update keeps the owner. */
START_TEST(test_store_feed_roundtrip_XB_STORE_7) {
  xb_store *st = open_ok();
  int64_t u = add_user(st, "someone");
  xb_feed_row f;
  memset(&f, 0, sizeof f);
  f.user_id = u;
  f.title = XB_STR_LIT("Office");
  f.is_private = true;
  f.description = XB_STR_LIT("multi\nline");
  f.tags = XB_STR_LIT("a,b");
  f.loc_lat = XB_STR_LIT("51.50");
  f.loc_ele = XB_STR_LIT("23.0");
  f.created = 1;
  f.updated = 2;
  uint32_t id = 0;
  ck_assert_int_eq(xb_store_feed_insert(st, &f, &id), XB_STORE_OK);
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_feed_row g;
  ck_assert_int_eq(xb_store_feed_get(st, id, &a, &g), XB_STORE_OK);
  ck_assert_str_eq(g.owner_login.p, "someone");
  ck_assert_str_eq(g.loc_lat.p, "51.50");
  ck_assert_str_eq(g.description.p, "multi\nline");
  ck_assert(g.is_private);
  ck_assert_ptr_null(g.website.p);
  int64_t owner = 0;
  bool priv = false;
  ck_assert_int_eq(xb_store_feed_auth(st, id, &owner, &priv), XB_STORE_OK);
  ck_assert(owner == u && priv);
  ck_assert_int_eq(xb_store_feed_touch(st, id, 99), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, id, &a, &g), XB_STORE_OK);
  ck_assert_int_eq(g.updated, 99);
  ck_assert_int_eq(g.created, 1);
  ck_assert_int_eq(xb_store_feed_touch(st, id + 1, 99), XB_STORE_NOT_FOUND);
  int64_t c = 0;
  ck_assert_int_eq(xb_store_feed_count_by_user(st, u, &c), XB_STORE_OK);
  ck_assert_int_eq(c, 1);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* XB-RES-35 with XB-STORE-8/9/13: `updated` set inside a batch is seen by later reads
 * of the batch, dropped with a rolled-back request, and stored by the commit. */
START_TEST(test_store_touch_in_batch_XB_STORE_13) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_feed_row g;
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_touch(st, f, 100), XB_STORE_OK);
  ck_assert_int_eq(xb_store_release(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_int_eq(g.updated, 100);
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_touch(st, f, 200), XB_STORE_OK);
  ck_assert_int_eq(xb_store_rollback_to(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_int_eq(g.updated, 100);
  ck_assert_int_eq(xb_store_feed_touch(st, f + 7, 1), XB_STORE_NOT_FOUND);
  /* A full update after a touch keeps its own time (it is the latest). */
  g.updated = 50;
  g.title = XB_STR_LIT("z");
  ck_assert_int_eq(xb_store_feed_update(st, &g), XB_STORE_OK);
  ck_assert_int_eq(xb_store_commit(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_int_eq(g.updated, 50);
  ck_assert_str_eq(g.title.p, "z");
  /* Outside a batch a touch is written at once. */
  ck_assert_int_eq(xb_store_feed_touch(st, f, 300), XB_STORE_OK);
  xb_store_close(st);
  st = open_ok();
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_int_eq(g.updated, 300);
  /* Many feeds touched in one batch all land. */
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  uint32_t ids[300];
  for (int i = 0; i < 300; i++) ids[i] = add_feed(st, 1, 0);
  for (int i = 0; i < 300; i++) ck_assert_int_eq(xb_store_feed_touch(st, ids[i], 1000 + i), XB_STORE_OK);
  for (int i = 0; i < 300; i += 3) ck_assert_int_eq(xb_store_feed_touch(st, ids[i], 5000 + i), XB_STORE_OK);
  ck_assert_int_eq(xb_store_commit(st), XB_STORE_OK);
  xb_store_close(st);
  st = open_ok();
  for (int i = 0; i < 300; i++) {
    ck_assert_int_eq(xb_store_feed_get(st, ids[i], &a, &g), XB_STORE_OK);
    ck_assert_int_eq(g.updated, i % 3 == 0 ? 5000 + i : 1000 + i);
  }
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* The write-through row caches never outlive a rollback (XB-STORE-11). */
START_TEST(test_store_row_cache_rollback_XB_STORE_11) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  add_ds(st, f, "0");
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_ds_row d;
  ck_assert_int_eq(xb_store_ds_get(st, f, "0", 1, &a, &d), XB_STORE_OK);
  ck_assert(!d.written);
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  d.written = true;
  d.current_value = XB_STR_LIT("7");
  d.at = 5;
  ck_assert_int_eq(xb_store_ds_update(st, &d), XB_STORE_OK);
  xb_feed_row g;
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  g.is_private = true;
  ck_assert_int_eq(xb_store_feed_update(st, &g), XB_STORE_OK);
  int64_t owner;
  bool priv = false;
  ck_assert_int_eq(xb_store_feed_auth(st, f, &owner, &priv), XB_STORE_OK);
  ck_assert(priv);
  ck_assert_int_eq(xb_store_ds_get(st, f, "0", 1, &a, &d), XB_STORE_OK);
  ck_assert(d.written && strcmp(d.current_value.p, "7") == 0);
  ck_assert_int_eq(xb_store_rollback_to(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_ds_get(st, f, "0", 1, &a, &d), XB_STORE_OK);
  ck_assert(!d.written);
  ck_assert_int_eq(xb_store_feed_auth(st, f, &owner, &priv), XB_STORE_OK);
  ck_assert(!priv);
  ck_assert_int_eq(xb_store_commit(st), XB_STORE_OK);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* XB-STORE-13 (with XB-STORE-8, XB-STORE-11): the feed row cache behind
 * xb_store_feed_get never serves a stale row: a feed update, a touch (in a batch, by the
 * commit's flush, or outside a batch) and a rollback are all seen by the next read. */
START_TEST(test_store_feed_row_cache_XB_STORE_13) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  xb_arena a;
  xb_arena_init(&a, 4096, 0);
  xb_feed_row g, h;
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK); /* cached now */
  ck_assert_str_eq(g.title.p, "t");
  ck_assert_str_eq(g.owner_login.p, "u");
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  g.title = XB_STR_LIT("new");
  g.is_private = true;
  g.loc_lat = XB_STR_LIT("1.5");
  g.updated = 10;
  ck_assert_int_eq(xb_store_feed_update(st, &g), XB_STORE_OK);
  ck_assert_int_eq(xb_store_release(st), XB_STORE_OK);
  /* A feed write earlier in the batch is seen by a later read of the batch. */
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &h), XB_STORE_OK);
  ck_assert_str_eq(h.title.p, "new");
  ck_assert(h.is_private);
  ck_assert_str_eq(h.loc_lat.p, "1.5");
  ck_assert_str_eq(h.owner_login.p, "u");
  ck_assert_int_eq(h.updated, 10);
  /* A later write does not change a row already handed out. */
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_touch(st, f, 20), XB_STORE_OK);
  ck_assert_int_eq(xb_store_release(st), XB_STORE_OK);
  ck_assert_int_eq(h.updated, 10);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &h), XB_STORE_OK);
  ck_assert_int_eq(h.updated, 20);
  /* A rolled-back request's write is gone for the next read. */
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  h.title = XB_STR_LIT("gone");
  ck_assert_int_eq(xb_store_feed_update(st, &h), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_str_eq(g.title.p, "gone");
  ck_assert_int_eq(xb_store_rollback_to(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_str_eq(g.title.p, "new");
  ck_assert_int_eq(g.updated, 20);
  ck_assert_int_eq(xb_store_commit(st), XB_STORE_OK);
  /* After the commit's flush the read gives the stored `updated`. */
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_int_eq(g.updated, 20);
  ck_assert_str_eq(g.title.p, "new");
  /* A batch that only touches, then commits: the cached row follows the flush. */
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_touch(st, f, 30), XB_STORE_OK);
  ck_assert_int_eq(xb_store_commit(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_int_eq(g.updated, 30);
  /* A whole batch rolled back. */
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  g.title = XB_STR_LIT("batch");
  ck_assert_int_eq(xb_store_feed_update(st, &g), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &h), XB_STORE_OK);
  ck_assert_str_eq(h.title.p, "batch");
  ck_assert_int_eq(xb_store_rollback(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &h), XB_STORE_OK);
  ck_assert_str_eq(h.title.p, "new");
  /* Outside a batch a touch is written at once and seen at once. */
  ck_assert_int_eq(xb_store_feed_touch(st, f, 40), XB_STORE_OK);
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &g), XB_STORE_OK);
  ck_assert_int_eq(g.updated, 40);
  /* What the cache served is what is stored. */
  xb_store_close(st);
  st = open_ok();
  ck_assert_int_eq(xb_store_feed_get(st, f, &a, &h), XB_STORE_OK);
  ck_assert_int_eq(h.updated, 40);
  ck_assert_str_eq(h.title.p, "new");
  ck_assert(h.is_private);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

/* The arena the store copies into refuses past its limit (NOMEM, not a crash). */
START_TEST(test_store_arena_limit) {
  xb_store *st = open_ok();
  uint32_t f = add_feed(st, add_user(st, "u"), 0);
  for (int i = 0; i < 50; i++) {
    char id[16];
    snprintf(id, sizeof id, "d%d", i);
    add_ds(st, f, id);
  }
  xb_arena a;
  xb_arena_init(&a, 1024, 2048);
  xb_ds_row *rows = NULL;
  size_t n = 0;
  ck_assert_int_eq(xb_store_ds_list(st, f, &a, &rows, &n), XB_STORE_NOMEM);
  xb_arena_free(&a);
  xb_store_close(st);
}
END_TEST

Suite *xb_suite_store(void);
Suite *xb_suite_store(void) {
  Suite *s = suite_create("store");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
  tcase_add_test(tc, test_store_open_creates_wal_schema_XB_STORE_2_XB_STORE_4_XB_STORE_5);
  tcase_add_test(tc, test_store_newer_version_refused_XB_STORE_5);
  tcase_add_test(tc, test_store_close_checkpoints_XB_STORE_16);
  tcase_add_test(tc, test_store_migrates_from_zero_XB_STORE_5);
  tcase_add_test(tc, test_store_exclusive_lock_XB_STORE_3);
  tcase_add_test(tc, test_store_parent_dir_XB_STORE_2);
  tcase_add_test(tc, test_store_feed_ids_high_water_XB_RES_33);
  tcase_add_test(tc, test_store_feed_id_space_exhausted_XB_RES_33);
  tcase_add_test(tc, test_store_ds_byte_order_XB_RES_59);
  tcase_add_test(tc, test_store_datapoints_XB_RES_61_XB_STORE_7);
  tcase_add_test(tc, test_store_savepoints_XB_STORE_8_XB_STORE_9);
  tcase_add_test(tc, test_store_keys_roundtrip_XB_RES_80);
  tcase_add_test(tc, test_store_key_generation_rollback_XB_STORE_11);
  tcase_add_test(tc, test_store_users_XB_RES_30_XB_RES_31);
  tcase_add_test(tc, test_store_triggers_XB_RES_81_XB_RES_84);
  tcase_add_test(tc, test_store_waypoints_keep_newest_XB_RES_45);
  tcase_add_test(tc, test_store_feed_roundtrip_XB_STORE_7);
  tcase_add_test(tc, test_store_arena_limit);
  tcase_add_test(tc, test_store_touch_in_batch_XB_STORE_13);
  tcase_add_test(tc, test_store_row_cache_rollback_XB_STORE_11);
  tcase_add_test(tc, test_store_feed_row_cache_XB_STORE_13);
  suite_add_tcase(s, tc);
  return s;
}
