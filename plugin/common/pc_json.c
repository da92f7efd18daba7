/*
 * pc_json.c -- owns the type-checked json-c getters and the bounded
 * one-page parser (see pc_json.h).
 */
#include "pc_json.h"

#include <stdio.h>
#include <string.h>

#include "bmc/bmc_plugin.h"
#include "pc_buf.h"
#include "pc_money.h"
#include "pc_text.h"

struct json_object *
pc_json_parse(const char *buf, size_t len, char *err, size_t errlen)
{
  struct json_tokener *tok;
  struct json_object *o;
  enum json_tokener_error jerr;
  size_t off;

  if(!buf || len > (size_t)INT32_MAX) {
    if(err && errlen)
      snprintf(err, errlen, "malformed JSON: empty or oversized body");
    return NULL;
  }
  tok = json_tokener_new_ex(PC_JSON_MAX_DEPTH);
  if(!tok) {
    if(err && errlen)
      snprintf(err, errlen, "out of memory parsing JSON");
    return NULL;
  }
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  o = json_tokener_parse_ex(tok, buf, (int)len);
  jerr = json_tokener_get_error(tok);
  off = json_tokener_get_parse_end(tok);
  if(!o || jerr != json_tokener_success) {
    if(err && errlen)
      snprintf(err, errlen, "malformed JSON at offset %zu: %s", off,
               jerr == json_tokener_continue ? "unexpected end of data"
                                             : json_tokener_error_desc(jerr));
    json_object_put(o);
    json_tokener_free(tok);
    return NULL;
  }
  while(off < len && (buf[off] == ' ' || buf[off] == '\n' ||
                      buf[off] == '\r' || buf[off] == '\t'))
    off++;
  if(off < len) {
    if(err && errlen)
      snprintf(err, errlen, "malformed JSON at offset %zu: trailing data",
               off);
    json_object_put(o);
    json_tokener_free(tok);
    return NULL;
  }
  json_tokener_free(tok);
  return o;
}

const char *
pc_json_type_name(const struct json_object *o)
{
  if(!o)
    return "null";
  switch(json_object_get_type(o)) {
  case json_type_null: return "null";
  case json_type_boolean: return "boolean";
  case json_type_double: return "number";
  case json_type_int: return "int";
  case json_type_object: return "object";
  case json_type_array: return "array";
  case json_type_string: return "string";
  }
  return "unknown";
}

int
pc_json_int_in_range(struct json_object *v)
{
  int64_t i;

  if(!v || !json_object_is_type(v, json_type_int))
    return 0;
  /* json-c saturates an integer beyond int64 (or parses it as uint64):
   * the two extremes are what an out-of-range number turns into */
  i = json_object_get_int64(v);
  return i != INT64_MAX && i != INT64_MIN;
}

/* Look up key; BMC_OK with *v set (non-null), NOT_FOUND/PROTOCOL else. */
static int
pc_json_lookup(struct json_object *obj, const char *key, int required,
               const char *want, struct json_object **v, char *err,
               size_t errlen)
{
  if(!obj || !json_object_is_type(obj, json_type_object)) {
    if(err && errlen)
      snprintf(err, errlen, "field %s: parent is %s, expected object", key,
               pc_json_type_name(obj));
    return BMC_ERR_PROTOCOL;
  }
  if(!json_object_object_get_ex(obj, key, v) || !*v) {
    if(!required)
      return BMC_ERR_NOT_FOUND;
    if(err && errlen)
      snprintf(err, errlen, "field %s: expected %s, found %s", key, want,
               json_object_object_get_ex(obj, key, v) ? "null" : "nothing");
    return BMC_ERR_PROTOCOL;
  }
  return BMC_OK;
}

static int
pc_json_type_err(const char *key, const char *want, struct json_object *v,
                 char *err, size_t errlen)
{
  if(err && errlen)
    snprintf(err, errlen, "field %s: expected %s, found %s", key, want,
             pc_json_type_name(v));
  return BMC_ERR_PROTOCOL;
}

