/*
 * bmp_check.c -- Website URL and x-api-key form checks, the (url, key)
 * fingerprint and order-id encoding for the Back Market Pro plugin.
 */
#include <stdio.h>
#include <string.h>

#include "bmp_check.h"

static void
bmp_msg(char *msg, size_t msglen, const char *text)
{
  if(msg && msglen)
    snprintf(msg, msglen, "%s", text);
}

static int
bmp_is_host_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '-';
}

int
bmp_check_url(const char *url, char *msg, size_t msglen)
{
  const char *p, *h;
  size_t hlen;
  int https;
  unsigned long port = 0;

  if(!url || !*url) {
    bmp_msg(msg, msglen, "Website URL is empty; expected "
            "https://api.pro.backmarket.com/sellers-prod");
    return -1;
  }
  for(p = url; *p; p++)
    if((unsigned char)*p <= 0x20 || *p == 0x7f) {
      bmp_msg(msg, msglen, "Website URL contains spaces, line breaks or "
              "control characters");
      return -1;
    }
  if(!strncmp(url, "https://", 8)) {
    https = 1;
    h = url + 8;
  }
  else if(!strncmp(url, "http://", 7)) {
    https = 0;
    h = url + 7;
  }
  else {
    bmp_msg(msg, msglen, "Website URL must start with https://");
    return -1;
  }
  hlen = strcspn(h, ":/?#@");
  if(h[hlen] == '@' || strchr(h, '@')) {
    bmp_msg(msg, msglen, "Website URL must not contain user:password@");
    return -1;
  }
  if(hlen == 0 || h[0] == '.' || h[0] == '-' || h[hlen - 1] == '.' ||
     h[hlen - 1] == '-') {
    bmp_msg(msg, msglen, "Website URL has no valid host name");
    return -1;
  }
  for(p = h; p < h + hlen; p++)
    if(!bmp_is_host_char(*p) || (p[0] == '.' && p[1] == '.')) {
      bmp_msg(msg, msglen, "Website URL has an invalid host name");
      return -1;
    }
  p = h + hlen;
  if(*p == ':') {
    int nd = 0;

    for(p++; *p >= '0' && *p <= '9'; p++, nd++)
      if(nd < 6)
        port = port * 10 + (unsigned long)(*p - '0');
    if(nd == 0 || nd > 5 || port == 0 || port > 65535) {
      bmp_msg(msg, msglen, "Website URL has an invalid port");
      return -1;
    }
  }
  if(*p && *p != '/') {
    bmp_msg(msg, msglen, "Website URL must not contain a query (?) or "
            "fragment (#)");
    return -1;
  }
  if(strchr(p, '?') || strchr(p, '#')) {
    bmp_msg(msg, msglen, "Website URL must not contain a query (?) or "
            "fragment (#)");
    return -1;
  }
  if(!https && !(hlen == 9 && !strncmp(h, "127.0.0.1", 9))) {
    bmp_msg(msg, msglen, "Website URL must use https:// (plain http:// is "
            "allowed only for the local simulator at 127.0.0.1)");
    return -1;
  }
  return 0;
}

int
bmp_check_key(const char *key, char *msg, size_t msglen)
{
  size_t n;
  const char *p;

  if(!key || !*key) {
    bmp_msg(msg, msglen, "x-api-key is empty; paste the API key you "
            "received from Back Market Pro");
    return -1;
  }
  for(p = key; *p; p++)
    if(*p == '\n' || *p == '\r') {
      bmp_msg(msg, msglen, "x-api-key contains a line break; paste the key "
              "on one line without line breaks");
      return -1;
    }
  n = strlen(key);
  if(key[0] == ' ' || key[0] == '\t' || key[n - 1] == ' ' ||
     key[n - 1] == '\t') {
    bmp_msg(msg, msglen, "x-api-key has leading or trailing spaces; "
            "remove them and save the setting again");
    return -1;
  }
  for(p = key; *p; p++)
    if((unsigned char)*p < 0x20 || *p == 0x7f) {
      bmp_msg(msg, msglen, "x-api-key contains control characters; paste "
              "the key again");
      return -1;
    }
  return 0;
}

static uint64_t
bmp_fnv(uint64_t h, const void *data, size_t len)
{
  const unsigned char *p = data;
  size_t i;

  for(i = 0; i < len; i++) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

int
bmp_fingerprint(const char *url, const char *key, char *out, size_t outlen)
{
  static const char dom[] = "bmp-settings-v1";
  uint64_t h = 14695981039346656037ULL;
  size_t ul, kl;
  unsigned char lens[16];
  int i, n;

  if(!url || !key || !out || outlen < 17)
    return -1;
  ul = strlen(url);
  kl = strlen(key);
  /* length-prefix both parts so ("ab","c") and ("a","bc") differ */
  for(i = 0; i < 8; i++) {
    lens[i] = (unsigned char)((uint64_t)ul >> (8 * i));
    lens[8 + i] = (unsigned char)((uint64_t)kl >> (8 * i));
  }
  h = bmp_fnv(h, dom, sizeof(dom));
  h = bmp_fnv(h, lens, sizeof(lens));
  h = bmp_fnv(h, url, ul);
  h = bmp_fnv(h, key, kl);
  n = snprintf(out, outlen, "%016llx", (unsigned long long)h);
  return (n == 16) ? 0 : -1;
}

int
bmp_url_encode(const char *s, char *buf, size_t buflen)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;

  if(!s || !buf || !buflen)
    return -1;
  for(; *s; s++) {
    unsigned char c = (unsigned char)*s;
    /* '.' is encoded too, so an id of "." or ".." is never a dot
     * segment that a client would resolve to another path */
    int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~';

    if(o + (plain ? 1 : 3) >= buflen)
      return -1;
    if(plain)
      buf[o++] = (char)c;
    else {
      buf[o++] = '%';
      buf[o++] = hex[c >> 4];
      buf[o++] = hex[c & 15];
    }
  }
  buf[o] = '\0';
  return 0;
}
