/*
 * bmp_check.h -- pure checks of the Back Market Pro connection settings
 * (Website URL and x-api-key), the settings fingerprint that ties a
 * successful Test Settings to the current (url, key), and path-segment
 * encoding of order ids (pagination links: pc_http_link).  No I/O;
 * unit-tested directly.
 */
#ifndef BMP_CHECK_H
#define BMP_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* Check a Website URL: scheme https://, or http:// only for the loopback
 * address 127.0.0.1; a well-formed host ([A-Za-z0-9.-], no leading dot or
 * dash), optional :port (1-65535), optional path; no user info, query,
 * fragment, spaces or control characters.  Returns 0, or -1 and a message
 * (never containing the key, which is not an argument) in msg. */
int bmp_check_url(const char *url, char *msg, size_t msglen);

/* Check an API key's form: not empty, no leading/trailing spaces or tabs,
 * no line breaks or other control characters.  The message says exactly
 * what is wrong and never echoes the key.  Returns 0 or -1. */
int bmp_check_key(const char *key, char *msg, size_t msglen);

/* Fingerprint of (url, key) as 16 lowercase hex digits plus NUL into out
 * (outlen >= 17): a 64-bit FNV-1a hash of a domain-separated encoding.  It
 * only detects that either setting changed; it is not the key. */
int bmp_fingerprint(const char *url, const char *key, char *out,
                    size_t outlen);

/* Percent-encode s for a path segment into buf: letters, digits, '-',
 * '_' and '~' are kept, everything else (the dot included) is %XX.  Returns 0, -1 when it does not fit. */
int bmp_url_encode(const char *s, char *buf, size_t buflen);

#endif /* BMP_CHECK_H */
