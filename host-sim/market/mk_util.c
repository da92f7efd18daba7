/*
 * mk_util.c -- small helpers of the marketplace simulator: key/value lists,
 * query strings, money as integer cents, RFC 3339 time, IMEI Luhn check,
 * UUIDs, the market table and growable vectors.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mk_internal.h"

static const struct mk_market_info mk_markets[MK_NMARKETS] = {
  {"fr-fr", MK_EU, "EUR", "FR"}, {"fr-be", MK_EU, "EUR", "BE"},
  {"es-es", MK_EU, "EUR", "ES"}, {"de-de", MK_EU, "EUR", "DE"},
  {"de-at", MK_EU, "EUR", "AT"}, {"it-it", MK_EU, "EUR", "IT"},
  {"en-gb", MK_EU, "GBP", "GB"}, {"nl-nl", MK_EU, "EUR", "NL"},
  {"pt-pt", MK_EU, "EUR", "PT"}, {"en-ie", MK_EU, "EUR", "IE"},
  {"el-gr", MK_EU, "EUR", "GR"}, {"sk-sk", MK_EU, "EUR", "SK"},
  {"sv-se", MK_EU, "SEK", "SE"}, {"en-us", MK_NA, "USD", "US"},
  {"ja-jp", MK_AP, "JPY", "JP"}, {"en-au", MK_AP, "AUD", "AU"},
};

const struct mk_market_info *mk_market_at(int i)
{
  if(i < 0 || i >= MK_NMARKETS)
    return NULL;
  return &mk_markets[i];
}

int mk_market_index(const char *code)
{
  int i;
  if(!code)
    return -1;
  for(i = 0; i < MK_NMARKETS; i++)
    if(!strcasecmp(code, mk_markets[i].code))
      return i;
  return -1;
}

const struct mk_market_info *mk_market_find(const char *code)
{
  int i = mk_market_index(code);
  return i < 0 ? NULL : &mk_markets[i];
}

const struct mk_market_info *mk_market_default(int platform)
{
  if(platform == MK_NA)
    return &mk_markets[13];
  if(platform == MK_AP)
    return &mk_markets[14];
  return &mk_markets[0];
}

const char *mk_platform_name(int p)
{
  return p == MK_NA ? "na" : p == MK_AP ? "ap" : "eu";
}

int mk_platform_parse(const char *s)
{
  if(!s)
    return -1;
  if(!strcasecmp(s, "eu"))
    return MK_EU;
  if(!strcasecmp(s, "na") || !strcasecmp(s, "us"))
    return MK_NA;
  if(!strcasecmp(s, "ap"))
    return MK_AP;
  return -1;
}

void mk_copy(char *dst, size_t len, const char *src)
{
  size_t n;
  if(!len)
    return;
  if(!src)
    src = "";
  n = strlen(src);
  if(n >= len)
    n = len - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

void *mk_vec_push(void *vec, size_t elem)
{
  struct { char *a; size_t n, cap; } *v = vec;
  char *p;
  if(v->n == v->cap) {
    size_t nc = v->cap ? v->cap * 2 : 16;
    p = realloc(v->a, nc * elem);
    if(!p)
      return NULL;
    v->a = p;
    v->cap = nc;
  }
  p = v->a + v->n * elem;
  memset(p, 0, elem);
  v->n++;
  return p;
}

int mk_kvs_add(struct mk_kvs *l, const char *k, const char *v)
{
  struct mk_kv *a = realloc(l->a, (l->n + 1) * sizeof(*a));
  if(!a)
    return -1;
  l->a = a;
  a[l->n].k = strdup(k ? k : "");
  a[l->n].v = strdup(v ? v : "");
  if(!a[l->n].k || !a[l->n].v) {
    free(a[l->n].k);
    free(a[l->n].v);
    return -1;
  }
  l->n++;
  return 0;
}

const char *mk_kvs_get(const struct mk_kvs *l, const char *k)
{
  size_t i;
  for(i = 0; i < l->n; i++)
    if(!strcasecmp(l->a[i].k, k))
      return l->a[i].v;
  return NULL;
}

void mk_kvs_free(struct mk_kvs *l)
{
  size_t i;
  if(!l)
    return;
  for(i = 0; i < l->n; i++) {
    free(l->a[i].k);
    free(l->a[i].v);
  }
  free(l->a);
  l->a = NULL;
  l->n = 0;
}

static int mk_hexval(int c)
{
  if(c >= '0' && c <= '9')
    return c - '0';
  c = tolower(c);
  if(c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

static void mk_unescape(char *s)
{
  char *w = s;
  for(; *s; s++) {
    if(*s == '+')
      *w++ = ' ';
    else if(*s == '%' && mk_hexval(s[1]) >= 0 && mk_hexval(s[2]) >= 0) {
      *w++ = (char)(mk_hexval(s[1]) * 16 + mk_hexval(s[2]));
      s += 2;
    }
    else
      *w++ = *s;
  }
  *w = '\0';
}

int mk_query_parse(struct mk_kvs *l, const char *q)
{
  char *dup, *p, *next;
  int rc = 0;
  if(!q || !*q)
    return 0;
  dup = strdup(q);
  if(!dup)
    return -1;
  for(p = dup; p && *p && !rc; p = next) {
    char *eq;
    next = strchr(p, '&');
    if(next)
      *next++ = '\0';
    if(!*p)
      continue;
    eq = strchr(p, '=');
    if(eq)
      *eq++ = '\0';
    mk_unescape(p);
    if(eq)
      mk_unescape(eq);
    rc = mk_kvs_add(l, p, eq ? eq : "");
  }
  free(dup);
  return rc;
}

static int mk_buf_add(char **b, size_t *len, size_t *cap, const char *s,
                      int esc)
{
  static const char hex[] = "0123456789ABCDEF";
  for(; *s; s++) {
    unsigned char c = (unsigned char)*s;
    int plain = !esc || isalnum(c) || c == '-' || c == '_' || c == '.' ||
                c == '~' || c == ':';
    if(*len + 4 >= *cap) {
      size_t nc = *cap * 2 + 64;
      char *p = realloc(*b, nc);
      if(!p)
        return -1;
      *b = p;
      *cap = nc;
    }
    if(plain)
      (*b)[(*len)++] = (char)c;
    else {
      (*b)[(*len)++] = '%';
      (*b)[(*len)++] = hex[c >> 4];
      (*b)[(*len)++] = hex[c & 15];
    }
  }
  (*b)[*len] = '\0';
  return 0;
}

/* Rebuild a query string from l with page_key set to page (page_key may be
   NULL: no replacement).  Returns malloc'd text (maybe empty) or NULL. */
