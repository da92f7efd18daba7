/*
 * hw_html.c -- the web Toolbox's one output writer: a growing buffer,
 * HTML escaping of every piece of data (text and attribute values alike),
 * percent-encoding of URL query values and time formatting.  Markup only
 * ever comes from literals in the code (hw_raw); data only ever goes
 * through hw_text/hw_textf/hw_url.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hw_internal.h"

#define HW_BUF_MAX (64u << 20) /* a page never grows past 64 MiB */

void
hw_buf_free(struct hw_buf *b)
{
  if(!b)
    return;
  free(b->p);
  memset(b, 0, sizeof(*b));
}

static int
hw_grow(struct hw_buf *b, size_t more)
{
  size_t cap;
  char *np;

  if(b->oom)
    return -1;
  if(b->len + more + 1 <= b->cap)
    return 0;
  cap = b->cap ? b->cap : 4096;
  while(cap < b->len + more + 1)
    cap *= 2;
  if(cap > HW_BUF_MAX || !(np = realloc(b->p, cap))) {
    b->oom = 1;
    return -1;
  }
  b->p = np;
  b->cap = cap;
  return 0;
}

static void
hw_put(struct hw_buf *b, const char *s, size_t n)
{
  if(hw_grow(b, n))
    return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void
hw_raw(struct hw_buf *b, const char *markup)
{
  if(markup)
    hw_put(b, markup, strlen(markup));
}

static char *
hw_vformat(const char *fmt, va_list ap)
{
  va_list cp;
  char *s;
  int n;

  va_copy(cp, ap);
  n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  if(n < 0 || !(s = malloc((size_t)n + 1)))
    return NULL;
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  return s;
}

/* Format, then write raw or escaped. */
static void
hw_vput(struct hw_buf *b, int escape, const char *fmt, va_list ap)
{
  char *s = hw_vformat(fmt, ap);

  if(!s) {
    b->oom = 1;
    return;
  }
  if(escape)
    hw_text(b, s);
  else
    hw_raw(b, s);
  free(s);
}

void
hw_rawf(struct hw_buf *b, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  hw_vput(b, 0, fmt, ap);
  va_end(ap);
}

void
hw_text(struct hw_buf *b, const char *s)
{
  const char *run = s;

  if(!s)
    return;
  for(; *s; s++) {
    const char *rep;

    switch(*s) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    case '\t': case '\n': case '\r': rep = NULL; break;
    default:
      rep = (unsigned char)*s < 0x20 || *s == 0x7f ? "&#xFFFD;" : NULL;
    }
    if(!rep)
      continue;
    hw_put(b, run, (size_t)(s - run));
    hw_raw(b, rep);
    run = s + 1;
  }
  hw_put(b, run, (size_t)(s - run));
}

void
hw_textf(struct hw_buf *b, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  hw_vput(b, 1, fmt, ap);
  va_end(ap);
}

const char *
hw_urlenc(const char *s, char *out, size_t outlen)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;

  if(!outlen)
    return out;
  for(; s && *s && o + 4 < outlen; s++) {
    unsigned char c = (unsigned char)*s;

    if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
       c == '~') {
      out[o++] = (char)c;
    }
    else {
      out[o++] = '%';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 15];
    }
  }
  out[o] = '\0';
  return out;
}

void
hw_url(struct hw_buf *b, const char *s)
{
  size_t n = s ? strlen(s) * 3 + 1 : 1;
  char *e = malloc(n);

  if(!e) {
    b->oom = 1;
    return;
  }
  hw_raw(b, hw_urlenc(s, e, n));
  free(e);
}

void
hw_time(struct hw_buf *b, int64_t ms)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  char s[32];

  if(!ms || !gmtime_r(&t, &tm) ||
     !strftime(s, sizeof(s), "%Y-%m-%d %H:%M:%S", &tm))
    snprintf(s, sizeof(s), "-");
  hw_raw(b, s);
}
