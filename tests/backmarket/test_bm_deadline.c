/*
 * test_bm_deadline.c -- unit tests of the time zones (pc_tzif.c, on the
 * system tz database) and of the dispatch deadline rule (bm_deadline.c):
 * the default rule (1 business day, 1 PM cut-off, weekends off) across a
 * weekend, in several markets' zones, across the European and US DST
 * changes, the settings' text forms, and TZif files that are truncated or
 * lie about their counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "bm_deadline.h"
#include "bmc/bmc_plugin.h"
#include "cu_main.h"
#include "pc_time.h"
#include "pc_tzif.h"

static struct pc_tz *
zone(const char *name)
{
  struct pc_tz *tz = NULL;
  char why[256] = "";

  if(pc_tz_load(NULL, name, &tz, why, sizeof(why)))
    fprintf(stderr, "\n  %s: %s\n", name, why);
  CU_ASSERT_PTR_NOT_NULL(tz);
  return tz;
}

static int64_t
at(const char *iso)
{
  int64_t ms = 0;

  CU_ASSERT_EQUAL(pc_time_parse(iso, &ms), BMC_OK);
  return ms;
}

static const char *
fmt(int64_t ms)
{
  static char buf[4][32];
  static int k;

  k = (k + 1) % 4;
  if(pc_time_format(ms, buf[k], sizeof(buf[k])))
    snprintf(buf[k], sizeof(buf[k]), "(bad %lld)", (long long)ms);
  return buf[k];
}

static struct bm_dispatch_rule
default_rule(void)
{
  struct bm_dispatch_rule r;
  char why[128];

  CU_ASSERT_EQUAL(bm_dispatch_rule_parse(1, "13:00", "17:00",
                                         "mon,tue,wed,thu,fri", &r, why,
                                         sizeof(why)), BMC_OK);
  return r;
}

#define DEADLINE(r, tz, placed, want)                                      \
  CU_ASSERT_STRING_EQUAL(fmt(bm_dispatch_deadline(&(r), (tz), at(placed))), \
                         (want))

static void
t_offsets(void)
{
  struct pc_tz *paris = zone("Europe/Paris"), *ny = zone("America/New_York");
  struct pc_tz *syd = zone("Australia/Sydney"), *utc = zone("UTC");

  if(!paris || !ny || !syd || !utc)
    goto out;
  /* Paris: CET +1 in winter, CEST +2 from the last Sunday of March 01:00Z */
  CU_ASSERT_EQUAL(pc_tz_offset(paris, at("2026-03-29T00:59:59Z") / 1000),
                  3600);
  CU_ASSERT_EQUAL(pc_tz_offset(paris, at("2026-03-29T01:00:00Z") / 1000),
                  7200);
  CU_ASSERT_EQUAL(pc_tz_offset(paris, at("2026-10-25T00:59:59Z") / 1000),
                  7200);
  CU_ASSERT_EQUAL(pc_tz_offset(paris, at("2026-10-25T01:00:00Z") / 1000),
                  3600);
  /* New York: EST -5, EDT -4 from the second Sunday of March 07:00Z */
  CU_ASSERT_EQUAL(pc_tz_offset(ny, at("2026-03-08T06:59:59Z") / 1000),
                  -18000);
  CU_ASSERT_EQUAL(pc_tz_offset(ny, at("2026-03-08T07:00:00Z") / 1000),
                  -14400);
  /* Sydney: southern hemisphere, AEDT +11 in January, AEST +10 in July */
  CU_ASSERT_EQUAL(pc_tz_offset(syd, at("2026-01-15T00:00:00Z") / 1000),
                  39600);
  CU_ASSERT_EQUAL(pc_tz_offset(syd, at("2026-07-15T00:00:00Z") / 1000),
                  36000);
  /* beyond the last transition the footer rule applies (2090) */
  CU_ASSERT_EQUAL(pc_tz_offset(paris, at("2090-07-01T00:00:00Z") / 1000),
                  7200);
  CU_ASSERT_EQUAL(pc_tz_offset(paris, at("2090-12-01T00:00:00Z") / 1000),
                  3600);
  CU_ASSERT_EQUAL(pc_tz_offset(syd, at("2090-01-15T00:00:00Z") / 1000),
                  39600);
  CU_ASSERT_EQUAL(pc_tz_offset(utc, at("2026-07-01T00:00:00Z") / 1000), 0);
  /* local -> UTC: ordinary, skipped (02:30 on 29 March does not exist in
   * Paris: the instant after the gap) and repeated (02:30 on 25 October
   * happens twice: the first) */
  CU_ASSERT_EQUAL(pc_tz_to_utc(paris, at("2026-07-01T17:00:00Z") / 1000) *
                      1000, at("2026-07-01T15:00:00Z"));
  CU_ASSERT_EQUAL(pc_tz_to_utc(paris, at("2026-03-29T02:30:00Z") / 1000) *
                      1000, at("2026-03-29T01:30:00Z"));
  CU_ASSERT_EQUAL(pc_tz_to_utc(paris, at("2026-10-25T02:30:00Z") / 1000) *
                      1000, at("2026-10-25T00:30:00Z"));
