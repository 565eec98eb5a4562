/*
 * xbconform — black-box conformance checker for Xively MQTT bridges (spec/scope.md
 * XB-SCOPE-10). Each area of the spec is a Check suite; every test runs in its own
 * forked child (CK_FORK) so one failing or hanging test cannot take the others down.
 * The runner prints one line per test with its verdict and the spec IDs it checks, and
 * for a failure what was expected and what came back (-v: the bytes exchanged too).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cf_check.h"

typedef struct area_def {
  const char *name;
  void (*reg)(cf_reg *);
  const char *what;
} area_def;

static const area_def areas[] = {
    {"connect", cf_area_connect, "CONNECT, API key authentication, protocol levels, client ids, takeover"},
    {"topics", cf_area_topics, "accepted and rejected topic forms"},
    {"subscribe", cf_area_subscribe, "current state, change notifications, one-shot resources, subscription set"},
    {"formats-json", cf_area_json, "canonical JSON output and JSON input"},
    {"formats-csv", cf_area_csv, "CSV v2 and v1 output and input (issue #6)"},
    {"formats-xml", cf_area_xml, "EEML/XML output and input (issue #6)"},
    {"will", cf_area_will, "last will"},
    {"authz", cf_area_authz, "permissions and isolation"},
    {"protocol", cf_area_protocol, "malformed packets and protocol violations"},
    {"qos", cf_area_qos, "QoS 1 and 2 publishes, SUBACK, flags"},
    {"limits", cf_area_limits, "packet, payload, topic, subscription and in-flight limits"},
    {"tls", cf_area_tls, "TLS listener (needs --tls-port)"},
};
#define NAREAS (sizeof areas / sizeof areas[0])

typedef enum { V_PASS, V_FAIL, V_SKIP } verdict;

typedef struct result {
  const cf_test *t;
  verdict v;
  char *msg;    /* summary */
  char *detail; /* expected / got */
  char *trace;  /* bytes exchanged */
  double secs;
} result;

static struct {
  const char *only[64];
  size_t nonly;
  const char *skip[64];
  size_t nskip;
  bool list, tap, verbose;
  const char *junit, *fixture;
} opt;

static void usage(FILE *f) {
  fprintf(f,
          "usage: xbconform --fixture FILE [--host HOST] [--port PORT]\n"
          "                 [--tls-port PORT --cafile FILE] [--only AREA]... [--skip AREA]...\n"
          "                 [--timeout MS] [--tap] [--junit FILE] [-v]\n"
          "       xbconform --list | --help | --help-fixture\n\n"
          "  --host HOST      bridge address (default 127.0.0.1)\n"
          "  --port PORT      plain MQTT port (default 1883)\n"
          "  --tls-port PORT  MQTT over TLS port; the tls area is skipped without it\n"
          "  --cafile FILE    CA certificate(s) that verify the bridge's TLS certificate\n"
          "  --fixture FILE   what the bridge has provisioned (--help-fixture)\n"
          "  --only AREA      run only these areas (repeat or comma-separate; AREA/TEST too)\n"
          "  --skip AREA      do not run these areas (or AREA/TEST)\n"
          "  --list           list every test with the spec IDs it checks\n"
          "  --timeout MS     wait for an expected packet at most MS ms (default 3000)\n"
          "  --tap            TAP output on standard output\n"
          "  --junit FILE     also write a JUnit XML report\n"
          "  -v               show the bytes exchanged by failing tests\n\n"
          "Areas:");
  for (size_t i = 0; i < NAREAS; i++) fprintf(f, " %s", areas[i].name);
  fprintf(f, "\nExit status: 0 every selected test passed, 1 a test failed, 2 usage or setup error.\n");
}

static void add_list(const char **list, size_t *n, char *arg) {
  for (char *s = strtok(arg, ","); s != NULL; s = strtok(NULL, ","))
    if (*n < 64) list[(*n)++] = s;
}

/* "area" matches every test of it; "area/test" one test. */
static bool matches(const char *const *list, size_t n, const cf_test *t) {
  for (size_t i = 0; i < n; i++) {
    const char *slash = strchr(list[i], '/');
    if (slash == NULL) {
      if (strcmp(list[i], t->area) == 0) return true;
    } else if (strncmp(list[i], t->area, (size_t)(slash - list[i])) == 0 &&
               t->area[slash - list[i]] == '\0' && strcmp(slash + 1, t->name) == 0) {
      return true;
    }
  }
  return false;
}

static bool known(const char *sel, const cf_reg *r) {
  const char *slash = strchr(sel, '/');
  for (size_t i = 0; i < r->n; i++) {
    const cf_test *t = &r->tests[i];
    if (slash == NULL ? strcmp(sel, t->area) == 0
                      : (strncmp(sel, t->area, (size_t)(slash - sel)) == 0 &&
                         t->area[slash - sel] == '\0' && strcmp(slash + 1, t->name) == 0))
      return true;
  }
  return false;
}

