/*
 * test_auth.c — permission matching and master rights as pure functions over a key
 * (spec/authz.md XB-AUTHZ-4..XB-AUTHZ-11), client addresses (XB-AUTHZ-8, XB-TRANS-22,
 * XB-RES-76), and the key cache against the store (XB-AUTHZ-1, XB-STORE-11).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/xb_auth.h"

#define S(x) ((xb_str){(x), sizeof(x) - 1})

static xb_ip ipv(const char *s) { return xb_ip_parse(s, strlen(s)); }

static xb_key_row key1(xb_perm_row *p, size_t n, bool private_access) {
  xb_key_row k;
  memset(&k, 0, sizeof k);
  k.api_key = S("kkkkkkkkkkkkkkkk");
  k.label = S("k");
  k.private_access = private_access;
  k.perms = p;
  k.nperms = n;
  return k;
}

static xb_perm_row perm(unsigned m) {
  xb_perm_row p;
  memset(&p, 0, sizeof p);
  p.methods = m;
  return p;
}

static const xb_authz_target feed504 = {504, NULL, 0, false};
static const xb_authz_target ds504_0 = {504, "0", 1, false};
static const xb_authz_target ds504_1 = {504, "1", 1, false};
static const xb_authz_target feed505 = {505, NULL, 0, false};
static const xb_authz_target create = {0, NULL, 0, true};

/* XB-AUTHZ-5: the method must be in access_methods. */
START_TEST(test_authz_method_XB_AUTHZ_5) {
  xb_ip ip = ipv("192.0.2.1");
  unsigned ms[] = {XB_M_GET, XB_M_PUT, XB_M_POST, XB_M_DELETE};
  for (size_t i = 0; i < 4; i++) {
    xb_perm_row p = perm(ms[i]);
    xb_key_row k = key1(&p, 1, false);
    for (size_t j = 0; j < 3; j++) {
      xb_authz_verdict want = i == j ? XB_AUTHZ_ALLOW : XB_AUTHZ_DENY;
      ck_assert_int_eq(xb_authz_match(&k, ms[j], &feed504, &ip), want);
    }
  }
  xb_key_row none = key1(NULL, 0, true); /* no permission at all */
  ck_assert_int_eq(xb_authz_match(&none, XB_M_GET, &feed504, &ip), XB_AUTHZ_DENY);
}
END_TEST

/* XB-AUTHZ-6: unscoped covers everything; {F} the family; {F,D} D and below only. */
START_TEST(test_authz_resources_XB_AUTHZ_6) {
  xb_ip ip = ipv("192.0.2.1");
  xb_perm_row p = perm(XB_M_GET | XB_M_PUT);
  xb_key_row k = key1(&p, 1, true);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_PUT, &ds504_1, &ip), XB_AUTHZ_ALLOW);
  xb_res_row rf = {504, XB_STR_NONE};
  p.res = &rf;
  p.nres = 1;
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_PUT, &ds504_0, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_PUT, &ds504_1, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed505, &ip), XB_AUTHZ_DENY);
  xb_res_row rd = {504, S("0")};
  p.res = &rd;
  ck_assert_int_eq(xb_authz_match(&k, XB_M_PUT, &ds504_0, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_PUT, &ds504_1, &ip), XB_AUTHZ_DENY);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &ip), XB_AUTHZ_DENY);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed505, &ip), XB_AUTHZ_DENY);
  /* Several resources: any one covering is enough. */
  xb_res_row two[2] = {{505, XB_STR_NONE}, {504, S("1")}};
  p.res = two;
  p.nres = 2;
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed505, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &ds504_1, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &ds504_0, &ip), XB_AUTHZ_DENY);
}
END_TEST

