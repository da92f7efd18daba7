/*
 * bm_deadline.c -- dispatch deadlines (bm_deadline.h): Back Market's
 * service level is "ship within 1 business day; orders placed after 1 PM
 * ship the next business day", in the market's local time.  The rule is
 * read from the settings, each market's zone from the tz database (cached
 * per instance; TZif decoded by pc_tzif.c, no process-wide TZ).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_deadline.h"
#include "bm_order_side.h"
#include "pc_time.h"

static const struct {
  const char *market, *zone;
} bm_zones[] = {
  {"fr-fr", "Europe/Paris"},     {"fr-be", "Europe/Brussels"},
  {"es-es", "Europe/Madrid"},    {"de-de", "Europe/Berlin"},
  {"de-at", "Europe/Vienna"},    {"it-it", "Europe/Rome"},
  {"nl-nl", "Europe/Amsterdam"}, {"pt-pt", "Europe/Lisbon"},
  {"en-ie", "Europe/Dublin"},    {"el-gr", "Europe/Athens"},
  {"sk-sk", "Europe/Bratislava"}, {"fi-fi", "Europe/Helsinki"},
  {"en-gb", "Europe/London"},    {"sv-se", "Europe/Stockholm"},
  {"en-us", "America/New_York"}, {"ja-jp", "Asia/Tokyo"},
  {"en-au", "Australia/Sydney"},
};

const char *
bm_market_zone(const char *market)
{
  size_t i;

  for(i = 0; market && i < sizeof(bm_zones) / sizeof(bm_zones[0]); i++)
    if(!strcmp(bm_zones[i].market, market))
      return bm_zones[i].zone;
  return NULL;
}

static int
bm_hhmm(const char *s, int32_t *out)
{
  if(!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' ||
     s[1] < '0' || s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' ||
     s[4] > '9')
    return -1;
  *out = ((s[0] - '0') * 10 + (s[1] - '0')) * 3600 +
         ((s[3] - '0') * 10 + (s[4] - '0')) * 60;
  return *out < 86400 ? 0 : -1;
}

int
bm_dispatch_rule_parse(int business_days, const char *cutoff, const char *by,
                       const char *work_days, struct bm_dispatch_rule *r,
                       char *why, size_t whylen)
{
  static const char names[7][4] = {"sun", "mon", "tue", "wed", "thu", "fri",
                                   "sat"};
  const char *p = work_days;
  int i;

  memset(r, 0, sizeof(*r));
  r->business_days = business_days;
  if(bm_hhmm(cutoff, &r->cutoff_s)) {
    snprintf(why, whylen, "dispatch_cutoff: \"%.10s\" is not a time of day "
             "HH:MM", cutoff ? cutoff : "");
    return BMC_ERR_CONFIG;
  }
  if(bm_hhmm(by, &r->by_s)) {
    snprintf(why, whylen, "dispatch_by: \"%.10s\" is not a time of day "
             "HH:MM", by ? by : "");
    return BMC_ERR_CONFIG;
  }
  while(p && *p) {
    for(i = 0; i < 7; i++)
      if(!strncmp(p, names[i], 3) && (p[3] == ',' || !p[3]))
        break;
    if(i == 7) {
      snprintf(why, whylen, "dispatch_work_days: \"%.12s\" is not a day "
               "(mon, tue, wed, thu, fri, sat, sun)", p);
      return BMC_ERR_CONFIG;
    }
    r->work_days |= 1u << i;
    p += p[3] ? 4 : 3;
  }
  if(!r->work_days && business_days) {
    snprintf(why, whylen, "dispatch_work_days: no business day given");
    return BMC_ERR_CONFIG;
  }
  return BMC_OK;
}

static int
bm_is_work_day(const struct bm_dispatch_rule *r, int64_t day)
{
  int wd = (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */

  return (r->work_days >> wd) & 1u;
}