char *mk_query_build(const struct mk_kvs *l, const char *page_key, long page)
{
  size_t len = 0, cap = 64, i;
  char *b = malloc(cap);
  char num[32];
  int seen = 0;
  if(!b)
    return NULL;
  b[0] = '\0';
  snprintf(num, sizeof(num), "%ld", page);
  for(i = 0; i < l->n; i++) {
    const char *v = l->a[i].v;
    if(page_key && !strcmp(l->a[i].k, page_key)) {
      if(seen)
        continue;
      seen = 1;
      v = num;
    }
    if((len && mk_buf_add(&b, &len, &cap, "&", 0)) ||
       mk_buf_add(&b, &len, &cap, l->a[i].k, 1) ||
       mk_buf_add(&b, &len, &cap, "=", 0) ||
       mk_buf_add(&b, &len, &cap, v, 1))
      goto fail;
  }
  if(page_key && !seen) {
    if((len && mk_buf_add(&b, &len, &cap, "&", 0)) ||
       mk_buf_add(&b, &len, &cap, page_key, 1) ||
       mk_buf_add(&b, &len, &cap, "=", 0) ||
       mk_buf_add(&b, &len, &cap, num, 0))
      goto fail;
  }
  return b;
fail:
  free(b);
  return NULL;
}

/* Decimal string -> cents.  Accepts "12", "12.3", "12.30", "-1.00";
   refuses more than 2 decimals (unless zeros), exponents and junk. */
int mk_money_parse(const char *s, int64_t *cents)
{
  int neg = 0, digits = 0, dec = 0;
  int64_t v = 0;
  if(!s)
    return -1;
  while(*s == ' ')
    s++;
  if(*s == '-') {
    neg = 1;
    s++;
  }
  for(; isdigit((unsigned char)*s); s++, digits++) {
    if(v > INT64_MAX / 1000)
      return -1;
    v = v * 10 + (*s - '0');
  }
  v *= 100;
  if(*s == '.') {
    s++;
    for(; isdigit((unsigned char)*s); s++) {
      if(dec == 0)
        v += (*s - '0') * 10;
      else if(dec == 1)
        v += (*s - '0');
      else if(*s != '0')
        return -1;
      dec++;
      digits++;
    }
  }
  if(!digits || *s)
    return -1;
  *cents = neg ? -v : v;
  return 0;
}

/* A JSON string or number -> cents (the number's own text is parsed). */
int mk_money_json(json_object *o, int64_t *cents)
{
  if(!o)
    return -1;
  if(json_object_is_type(o, json_type_string) ||
     json_object_is_type(o, json_type_int) ||
     json_object_is_type(o, json_type_double))
    return mk_money_parse(json_object_get_string(o), cents);
  return -1;
}