out:
  pc_tz_free(paris);
  pc_tz_free(ny);
  pc_tz_free(syd);
  pc_tz_free(utc);
}

static void
t_weekend(void)
{
  struct bm_dispatch_rule r = default_rule();
  struct pc_tz *lon = zone("Europe/London");

  if(!lon)
    return;
  /* Back Market's own example: placed Sunday 19:14Z, due Monday 17:00 */
  DEADLINE(r, lon, "2026-03-22T19:14:18Z", "2026-03-23T17:00:00Z");
  /* before the cut-off on a weekday: the same day */
  DEADLINE(r, lon, "2026-03-18T12:59:00Z", "2026-03-18T17:00:00Z");
  /* at or after the cut-off: the next business day */
  DEADLINE(r, lon, "2026-03-18T13:00:00Z", "2026-03-19T17:00:00Z");
  /* Friday after the cut-off, Saturday: Monday */
  DEADLINE(r, lon, "2026-03-20T14:00:00Z", "2026-03-23T17:00:00Z");
  DEADLINE(r, lon, "2026-03-21T09:00:00Z", "2026-03-23T17:00:00Z");
  /* two business days from Thursday afternoon: Monday */
  r.business_days = 2;
  DEADLINE(r, lon, "2026-03-19T15:00:00Z", "2026-03-23T17:00:00Z");
  /* a six-day week */
  {
    char why[128];

    CU_ASSERT_EQUAL(bm_dispatch_rule_parse(1, "13:00", "17:00",
                                           "mon,tue,wed,thu,fri,sat", &r, why,
                                           sizeof(why)), BMC_OK);
  }
  DEADLINE(r, lon, "2026-03-20T14:00:00Z", "2026-03-21T17:00:00Z");
  r.business_days = 0;
  CU_ASSERT_EQUAL(bm_dispatch_deadline(&r, lon, at("2026-03-20T14:00:00Z")),
                  0);
  pc_tz_free(lon);
}

static void
t_zones_and_dst(void)
{
  struct bm_dispatch_rule r = default_rule();
  struct pc_tz *paris = zone("Europe/Paris"), *ny = zone("America/New_York");
  struct pc_tz *tokyo = zone("Asia/Tokyo"), *syd = zone("Australia/Sydney");

  if(!paris || !ny || !tokyo || !syd)
    goto out;
  /* the same instant is before the cut-off in New York, after it in
   * Paris (12:30Z = 13:30 CET = 07:30 EST) */
  DEADLINE(r, paris, "2026-03-04T12:30:00Z", "2026-03-05T16:00:00Z");
  DEADLINE(r, ny, "2026-03-04T12:30:00Z", "2026-03-04T22:00:00Z");
  /* Tokyo: 05:00Z Friday is 14:00 JST, after the cut-off: Monday 08:00Z */
  DEADLINE(r, tokyo, "2026-03-20T05:00:00Z", "2026-03-23T08:00:00Z");
  /* Paris over the spring change: placed Friday 27 March 14:00 CET, due
   * Monday 30 March 17:00 CEST = 15:00Z, not 16:00Z */
  DEADLINE(r, paris, "2026-03-27T13:00:00Z", "2026-03-30T15:00:00Z");
  /* and over the autumn change: Friday 23 October 14:00 CEST, due Monday
   * 26 October 17:00 CET = 16:00Z */
  DEADLINE(r, paris, "2026-10-23T12:00:00Z", "2026-10-26T16:00:00Z");
  /* New York over its spring change (8 March): Friday 6 March 15:00 EST,
   * due Monday 9 March 17:00 EDT = 21:00Z */
  DEADLINE(r, ny, "2026-03-06T20:00:00Z", "2026-03-09T21:00:00Z");
  /* Sydney's autumn change (5 April 2026): Friday 3 April 14:00 AEDT, due
   * Monday 6 April 17:00 AEST = 07:00Z */
  DEADLINE(r, syd, "2026-04-03T03:00:00Z", "2026-04-06T07:00:00Z");
out:
  pc_tz_free(paris);
  pc_tz_free(ny);
  pc_tz_free(tokyo);
  pc_tz_free(syd);
}

