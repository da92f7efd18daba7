/*
 * cli_secret.c -- reading a secret setting (token, API key) from standard
 * input or a file, so it never has to be on the command line (argv is
 * visible to every user in ps and lands in shell history); the buffer is
 * wiped after use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define CLI_SECRET_MAX 65536

char *
cli_secret_read(const char *cmd, const char *from_file)
{
  FILE *f = stdin;
  char *buf, why[256];
  size_t n = 0, got;

  if(from_file && !(f = fopen(from_file, "rb"))) {
    cli_fail(cmd, "cannot read the secret from %s: %m", from_file);
    return NULL;
  }
  if(!from_file && isatty(STDIN_FILENO))
    fprintf(stderr, "secret (input not shown when piped; end with Enter, "
            "then Ctrl-D): ");
  /* no core dump or ptrace of this process once it holds the secret */
  if(hs_process_harden(why, sizeof(why)))
    fprintf(stderr, "host-sim %s: %s\n", cmd, why);
  buf = malloc(CLI_SECRET_MAX + 1);
  if(!buf) {
    if(from_file)
      fclose(f);
    cli_fail(cmd, "out of memory");
    return NULL;
  }
  while(n <= CLI_SECRET_MAX &&
        (got = fread(buf + n, 1, CLI_SECRET_MAX + 1 - n, f)) > 0)
    n += got;
  if(from_file)
    fclose(f);
  if(n > CLI_SECRET_MAX) {
    cli_fail(cmd, "the secret from %s is longer than %d bytes",
             from_file ? from_file : "standard input", CLI_SECRET_MAX);
    cli_secret_free(buf);
    return NULL;
  }
  if(memchr(buf, '\0', n)) {
    cli_fail(cmd, "the secret from %s contains a NUL byte",
             from_file ? from_file : "standard input");
    cli_secret_free(buf);
    return NULL;
  }
  /* one final line break is how files and `echo` end; others stay and
   * are refused by the setting's checks */
  if(n && buf[n - 1] == '\n')
    n--;
  if(n && buf[n - 1] == '\r')
    n--;
  buf[n] = '\0';
  return buf;
}

void
cli_secret_free(char *s)
{
  if(!s)
    return;
  explicit_bzero(s, CLI_SECRET_MAX + 1);
  free(s);
}
