/*
 * pc_tzif.c -- the TZif decoder and zone arithmetic of pc_tzif.h.  Every
 * count and index is checked against the bytes present before use; the
 * POSIX TZ footer ("CET-1CEST,M3.5.0,M10.5.0/3") gives the offsets after
 * the last transition (slim tzdata files have almost none).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmc/bmc_plugin.h"
#include "pc_time.h"
#include "pc_tzif.h"

#define PC_TZ_MAX_TRANS 100000
#define PC_TZ_MAX_TYPES 256
#define PC_TZ_MAX_FILE (1024 * 1024)

struct pc_tz_when {
  char kind; /* 'M' month.week.day, 'J' Julian 1-365 no leap, 'D' 0-365 */
  int m, w, d, n;
  int32_t secs; /* local time of day of the change (may be < 0 or > 24h) */
};

struct pc_tz {
  int64_t *trans;     /* UTC seconds, ascending */
  uint8_t *idx;       /* type of each transition */
  size_t n_trans;
  int32_t off[PC_TZ_MAX_TYPES];
  size_t n_types;
  int has_rule;       /* footer parsed */
  int rule_dst;       /* footer has a DST rule */
  int32_t std_off, dst_off; /* seconds east of UTC */
  struct pc_tz_when start, end;
};

static int pc_tz_fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
pc_tz_fail(char *why, size_t whylen, const char *fmt, ...)
{
  va_list ap;

  if(why && whylen) {
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
  }
  return BMC_ERR_PROTOCOL;
}