static char *slurp(int fd) {
  off_t end = lseek(fd, 0, SEEK_END);
  if (end < 0) end = 0;
  char *s = malloc((size_t)end + 1);
  if (s == NULL) abort();
  ssize_t n = pread(fd, s, (size_t)end, 0);
  s[n > 0 ? n : 0] = '\0';
  return s;
}

static void xml_escaped(FILE *f, const char *s) {
  for (; s != NULL && *s != '\0'; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '&') fputs("&amp;", f);
    else if (c == '<') fputs("&lt;", f);
    else if (c == '>') fputs("&gt;", f);
    else if (c == '"') fputs("&quot;", f);
    else if (c < 0x20 && c != '\n' && c != '\t') fprintf(f, "&#%u;", c);
    else fputc(c, f);
  }
}

static void write_junit(const char *path, const result *res, size_t n) {
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "xbconform: cannot write %s: %s\n", path, strerror(errno));
    return;
  }
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"xbconform\">\n");
  for (size_t a = 0; a < NAREAS; a++) {
    size_t tests = 0, fails = 0, skips = 0;
    double secs = 0;
    for (size_t i = 0; i < n; i++) {
      if (strcmp(res[i].t->area, areas[a].name) != 0) continue;
      tests++;
      fails += res[i].v == V_FAIL;
      skips += res[i].v == V_SKIP;
      secs += res[i].secs;
    }
    if (tests == 0) continue;
    fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n",
            areas[a].name, tests, fails, skips, secs);
    for (size_t i = 0; i < n; i++) {
      const result *r = &res[i];
      if (strcmp(r->t->area, areas[a].name) != 0) continue;
      fprintf(f, "    <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\">\n", r->t->area,
              r->t->name, r->secs);
      fprintf(f, "      <properties><property name=\"spec\" value=\"");
      xml_escaped(f, r->t->ids);
      fprintf(f, "\"/></properties>\n");
      if (r->v == V_FAIL) {
        fprintf(f, "      <failure message=\"");
        xml_escaped(f, r->msg);
        fprintf(f, "\">");
        xml_escaped(f, r->detail);
        if (r->trace != NULL && r->trace[0] != '\0') {
          fputs("\nbytes exchanged:\n", f);
          xml_escaped(f, r->trace);
        }
        fprintf(f, "</failure>\n");
      } else if (r->v == V_SKIP) {
        fprintf(f, "      <skipped message=\"");
        xml_escaped(f, r->msg);
        fprintf(f, "\"/>\n");
      }
      fprintf(f, "    </testcase>\n");
    }
    fprintf(f, "  </testsuite>\n");
  }
  fprintf(f, "</testsuites>\n");
  fclose(f);
}

