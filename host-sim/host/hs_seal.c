/*
 * hs_seal.c -- the sealing primitives of secret settings (libsodium): one
 * value sealed with crypto_secretbox under a key derived for its row
 * (company, plugin, setting), padded so its length shows only in blocks,
 * encoded "v1:" + base64(nonce | box); opening it back; wiping plaintext;
 * and making the process non-dumpable.  Pure: no store access.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <sodium.h>

#include "hs_internal.h"

#define HS_SEAL_PREFIX "v1:"
#define HS_SEAL_BLOCK 32 /* plaintext padded to a multiple: hides length */
#define HS_SECRET_MAX 4096

void
hs_wipe(void *p, size_t len)
{
  sodium_memzero(p, len);
}

void
hs_secret_free(char *s)
{
  if(!s)
    return;
  sodium_memzero(s, strlen(s));
  free(s);
}

int
hs_process_harden(char *err, size_t errlen)
{
  struct rlimit none = {0, 0};

  if(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    hs_errf(err, errlen, "cannot make the process non-dumpable: %s",
            strerror(errno));
    return BMC_ERR_INTERNAL;
  }
  if(setrlimit(RLIMIT_CORE, &none) != 0) {
    hs_errf(err, errlen, "cannot disable core dumps: %s", strerror(errno));
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}

/* The key of one setting row: BLAKE2b keyed with the store key over the
 * row's identity, so a sealed value moved to another row does not open. */
static void
hs_row_key(const unsigned char *key, int64_t cid, const char *plugin,
           const char *setting, unsigned char *out)
{
  crypto_generichash_state s;
  char id[32];

  snprintf(id, sizeof(id), "%lld", (long long)cid);
  crypto_generichash_init(&s, key, HS_KEY_LEN, crypto_secretbox_KEYBYTES);
  crypto_generichash_update(&s, (const unsigned char *)"bmc-setting-v1", 15);
  crypto_generichash_update(&s, (const unsigned char *)id, strlen(id) + 1);
  crypto_generichash_update(&s, (const unsigned char *)plugin,
                            strlen(plugin) + 1);
  crypto_generichash_update(&s, (const unsigned char *)setting,
                            strlen(setting) + 1);
  crypto_generichash_final(&s, out, crypto_secretbox_KEYBYTES);
}

int
hs_seal_value(const unsigned char *key, int64_t cid, const char *plugin,
              const char *setting, const char *plain, char **out)
{
  unsigned char rk[crypto_secretbox_KEYBYTES];
  unsigned char *pad = NULL, *box = NULL;
  size_t len = strlen(plain), padded = 0, boxlen, b64len;
  int rc = BMC_ERR_NOMEM;

  *out = NULL;
  if(len > HS_SECRET_MAX)
    return BMC_ERR_INVALID_ARG;
  pad = malloc(len + HS_SEAL_BLOCK);
  boxlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len +
           HS_SEAL_BLOCK;
  box = malloc(boxlen);
  if(!pad || !box)
    goto out;
  memcpy(pad, plain, len);
  if(sodium_pad(&padded, pad, len, HS_SEAL_BLOCK, len + HS_SEAL_BLOCK)) {
    rc = BMC_ERR_INTERNAL;
    goto out;
  }
  boxlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + padded;
  randombytes_buf(box, crypto_secretbox_NONCEBYTES);
  hs_row_key(key, cid, plugin, setting, rk);
  crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, pad, padded, box,
                        rk);
  b64len = sodium_base64_encoded_len(boxlen, sodium_base64_VARIANT_ORIGINAL);
  *out = malloc(sizeof(HS_SEAL_PREFIX) - 1 + b64len);
  if(!*out)
    goto out;
  memcpy(*out, HS_SEAL_PREFIX, sizeof(HS_SEAL_PREFIX) - 1);
  sodium_bin2base64(*out + sizeof(HS_SEAL_PREFIX) - 1, b64len, box, boxlen,
                    sodium_base64_VARIANT_ORIGINAL);
  rc = BMC_OK;
out:
  sodium_memzero(rk, sizeof(rk));
  if(pad)
    sodium_memzero(pad, len + HS_SEAL_BLOCK);
  free(pad);
  free(box);
  return rc;
}

int
hs_unseal_value(const unsigned char *key, int64_t cid, const char *plugin,
                const char *setting, const char *sealed, char **out)
{
  unsigned char rk[crypto_secretbox_KEYBYTES];
  unsigned char *box = NULL, *plain = NULL;
  size_t slen, boxlen = 0, plen, unpadded = 0;
  const char *b64;
  int rc = BMC_ERR_CONFIG;

  *out = NULL;
  if(strncmp(sealed, HS_SEAL_PREFIX, sizeof(HS_SEAL_PREFIX) - 1))
    return BMC_ERR_CONFIG;
  b64 = sealed + sizeof(HS_SEAL_PREFIX) - 1;
  slen = strlen(b64);
  box = malloc(slen + 1);
  plain = malloc(slen + 1);
  if(!box || !plain) {
    rc = BMC_ERR_NOMEM;
    goto out;
  }
  if(sodium_base642bin(box, slen + 1, b64, slen, NULL, &boxlen, NULL,
                       sodium_base64_VARIANT_ORIGINAL) ||
     boxlen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                  HS_SEAL_BLOCK)
    goto out;
  plen = boxlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
  hs_row_key(key, cid, plugin, setting, rk);
  if(crypto_secretbox_open_easy(plain, box + crypto_secretbox_NONCEBYTES,
                                boxlen - crypto_secretbox_NONCEBYTES, box,
                                rk) ||
     sodium_unpad(&unpadded, plain, plen, HS_SEAL_BLOCK) ||
     memchr(plain, '\0', unpadded))
    goto out;
  plain[unpadded] = '\0';
  *out = (char *)plain;
  plain = NULL;
  rc = BMC_OK;
out:
  sodium_memzero(rk, sizeof(rk));
  if(plain)
    sodium_memzero(plain, slen + 1);
  free(plain);
  free(box);
  return rc;
}
