/*
 * pc_text.h -- checks on text that crosses the wire or goes into a header
 * or a document (plugin/common): UTF-8 validity, the characters XML 1.0
 * can carry, and the characters an HTTP header value may hold; plus the
 * string hash of the plugins' maps.  Pure functions; the one
 * implementation of each (pc_xml.c, pc_json.c, pc_http.c, pc_page.c and
 * the plugins use them).
 */
#ifndef PC_TEXT_H
#define PC_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when p does not
 * start one (overlong forms, surrogates, U+FFFE/U+FFFF and code points
 * above U+10FFFF are invalid).  p must be NUL-terminated. */
size_t pc_utf8_seq_len(const unsigned char *p);

/* Why text cannot go into an XML document (as element text): NULL when it
 * can, else a static reason ("is not valid UTF-8", "contains a control
 * character"); *bad_off (may be NULL) is the offset of the first bad
 * byte.  Allowed: valid UTF-8 without C0 controls other than tab, CR and
 * LF. */
const char *pc_text_xml_problem(const char *s, size_t *bad_off);

/* Why v cannot be an HTTP header value: NULL when it can, else a static
 * reason ("contains a line break (CR or LF)", "contains a control
 * character").  Refused: CR, LF, NUL and every other control character
 * but horizontal tab, and DEL. */
const char *pc_text_header_problem(const char *v);

/* 64-bit FNV-1a style hash of a string (the plugins' hash maps and
 * page fingerprints); not for security. */
uint64_t pc_text_hash(const char *s);

#endif /* PC_TEXT_H */
