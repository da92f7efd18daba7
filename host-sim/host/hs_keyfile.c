/*
 * hs_keyfile.c -- the store key file: one 256-bit key as hex text after a
 * comment, created 0600 with O_EXCL and fsync'd (file and directory),
 * read only when it is a regular file of this user that nobody else can
 * read; the key's fingerprint (kept in the store to tell a wrong key from
 * a damaged value); the rename that puts a rotated key in place.
 * WARNING: no message here ever contains key bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "hs_internal.h"

#define HS_KEY_TAG "bmc-store-key-v1 "
#define HS_KEYFILE_MAX 4096

void
hs_key_fingerprint(const unsigned char *key, char out[HS_KEY_FP_LEN + 1])
{
  static const char label[] = "bmconnector store key fingerprint v1";
  unsigned char fp[HS_KEY_FP_LEN / 2];

  crypto_generichash(fp, sizeof(fp), (const unsigned char *)label,
                     sizeof(label) - 1, key, HS_KEY_LEN);
  sodium_bin2hex(out, HS_KEY_FP_LEN + 1, fp, sizeof(fp));
}

/* The key line of a key file's text; NULL when there is none. */
static const char *
hs_key_line(const char *text)
{
  const char *p = text;

  while(*p) {
    if(!strncmp(p, HS_KEY_TAG, sizeof(HS_KEY_TAG) - 1))
      return p + sizeof(HS_KEY_TAG) - 1;
    if(*p != '#' && *p != '\n')
      return NULL;
    p = strchr(p, '\n');
    if(!p)
      return NULL;
    p++;
  }
  return NULL;
}

int
hs_keyfile_read(const char *path, unsigned char *key, char *err,
                size_t errlen)
{
  char text[HS_KEYFILE_MAX + 1];
  const char *hex, *end = NULL;
  struct stat sb;
  size_t binlen = 0;
  ssize_t n;
  int fd, rc = BMC_ERR_CONFIG;

  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if(fd < 0) {
    hs_errf(err, errlen, "key file %s: %s", path, strerror(errno));
    return errno == ENOENT ? BMC_ERR_NOT_FOUND : BMC_ERR_CONFIG;
  }
  if(fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    hs_errf(err, errlen, "key file %s: not a regular file", path);
    goto out;
  }
  if(sb.st_uid != geteuid()) {
    hs_errf(err, errlen, "key file %s: owned by uid %u, not by this user "
            "(uid %u); chown it to the user that runs host-sim", path,
            (unsigned)sb.st_uid, (unsigned)geteuid());
    goto out;
  }
  if(sb.st_mode & 077) {
    hs_errf(err, errlen, "key file %s: readable by group or others (mode "
            "%04o); run chmod 600 %s", path, (unsigned)(sb.st_mode & 07777),
            path);
    goto out;
  }
  n = read(fd, text, HS_KEYFILE_MAX + 1);
  if(n < 0 || n > HS_KEYFILE_MAX) {
    hs_errf(err, errlen, "key file %s: %s", path,
            n < 0 ? strerror(errno) : "too large to be a key file");
    goto out;
  }
  text[n] = '\0';
  hex = hs_key_line(text);
  if(!hex || sodium_hex2bin(key, HS_KEY_LEN, hex, strlen(hex), NULL,
                            &binlen, &end) != 0 ||
     binlen != HS_KEY_LEN || (*end && *end != '\n')) {
    hs_errf(err, errlen, "key file %s: not a bmconnector store key (a "
            "line \"%s<64 hex digits>\" is expected)", path, HS_KEY_TAG);
    sodium_memzero(key, HS_KEY_LEN);
    goto out;
  }
  rc = BMC_OK;
out:
  sodium_memzero(text, sizeof(text));
  close(fd);
  return rc;
}

/* fsync the directory holding path, so a create or rename survives a
 * power failure. */
static int
hs_sync_dir(const char *path)
{
  char tmp[4096];
  int fd, rc;

  if((size_t)snprintf(tmp, sizeof(tmp), "%s", path) >= sizeof(tmp))
    return -1;
  fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if(fd < 0)
    return -1;
  rc = fsync(fd);
  close(fd);
  return rc;
}

int
hs_keyfile_write(const char *path, const unsigned char *key,
                 const char *store, char *err, size_t errlen)
{
  char text[HS_KEYFILE_MAX];
  char hex[HS_KEY_LEN * 2 + 1];
  size_t len, off = 0;
  int fd, n, rc = BMC_ERR_INTERNAL;

  sodium_bin2hex(hex, sizeof(hex), key, HS_KEY_LEN);
  n = snprintf(text, sizeof(text),
               "# bmconnector store key of %s\n"
               "# Secret settings in that store are encrypted with it: "
               "keep this file\n# private (mode 0600) and back it up with "
               "the store; without it the\n# secrets cannot be read.\n"
               "%s%s\n", store, HS_KEY_TAG, hex);
  sodium_memzero(hex, sizeof(hex));
  if(n < 0 || (size_t)n >= sizeof(text)) {
    hs_errf(err, errlen, "key file %s: store path too long", path);
    goto out;
  }
  len = (size_t)n;
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
            0600);
  if(fd < 0) {
    hs_errf(err, errlen, "key file %s: cannot create it: %s", path,
            strerror(errno));
    rc = errno == EEXIST ? BMC_ERR_CONFLICT : BMC_ERR_INTERNAL;
    goto out;
  }
  while(off < len) {
    ssize_t w = write(fd, text + off, len - off);

    if(w < 0 && errno == EINTR)
      continue;
    if(w <= 0)
      break;
    off += (size_t)w;
  }
  if(off != len || fsync(fd) != 0) {
    hs_errf(err, errlen, "key file %s: cannot write it: %s", path,
            strerror(errno));
    close(fd);
    unlink(path);
    goto out;
  }
  close(fd);
  if(hs_sync_dir(path) != 0) {
    hs_errf(err, errlen, "key file %s: cannot sync its directory: %s", path,
            strerror(errno));
    unlink(path);
    goto out;
  }
  rc = BMC_OK;
out:
  sodium_memzero(text, sizeof(text));
  return rc;
}

int
hs_keyfile_install(const char *from, const char *to, char *err,
                   size_t errlen)
{
  if(rename(from, to) != 0 || hs_sync_dir(to) != 0) {
    hs_errf(err, errlen, "key file: cannot rename %s to %s: %s", from, to,
            strerror(errno));
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}
