/*
 * bmp_money.c -- decimal parsing/formatting in integer minor units and the
 * commission calculation (rounding rule in bmp_money.h).
 */
#include <stdio.h>

#include "bmp_money.h"

/* Parse "-?digits(.digits)?" keeping `scale` decimals; extra decimals must
 * be zeros.  Integer part limited so the result fits comfortably. */
static int
bmp_dec_parse(const char *s, int scale, int allow_neg, int64_t *out)
{
  int64_t ip = 0, fp = 0;
  int neg = 0, nint = 0, nfrac = 0;

  if(!s || !*s)
    return -1;
  if(*s == '-') {
    if(!allow_neg)
      return -1;
    neg = 1;
    s++;
  }
  while(*s >= '0' && *s <= '9') {
    if(++nint > 12)
      return -1;
    ip = ip * 10 + (*s - '0');
    s++;
  }
  if(!nint)
    return -1;
  if(*s == '.') {
    s++;
    while(*s >= '0' && *s <= '9') {
      if(nfrac < scale)
        fp = fp * 10 + (*s - '0');
      else if(*s != '0')
        return -1; /* more precision than we keep: refuse, never round */
      nfrac++;
      s++;
    }
    if(!nfrac)
      return -1;
  }
  if(*s)
    return -1;
  for(; nfrac < scale; nfrac++)
    fp *= 10;
  {
    int64_t mul = 1;
    int i;

    for(i = 0; i < scale; i++)
      mul *= 10;
    *out = ip * mul + fp;
  }
  if(neg)
    *out = -*out;
  return 0;
}

int
bmp_money_parse(const char *s, int64_t *minor)
{
  int64_t v;

  if(!minor || bmp_dec_parse(s, 2, 1, &v))
    return -1;
  if(v > BMP_MONEY_MAX_MINOR || v < -BMP_MONEY_MAX_MINOR)
    return -1;
  *minor = v;
  return 0;
}

int
bmp_money_format(int64_t minor, char *buf, size_t buflen)
{
  int n;
  uint64_t a;

  if(!buf)
    return -1;
  a = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
  n = snprintf(buf, buflen, "%s%llu.%02llu", minor < 0 ? "-" : "",
               (unsigned long long)(a / 100), (unsigned long long)(a % 100));
  return (n < 0 || (size_t)n >= buflen) ? -1 : 0;
}

int
bmp_pct_parse(const char *s, int64_t *pct_e4)
{
  int64_t v;

  if(!pct_e4)
    return -1;
  if(!s || !*s) {
    *pct_e4 = 0;
    return 0;
  }
  if(bmp_dec_parse(s, 4, 0, &v) || v > 100LL * BMP_PCT_SCALE)
    return -1;
  *pct_e4 = v;
  return 0;
}

int
bmp_pct_format(int64_t pct_e4, char *buf, size_t buflen)
{
  int n;
  size_t len;

  if(!buf || pct_e4 < 0)
    return -1;
  n = snprintf(buf, buflen, "%lld.%04lld", (long long)(pct_e4 / BMP_PCT_SCALE),
               (long long)(pct_e4 % BMP_PCT_SCALE));
  if(n < 0 || (size_t)n >= buflen)
    return -1;
  len = (size_t)n;
  while(len > 0 && buf[len - 1] == '0' && buf[len - 3] != '.')
    buf[--len] = '\0';
  return 0;
}

int64_t
bmp_commission(int64_t total_minor, int64_t pct_e4)
{
  /* total * pct_e4 / D with D = 100 * 10^4 = 10^6.  Split total = q*D + r
   * so that nothing overflows: q*pct_e4 <= 10^8 * 10^6 and r*pct_e4 <
   * 10^12.  q*pct_e4 is a whole number of minor units, so rounding only
   * concerns the r part: floor((r*pct + D/2) / D) is half-up. */
  const int64_t d = 100LL * BMP_PCT_SCALE;
  int64_t a, q, r, c;
  int neg = total_minor < 0;

  if(pct_e4 <= 0 || total_minor == 0)
    return 0;
  a = neg ? -total_minor : total_minor;
  q = a / d;
  r = a % d;
  c = q * pct_e4 + (r * pct_e4 + d / 2) / d;
  return neg ? -c : c;
}