/* XB-AUTHZ-7: numeric feed ids, byte-exact datastream ids (case-sensitive). */
START_TEST(test_authz_resource_compare_XB_AUTHZ_7) {
  xb_ip ip = ipv("192.0.2.1");
  xb_perm_row p = perm(XB_M_GET);
  xb_res_row r = {504, S("Temp")};
  p.res = &r;
  p.nres = 1;
  xb_key_row k = key1(&p, 1, true);
  xb_authz_target lower = {504, "temp", 4, false};
  xb_authz_target exact = {504, "Temp", 4, false};
  xb_authz_target prefix = {504, "Tem", 3, false};
  xb_authz_target longer = {504, "Temp2", 5, false};
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &exact, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &lower, &ip), XB_AUTHZ_DENY);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &prefix, &ip), XB_AUTHZ_DENY);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &longer, &ip), XB_AUTHZ_DENY);
}
END_TEST

/* XB-AUTHZ-8: source_ip compared as addresses; the other permissions still count. */
START_TEST(test_authz_source_ip_XB_AUTHZ_8) {
  xb_perm_row p = perm(XB_M_GET);
  p.source_ip = S("192.0.2.1");
  xb_key_row k = key1(&p, 1, true);
  xb_ip a = ipv("192.0.2.1"), mapped = ipv("::ffff:192.0.2.1"), b = ipv("192.0.2.2");
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &a), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &mapped), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &b), XB_AUTHZ_DENY_SOURCE_IP);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, NULL), XB_AUTHZ_DENY_SOURCE_IP);
  /* The method failing is a plain denial, not a source-ip one. */
  ck_assert_int_eq(xb_authz_match(&k, XB_M_PUT, &feed504, &b), XB_AUTHZ_DENY);
  p.source_ip = S("2001:db8::1");
  xb_ip v6 = ipv("2001:DB8:0:0::1");
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &v6), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &a), XB_AUTHZ_DENY_SOURCE_IP);
  /* A second permission without source_ip allows the request. */
  xb_perm_row two[2] = {p, perm(XB_M_GET)};
  xb_key_row k2 = key1(two, 2, true);
  ck_assert_int_eq(xb_authz_match(&k2, XB_M_GET, &feed504, &a), XB_AUTHZ_ALLOW);
}
END_TEST

/* XB-AUTHZ-9, XB-EXC-20: a referer never matches over MQTT (even a master key with one). */
START_TEST(test_authz_referer_XB_AUTHZ_9) {
  xb_ip ip = ipv("192.0.2.1");
  xb_perm_row p = perm(XB_M_ALL);
  p.referer = S("example.org");
  xb_key_row k = key1(&p, 1, true);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed504, &ip), XB_AUTHZ_DENY);
  ck_assert_int_eq(xb_authz_master(&k, &ip), XB_AUTHZ_DENY);
}
END_TEST

/* XB-AUTHZ-21: feed creation needs an unscoped permission with post. */
START_TEST(test_authz_unscoped_required_XB_AUTHZ_21) {
  xb_ip ip = ipv("192.0.2.1");
  xb_perm_row p = perm(XB_M_POST);
  xb_key_row k = key1(&p, 1, false);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_POST, &create, &ip), XB_AUTHZ_ALLOW);
  xb_res_row r = {504, XB_STR_NONE};
  p.res = &r;
  p.nres = 1;
  ck_assert_int_eq(xb_authz_match(&k, XB_M_POST, &create, &ip), XB_AUTHZ_DENY);
}
END_TEST

/* XB-AUTHZ-4: permissions are alternatives, never combined. */
START_TEST(test_authz_alternatives_not_combined_XB_AUTHZ_4) {
  xb_ip ip = ipv("192.0.2.1");
  xb_res_row r = {504, XB_STR_NONE};
  xb_perm_row p[2] = {perm(XB_M_PUT), perm(XB_M_GET)};
  p[1].res = &r; /* get only on 504; put only unscoped */
  p[1].nres = 1;
  p[0].source_ip = S("10.0.0.1");
  xb_key_row k = key1(p, 2, true);
  /* put on 504 from 192.0.2.1: p0 fails on source_ip, p1 lacks put => denied. */
  ck_assert_int_eq(xb_authz_match(&k, XB_M_PUT, &feed504, &ip), XB_AUTHZ_DENY_SOURCE_IP);
  ck_assert_int_eq(xb_authz_match(&k, XB_M_GET, &feed505, &ip), XB_AUTHZ_DENY);
}
END_TEST

