/*
 * pc_csv.c -- owns the CSV writer (quoting rules in pc_csv.h).
 */
#include "pc_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
pc_csv_init(struct pc_csv *c, char delim, char quote, size_t max_bytes)
{
  memset(c, 0, sizeof(*c));
  pc_buf_init(&c->out, max_bytes);
  c->delim = delim ? delim : ',';
  c->quote = quote ? quote : '"';
  c->eol = "\n";
}

int
pc_csv_needs_quote(const struct pc_csv *c, const char *s)
{
  size_t n;

  if(!s || !*s)
    return 0;
  n = strlen(s);
  if(s[0] == ' ' || s[n - 1] == ' ')
    return 1;
  for(; *s; s++)
    if(*s == c->delim || *s == c->quote || *s == '\n' || *s == '\r')
      return 1;
  return 0;
}

int
pc_csv_field(struct pc_csv *c, const char *s)
{
  int rc = BMC_OK;

  if(c->row_fields++)
    rc = pc_buf_add(&c->out, &c->delim, 1);
  if(rc || !s)
    return rc;
  if(!pc_csv_needs_quote(c, s))
    return pc_buf_adds(&c->out, s);
  rc = pc_buf_add(&c->out, &c->quote, 1);
  for(; !rc && *s; s++) {
    if(*s == c->quote)
      rc = pc_buf_add(&c->out, &c->quote, 1);
    if(!rc)
      rc = pc_buf_add(&c->out, s, 1);
  }
  if(!rc)
    rc = pc_buf_add(&c->out, &c->quote, 1);
  return rc;
}

int
pc_csv_fieldf(struct pc_csv *c, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if(n < 0 || (size_t)n >= sizeof(tmp))
    return BMC_ERR_TOO_SMALL;
  return pc_csv_field(c, tmp);
}

int
pc_csv_end_row(struct pc_csv *c)
{
  int rc = pc_buf_adds(&c->out, c->eol ? c->eol : "\n");

  if(!rc) {
    c->row_fields = 0;
    c->rows++;
  }
  return rc;
}

const char *
pc_csv_text(const struct pc_csv *c)
{
  return pc_buf_str(&c->out);
}

size_t
pc_csv_len(const struct pc_csv *c)
{
  return c->out.len;
}

void
pc_csv_reset(struct pc_csv *c)
{
  pc_buf_reset(&c->out);
  c->row_fields = 0;
  c->rows = 0;
}

void
pc_csv_free(struct pc_csv *c)
{
  if(!c)
    return;
  pc_buf_free(&c->out);
  c->row_fields = 0;
  c->rows = 0;
}