static void
t_rule_text(void)
{
  struct bm_dispatch_rule r;
  char why[160];

  CU_ASSERT_EQUAL(bm_dispatch_rule_parse(1, "1pm", "17:00", "mon", &r, why,
                                         sizeof(why)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "dispatch_cutoff"));
  CU_ASSERT_EQUAL(bm_dispatch_rule_parse(1, "13:00", "24:00", "mon", &r, why,
                                         sizeof(why)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "dispatch_by"));
  CU_ASSERT_EQUAL(bm_dispatch_rule_parse(1, "13:00", "17:00", "mon,funday",
                                         &r, why, sizeof(why)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "funday"));
  CU_ASSERT_EQUAL(bm_dispatch_rule_parse(1, "13:00", "17:00", "", &r, why,
                                         sizeof(why)), BMC_ERR_CONFIG);
  CU_ASSERT_STRING_EQUAL(bm_market_zone("en-gb"), "Europe/London");
  CU_ASSERT_STRING_EQUAL(bm_market_zone("en-us"), "America/New_York");
  CU_ASSERT_PTR_NULL(bm_market_zone("xx-xx"));
}

static void
t_bad_files(void)
{
  struct pc_tz *tz = NULL;
  unsigned char *buf;
  char why[256], path[600];
  size_t n, cut;
  FILE *f;

  /* names that are not tz names never reach the file system */
  CU_ASSERT_EQUAL(pc_tz_load(NULL, "../../etc/passwd", &tz, why,
                             sizeof(why)), BMC_ERR_CONFIG);
  CU_ASSERT_EQUAL(pc_tz_load(NULL, "/etc/passwd", &tz, why, sizeof(why)),
                  BMC_ERR_CONFIG);
  CU_ASSERT_EQUAL(pc_tz_load(NULL, "Mars/Olympus_Mons", &tz, why,
                             sizeof(why)), BMC_ERR_CONFIG);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "tz database"));
  snprintf(path, sizeof(path), "%s/Europe/Paris", PC_TZ_DIR);
  f = fopen(path, "rb");
  CU_ASSERT_PTR_NOT_NULL_FATAL(f);
  buf = malloc(65536);
  n = fread(buf, 1, 65536, f);
  fclose(f);
  CU_ASSERT_EQUAL(pc_tz_parse(buf, n, &tz, why, sizeof(why)), BMC_OK);
  pc_tz_free(tz);
  /* every truncation is refused with a reason, never read past the end */
  for(cut = 0; cut < n; cut += 7) {
    unsigned char *c = malloc(cut ? cut : 1);

    memcpy(c, buf, cut);
    tz = NULL;
    why[0] = '\0';
    CU_ASSERT_EQUAL(pc_tz_parse(c, cut, &tz, why, sizeof(why)),
                    BMC_ERR_PROTOCOL);
    CU_ASSERT(why[0] != '\0');
    CU_ASSERT_PTR_NULL(tz);
    free(c);
  }
  /* a header that claims more types than exist */
  buf[36] = 0xff;
  CU_ASSERT_EQUAL(pc_tz_parse(buf, n, &tz, why, sizeof(why)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "local time types"));
  memcpy(buf, "TZjf", 4);
  CU_ASSERT_EQUAL(pc_tz_parse(buf, n, &tz, why, sizeof(why)),
                  BMC_ERR_PROTOCOL);
  CU_ASSERT_PTR_NOT_NULL(strstr(why, "not a TZif file"));
  free(buf);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_deadline", "offsets", t_offsets},
    {"bm_deadline", "weekend", t_weekend},
    {"bm_deadline", "zones_and_dst", t_zones_and_dst},
    {"bm_deadline", "rule_text", t_rule_text},
    {"bm_deadline", "bad_files", t_bad_files},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
