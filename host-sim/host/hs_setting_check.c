/*
 * hs_setting_check.c -- one Toolbox value against one setting of a
 * plugin's schema (pure, no I/O): control characters (never allowed: a
 * CR/LF in a value would reach an HTTP header as a header of its own),
 * an empty required value, type, range, length, enum membership, decimal
 * form, and secrets with surrounding whitespace.  Also the company name
 * check.  Used by host.cfg validation and by `settings set`.
 * WARNING: messages never quote the value of a SECRET setting.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_config.h"

/* Longest slice of a (non-secret) value quoted in a message. */
#define HS_CFG_QUOTE 60

const struct bmc_setting *
hs_setting_find(const struct bmc_plugin_api *api, const char *key)
{
  size_t i;

  if(!api || !key || !api->settings)
    return NULL;
  for(i = 0; i < api->n_settings; i++)
    if(api->settings[i].key && !strcmp(api->settings[i].key, key))
      return &api->settings[i];
  return NULL;
}

long
hs_text_control_at(const char *s)
{
  long i;

  for(i = 0; s && s[i]; i++)
    if((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
      return i;
  return -1;
}

int
hs_company_name_check(const char *name, char *err, size_t errlen)
{
  long at;

  if(!name || !name[0]) {
    hs_cfg_errf(err, errlen, "company name is empty");
    return BMC_ERR_INVALID_ARG;
  }
  at = hs_text_control_at(name);
  if(at >= 0) {
    hs_cfg_errf(err, errlen, "company name contains a control character "
                "(byte 0x%02x at offset %ld); use printable characters "
                "only", (unsigned)(unsigned char)name[at], at);
    return BMC_ERR_INVALID_ARG;
  }
  return BMC_OK;
}

static int
hs_cfg_is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

static int
hs_cfg_is_digit(char c)
{
  return c >= '0' && c <= '9';
}

static int
hs_cfg_in_enum(const char *values, const char *v)
{
  size_t vlen = strlen(v);
  const char *p = values, *bar;
  size_t len;

  for(;;) {
    bar = strchr(p, '|');
    len = bar ? (size_t)(bar - p) : strlen(p);
    if(len == vlen && !strncmp(p, v, len))
      return 1;
    if(!bar)
      return 0;
    p = bar + 1;
  }
}

static int
hs_cfg_is_decimal(const char *v)
{
  const char *p = v;

  if(*p == '-' || *p == '+')
    p++;
  if(!hs_cfg_is_digit(*p))
    return 0;
  while(hs_cfg_is_digit(*p))
    p++;
  if(*p == '.') {
    p++;
    if(!hs_cfg_is_digit(*p))
      return 0;
    while(hs_cfg_is_digit(*p))
      p++;
  }
  return *p == '\0' && strlen(v) <= 32;
}

/* Is the well-formed decimal v outside [min, max]?  Exact: compares the
 * integer part and whether the fraction is non-zero, no floating point. */
static int
hs_cfg_decimal_outside(const char *v, int64_t min, int64_t max)
{
  int neg = *v == '-';
  const char *p = (*v == '-' || *v == '+') ? v + 1 : v;
  long long ip;
  int frac = 0;
  char *end;

  errno = 0;
  ip = strtoll(p, &end, 10);
  if(errno == ERANGE)
    return 1;
  if(*end == '.')
    for(end++; *end; end++)
      if(*end != '0')
        frac = 1;
  if(!neg)
    return ip < min || ip > max || (ip == max && frac);
  /* x = -(ip + f), 0 <= f < 1: x < min, or x > max. */
  return ip > -min || (ip == -min && frac) || ip < -max;
}

int
hs_setting_validate(const struct bmc_setting *s, const char *value,
                    char *err, size_t errlen)
{
  int secret;
  const char *shown;
  size_t len;
  long at;
  long long n;
  char *end;

  if(!s || !s->key) {
    hs_cfg_errf(err, errlen, "hs_setting_validate: no setting");
    return BMC_ERR_INVALID_ARG;
  }
  if(!value) {
    hs_cfg_errf(err, errlen, "%s: no value", s->key);
    return BMC_ERR_INVALID_ARG;
  }
  secret = (s->flags & BMC_SETTING_SECRET) != 0;
  shown = secret ? "(secret value not shown)" : value;
  len = strlen(value);
  if(secret && len &&
     (hs_cfg_is_space(value[0]) || hs_cfg_is_space(value[len - 1]))) {
    hs_cfg_errf(err, errlen, "%s: secret value has leading or trailing "
                "whitespace (value not shown); paste it again without "
                "spaces or line breaks", s->key);
    return BMC_ERR_CONFIG;
  }
  if(secret && strpbrk(value, "\r\n")) {
    hs_cfg_errf(err, errlen, "%s: secret value contains a line break "
                "(value not shown)", s->key);
    return BMC_ERR_CONFIG;
  }
  at = hs_text_control_at(value);
  if(at >= 0 && secret) {
    hs_cfg_errf(err, errlen, "%s: secret value contains a control "
                "character (value not shown); paste it again", s->key);
    return BMC_ERR_CONFIG;
  }
  if(at >= 0) {
    hs_cfg_errf(err, errlen, "%s: contains a control character (byte 0x%02x "
                "at offset %ld): not allowed in a setting (a line break "
                "would reach HTTP headers)", s->key,
                (unsigned)(unsigned char)value[at], at);
    return BMC_ERR_CONFIG;
  }
  if(!len && (s->flags & BMC_SETTING_REQUIRED)) {
    hs_cfg_errf(err, errlen, "%s: a required setting cannot be empty%s",
                s->key, secret ? " (to remove the secret, unset it)" : "");
    return BMC_ERR_CONFIG;
  }
  switch(s->type) {
  case BMC_SET_BOOL:
    if(strcmp(value, "true") && strcmp(value, "false")) {
      hs_cfg_errf(err, errlen, "%s: expected true or false, found '%.*s'",
                  s->key, HS_CFG_QUOTE, shown);
      return BMC_ERR_CONFIG;
    }
    return BMC_OK;
  case BMC_SET_INT:
    errno = 0;
    n = (*value == '-' || hs_cfg_is_digit(*value)) ? strtoll(value, &end, 10)
                                                   : 0;
    if(!(*value == '-' || hs_cfg_is_digit(*value)) || *end != '\0' ||
       end == value) {
      hs_cfg_errf(err, errlen, "%s: expected a whole number, found '%.*s'",
                  s->key, HS_CFG_QUOTE, shown);
      return BMC_ERR_CONFIG;
    }
    if(errno == ERANGE || (!(s->min == 0 && s->max == 0) &&
                           (n < s->min || n > s->max))) {
      hs_cfg_errf(err, errlen, "%s: out of range: expected %" PRId64
                  "..%" PRId64 ", found %.*s", s->key, s->min, s->max,
                  HS_CFG_QUOTE, shown);
      return BMC_ERR_CONFIG;
    }
    return BMC_OK;
  case BMC_SET_STRING:
    if(s->max > 0 && (int64_t)len > s->max) {
      hs_cfg_errf(err, errlen, "%s: too long: expected at most %" PRId64
                  " characters, found %zu", s->key, s->max, len);
      return BMC_ERR_CONFIG;
    }
    return BMC_OK;
  case BMC_SET_DECIMAL:
    if(!hs_cfg_is_decimal(value)) {
      hs_cfg_errf(err, errlen, "%s: expected a decimal number such as "
                  "12.50, found '%.*s'", s->key, HS_CFG_QUOTE, shown);
      return BMC_ERR_CONFIG;
    }
    if(!(s->min == 0 && s->max == 0) &&
       hs_cfg_decimal_outside(value, s->min, s->max)) {
      hs_cfg_errf(err, errlen, "%s: out of range: expected %" PRId64
                  "..%" PRId64 ", found %.*s", s->key, s->min, s->max,
                  HS_CFG_QUOTE, shown);
      return BMC_ERR_CONFIG;
    }
    return BMC_OK;
  case BMC_SET_ENUM:
    if(!s->enum_values || !hs_cfg_in_enum(s->enum_values, value)) {
      hs_cfg_errf(err, errlen, "%s: expected one of %s, found '%.*s'",
                  s->key, s->enum_values ? s->enum_values : "(none)",
                  HS_CFG_QUOTE, shown);
      return BMC_ERR_CONFIG;
    }
    return BMC_OK;
  }
  hs_cfg_errf(err, errlen, "%s: unknown setting type %d", s->key,
              (int)s->type);
  return BMC_ERR_INVALID_ARG;
}

