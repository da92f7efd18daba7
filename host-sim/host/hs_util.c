/*
 * hs_util.c -- small helpers of the host simulator library: bounded
 * error messages, string copies, secret masking, ISO-8601 times and exact
 * decimal parsing (money never goes through floating point).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hs_internal.h"

void
hs_errf(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;

  if(!err || !errlen)
    return;
  va_start(ap, fmt);
  if(vsnprintf(err, errlen, fmt, ap) < 0)
    err[0] = '\0';
  va_end(ap);
}

char *
hs_strdup(const char *s)
{
  size_t n;
  char *p;

  if(!s)
    return NULL;
  n = strlen(s);
  p = malloc(n + 1);
  if(p)
    memcpy(p, s, n + 1);
  return p;
}

int
hs_copy(char *buf, size_t buflen, const char *s)
{
  size_t n = strlen(s);

  if(!buf || n + 1 > buflen) {
    if(buf && buflen)
      buf[0] = '\0';
    return BMC_ERR_TOO_SMALL;
  }
  memcpy(buf, s, n + 1);
  return BMC_OK;
}

char *
hs_mask(const char *text, char *const *secrets, size_t n)
{
  char *out = hs_strdup(text ? text : "");
  size_t i;

  for(i = 0; out && i < n; i++) {
    const char *sec = secrets[i];
    size_t sl, ol;
    char *hit, *nw;

    if(!sec || !sec[0])
      continue;
    sl = strlen(sec);
    while((hit = strstr(out, sec)) != NULL) {
      size_t pre = (size_t)(hit - out);

      ol = strlen(out);
      nw = malloc(ol - sl + 5);
      if(!nw) {
        hs_secret_free(out);
        return NULL;
      }
      memcpy(nw, out, pre);
      memcpy(nw + pre, "****", 4);
      memcpy(nw + pre + 4, hit + sl, ol - pre - sl + 1);
      hs_secret_free(out); /* it held the secret: wiped */
      out = nw;
    }
  }
  return out;
}

void
hs_iso_time(int64_t ms, char *buf, size_t buflen)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  if(!gmtime_r(&t, &tm) ||
     !strftime(buf, buflen, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
    if(buflen)
      buf[0] = '\0';
  }
}

static int
hs_digits(const char *s, int n, int *out)
{
  int i, v = 0;

  for(i = 0; i < n; i++) {
    if(!isdigit((unsigned char)s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

static int
hs_days_in_month(int y, int m)
{
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  if(m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return d[m - 1];
}

int
hs_parse_time(const char *s, int64_t *ms)
{
  struct tm tm;
  int y, mo, d, hh = 0, mi = 0, ss = 0, off = 0;
  const char *p;
  int64_t frac = 0;
  time_t t;

  if(!s || !s[0])
    return BMC_ERR_INVALID_ARG;
  p = s;
  while(*p && isdigit((unsigned char)*p))
    p++;
  if(!*p && p - s > 10) {
    char *end;
    long long v = strtoll(s, &end, 10);

    *ms = v;
    return BMC_OK;
  }
  if(strlen(s) < 10 || hs_digits(s, 4, &y) || s[4] != '-' ||
     hs_digits(s + 5, 2, &mo) || s[7] != '-' || hs_digits(s + 8, 2, &d))
    return BMC_ERR_INVALID_ARG;
  p = s + 10;
  if(*p == 'T' || *p == ' ') {
    if(strlen(p) < 9 || hs_digits(p + 1, 2, &hh) || p[3] != ':' ||
       hs_digits(p + 4, 2, &mi) || p[6] != ':' || hs_digits(p + 7, 2, &ss))
      return BMC_ERR_INVALID_ARG;
    p += 9;
    if(*p == '.') {
      int nd = 0;

      p++;
      while(isdigit((unsigned char)*p)) {
        if(nd < 3) {
          frac = frac * 10 + (*p - '0');
          nd++;
        }
        p++;
      }
      while(nd < 3) {
        frac *= 10;
        nd++;
      }
    }
    if(*p == 'Z') {
      p++;
    }
    else if(*p == '+' || *p == '-') {
      int oh, om;

      if(strlen(p) < 6 || hs_digits(p + 1, 2, &oh) || p[3] != ':' ||
         hs_digits(p + 4, 2, &om))
        return BMC_ERR_INVALID_ARG;
      off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
      p += 6;
    }
  }
  if(*p)
    return BMC_ERR_INVALID_ARG;
  memset(&tm, 0, sizeof(tm));
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = hh;
  tm.tm_min = mi;
  tm.tm_sec = ss;
  /* a real calendar date and time of day: timegm() would normalise
   * 2026-02-30 to March 2 and 25:61:61 to the next day */
  if(mo < 1 || mo > 12 || d < 1 || d > hs_days_in_month(y, mo) || hh > 23 ||
     mi > 59 || ss > 59)
    return BMC_ERR_INVALID_ARG;
  t = timegm(&tm);
  if(t == (time_t)-1)
    return BMC_ERR_INVALID_ARG;
  *ms = ((int64_t)t - off) * 1000 + frac;
  return BMC_OK;
}

int
hs_decimal_parse(const char *s, int frac, int64_t *out)
{
  int64_t v = 0;
  int neg = 0, nf = -1;
  const char *p = s;

  if(!s || !*s)
    return BMC_ERR_INVALID_ARG;
  if(*p == '-' || *p == '+')
    neg = (*p++ == '-');
  if(!isdigit((unsigned char)*p))
    return BMC_ERR_INVALID_ARG;
  for(; *p; p++) {
    if(*p == '.' && nf < 0) {
      nf = 0;
      continue;
    }
    if(!isdigit((unsigned char)*p) || v > INT64_MAX / 100)
      return BMC_ERR_INVALID_ARG;
    if(nf >= 0) {
      if(nf == frac)
        return BMC_ERR_INVALID_ARG;
      nf++;
    }
    v = v * 10 + (*p - '0');
  }
  if(nf == 0)
    return BMC_ERR_INVALID_ARG;
  for(nf = nf < 0 ? 0 : nf; nf < frac; nf++)
    v *= 10;
  *out = neg ? -v : v;
  return BMC_OK;
}