/* XB-AUTHZ-11: master rights. */
START_TEST(test_authz_master_XB_AUTHZ_11) {
  xb_ip ip = ipv("192.0.2.1"), other = ipv("192.0.2.9");
  xb_perm_row p = perm(XB_M_ALL);
  xb_key_row k = key1(&p, 1, true);
  ck_assert_int_eq(xb_authz_master(&k, &ip), XB_AUTHZ_ALLOW);
  k.private_access = false;
  ck_assert_int_eq(xb_authz_master(&k, &ip), XB_AUTHZ_DENY);
  k.private_access = true;
  p.methods = XB_M_GET | XB_M_PUT | XB_M_POST; /* no delete */
  ck_assert_int_eq(xb_authz_master(&k, &ip), XB_AUTHZ_DENY);
  p.methods = XB_M_ALL;
  xb_res_row r = {504, XB_STR_NONE};
  p.res = &r;
  p.nres = 1;
  ck_assert_int_eq(xb_authz_master(&k, &ip), XB_AUTHZ_DENY);
  p.nres = 0;
  p.source_ip = S("192.0.2.1");
  ck_assert_int_eq(xb_authz_master(&k, &ip), XB_AUTHZ_ALLOW);
  ck_assert_int_eq(xb_authz_master(&k, &other), XB_AUTHZ_DENY_SOURCE_IP);
}
END_TEST

/* XB-RES-76 canonical forms; XB-TRANS-22 mapped addresses. */
START_TEST(test_ip_canonical_XB_RES_76) {
  char out[46];
  ck_assert_uint_eq(xb_ip_canonical("192.0.2.10", 10, out), 10);
  ck_assert_str_eq(out, "192.0.2.10");
  const char *bad[] = {"192.0.2.010", "192.0.2", "192.0.2.256", "1.2.3.4.5", "fe80::1%eth0",
                       "[::1]", "::1/128", "", "a.b.c.d", " 1.2.3.4", "1.2.3.4 "};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(xb_ip_canonical(bad[i], strlen(bad[i]), out) == 0, "%s accepted", bad[i]);
  ck_assert(xb_ip_canonical("2001:DB8:0:0::1", 15, out) > 0);
  ck_assert_str_eq(out, "2001:db8::1");
  ck_assert(xb_ip_canonical("2001:db8:0:1:0:0:0:1", 20, out) > 0);
  ck_assert_str_eq(out, "2001:db8:0:1::1");
  ck_assert(xb_ip_canonical("::ffff:192.0.2.1", 16, out) > 0);
  ck_assert_str_eq(out, "::ffff:192.0.2.1");
  xb_ip a = ipv("::ffff:10.0.0.1"), b = ipv("10.0.0.1");
  ck_assert(a.ok && b.ok && memcmp(a.a, b.a, 16) == 0);
  ck_assert(!ipv("not an ip").ok);
  ck_assert(!xb_ip_parse(NULL, 0).ok);
}
END_TEST

/* ------------------------------------------------------------------ key cache */

static char kdir[64], kpath[128];

