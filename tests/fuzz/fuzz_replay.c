/*
 * fuzz_replay.c -- replay main for the fuzz targets (after json-c's
 * standalone_runner and Fluent Bit's local_test): runs
 * LLVMFuzzerTestOneInput on every file given, or on every file of a
 * directory, so the corpus is an ordinary ctest test under gcc.  Exit 0
 * only when at least one input ran (a crash or abort fails the test).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fz_run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf;
  long n;

  if(!f)
    return -1;
  if(fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
    fclose(f);
    return -1;
  }
  buf = malloc((size_t)n + 1);
  if(!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    return -1;
  }
  fclose(f);
  LLVMFuzzerTestOneInput(buf, (size_t)n);
  free(buf);
  return 0;
}

int
main(int argc, char **argv)
{
  int i;
  int ran = 0;

  for(i = 1; i < argc; i++) {
    struct stat st;
    if(stat(argv[i], &st))
      return 2;
    if(S_ISDIR(st.st_mode)) {
      DIR *d = opendir(argv[i]);
      struct dirent *de;
      char p[4096];
      if(!d)
        return 2;
      while((de = readdir(d))) {
        if(de->d_name[0] == '.')
          continue;
        snprintf(p, sizeof(p), "%s/%s", argv[i], de->d_name);
        if(fz_run_file(p))
          return 2;
        printf("ok %s\n", p);
        ran++;
      }
      closedir(d);
    }
    else {
      if(fz_run_file(argv[i]))
        return 2;
      ran++;
    }
  }
  printf("%d input(s) replayed\n", ran);
  return ran ? 0 : 1;
}