static uint32_t
pc_be32(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static int64_t
pc_be64(const unsigned char *p)
{
  return (int64_t)((uint64_t)pc_be32(p) << 32 | pc_be32(p + 4));
}

struct pc_tz_hdr {
  int version;
  uint32_t isut, isstd, leap, timecnt, typecnt, charcnt;
};

static int
pc_tz_header(const unsigned char *b, size_t len, size_t at,
             struct pc_tz_hdr *h, char *why, size_t whylen)
{
  if(len < at + 44 || memcmp(b + at, "TZif", 4))
    return pc_tz_fail(why, whylen, "TZif: no header at byte %lld (not a "
                      "TZif file)", (long long)at);
  h->version = b[at + 4] ? b[at + 4] - '0' : 1;
  if(h->version < 1 || h->version > 4)
    return pc_tz_fail(why, whylen, "TZif: unknown version byte 0x%02llx at "
                      "byte %lld", (unsigned long long)b[at + 4], (long long)at + 4);
  h->isut = pc_be32(b + at + 20);
  h->isstd = pc_be32(b + at + 24);
  h->leap = pc_be32(b + at + 28);
  h->timecnt = pc_be32(b + at + 32);
  h->typecnt = pc_be32(b + at + 36);
  h->charcnt = pc_be32(b + at + 40);
  if(h->typecnt == 0 || h->typecnt > PC_TZ_MAX_TYPES)
    return pc_tz_fail(why, whylen, "TZif: %lld local time types (1 to %lld "
                      "allowed)", (long long)h->typecnt, (long long)PC_TZ_MAX_TYPES);
  if(h->timecnt > PC_TZ_MAX_TRANS || h->leap > PC_TZ_MAX_TRANS ||
     h->charcnt > 65536 || (h->isut && h->isut != h->typecnt) ||
     (h->isstd && h->isstd != h->typecnt))
    return pc_tz_fail(why, whylen, "TZif: implausible counts in the header "
                      "at byte %lld", (long long)at);
  return BMC_OK;
}

/* Size of a data block with time size ts (4 or 8). */
static size_t
pc_tz_block(const struct pc_tz_hdr *h, size_t ts)
{
  return (size_t)h->timecnt * ts + h->timecnt + (size_t)h->typecnt * 6 +
         h->charcnt + (size_t)h->leap * (ts + 4) + h->isstd + h->isut;
}

/* ---- POSIX TZ footer ---- */

static int
pc_tz_name(const char **p)
{
  const char *s = *p;

  if(*s == '<') {
    for(s++; *s && *s != '>'; s++)
      if(!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
           (*s >= '0' && *s <= '9') || *s == '+' || *s == '-'))
        return -1;
    if(*s != '>' || s - *p < 4)
      return -1;
    *p = s + 1;
    return 0;
  }
  while((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
    s++;
  if(s - *p < 3)
    return -1;
  *p = s;
  return 0;
}

/* [+-]hh[:mm[:ss]], hh up to maxh. */
static int
pc_tz_hms(const char **p, int maxh, int32_t *out)
{
  const char *s = *p;
  long v[3] = {0, 0, 0};
  int neg = 0, i, nd;

  if(*s == '+' || *s == '-')
    neg = *s++ == '-';
  for(i = 0; i < 3; i++) {
    if(i && *s != ':')
      break;
    if(i)
      s++;
    for(nd = 0; *s >= '0' && *s <= '9' && nd < 3; nd++)
      v[i] = v[i] * 10 + (*s++ - '0');
    if(!nd || (i && (nd != 2 || v[i] > 59)))
      return -1;
  }
  if(v[0] > maxh)
    return -1;
  *out = (int32_t)((v[0] * 3600 + v[1] * 60 + v[2]) * (neg ? -1 : 1));
  *p = s;
  return 0;
}

static int
pc_tz_num(const char **p, int lo, int hi, int *out)
{
  const char *s = *p;
  int v = 0, nd = 0;

  while(*s >= '0' && *s <= '9' && nd < 4) {
    v = v * 10 + (*s++ - '0');
    nd++;
  }
  if(!nd || v < lo || v > hi)
    return -1;
  *out = v;
  *p = s;
  return 0;
}

static int
pc_tz_when_parse(const char **p, struct pc_tz_when *w)
{
  const char *s = *p;

  memset(w, 0, sizeof(*w));
  w->secs = 7200; /* 02:00 by default */
  if(*s == 'M') {
    s++;
    w->kind = 'M';
    if(pc_tz_num(&s, 1, 12, &w->m) || *s++ != '.' ||
       pc_tz_num(&s, 1, 5, &w->w) || *s++ != '.' ||
       pc_tz_num(&s, 0, 6, &w->d))
      return -1;
  }
  else if(*s == 'J') {
    s++;
    w->kind = 'J';
    if(pc_tz_num(&s, 1, 365, &w->n))
      return -1;
  }
  else {
    w->kind = 'D';
    if(pc_tz_num(&s, 0, 365, &w->n))
      return -1;
  }
  if(*s == '/') {
    s++;
    if(pc_tz_hms(&s, 167, &w->secs))
      return -1;
  }
  *p = s;
  return 0;
}

static int
pc_tz_footer(struct pc_tz *tz, const char *s)
{
  int32_t v;

  if(!*s)
    return 0; /* empty: no rule, the last type stays */
  if(pc_tz_name(&s) || pc_tz_hms(&s, 24, &v))
    return -1;
  tz->std_off = -v; /* POSIX counts west positive */
  tz->has_rule = 1;
  if(!*s)
    return 0;
  if(pc_tz_name(&s))
    return -1;
  tz->dst_off = tz->std_off + 3600;
  if(*s && *s != ',') {
    if(pc_tz_hms(&s, 24, &v))
      return -1;
    tz->dst_off = -v;
  }
  if(*s++ != ',' || pc_tz_when_parse(&s, &tz->start) || *s++ != ',' ||
     pc_tz_when_parse(&s, &tz->end) || *s)
    return -1;
  tz->rule_dst = 1;
  return 0;
}

/* Local seconds (as UTC) of rule w in year y, at its time of day. */
static int64_t
pc_tz_when_local(const struct pc_tz_when *w, int y)
{
  struct pc_date d = {y, 1, 1};
  int64_t day;
  int leap = pc_days_in_month(y, 2) == 29;

  if(w->kind == 'M') {
    int wd1, dim = pc_days_in_month(y, w->m), md;

    d.m = w->m;
    day = pc_date_ms(d) / 86400000;
    wd1 = (int)(((day + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
    md = 1 + (w->d - wd1 + 7) % 7 + (w->w - 1) * 7;
    while(md > dim)
      md -= 7;
    day += md - 1;
  }
  else {
    day = pc_date_ms(d) / 86400000;
    if(w->kind == 'J')
      day += w->n - 1 + (leap && w->n >= 60);
    else
      day += w->n;
  }
  return day * 86400 + w->secs;
}

static int32_t
pc_tz_rule_offset(const struct pc_tz *tz, int64_t utc_s)
{
  struct pc_date d = pc_date_of((utc_s + tz->std_off) * 1000);
  int64_t start, end;

  if(!tz->rule_dst)
    return tz->std_off;
  /* the start happens in standard time, the end in daylight time */
  start = pc_tz_when_local(&tz->start, d.y) - tz->std_off;
  end = pc_tz_when_local(&tz->end, d.y) - tz->dst_off;
  if(start < end)
    return utc_s >= start && utc_s < end ? tz->dst_off : tz->std_off;
  return utc_s >= end && utc_s < start ? tz->std_off : tz->dst_off;
}

int
pc_tz_parse(const unsigned char *b, size_t len, struct pc_tz **out,
            char *why, size_t whylen)
{
  struct pc_tz_hdr h;
  struct pc_tz *tz;
  size_t at = 0, ts = 4, i, data, end;
  const unsigned char *types;
  char foot[128];
  int rc;

  *out = NULL;
  if(!b)
    return pc_tz_fail(why, whylen, "TZif: no data");
  rc = pc_tz_header(b, len, 0, &h, why, whylen);
  if(rc)
    return rc;
  if(h.version >= 2) {
    /* skip the 32-bit block: the 64-bit one follows */
    at = 44 + pc_tz_block(&h, 4);
    rc = pc_tz_header(b, len, at, &h, why, whylen);
    if(rc)
      return rc;
    ts = 8;
  }
  data = at + 44;
  end = data + pc_tz_block(&h, ts);
  if(end > len)
    return pc_tz_fail(why, whylen, "TZif: truncated: the data block needs "
                      "%lld bytes, the file has %lld", (long long)end,
                      (long long)len);
  tz = calloc(1, sizeof(*tz));
  if(!tz)
    return BMC_ERR_NOMEM;
  tz->n_trans = h.timecnt;
  tz->n_types = h.typecnt;
  if(h.timecnt) {
    tz->trans = malloc(h.timecnt * sizeof(*tz->trans));
    tz->idx = malloc(h.timecnt);
    if(!tz->trans || !tz->idx) {
      pc_tz_free(tz);
      return BMC_ERR_NOMEM;
    }
  }
  for(i = 0; i < h.timecnt; i++) {
    const unsigned char *p = b + data + i * ts;
    int ti = b[data + h.timecnt * ts + i];

    tz->trans[i] = ts == 8 ? pc_be64(p) : (int32_t)pc_be32(p);
    if(i && tz->trans[i] <= tz->trans[i - 1]) {
      pc_tz_free(tz);
      return pc_tz_fail(why, whylen, "TZif: transition %lld is not after "
                        "transition %lld", (long long)i, (long long)i - 1);
    }
    if((uint32_t)ti >= h.typecnt) {
      pc_tz_free(tz);
      return pc_tz_fail(why, whylen, "TZif: transition %lld names type "
                        "%d, which does not exist", (long long)i,
                        ti);
    }
    tz->idx[i] = (uint8_t)ti;
  }
  types = b + data + h.timecnt * ts + h.timecnt;
  for(i = 0; i < h.typecnt; i++) {
    int32_t off = (int32_t)pc_be32(types + i * 6);

    if(off < -89999 || off > 93599 || types[i * 6 + 5] >= h.charcnt) {
      pc_tz_free(tz);
      return pc_tz_fail(why, whylen, "TZif: local time type %lld is invalid "
                        "(offset %ld s or designation out of range)",
                        (long long)i, (long)off);
    }
    tz->off[i] = off;
  }
  if(h.version >= 2) {
    /* footer: "\n" TZ-string "\n" */
    size_t n;

    if(end >= len || b[end] != '\n')
      return pc_tz_free(tz), pc_tz_fail(why, whylen, "TZif: the footer at "
                                        "byte %lld is missing",
                                        (long long)end);
    for(n = 0; end + 1 + n < len && b[end + 1 + n] != '\n'; n++)
      if(n + 1 >= sizeof(foot) || b[end + 1 + n] < 0x20 ||
         b[end + 1 + n] > 0x7e)
        return pc_tz_free(tz), pc_tz_fail(why, whylen, "TZif: the footer "
                                          "at byte %lld is not a TZ string", (long long)end);
    if(end + 1 + n >= len)
      return pc_tz_free(tz), pc_tz_fail(why, whylen, "TZif: the footer at "
                                        "byte %lld is not terminated",
                                        (long long)end);
    memcpy(foot, b + end + 1, n);
    foot[n] = '\0';
    if(pc_tz_footer(tz, foot))
      return pc_tz_free(tz), pc_tz_fail(why, whylen, "TZif: the footer TZ "
                                        "string at byte %lld cannot be read"
                                        "", (long long)end + 1);
  }
  *out = tz;
  return BMC_OK;
}

static int
pc_tz_name_ok(const char *z)
{
  const char *p = z;
  size_t part = 0;

  if(!z || !*z || strlen(z) > 120)
    return 0;
  for(; *p; p++) {
    if(*p == '/') {
      if(!part)
        return 0;
      part = 0;
      continue;
    }
    if(!part && *p == '.')
      return 0;
    if(!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
         (*p >= '0' && *p <= '9') || *p == '_' || *p == '+' || *p == '-'))
      return 0;
    part++;
  }
  return part > 0;
}

int
pc_tz_load(const char *dir, const char *zone, struct pc_tz **out, char *why,
           size_t whylen)
{
  char path[512];
  unsigned char *buf;
  size_t n;
  FILE *f;
  int rc;

  *out = NULL;
  if(!pc_tz_name_ok(zone)) {
    if(why && whylen)
      snprintf(why, whylen, "'%.60s' is not a time zone name (e.g. "
               "Europe/Paris)", zone ? zone : "");
    return BMC_ERR_CONFIG;
  }
  snprintf(path, sizeof(path), "%s/%s", dir ? dir : PC_TZ_DIR, zone);
  f = fopen(path, "rb");
  if(!f) {
    if(why && whylen)
      snprintf(why, whylen, "time zone %s is not in the tz database (%s; "
               "is the tzdata package installed?)", zone, path);
    return BMC_ERR_CONFIG;
  }
  buf = malloc(PC_TZ_MAX_FILE);
  if(!buf) {
    fclose(f);
    return BMC_ERR_NOMEM;
  }
  n = fread(buf, 1, PC_TZ_MAX_FILE, f);
  fclose(f);
  rc = pc_tz_parse(buf, n, out, why, whylen);
  free(buf);
  return rc;
}

void
pc_tz_free(struct pc_tz *tz)
{
  if(!tz)
    return;
  free(tz->trans);
  free(tz->idx);
  free(tz);
}

int32_t
pc_tz_offset(const struct pc_tz *tz, int64_t utc_s)
{
  size_t lo = 0, hi;

  if(!tz->n_trans || utc_s < tz->trans[0])
    return tz->n_trans ? tz->off[0] : tz->has_rule
                                          ? pc_tz_rule_offset(tz, utc_s)
                                          : tz->off[0];
  if(utc_s >= tz->trans[tz->n_trans - 1] && tz->has_rule)
    return pc_tz_rule_offset(tz, utc_s);
  hi = tz->n_trans;
  while(hi - lo > 1) { /* last transition <= utc_s */
    size_t mid = lo + (hi - lo) / 2;

    if(tz->trans[mid] <= utc_s)
      lo = mid;
    else
      hi = mid;
  }
  return tz->off[tz->idx[lo]];
}

int64_t
pc_tz_to_utc(const struct pc_tz *tz, int64_t local_s)
{
  /* The offsets in force a day either side bound every candidate. */
  int32_t a = pc_tz_offset(tz, local_s - 86400);
  int32_t b = pc_tz_offset(tz, local_s + 86400);
  int64_t ua = local_s - a, ub = local_s - b;

  if(pc_tz_offset(tz, ua) == a)
    return pc_tz_offset(tz, ub) == b && ub < ua ? ub : ua;
  if(pc_tz_offset(tz, ub) == b)
    return ub;
  /* in a gap: the instant the clocks jumped past it */
  return local_s - (a < b ? a : b);
}
