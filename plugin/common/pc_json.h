/*
 * pc_json.h -- small json-c helpers with type checks (plugin/common).
 *
 * Every getter names the field and both types in its error text, e.g.
 * "field price: expected money string, found object", so a malformed
 * marketplace payload is reported precisely (job log + error queue) instead
 * of crashing or silently defaulting.  Callers add their own context
 * ("order 78740101: ...").
 *
 * Streaming: parse ONE page (one HTTP body) at a time with pc_json_parse()
 * and release it before fetching the next; never hold a whole history.
 *
 * Ownership (json-c): objects returned by the getters are borrowed from
 * their parent and die with it.  pc_json_parse() returns an owned
 * reference: json_object_put() it once.
 */
#ifndef PC_JSON_H
#define PC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define PC_JSON_MAX_DEPTH 32

/* Parse len bytes.  NULL on error with a message in err ("malformed JSON
 * at offset 17: unexpected character").  Depth limited to
 * PC_JSON_MAX_DEPTH; trailing garbage is an error. */
struct json_object *pc_json_parse(const char *buf, size_t len, char *err,
                                  size_t errlen);

/* The json-c type name of o as shown in messages ("null", "int", ...). */
const char *pc_json_type_name(const struct json_object *o);

/* The text of a JSON string, or NULL when v is not a string or the
 * string holds a NUL character ("SKU-1\u0000EVIL" would otherwise read as
 * "SKU-1").  Borrowed from v.  Every string read from the network goes
 * through this (the getters below use it). */
const char *pc_json_text(struct json_object *v);
/* 1 when v is an integer json-c holds exactly: json-c turns a number
 * beyond int64 into INT64_MAX / INT64_MIN (or a uint64), so those are
 * refused as out of range. */
int pc_json_int_in_range(struct json_object *v);

/* Getters.  `required`: a missing key or JSON null is an error
 * (BMC_ERR_PROTOCOL) when non-zero; otherwise it yields BMC_ERR_NOT_FOUND
 * and leaves *out untouched.  A present value of the wrong type is always
 * BMC_ERR_PROTOCOL.  err may be NULL. */
int pc_json_str(struct json_object *obj, const char *key, int required,
                const char **out, char *err, size_t errlen);
/* A string with a NUL character is refused (BMC_ERR_PROTOCOL). */
/* Integer.  A JSON string of digits is NOT accepted (a type error); a
 * number out of int64 range is refused, never saturated. */
int pc_json_int(struct json_object *obj, const char *key, int required,
                int64_t *out, char *err, size_t errlen);
int pc_json_bool(struct json_object *obj, const char *key, int required,
                 int *out, char *err, size_t errlen);
/* Money: a decimal string ("639.00") or a JSON number written in decimal
 * (639, 639.5) -- parsed from its text, never through a double. */
int pc_json_money(struct json_object *obj, const char *key, int required,
                  int64_t *cents, char *err, size_t errlen);
int pc_json_obj(struct json_object *obj, const char *key, int required,
                struct json_object **out, char *err, size_t errlen);
int pc_json_arr(struct json_object *obj, const char *key, int required,
                struct json_object **out, char *err, size_t errlen);

/* Every string inside v (recursively) can go into an XML document: no
 * NUL, valid UTF-8, no control characters but tab/CR/LF.  BMC_OK, or
 * BMC_ERR_PROTOCOL with the first bad field's path in err ("field
 * shipping_address.city is not valid UTF-8 (at byte 3); refused"). */
int pc_json_check_text(struct json_object *v, char *err, size_t errlen);

/* Append s to buf as a JSON string literal (with quotes, escaped).
 * Returns BMC_OK or the pc_buf error. */
struct pc_buf;
int pc_json_quote(struct pc_buf *buf, const char *s);

#endif /* PC_JSON_H */
