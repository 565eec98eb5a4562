/*
 * Replay driver: runs every file named on the command line (directories are walked one
 * level deep) through the harness, built with ASan and UBSan. `make check` uses it to
 * replay fuzz/regressions/<target>/ and the seed corpora, so a crash once found can never
 * come back unnoticed.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    perror(path);
    return 1;
  }
  size_t cap = 4096, len = 0;
  uint8_t *buf = malloc(cap);
  size_t n;
  while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
    len += n;
    if (len == cap) {
      uint8_t *bigger = realloc(buf, cap * 2);
      if (bigger == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf == NULL) {
    fprintf(stderr, "%s: out of memory\n", path);
    return 1;
  }
  /* An exact-size heap copy lets ASan catch a one-byte over-read. */
  uint8_t *exact = malloc(len ? len : 1);
  if (exact == NULL) {
    free(buf);
    return 1;
  }
  memcpy(exact, buf, len);
  free(buf);
  (void)LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv) {
  int failures = 0;
  unsigned long count = 0;
  for (int i = 1; i < argc; i++) {
    if (!is_dir(argv[i])) {
      failures += replay_file(argv[i]);
      count++;
      continue;
    }
    DIR *d = opendir(argv[i]);
    if (d == NULL) {
      perror(argv[i]);
      failures++;
      continue;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0) continue;
      char path[4096];
      int w = snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
      if (w < 0 || (size_t)w >= sizeof path || is_dir(path)) continue;
      failures += replay_file(path);
      count++;
    }
    closedir(d);
  }
  printf("replayed %lu inputs, %d unreadable\n", count, failures);
  return failures ? 1 : 0;
}
