/*
 * pc_time.c -- owns UTC calendar arithmetic and RFC 3339 parsing/formatting
 * (see pc_time.h).  Days-from-civil after Howard Hinnant.
 */
#include "pc_time.h"

#include <stdio.h>
#include <string.h>

#include "bmc/bmc_plugin.h"

static int64_t
pc_days_from_civil(int y, int m, int d)
{
  int64_t era;
  int64_t yoe;
  int64_t doy;
  int64_t doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static struct pc_date
pc_civil_from_days(int64_t z)
{
  struct pc_date r;
  int64_t era;
  int64_t doe;
  int64_t yoe;
  int64_t doy;
  int64_t mp;
  int64_t y;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
  r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
  r.y = (int)(y + (r.m <= 2));
  return r;
}

static int64_t
pc_floor_div(int64_t a, int64_t b)
{
  int64_t q = a / b;

  if((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

int
pc_days_in_month(int y, int m)
{
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

  if(m < 1 || m > 12)
    return 0;
  return dm[m - 1] + (m == 2 && leap);
}

static int
pc_num(const char *s, int n, int *out)
{
  int v = 0;
  int i;

  for(i = 0; i < n; i++) {
    if(s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int
pc_time_parse(const char *s, int64_t *ms)
{
  int y, mo, d;
  int hh = 0, mi = 0, ss = 0;
  int frac = 0;
  int64_t off_s = 0;
  size_t n;
  size_t i;

  if(!s || !ms)
    return BMC_ERR_INVALID_ARG;
  n = strlen(s);
  if(n < 10 || pc_num(s, 4, &y) || s[4] != '-' || pc_num(s + 5, 2, &mo) ||
     s[7] != '-' || pc_num(s + 8, 2, &d))
    return BMC_ERR_PROTOCOL;
  if(mo < 1 || mo > 12 || d < 1 || d > pc_days_in_month(y, mo))
    return BMC_ERR_PROTOCOL;
  i = 10;
  if(n > 10) {
    if((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || n < 19 ||
       pc_num(s + 11, 2, &hh) || s[13] != ':' || pc_num(s + 14, 2, &mi) ||
       s[16] != ':' || pc_num(s + 17, 2, &ss))
      return BMC_ERR_PROTOCOL;
    if(hh > 23 || mi > 59 || ss > 60)
      return BMC_ERR_PROTOCOL;
    i = 19;
    if(i < n && s[i] == '.') {
      int nd = 0;
      for(i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, nd++)
        if(nd < 3)
          frac = frac * 10 + (s[i] - '0');
      if(!nd)
        return BMC_ERR_PROTOCOL;
      for(; nd < 3; nd++)
        frac *= 10;
    }
    if(i < n && (s[i] == 'Z' || s[i] == 'z')) {
      i++;
    }
    else if(i < n && (s[i] == '+' || s[i] == '-')) {
      int oh, om;
      if(n - i != 6 || pc_num(s + i + 1, 2, &oh) || s[i + 3] != ':' ||
         pc_num(s + i + 4, 2, &om) || oh > 23 || om > 59)
        return BMC_ERR_PROTOCOL;
      off_s = (int64_t)oh * 3600 + om * 60;
      if(s[i] == '-')
        off_s = -off_s;
      i = n;
    }
  }
  if(i != n)
    return BMC_ERR_PROTOCOL;
  *ms = ((pc_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss -
          off_s) * 1000) + frac;
  return BMC_OK;
}

int
pc_time_parse_http(const char *s, int64_t *ms)
{
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May",
                                    "Jun", "Jul", "Aug", "Sep", "Oct",
                                    "Nov", "Dec"};
  char iso[32];
  int day, year, hh, mi, ss, m;
  char mname[4];
  char zone[4];

  if(!s || !ms)
    return BMC_ERR_INVALID_ARG;
  /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
  if(sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d %3s", &day, mname, &year, &hh,
            &mi, &ss, zone) != 7 || strcmp(zone, "GMT"))
    return BMC_ERR_PROTOCOL;
  for(m = 0; m < 12; m++)
    if(!strcmp(mname, mon[m]))
      break;
  if(m == 12 || year < 1000)
    return BMC_ERR_PROTOCOL;
  snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", year, m + 1,
           day, hh, mi, ss);
  return pc_time_parse(iso, ms);
}

int
pc_time_format(int64_t ms, char *buf, size_t buflen)
{
  int64_t days = pc_floor_div(ms, 86400000);
  int64_t rem = pc_floor_div(ms, 1000) - days * 86400;
  struct pc_date dt = pc_civil_from_days(days);
  int n;

  n = snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02dZ", dt.y, dt.m,
               dt.d, (int)(rem / 3600), (int)(rem / 60 % 60),
               (int)(rem % 60));
  if(n < 0 || (size_t)n >= buflen)
    return BMC_ERR_TOO_SMALL;
  return BMC_OK;
}

int
pc_date_format(struct pc_date d, char *buf, size_t buflen)
{
  int n = snprintf(buf, buflen, "%04d-%02d-%02d", d.y, d.m, d.d);

  if(n < 0 || (size_t)n >= buflen)
    return BMC_ERR_TOO_SMALL;
  return BMC_OK;
}

struct pc_date
pc_date_of(int64_t ms)
{
  return pc_civil_from_days(pc_floor_div(ms, 86400000));
}

int64_t
pc_date_ms(struct pc_date d)
{
  return pc_days_from_civil(d.y, d.m, d.d) * 86400000;
}

struct pc_date
pc_date_add_days(struct pc_date d, int n)
{
  return pc_civil_from_days(pc_days_from_civil(d.y, d.m, d.d) + n);
}

int
pc_date_cmp(struct pc_date a, struct pc_date b)
{
  int64_t x = pc_days_from_civil(a.y, a.m, a.d);
  int64_t y = pc_days_from_civil(b.y, b.m, b.d);

  return x < y ? -1 : x > y ? 1 : 0;
}