const char *
pc_json_text(struct json_object *v)
{
  const char *s;

  if(!v || !json_object_is_type(v, json_type_string))
    return NULL;
  s = json_object_get_string(v);
  /* json-c keeps "\u0000" inside the string: its length says so */
  if(!s || strlen(s) != (size_t)json_object_get_string_len(v))
    return NULL;
  return s;
}

static int
pc_json_nul_err(const char *key, char *err, size_t errlen)
{
  if(err && errlen)
    snprintf(err, errlen, "field %s: the string contains a NUL character "
             "(\\u0000); refused", key);
  return BMC_ERR_PROTOCOL;
}

int
pc_json_str(struct json_object *obj, const char *key, int required,
            const char **out, char *err, size_t errlen)
{
  struct json_object *v;
  const char *s;
  int rc = pc_json_lookup(obj, key, required, "string", &v, err, errlen);

  if(rc)
    return rc;
  if(!json_object_is_type(v, json_type_string))
    return pc_json_type_err(key, "string", v, err, errlen);
  s = pc_json_text(v);
  if(!s)
    return pc_json_nul_err(key, err, errlen);
  *out = s;
  return BMC_OK;
}

int
pc_json_int(struct json_object *obj, const char *key, int required,
            int64_t *out, char *err, size_t errlen)
{
  struct json_object *v;
  int rc = pc_json_lookup(obj, key, required, "int", &v, err, errlen);

  if(rc)
    return rc;
  if(!json_object_is_type(v, json_type_int))
    return pc_json_type_err(key, "int", v, err, errlen);
  if(!pc_json_int_in_range(v)) {
    if(err && errlen)
      snprintf(err, errlen, "field %s: the number is out of range (beyond "
               "+/-9223372036854775806); refused", key);
    return BMC_ERR_PROTOCOL;
  }
  *out = json_object_get_int64(v);
  return BMC_OK;
}

int
pc_json_bool(struct json_object *obj, const char *key, int required,
             int *out, char *err, size_t errlen)
{
  struct json_object *v;
  int rc = pc_json_lookup(obj, key, required, "boolean", &v, err, errlen);

  if(rc)
    return rc;
  if(!json_object_is_type(v, json_type_boolean))
    return pc_json_type_err(key, "boolean", v, err, errlen);
  *out = json_object_get_boolean(v) ? 1 : 0;
  return BMC_OK;
}

int
pc_json_money(struct json_object *obj, const char *key, int required,
              int64_t *cents, char *err, size_t errlen)
{
  struct json_object *v;
  const char *txt;
  int rc = pc_json_lookup(obj, key, required, "money string", &v, err,
                          errlen);

  if(rc)
    return rc;
  if(!json_object_is_type(v, json_type_string) &&
     !json_object_is_type(v, json_type_int) &&
     !json_object_is_type(v, json_type_double))
    return pc_json_type_err(key, "money string", v, err, errlen);
  /* for numbers json-c keeps the text as parsed (never via a double) */
  if(json_object_is_type(v, json_type_string)) {
    txt = pc_json_text(v);
    if(!txt)
      return pc_json_nul_err(key, err, errlen);
  }
  else if(json_object_is_type(v, json_type_int) && !pc_json_int_in_range(v))
    txt = NULL;
  else
    txt = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
  if(!txt || pc_money_parse(txt, cents)) {
    if(err && errlen)
      snprintf(err, errlen,
               "field %s: expected a decimal amount with at most 2 "
               "decimals, found \"%.40s\"", key, txt ? txt : "");
    return BMC_ERR_PROTOCOL;
  }
  return BMC_OK;
}

int
pc_json_obj(struct json_object *obj, const char *key, int required,
            struct json_object **out, char *err, size_t errlen)
{
  struct json_object *v;
  int rc = pc_json_lookup(obj, key, required, "object", &v, err, errlen);

