/*
 * pc_buf.c -- owns the bounded growing buffer (see pc_buf.h).
 */
#include "pc_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PC_BUF_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

void
pc_buf_init(struct pc_buf *b, size_t max)
{
  memset(b, 0, sizeof(*b));
  b->max = max ? max : PC_BUF_DEFAULT_MAX;
}

static int
pc_buf_grow(struct pc_buf *b, size_t need)
{
  size_t ncap;
  char *p;

  if(need <= b->cap)
    return BMC_OK;
  ncap = b->cap ? b->cap : 256;
  while(ncap < need)
    ncap *= 2;
  p = realloc(b->data, ncap);
  if(!p)
    return BMC_ERR_NOMEM;
  b->data = p;
  b->cap = ncap;
  return BMC_OK;
}

int
pc_buf_add(struct pc_buf *b, const void *p, size_t n)
{
  int rc;

  if(!b->max)
    b->max = PC_BUF_DEFAULT_MAX;
  if(n > b->max || b->len > b->max - n)
    return BMC_ERR_PROTOCOL;
  rc = pc_buf_grow(b, b->len + n + 1);
  if(rc)
    return rc;
  if(n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return BMC_OK;
}

int
pc_buf_adds(struct pc_buf *b, const char *s)
{
  return pc_buf_add(b, s, strlen(s));
}

int
pc_buf_vaddf(struct pc_buf *b, const char *fmt, va_list ap)
{
  va_list ap2;
  int n;
  int rc;
  char small[256];

  va_copy(ap2, ap);
  n = vsnprintf(small, sizeof(small), fmt, ap2);
  va_end(ap2);
  if(n < 0)
    return BMC_ERR_INTERNAL;
  if((size_t)n < sizeof(small))
    return pc_buf_add(b, small, (size_t)n);
  if(!b->max)
    b->max = PC_BUF_DEFAULT_MAX;
  if((size_t)n > b->max || b->len > b->max - (size_t)n)
    return BMC_ERR_PROTOCOL;
  rc = pc_buf_grow(b, b->len + (size_t)n + 1);
  if(rc)
    return rc;
  if(vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n)
    return BMC_ERR_INTERNAL;
  b->len += (size_t)n;
  return BMC_OK;
}

int
pc_buf_addf(struct pc_buf *b, const char *fmt, ...)
{
  va_list ap;
  int rc;

  va_start(ap, fmt);
  rc = pc_buf_vaddf(b, fmt, ap);
  va_end(ap);
  return rc;
}

const char *
pc_buf_str(const struct pc_buf *b)
{
  return b->data ? b->data : "";
}

void
pc_buf_reset(struct pc_buf *b)
{
  b->len = 0;
  if(b->data)
    b->data[0] = '\0';
}

void
pc_buf_free(struct pc_buf *b)
{
  if(!b)
    return;
  free(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

char *
pc_buf_take(struct pc_buf *b, size_t *len)
{
  char *p;

  if(!b->data && pc_buf_grow(b, 1))
    return NULL;
  if(!b->len)
    b->data[0] = '\0';
  p = b->data;
  if(len)
    *len = b->len;
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  return p;
}