void mk_money_fmt(int64_t cents, char *buf, size_t len)
{
  uint64_t a = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
  snprintf(buf, len, "%s%llu.%02llu", cents < 0 ? "-" : "",
           (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

json_object *mk_money_str(int64_t cents)
{
  char b[32];
  mk_money_fmt(cents, b, sizeof(b));
  return json_object_new_string(b);
}

/* A JSON number with exact text: 639 or 639.50 (production max_price). */
json_object *mk_money_num(int64_t cents)
{
  char b[32];
  if(cents % 100 == 0)
    return json_object_new_int64(cents / 100);
  mk_money_fmt(cents, b, sizeof(b));
  return json_object_new_double_s(strtod(b, NULL), b);
}

void mk_time_fmt(int64_t ms, char *buf, size_t len)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  if(!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
    mk_copy(buf, len, "1970-01-01T00:00:00Z");
}

json_object *mk_time_json(int64_t ms)
{
  char b[40];
  if(ms <= 0)
    return NULL;
  mk_time_fmt(ms, b, sizeof(b));
  return json_object_new_string(b);
}

static int mk_num(const char **p, int n, int *out)
{
  int v = 0, i;
  for(i = 0; i < n; i++) {
    if(!isdigit((unsigned char)(*p)[i]))
      return -1;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  *out = v;
  return 0;
}

/* RFC 3339, "Y-m-d H:i:s" (space, '+' or 'T'), or "Y-m-d" -> ms. */
int mk_time_parse(const char *s, int64_t *ms)
{
  struct tm tm;
  int y, mo, d, h = 0, mi = 0, se = 0, off = 0;
  time_t t;
  if(!s)
    return -1;
  memset(&tm, 0, sizeof(tm));
  if(mk_num(&s, 4, &y) || *s++ != '-' || mk_num(&s, 2, &mo) ||
     *s++ != '-' || mk_num(&s, 2, &d))
    return -1;
  if(*s == 'T' || *s == 't' || *s == ' ' || *s == '+') {
    s++;
    if(mk_num(&s, 2, &h) || *s++ != ':' || mk_num(&s, 2, &mi))
      return -1;
    if(*s == ':') {
      s++;
      if(mk_num(&s, 2, &se))
        return -1;
    }
    if(*s == '.') {
      s++;
      if(!isdigit((unsigned char)*s))
        return -1;
      while(isdigit((unsigned char)*s))
        s++;
    }
    if(*s == 'Z' || *s == 'z')
      s++;
    else if(*s == '+' || *s == '-' || *s == ' ') {
      int sign = *s == '-' ? -1 : 1, oh, om;
      s++;
      if(mk_num(&s, 2, &oh) || *s++ != ':' || mk_num(&s, 2, &om))
        return -1;
      off = sign * (oh * 60 + om);
    }
  }
  if(*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
     se > 60)
    return -1;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  t = timegm(&tm);
  if(t == (time_t)-1)
    return -1;
  *ms = ((int64_t)t - (int64_t)off * 60) * 1000;
  return 0;
}

int mk_imei_valid(const char *s)
{
  int i, sum = 0;
  if(!s || strlen(s) != 15)
    return 0;
  for(i = 0; i < 15; i++) {
    int dgt;
    if(!isdigit((unsigned char)s[i]))
      return 0;
    dgt = s[i] - '0';
    if(i % 2 == 1) {
      dgt *= 2;
      if(dgt > 9)
        dgt -= 9;
    }
    sum += dgt;
  }
  return sum % 10 == 0;
}

static uint64_t mk_rand(struct mk_sim *s)
{
  /* xorshift64*: deterministic ids per simulator run */
  s->rng ^= s->rng >> 12;
  s->rng ^= s->rng << 25;
  s->rng ^= s->rng >> 27;
  return s->rng * 2685821657736338717ull;
}

void mk_uuid(struct mk_sim *s, char out[37])
{
  uint64_t a = mk_rand(s), b = mk_rand(s);
  snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx",
           (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffffu,
           (unsigned)a & 0xfffu, (unsigned)(0x8000u | ((b >> 48) & 0x3fffu)),
           (unsigned long long)(b & 0xffffffffffffull));
}

int mk_is_uuid(const char *s)
{
  int i;
  if(!s || strlen(s) != 36)
    return 0;
  for(i = 0; i < 36; i++) {
    if(i == 8 || i == 13 || i == 18 || i == 23) {
      if(s[i] != '-')
        return 0;
    }
    else if(!isxdigit((unsigned char)s[i]))
      return 0;
  }
  return 1;
}

int mk_parse_int(const char *s, long long *v)
{
  char *end;
  long long x;
  if(!s || !*s)
    return -1;
  errno = 0;
  x = strtoll(s, &end, 10);
  if(errno || *end || end == s)
    return -1;
  *v = x;
  return 0;
}

/* A JSON int, or a string holding an int (the API accepts both). */
int mk_json_int(json_object *o, long long *v)
{
  if(!o)
    return -1;
  if(json_object_is_type(o, json_type_int)) {
    *v = json_object_get_int64(o);
    return 0;
  }
  if(json_object_is_type(o, json_type_string))
    return mk_parse_int(json_object_get_string(o), v);
  return -1;
}

/* Member k of b as an integer: 0, 1 when absent or null, -1 when not an
   integer. */
int mk_get_int(json_object *b, const char *k, long long *v)
{
  json_object *o;
  if(!json_object_object_get_ex(b, k, &o) || !o)
    return 1;
  return mk_json_int(o, v) ? -1 : 0;
}
