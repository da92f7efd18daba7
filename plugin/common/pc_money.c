/*
 * pc_money.c -- owns decimal money parsing, formatting and rounding
 * (int64 cents, no floating point).  Rules in pc_money.h.
 */
#include "pc_money.h"

#include <stdio.h>
#include <string.h>

#include "bmc/bmc_plugin.h"

int
pc_money_parse_n(const char *s, size_t n, int64_t *cents)
{
  size_t i = 0;
  int neg = 0;
  int64_t whole = 0;
  int64_t frac = 0;
  int ndig = 0;
  int nfrac = 0;

  if(!s || !cents)
    return BMC_ERR_INVALID_ARG;
  if(i < n && s[i] == '-') {
    neg = 1;
    i++;
  }
  while(i < n && s[i] >= '0' && s[i] <= '9') {
    if(ndig >= 12)
      return BMC_ERR_PROTOCOL;
    whole = whole * 10 + (s[i] - '0');
    ndig++;
    i++;
  }
  if(!ndig)
    return BMC_ERR_PROTOCOL;
  if(i < n && s[i] == '.') {
    i++;
    while(i < n && s[i] >= '0' && s[i] <= '9') {
      if(nfrac < 2)
        frac = frac * 10 + (s[i] - '0');
      else if(s[i] != '0')
        return BMC_ERR_PROTOCOL; /* would need rounding: refuse */
      nfrac++;
      i++;
    }
  }
  if(i != n)
    return BMC_ERR_PROTOCOL;
  if(nfrac == 1)
    frac *= 10;
  *cents = whole * 100 + frac;
  if(neg)
    *cents = -*cents;
  return BMC_OK;
}

int
pc_money_parse(const char *s, int64_t *cents)
{
  if(!s)
    return BMC_ERR_INVALID_ARG;
  return pc_money_parse_n(s, strlen(s), cents);
}

int
pc_money_format(int64_t cents, char *buf, size_t buflen)
{
  uint64_t mag;
  int n;

  mag = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
  n = snprintf(buf, buflen, "%s%llu.%02llu", cents < 0 ? "-" : "",
               (unsigned long long)(mag / 100),
               (unsigned long long)(mag % 100));
  if(n < 0 || (size_t)n >= buflen)
    return BMC_ERR_TOO_SMALL;
  return BMC_OK;
}

static int
pc_money_range(int64_t v, int64_t *out)
{
  if(v > PC_MONEY_MAX || v < -PC_MONEY_MAX)
    return BMC_ERR_PROTOCOL;
  *out = v;
  return BMC_OK;
}

int
pc_money_add(int64_t a, int64_t b, int64_t *out)
{
  /* |a|,|b| <= PC_MONEY_MAX < INT64_MAX/2 for checked inputs; guard
   * anyway against callers passing unchecked values */
  if((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
    return BMC_ERR_PROTOCOL;
  return pc_money_range(a + b, out);
}

int
pc_money_sub(int64_t a, int64_t b, int64_t *out)
{
  if(b == INT64_MIN)
    return BMC_ERR_PROTOCOL;
  return pc_money_add(a, -b, out);
}

int
pc_money_mul(int64_t a, int64_t qty, int64_t *out)
{
  __int128 r = (__int128)a * qty;

  if(r > PC_MONEY_MAX || r < -PC_MONEY_MAX)
    return BMC_ERR_PROTOCOL;
  *out = (int64_t)r;
  return BMC_OK;
}

/* num / den rounded half away from zero; den > 0 */
static __int128
pc_div_round(__int128 num, __int128 den)
{
  __int128 q;
  __int128 r;

  if(num >= 0) {
    q = num / den;
    r = num % den;
    return (2 * r >= den) ? q + 1 : q;
  }
  q = (-num) / den;
  r = (-num) % den;
  return -((2 * r >= den) ? q + 1 : q);
}

int
pc_money_percent(int64_t amount, const char *pct, int64_t *out)
{
  size_t i = 0;
  int neg = 0;
  __int128 p = 0; /* pct in 1/10000 */
  int ndig = 0;
  int nfrac = 0;
  __int128 r;

  if(!pct || !out)
    return BMC_ERR_INVALID_ARG;
  if(pct[0] == '-') {
    neg = 1;
    i++;
  }
  for(; pct[i] >= '0' && pct[i] <= '9'; i++) {
    if(++ndig > 6)
      return BMC_ERR_PROTOCOL;
    p = p * 10 + (pct[i] - '0');
  }
  if(!ndig)
    return BMC_ERR_PROTOCOL;
  if(pct[i] == '.') {
    for(i++; pct[i] >= '0' && pct[i] <= '9'; i++) {
      if(++nfrac > 4)
        return BMC_ERR_PROTOCOL;
      p = p * 10 + (pct[i] - '0');
    }
  }
  if(pct[i])
    return BMC_ERR_PROTOCOL;
  for(; nfrac < 4; nfrac++)
    p *= 10;
  if(neg)
    p = -p;
  /* amount * (p / 10000) / 100 */
  r = pc_div_round((__int128)amount * p, 1000000);
  if(r > PC_MONEY_MAX || r < -PC_MONEY_MAX)
    return BMC_ERR_PROTOCOL;
  *out = (int64_t)r;
  return BMC_OK;
}

int
pc_money_div(int64_t a, int64_t d, int64_t *out)
{
  __int128 r;

  if(!d || !out)
    return BMC_ERR_INVALID_ARG;
  if(d < 0)
    r = pc_div_round(-(__int128)a, -(__int128)d);
  else
    r = pc_div_round(a, d);
  return pc_money_range((int64_t)r, out);
}

int
pc_money_cmp(int64_t a, int64_t b)
{
  return a < b ? -1 : a > b ? 1 : 0;
}

int
pc_money_convert(int64_t amount, const char *rate, int64_t *out)
{
  __int128 r = 0, res; /* rate in 1/10^8 */
  size_t i = 0;
  int ndig = 0, nfrac = 0;

  if(!rate || !out)
    return BMC_ERR_INVALID_ARG;
  for(; rate[i] >= '0' && rate[i] <= '9'; i++) {
    if(++ndig > 9)
      return BMC_ERR_PROTOCOL;
    r = r * 10 + (rate[i] - '0');
  }
  if(!ndig)
    return BMC_ERR_PROTOCOL;
  if(rate[i] == '.') {
    for(i++; rate[i] >= '0' && rate[i] <= '9'; i++) {
      if(++nfrac > 8)
        return BMC_ERR_PROTOCOL;
      r = r * 10 + (rate[i] - '0');
    }
    if(!nfrac)
      return BMC_ERR_PROTOCOL;
  }
  if(rate[i] || r == 0)
    return BMC_ERR_PROTOCOL;
  for(; nfrac < 8; nfrac++)
    r *= 10;
  res = pc_div_round((__int128)amount * r, 100000000);
  if(res > PC_MONEY_MAX || res < -PC_MONEY_MAX)
    return BMC_ERR_PROTOCOL;
  *out = (int64_t)res;
  return BMC_OK;
}

int
pc_money_round_up_to(int64_t a, int64_t modulus, int64_t rest, int64_t *out)
{
  int64_t r;

  if(!out || modulus <= 0 || rest < 0 || rest >= modulus || a < 0)
    return BMC_ERR_INVALID_ARG;
  r = a % modulus;
  if(r <= rest)
    return pc_money_range(a - r + rest, out);
  if(a - r > PC_MONEY_MAX - modulus)
    return BMC_ERR_PROTOCOL;
  return pc_money_range(a - r + modulus + rest, out);
}
