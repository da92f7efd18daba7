/*
 * pc_redact.c -- owns secret masking and the redacting logger (see
 * pc_redact.h).
 */
#include "pc_redact.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PC_MASK "****"
#define PC_LOG_MAX 2048

int
pc_secrets_add(struct pc_secrets *s, const char *value)
{
  size_t i;

  if(!s || !value)
    return BMC_ERR_INVALID_ARG;
  if(strlen(value) < 4)
    return BMC_OK;
  for(i = 0; i < s->n; i++)
    if(!strcmp(s->v[i], value))
      return BMC_OK;
  if(s->n >= PC_SECRETS_MAX)
    return BMC_ERR_TOO_SMALL;
  s->v[s->n] = strdup(value);
  if(!s->v[s->n])
    return BMC_ERR_NOMEM;
  s->n++;
  return BMC_OK;
}

void
pc_secrets_clear(struct pc_secrets *s)
{
  size_t i;

  if(!s)
    return;
  for(i = 0; i < s->n; i++) {
    if(s->v[i]) {
      explicit_bzero(s->v[i], strlen(s->v[i]));
      free(s->v[i]);
    }
    s->v[i] = NULL;
  }
  s->n = 0;
}

/* Header names / parameters whose value is always masked up to the end of
 * the line (headers) or the next '&' / space (parameters). */
static const struct {
  const char *name;
  int header;
} pc_redact_keys[] = {
  {"authorization:", 1}, {"x-api-key:", 1}, {"token=", 0},
  {"api_key=", 0},       {"apikey=", 0},
};

/* Length of a secret match at p, 0 if none. */
static size_t
pc_match_secret(const struct pc_secrets *s, const char *p)
{
  size_t i;
  size_t best = 0;

  if(!s)
    return 0;
  for(i = 0; i < s->n; i++) {
    size_t n = strlen(s->v[i]);
    if(n > best && !strncmp(p, s->v[i], n))
      best = n;
  }
  return best;
}

size_t
pc_redact(const struct pc_secrets *s, const char *in, char *out,
          size_t outlen)
{
  size_t o = 0;
  size_t masks = 0;
  const char *p = in ? in : "";

  if(!out || !outlen)
    return 0;
  while(*p && o + 1 < outlen) {
    size_t m = pc_match_secret(s, p);
    size_t k;
    int keyed = 0;

    if(m) {
      size_t ml = strlen(PC_MASK);
      if(o + ml >= outlen)
        break;
      memcpy(out + o, PC_MASK, ml);
      o += ml;
      p += m;
      masks++;
      continue;
    }
    for(k = 0; k < sizeof(pc_redact_keys) / sizeof(pc_redact_keys[0]); k++) {
      size_t kl = strlen(pc_redact_keys[k].name);
      if(!strncasecmp(p, pc_redact_keys[k].name, kl)) {
        const char *v = p + kl;
        size_t ml = strlen(PC_MASK);
        if(o + kl + 1 + ml >= outlen)
          break;
        memcpy(out + o, p, kl);
        o += kl;
        if(pc_redact_keys[k].header) {
          out[o++] = ' ';
          while(*v && *v != '\n' && *v != '\r')
            v++;
        }
        else {
          while(*v && *v != '&' && *v != ' ' && *v != '\n' && *v != '"')
            v++;
        }
        memcpy(out + o, PC_MASK, ml);
        o += ml;
        p = v;
        masks++;
        keyed = 1;
        break;
      }
    }
    if(keyed)
      continue;
    out[o++] = *p++;
  }
  out[o] = '\0';
  return masks;
}

size_t
pc_redact_inplace(const struct pc_secrets *s, char *text)
{
  char *tmp;
  size_t n;
  size_t masks;

  if(!text)
    return 0;
  n = strlen(text) + 1;
  tmp = malloc(n + 16);
  if(!tmp) {
    /* cannot redact safely: drop the text rather than leak */
    text[0] = '\0';
    return 0;
  }
  masks = pc_redact(s, text, tmp, n + 16);
  /* the masked text is never longer, except the header form which adds
   * one space; truncate to the original size */
  strncpy(text, tmp, n - 1);
  text[n - 1] = '\0';
  free(tmp);
  return masks;
}

void
pc_log(const struct bmc_host_api *host, void *hctx,
       const struct pc_secrets *s, enum bmc_log_level level,
       const char *fmt, ...)
{
  char raw[PC_LOG_MAX];
  char clean[PC_LOG_MAX];
  va_list ap;

  if(!host || !host->log)
    return;
  va_start(ap, fmt);
  if(vsnprintf(raw, sizeof(raw), fmt, ap) < 0)
    raw[0] = '\0';
  va_end(ap);
  pc_redact(s, raw, clean, sizeof(clean));
  host->log(hctx, level, "%s", clean);
}