static void print_indented(FILE *f, const char *prefix, const char *s) {
  while (s != NULL && *s != '\0') {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    if (n > 0) fprintf(f, "%s%.*s\n", prefix, (int)n, s);
    s += n + (nl ? 1 : 0);
  }
}

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  static const struct option longopts[] = {
      {"host", required_argument, NULL, 'H'},     {"port", required_argument, NULL, 'p'},
      {"tls-port", required_argument, NULL, 'T'}, {"cafile", required_argument, NULL, 'C'},
      {"fixture", required_argument, NULL, 'f'},  {"only", required_argument, NULL, 'o'},
      {"skip", required_argument, NULL, 's'},     {"list", no_argument, NULL, 'l'},
      {"timeout", required_argument, NULL, 't'},  {"tap", no_argument, NULL, 'a'},
      {"junit", required_argument, NULL, 'j'},    {"help", no_argument, NULL, 'h'},
      {"help-fixture", no_argument, NULL, 'F'},   {NULL, 0, NULL, 0}};
  int ch;
  while ((ch = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
    switch (ch) {
    case 'H': cf_net.host = optarg; break;
    case 'p': cf_net.port = optarg; break;
    case 'T': cf_tls_port = optarg; cf_tls_given = true; break;
    case 'C': cf_net.cafile = optarg; break;
    case 'f': opt.fixture = optarg; break;
    case 'o': add_list(opt.only, &opt.nonly, optarg); break;
    case 's': add_list(opt.skip, &opt.nskip, optarg); break;
    case 'l': opt.list = true; break;
    case 't': {
      char *end = NULL;
      long v = strtol(optarg, &end, 10);
      if (*end != '\0' || v < 50 || v > 600000) {
        fprintf(stderr, "xbconform: --timeout takes 50..600000 milliseconds\n");
        return 2;
      }
      cf_timeout_ms = (int)v;
      break;
    }
    case 'a': opt.tap = true; break;
    case 'j': opt.junit = optarg; break;
    case 'v': opt.verbose = true; break;
    case 'h': usage(stdout); return 0;
    case 'F': cf_fixture_help(); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (optind != argc) {
    usage(stderr);
    return 2;
  }

  cf_reg reg = {0};
  for (size_t a = 0; a < NAREAS; a++) {
    reg.area = areas[a].name;
    areas[a].reg(&reg);
  }
  for (size_t i = 0; i < opt.nonly; i++)
    if (!known(opt.only[i], &reg)) {
      fprintf(stderr, "xbconform: --only %s: no such area or test (--list)\n", opt.only[i]);
      return 2;
    }
  for (size_t i = 0; i < opt.nskip; i++)
    if (!known(opt.skip[i], &reg)) {
      fprintf(stderr, "xbconform: --skip %s: no such area or test (--list)\n", opt.skip[i]);
      return 2;
    }

  bool *sel = calloc(reg.n + 1, sizeof *sel);
  size_t nsel = 0;
  for (size_t i = 0; i < reg.n; i++) {
    sel[i] = (opt.nonly == 0 || matches(opt.only, opt.nonly, &reg.tests[i])) &&
             !matches(opt.skip, opt.nskip, &reg.tests[i]);
    nsel += sel[i];
  }

  if (opt.list) {
    const char *last = "";
    for (size_t i = 0; i < reg.n; i++) {
      const cf_test *t = &reg.tests[i];
      if (!sel[i]) continue;
      if (strcmp(last, t->area) != 0) {
        for (size_t a = 0; a < NAREAS; a++)
          if (strcmp(areas[a].name, t->area) == 0) printf("%s%s — %s\n", *last ? "\n" : "", t->area, areas[a].what);
        last = t->area;
      }
      printf("  %s/%s  [%s]\n      %s\n", t->area, t->name, t->ids, t->what);
    }
    printf("\n%zu tests\n", nsel);
    return 0;
  }

  if (opt.fixture == NULL) {
    fprintf(stderr, "xbconform: --fixture FILE is required (--help-fixture)\n");
    return 2;
  }
  char err[1024];
  if (cf_fixture_load(opt.fixture, err, sizeof err) != 0) {
    fprintf(stderr, "xbconform: %s\n", err);
    return 2;
  }
  if (cf_tls_given && cf_net.cafile == NULL) {
    fprintf(stderr, "xbconform: --tls-port needs --cafile\n");
    return 2;
  }
  cf_conn *probe = cf_conn_open("probe", err, sizeof err);
  if (probe == NULL) {
    fprintf(stderr, "xbconform: %s\n", err);
    return 2;
  }
  cf_conn_close(probe);

  char dir[] = "/tmp/xbconform.XXXXXX";
  if (mkdtemp(dir) == NULL) {
    fprintf(stderr, "xbconform: mkdtemp: %s\n", strerror(errno));
    return 2;
  }
  char dpath[64], tpath[64];
  snprintf(dpath, sizeof dpath, "%s/detail", dir);
  snprintf(tpath, sizeof tpath, "%s/bytes", dir);
  cf_detail_fd = open(dpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int tfd = open(tpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (cf_detail_fd < 0 || tfd < 0) {
    fprintf(stderr, "xbconform: %s: %s\n", dir, strerror(errno));
    return 2;
  }
  cf_transcript_fd(tfd);

  /* One Check suite per area, one test case per test; tests run one at a time. */
  SRunner *sr = srunner_create(NULL);
  const char *nofork = getenv("CK_FORK");
  srunner_set_fork_status(sr, nofork != NULL && strcmp(nofork, "no") == 0 ? CK_NOFORK : CK_FORK);
  /* Room for several packet waits plus the longest timeout a test waits for on purpose. */
  double per_test = 10.0 + 6.0 * cf_timeout_ms / 1000.0 + (double)cf_fx.connect_timeout +
                    (double)cf_fx.tls_handshake_timeout;
  for (size_t a = 0; a < NAREAS; a++) {
    Suite *s = NULL;
    for (size_t i = 0; i < reg.n; i++) {
      if (!sel[i] || strcmp(reg.tests[i].area, areas[a].name) != 0) continue;
      if (s == NULL) s = suite_create(areas[a].name);
      TCase *tc = tcase_create(reg.tests[i].name);
      tcase_add_test(tc, reg.tests[i].fn);
      tcase_set_timeout(tc, per_test);
      suite_add_tcase(s, tc);
    }
    if (s != NULL) srunner_add_suite(sr, s);
  }

  FILE *out = stdout;
  setvbuf(out, NULL, _IOLBF, 0);
  if (opt.tap) fprintf(out, "TAP version 13\n1..%zu\n", nsel);
  else
    fprintf(out, "xbconform: bridge %s:%s, fixture %s, %zu tests\n", cf_net.host, cf_net.port,
            opt.fixture, nsel);

  result *res = calloc(nsel + 1, sizeof *res);
  size_t nres = 0, nfail = 0, nskip = 0, run = 0;
  const char *last_area = "";
  double t_start = mono();
  for (size_t i = 0; i < reg.n; i++) {
    if (!sel[i]) continue;
    const cf_test *t = &reg.tests[i];
    result *r = &res[nres++];
    r->t = t;
    if (!opt.tap && strcmp(last_area, t->area) != 0) {
      fprintf(out, "== %s\n", t->area);
      last_area = t->area;
    }
    if ((t->needs & CF_NEED_TLS) && !cf_tls_given) {
      r->v = V_SKIP;
      r->msg = strdup("skipped: no --tls-port");
    } else {
      if (ftruncate(cf_detail_fd, 0) != 0 || ftruncate(tfd, 0) != 0) abort();
      lseek(cf_detail_fd, 0, SEEK_SET);
      lseek(tfd, 0, SEEK_SET);
      double t0 = mono();
      srunner_run(sr, t->area, t->name, CK_SILENT);
      r->secs = mono() - t0;
      int n = srunner_ntests_run(sr);
      TestResult **trs = srunner_results(sr);
      TestResult *tr = n > (int)run ? trs[n - 1] : NULL;
      run = (size_t)n;
      if (tr == NULL) {
        r->v = V_FAIL;
        r->msg = strdup("the test did not run");
      } else if (tr_rtype(tr) == CK_PASS) {
        r->v = V_PASS;
      } else {
        r->v = V_FAIL;
        const char *m = tr_msg(tr);
        r->msg = strdup(tr_rtype(tr) == CK_ERROR && strstr(m, "timeout") != NULL
                            ? "the test did not finish in time (the bridge stopped answering?)"
                            : m);
        r->detail = slurp(cf_detail_fd);
        r->trace = slurp(tfd);
      }
      free(trs);
    }
    nfail += r->v == V_FAIL;
    nskip += r->v == V_SKIP;
    if (opt.tap) {
      fprintf(out, "%s %zu - %s/%s [%s]%s%s\n", r->v == V_FAIL ? "not ok" : "ok", nres, t->area,
              t->name, t->ids, r->v == V_SKIP ? " # SKIP " : "", r->v == V_SKIP ? r->msg + 9 : "");
      if (r->v == V_FAIL) {
        print_indented(out, "# ", r->detail && *r->detail ? r->detail : r->msg);
        if (opt.verbose) print_indented(out, "# ", r->trace);
      }
    } else {
      fprintf(out, "  %-4s %s/%s  [%s]%s%s\n",
              r->v == V_PASS ? "pass" : r->v == V_FAIL ? "FAIL" : "skip", t->area, t->name,
              t->ids, r->v == V_SKIP ? "  " : "", r->v == V_SKIP ? r->msg : "");
      if (r->v == V_FAIL) {
        print_indented(out, "       ", r->detail && *r->detail ? r->detail : r->msg);
        if (opt.verbose && r->trace && *r->trace) {
          fprintf(out, "       bytes exchanged:\n");
          print_indented(out, "  ", r->trace);
        }
      }
    }
  }
  double elapsed = mono() - t_start;
  if (!opt.tap) {
    fprintf(out, "== summary\n");
    for (size_t a = 0; a < NAREAS; a++) {
      size_t p = 0, f = 0, s = 0;
      for (size_t i = 0; i < nres; i++) {
        if (strcmp(res[i].t->area, areas[a].name) != 0) continue;
        p += res[i].v == V_PASS;
        f += res[i].v == V_FAIL;
        s += res[i].v == V_SKIP;
      }
      if (p + f + s == 0) continue;
      fprintf(out, "  %-13s %3zu passed %3zu failed %3zu skipped\n", areas[a].name, p, f, s);
    }
    fprintf(out, "xbconform: %zu passed, %zu failed, %zu skipped in %.1f s\n",
            nres - nfail - nskip, nfail, nskip, elapsed);
  } else {
    fprintf(out, "# %zu passed, %zu failed, %zu skipped in %.1f s\n", nres - nfail - nskip,
            nfail, nskip, elapsed);
  }
  if (opt.junit != NULL) write_junit(opt.junit, res, nres);
  srunner_free(sr);
  close(cf_detail_fd);
  close(tfd);
  unlink(dpath);
  unlink(tpath);
  rmdir(dir);
  return nfail == 0 ? 0 : 1;
}
