/*
 * mk_form.c -- request bodies sent as HTML forms: multipart/form-data
 * (RFC 7578: parts with a name, an optional filename and binary-safe data)
 * and application/x-www-form-urlencoded, as the Care API's message and
 * problem endpoints take them.  Every bound is checked against the body's
 * length; nothing is read past it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mk_internal.h"

#define MK_FORM_MAX_PARTS 64

void mk_form_free(struct mk_form *f)
{
  size_t i;
  if(!f)
    return;
  for(i = 0; i < f->n; i++) {
    free(f->a[i].name);
    free(f->a[i].filename);
    free(f->a[i].data);
  }
  free(f->a);
  f->a = NULL;
  f->n = 0;
}

static int mk_form_add(struct mk_form *f, const char *name, size_t nlen,
                       const char *fname, size_t flen, const char *data,
                       size_t dlen)
{
  struct mk_form_part *a, *p;
  if(f->n >= MK_FORM_MAX_PARTS)
    return -1;
  a = realloc(f->a, (f->n + 1) * sizeof(*a));
  if(!a)
    return -1;
  f->a = a;
  p = &a[f->n];
  memset(p, 0, sizeof(*p));
  p->name = strndup(name, nlen);
  p->filename = fname ? strndup(fname, flen) : NULL;
  p->data = malloc(dlen + 1);
  if(!p->name || (fname && !p->filename) || !p->data) {
    free(p->name);
    free(p->filename);
    free(p->data);
    return -1;
  }
  memcpy(p->data, data, dlen);
  p->data[dlen] = '\0';
  p->len = dlen;
  f->n++;
  return 0;
}

/* Value of parameter key (e.g. boundary, name) in a header value such as
   `form-data; name="message"; filename="a.jpg"`: *out and its length, or
   -1 when absent.  Quoted values keep everything up to the closing quote. */
static int mk_hdr_param(const char *v, const char *end, const char *key,
                        const char **out, size_t *len)
{
  size_t kl = strlen(key);
  const char *p = v;
  while(p < end) {
    const char *semi = memchr(p, ';', (size_t)(end - p));
    if(!semi)
      return -1;
    p = semi + 1;
    while(p < end && (*p == ' ' || *p == '\t'))
      p++;
    if((size_t)(end - p) > kl && !strncasecmp(p, key, kl) && p[kl] == '=') {
      p += kl + 1;
      if(p < end && *p == '"') {
        const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
        if(!q)
          return -1;
        *out = p + 1;
        *len = (size_t)(q - p - 1);
      }
      else {
        const char *q = p;
        while(q < end && *q != ';' && *q != ' ' && *q != '\r' && *q != '\n')
          q++;
        *out = p;
        *len = (size_t)(q - p);
      }
      return 0;
    }
  }
  return -1;
}

static int mk_form_multipart(const char *ctype, const char *b, size_t n,
                             struct mk_form *f, char *err, size_t el)
{
  const char *bd, *p, *end = b + n;
  size_t bl;
  char delim[80];
  size_t dl;
  if(mk_hdr_param(ctype, ctype + strlen(ctype), "boundary", &bd, &bl) ||
     bl == 0 || bl > 70) {
    snprintf(err, el, "multipart/form-data needs a boundary parameter of "
             "1 to 70 characters");
    return -1;
  }
  dl = (size_t)snprintf(delim, sizeof(delim), "--%.*s", (int)bl, bd);
  p = memmem(b, n, delim, dl);
  if(!p) {
    snprintf(err, el, "multipart body does not contain its boundary");
    return -1;
  }
  for(;;) {
    const char *h, *hend, *data, *next, *name = NULL, *fname = NULL;
    size_t nl = 0, fl = 0;
    p += dl;
    if(end - p >= 2 && p[0] == '-' && p[1] == '-')
      return 0;                                  /* closing delimiter */
    if(end - p < 2 || p[0] != '\r' || p[1] != '\n')
      break;
    h = p + 2;
    hend = memmem(h, (size_t)(end - h), "\r\n\r\n", 4);
    if(!hend)
      break;
    data = hend + 4;
    {
      char sep[84];
      size_t sl = (size_t)snprintf(sep, sizeof(sep), "\r\n%s", delim);
      next = memmem(data, (size_t)(end - data), sep, sl);
      if(!next)
        break;
    }
    /* headers: find Content-Disposition */
    while(h < hend) {
      const char *eol = memmem(h, (size_t)(hend + 2 - h), "\r\n", 2);
      if(!eol)
        eol = hend;
      if((size_t)(eol - h) > 20 &&
         !strncasecmp(h, "content-disposition:", 20)) {
        if(mk_hdr_param(h, eol, "name", &name, &nl))
          name = NULL;
        if(mk_hdr_param(h, eol, "filename", &fname, &fl))
          fname = NULL;
      }
      h = eol + 2;
    }
    if(!name) {
      snprintf(err, el, "multipart part %zu has no Content-Disposition "
               "name", f->n + 1);
      return -1;
    }
    if(mk_form_add(f, name, nl, fname, fl, data, (size_t)(next - data))) {
      snprintf(err, el, "multipart body has too many parts (at most %d)",
               MK_FORM_MAX_PARTS);
      return -1;
    }
    p = next + 2;
  }
  snprintf(err, el, "multipart body is truncated or malformed after part "
           "%zu", f->n);
  return -1;
}

int mk_form_parse(const struct mk_req *rq, struct mk_form *f, char *err,
                  size_t el)
{
  const char *ct = mk_hdr(rq, "content-type");
  memset(f, 0, sizeof(*f));
  if(ct && !strncasecmp(ct, "multipart/form-data", 19)) {
    if(mk_form_multipart(ct, rq->body ? rq->body : "", rq->body_len, f, err,
                         el)) {
      mk_form_free(f);
      return -1;
    }
    return 0;
  }
  if(ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
    struct mk_kvs kv;
    char *text = strndup(rq->body ? rq->body : "", rq->body_len);
    size_t i;
    memset(&kv, 0, sizeof(kv));
    if(!text || mk_query_parse(&kv, text)) {
      free(text);
      mk_kvs_free(&kv);
      snprintf(err, el, "out of memory");
      return -1;
    }
    free(text);
    for(i = 0; i < kv.n; i++)
      if(mk_form_add(f, kv.a[i].k, strlen(kv.a[i].k), NULL, 0, kv.a[i].v,
                     strlen(kv.a[i].v))) {
        mk_kvs_free(&kv);
        mk_form_free(f);
        snprintf(err, el, "form has too many fields (at most %d)",
                 MK_FORM_MAX_PARTS);
        return -1;
      }
    mk_kvs_free(&kv);
    return 0;
  }
  snprintf(err, el, "Content-Type must be multipart/form-data (or "
           "application/x-www-form-urlencoded without attachments), not %s",
           ct ? ct : "absent");
  return -1;
}

/* The first text (non-file) field called name, or NULL. */
const struct mk_form_part *mk_form_field(const struct mk_form *f,
                                         const char *name)
{
  size_t i;
  for(i = 0; i < f->n; i++)
    if(!f->a[i].filename && !strcmp(f->a[i].name, name))
      return &f->a[i];
  return NULL;
}

/* Number of file parts, and the size of the largest in *largest. */
size_t mk_form_files(const struct mk_form *f, size_t *largest)
{
  size_t i, n = 0;
  *largest = 0;
  for(i = 0; i < f->n; i++)
    if(f->a[i].filename) {
      n++;
      if(f->a[i].len > *largest)
        *largest = f->a[i].len;
    }
  return n;
}
