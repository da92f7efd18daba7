/*
 * pc_imei.c -- owns the IMEI (15 digits + Luhn) and tracking-number checks
 * made before anything irreversible is sent (see pc_imei.h).
 */
#include "pc_imei.h"

#include <stdio.h>
#include <string.h>

#include "bmc/bmc_plugin.h"

/* Luhn check digit that completes the digits s[0..n-1]. */
static int
pc_luhn_digit(const char *s, size_t n)
{
  int sum = 0;
  size_t i;

  /* rightmost payload digit is doubled */
  for(i = 0; i < n; i++) {
    int d = s[n - 1 - i] - '0';
    if(i % 2 == 0) {
      d *= 2;
      if(d > 9)
        d -= 9;
    }
    sum += d;
  }
  return (10 - sum % 10) % 10;
}

int
pc_luhn_ok(const char *s)
{
  size_t n;
  size_t i;

  if(!s)
    return 0;
  n = strlen(s);
  if(n < 2)
    return 0;
  for(i = 0; i < n; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  return pc_luhn_digit(s, n - 1) == s[n - 1] - '0';
}

int
pc_imei_check(const char *s, char *why, size_t whylen)
{
  size_t n;
  size_t i;

  if(!s || !*s) {
    if(why && whylen)
      snprintf(why, whylen, "is empty, expected 15 digits");
    return BMC_ERR_INVALID_ARG;
  }
  n = strlen(s);
  for(i = 0; i < n; i++) {
    if(s[i] < '0' || s[i] > '9') {
      if(why && whylen) {
        if((unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f)
          snprintf(why, whylen,
                   "contains a non-digit '%c' at position %zu", s[i], i + 1);
        else
          snprintf(why, whylen, "contains a non-digit (byte 0x%02x) at "
                   "position %zu", (unsigned char)s[i], i + 1);
      }
      return BMC_ERR_INVALID_ARG;
    }
  }
  if(n != 15) {
    if(why && whylen)
      snprintf(why, whylen, "has %zu digits, expected 15", n);
    return BMC_ERR_INVALID_ARG;
  }
  if(!pc_luhn_ok(s)) {
    if(why && whylen)
      snprintf(why, whylen,
               "fails the Luhn check (check digit is %c, expected %d)",
               s[14], pc_luhn_digit(s, 14));
    return BMC_ERR_INVALID_ARG;
  }
  return BMC_OK;
}

static int
pc_is_space(unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

int
pc_tracking_check(const char *in, char *out, size_t outlen, char *why,
                  size_t whylen)
{
  const char *b;
  const char *e;
  const char *p;
  size_t n;

  if(!in)
    in = "";
  b = in;
  while(*b && pc_is_space((unsigned char)*b))
    b++;
  e = b + strlen(b);
  while(e > b && pc_is_space((unsigned char)e[-1]))
    e--;
  n = (size_t)(e - b);
  if(!n) {
    if(why && whylen)
      snprintf(why, whylen, "tracking number is empty");
    return BMC_ERR_INVALID_ARG;
  }
  if(n > 200) {
    if(why && whylen)
      snprintf(why, whylen, "tracking number has %zu characters, at most "
               "200 allowed", n);
    return BMC_ERR_INVALID_ARG;
  }
  for(p = b; p < e; p++) {
    if(pc_is_space((unsigned char)*p) || (unsigned char)*p < 0x20 ||
       *p == 0x7f) {
      if(why && whylen)
        snprintf(why, whylen, "tracking number contains a space or control "
                 "character at position %zu", (size_t)(p - b) + 1);
      return BMC_ERR_INVALID_ARG;
    }
  }
  if(n + 1 > outlen)
    return BMC_ERR_TOO_SMALL;
  memcpy(out, b, n);
  out[n] = '\0';
  return BMC_OK;
}