int64_t
bm_dispatch_deadline(const struct bm_dispatch_rule *r, const struct pc_tz *tz,
                     int64_t placed_ms)
{
  int64_t utc_s = placed_ms / 1000, local, day, tod;
  int n;

  if(r->business_days <= 0 || !r->work_days)
    return 0;
  local = utc_s + pc_tz_offset(tz, utc_s);
  day = local / 86400 - (local % 86400 < 0);
  tod = local - day * 86400;
  if(!bm_is_work_day(r, day) || tod >= r->cutoff_s)
    do
      day++;
    while(!bm_is_work_day(r, day));
  for(n = 1; n < r->business_days; n++)
    do
      day++;
    while(!bm_is_work_day(r, day));
  return pc_tz_to_utc(tz, day * 86400 + r->by_s) * 1000;
}

/* ---- per instance ---- */

struct bm_zone_cache {
  char name[8][128];
  struct pc_tz *tz[8];
  size_t n;
};

void
bm_zone_cache_free(struct bm_zone_cache *c)
{
  size_t i;

  if(!c)
    return;
  for(i = 0; i < c->n; i++)
    pc_tz_free(c->tz[i]);
  free(c);
}

/* The zone configured for market: market_time_zones first, then the
 * built-in table. */
static int
bm_zone_name(struct bm_inst *bi, const char *market, char *out, size_t len)
{
  char set[420], *p, *e;
  size_t ml = strlen(market);
  const char *z;

  if(!bm_setting(bi, "market_time_zones", set, sizeof(set)))
    for(p = set; *p; p = *e ? e + 1 : e) {
      e = strchr(p, ',');
      if(!e)
        e = p + strlen(p);
      if((size_t)(e - p) > ml + 1 && !strncmp(p, market, ml) &&
         p[ml] == '=') {
        snprintf(out, len, "%.*s", (int)(e - p - (ptrdiff_t)ml - 1),
                 p + ml + 1);
        return BMC_OK;
      }
    }
  z = bm_market_zone(market);
  if(!z)
    return BMC_ERR_NOT_FOUND;
  snprintf(out, len, "%s", z);
  return BMC_OK;
}

static int
bm_zone(struct bm_inst *bi, const char *zone, const struct pc_tz **out,
        char *why, size_t whylen)
{
  struct bm_zone_cache *c = bi->zones;
  struct pc_tz *tz = NULL;
  size_t i;
  int rc;

  if(!c && !(c = bi->zones = calloc(1, sizeof(*c))))
    return BMC_ERR_NOMEM;
  for(i = 0; i < c->n; i++)
    if(!strcmp(c->name[i], zone)) {
      *out = c->tz[i];
      return BMC_OK;
    }
  rc = pc_tz_load(NULL, zone, &tz, why, whylen);
  if(rc)
    return rc == BMC_ERR_NOMEM ? rc : BMC_ERR_CONFIG;
  if(c->n == sizeof(c->tz) / sizeof(c->tz[0])) {
    pc_tz_free(c->tz[--c->n]);
  }
  snprintf(c->name[c->n], sizeof(c->name[0]), "%s", zone);
  c->tz[c->n++] = tz;
  *out = tz;
  return BMC_OK;
}

int
bm_deadline_for(struct bm_inst *bi, const char *market, int64_t placed_ms,
                int64_t *ms, char *why, size_t whylen)
{
  struct bm_dispatch_rule r;
  const struct pc_tz *tz;
  char cutoff[16], by[16], days[64], zone[80];
  int rc;

  *ms = 0;
  if(bm_setting(bi, "dispatch_cutoff", cutoff, sizeof(cutoff)) ||
     bm_setting(bi, "dispatch_by", by, sizeof(by)) ||
     bm_setting(bi, "dispatch_work_days", days, sizeof(days)))
    days[0] = cutoff[0] = by[0] = '\0';
  rc = bm_dispatch_rule_parse((int)bm_setting_int(bi,
                                                  "dispatch_business_days", 1),
                              cutoff, by, days, &r, why, whylen);
  if(rc || !r.business_days)
    return rc;
  if(!market || bm_zone_name(bi, market, zone, sizeof(zone))) {
    snprintf(why, whylen, "market \"%.16s\" has no time zone (set "
             "market_time_zones, e.g. %.16s=Europe/Paris)",
             market ? market : "", market ? market : "xx-xx");
    return BMC_ERR_CONFIG;
  }
  rc = bm_zone(bi, zone, &tz, why, whylen);
  if(rc)
    return rc;
  *ms = bm_dispatch_deadline(&r, tz, placed_ms);
  return BMC_OK;
}