  if(rc)
    return rc;
  if(!json_object_is_type(v, json_type_object))
    return pc_json_type_err(key, "object", v, err, errlen);
  *out = v;
  return BMC_OK;
}

int
pc_json_arr(struct json_object *obj, const char *key, int required,
            struct json_object **out, char *err, size_t errlen)
{
  struct json_object *v;
  int rc = pc_json_lookup(obj, key, required, "array", &v, err, errlen);

  if(rc)
    return rc;
  if(!json_object_is_type(v, json_type_array))
    return pc_json_type_err(key, "array", v, err, errlen);
  *out = v;
  return BMC_OK;
}

int
pc_json_quote(struct pc_buf *buf, const char *s)
{
  int rc = pc_buf_add(buf, "\"", 1);
  const unsigned char *p;

  for(p = (const unsigned char *)(s ? s : ""); !rc && *p; p++) {
    switch(*p) {
    case '"': rc = pc_buf_add(buf, "\\\"", 2); break;
    case '\\': rc = pc_buf_add(buf, "\\\\", 2); break;
    case '\n': rc = pc_buf_add(buf, "\\n", 2); break;
    case '\r': rc = pc_buf_add(buf, "\\r", 2); break;
    case '\t': rc = pc_buf_add(buf, "\\t", 2); break;
    default:
      if(*p < 0x20)
        rc = pc_buf_addf(buf, "\\u%04x", *p);
      else
        rc = pc_buf_add(buf, p, 1);
    }
  }
  if(!rc)
    rc = pc_buf_add(buf, "\"", 1);
  return rc;
}

/* Append ".key" or "[i]" to the path (truncated silently when long). */
static size_t
pc_json_path_push(char *path, size_t pathlen, size_t used, const char *key,
                  size_t idx)
{
  int n;

  if(used >= pathlen)
    return used;
  if(key)
    n = snprintf(path + used, pathlen - used, "%s%s", used ? "." : "", key);
  else
    n = snprintf(path + used, pathlen - used, "[%zu]", idx);
  if(n < 0)
    return used;
  return used + (size_t)n < pathlen ? used + (size_t)n : pathlen - 1;
}

static int
pc_json_walk_text(struct json_object *v, char *path, size_t pathlen,
                  size_t used, char *err, size_t errlen)
{
  const char *why;
  size_t off = 0;
  size_t i;
  int rc;

  switch(json_object_get_type(v)) {
  case json_type_string:
    if(!pc_json_text(v))
      why = "contains a NUL character (\\u0000)";
    else
      why = pc_text_xml_problem(json_object_get_string(v), &off);
    if(!why)
      return BMC_OK;
    path[used < pathlen ? used : pathlen - 1] = '\0';
    if(err && errlen)
      snprintf(err, errlen, "field %s %s (at byte %zu); refused",
               used ? path : "(top)", why, off);
    return BMC_ERR_PROTOCOL;
  case json_type_object: {
    json_object_object_foreach(v, k, child) {
      size_t u = pc_json_path_push(path, pathlen, used, k, 0);
      rc = pc_json_walk_text(child, path, pathlen, u, err, errlen);
      if(rc)
        return rc;
    }
    return BMC_OK;
  }
  case json_type_array:
    for(i = 0; i < json_object_array_length(v); i++) {
      size_t u = pc_json_path_push(path, pathlen, used, NULL, i);
      rc = pc_json_walk_text(json_object_array_get_idx(v, i), path, pathlen,
                             u, err, errlen);
      if(rc)
        return rc;
    }
    return BMC_OK;
  default:
    return BMC_OK;
  }
}

int
pc_json_check_text(struct json_object *v, char *err, size_t errlen)
{
  char path[160];

  path[0] = '\0';
  return pc_json_walk_text(v, path, sizeof(path), 0, err, errlen);
}
