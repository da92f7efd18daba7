/*
 * hs_config_text.c -- the raw text of a host.cfg before libconfig sees it:
 * loaded from a regular file of bounded size (libconfig 1.5 exits the
 * process with "input in flex scanner failed" when handed a directory),
 * and checked for what libconfig would mishandle silently or fatally: a
 * NUL byte (the rest of the file ignored), an @include directive (reads
 * any file named, exits on a directory; host.cfg is one file), and a
 * "\x00" escape in a string (the byte dropped without a word).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hs_config.h"

#define HS_CFG_MAX_BYTES (1024 * 1024)

/* Is the escape at s[i] ('\\') itself escaped, i.e. preceded by an odd
 * number of backslashes? */
static int
hs_cfg_escaped(const char *s, size_t i)
{
  size_t n = 0;

  while(i > n && s[i - n - 1] == '\\')
    n++;
  return n % 2 == 1;
}

int
hs_config_text_check(const char *text, size_t len, const char *name,
                     char *err, size_t errlen)
{
  const char *file = name ? name : "<string>";
  size_t i, line = 1, bol = 1;

  for(i = 0; i < len; i++) {
    char c = text[i];

    if(c == '\0') {
      hs_cfg_errf(err, errlen, "%s:%zu: the file contains a NUL byte "
                  "(offset %zu): host.cfg is text", file, line, i);
      return BMC_ERR_CONFIG;
    }
    if(c == '\n') {
      line++;
      bol = 1;
      continue;
    }
    if(bol && (c == ' ' || c == '\t'))
      continue;
    if(bol && c == '@' && len - i >= 8 && !strncmp(text + i, "@include", 8)) {
      hs_cfg_errf(err, errlen, "%s:%zu: @include is not allowed: host.cfg "
                  "is one file (copy the included settings into it)", file,
                  line);
      return BMC_ERR_CONFIG;
    }
    bol = 0;
    if(c == '\\' && len - i >= 4 && !strncmp(text + i, "\\x00", 4) &&
       !hs_cfg_escaped(text, i)) {
      hs_cfg_errf(err, errlen, "%s:%zu: the escape \\x00 (a NUL byte) is "
                  "not allowed in a string", file, line);
      return BMC_ERR_CONFIG;
    }
  }
  return BMC_OK;
}

int
hs_config_text_load(const char *path, char **out, size_t *len, char *err,
                    size_t errlen)
{
  struct stat sb;
  char *buf = NULL;
  size_t off = 0;
  int fd, rc = BMC_ERR_CONFIG;

  *out = NULL;
  *len = 0;
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if(fd < 0) {
    hs_cfg_errf(err, errlen, "%s: cannot open config file: %s", path,
                strerror(errno));
    return BMC_ERR_NOT_FOUND;
  }
  if(fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    hs_cfg_errf(err, errlen, "%s: not a regular file (a host.cfg is "
                "expected)", path);
    goto out;
  }
  if(sb.st_size > HS_CFG_MAX_BYTES) {
    hs_cfg_errf(err, errlen, "%s: %lld bytes, more than the %d a host.cfg "
                "may have", path, (long long)sb.st_size, HS_CFG_MAX_BYTES);
    goto out;
  }
  buf = malloc((size_t)sb.st_size + 1);
  if(!buf) {
    hs_cfg_errf(err, errlen, "%s: out of memory", path);
    rc = BMC_ERR_NOMEM;
    goto out;
  }
  while(off < (size_t)sb.st_size) {
    ssize_t n = read(fd, buf + off, (size_t)sb.st_size - off);

    if(n < 0 && errno == EINTR)
      continue;
    if(n < 0) {
      hs_cfg_errf(err, errlen, "%s: read error: %s", path, strerror(errno));
      goto out;
    }
    if(n == 0)
      break; /* shrank while read: take what is there */
    off += (size_t)n;
  }
  buf[off] = '\0';
  *out = buf;
  *len = off;
  buf = NULL;
  rc = BMC_OK;
out:
  free(buf);
  close(fd);
  return rc;
}