static void kc_setup(void) {
  snprintf(kdir, sizeof kdir, "/tmp/xbauth-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(kdir));
  snprintf(kpath, sizeof kpath, "%s/k.db", kdir);
}

static void kc_teardown(void) {
  const char *n[] = {"k.db", "k.db-wal", "k.db-shm", "k.db.lock"};
  for (size_t i = 0; i < 4; i++) {
    char p[200];
    snprintf(p, sizeof p, "%s/%s", kdir, n[i]);
    unlink(p);
  }
  rmdir(kdir);
}

/* XB-AUTHZ-1: a lookup reflects the store at that moment, including rollbacks. */
START_TEST(test_keycache_coherent_XB_AUTHZ_1_XB_STORE_11) {
  xb_store *st = NULL;
  ck_assert_int_eq(xb_store_open(kpath, NULL, &st, NULL, 0), XB_STORE_OK);
  xb_user_row u;
  memset(&u, 0, sizeof u);
  u.login = S("u");
  int64_t uid = 0;
  ck_assert_int_eq(xb_store_user_insert(st, &u, &uid), XB_STORE_OK);
  xb_perm_row p = perm(XB_M_GET);
  xb_key_row k = key1(&p, 1, false);
  k.user_id = uid;
  ck_assert_int_eq(xb_store_key_insert(st, &k), XB_STORE_OK);
  xb_keycache *c = xb_keycache_new(4);
  const xb_key_row *got = NULL;
  ck_assert_int_eq(xb_keycache_get(c, st, "kkkkkkkkkkkkkkkk", 16, &got), XB_STORE_OK);
  ck_assert_uint_eq(got->perms[0].methods, XB_M_GET);
  ck_assert_int_eq(xb_keycache_get(c, st, "kkkkkkkkkkkkkkkx", 16, &got), XB_STORE_NOT_FOUND);
  /* A write changes what the next lookup sees. */
  xb_arena ar;
  xb_arena_init(&ar, 1024, 0);
  ck_assert_int_eq(xb_store_key_get(st, "kkkkkkkkkkkkkkkk", 16, &ar, &k), XB_STORE_OK);
  xb_perm_row p2 = perm(XB_M_PUT);
  k.perms = &p2;
  k.nperms = 1;
  ck_assert_int_eq(xb_store_begin(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_savepoint(st), XB_STORE_OK);
  ck_assert_int_eq(xb_store_key_update(st, &k), XB_STORE_OK);
  ck_assert_int_eq(xb_keycache_get(c, st, "kkkkkkkkkkkkkkkk", 16, &got), XB_STORE_OK);
  ck_assert_uint_eq(got->perms[0].methods, XB_M_PUT);
  /* Rolled back: the cache must not keep the undone permissions. */
  ck_assert_int_eq(xb_store_rollback_to(st), XB_STORE_OK);
  ck_assert_int_eq(xb_keycache_get(c, st, "kkkkkkkkkkkkkkkk", 16, &got), XB_STORE_OK);
  ck_assert_uint_eq(got->perms[0].methods, XB_M_GET);
  ck_assert_int_eq(xb_store_commit(st), XB_STORE_OK);
  xb_keycache_free(c);
  xb_arena_free(&ar);
  xb_store_close(st);
}
END_TEST

Suite *xb_suite_auth(void);
Suite *xb_suite_auth(void) {
  Suite *s = suite_create("auth");
  TCase *tc = tcase_create("match");
  tcase_add_test(tc, test_authz_method_XB_AUTHZ_5);
  tcase_add_test(tc, test_authz_resources_XB_AUTHZ_6);
  tcase_add_test(tc, test_authz_resource_compare_XB_AUTHZ_7);
  tcase_add_test(tc, test_authz_source_ip_XB_AUTHZ_8);
  tcase_add_test(tc, test_authz_referer_XB_AUTHZ_9);
  tcase_add_test(tc, test_authz_unscoped_required_XB_AUTHZ_21);
  tcase_add_test(tc, test_authz_alternatives_not_combined_XB_AUTHZ_4);
  tcase_add_test(tc, test_authz_master_XB_AUTHZ_11);
  tcase_add_test(tc, test_ip_canonical_XB_RES_76);
  suite_add_tcase(s, tc);
  TCase *kc = tcase_create("keycache");
  tcase_add_checked_fixture(kc, kc_setup, kc_teardown);
  tcase_add_test(kc, test_keycache_coherent_XB_AUTHZ_1_XB_STORE_11);
  suite_add_tcase(s, kc);
  return s;
}
