/*
 * pc_text.c -- owns the text checks of plugin/common: UTF-8 sequences, what
 * XML element text may hold and what an HTTP header value may hold, and the
 * string hash (see pc_text.h).
 */
#include "pc_text.h"

size_t
pc_utf8_seq_len(const unsigned char *p)
{
  unsigned cp;
  size_t n;
  size_t i;

  if(p[0] < 0x80)
    return 1;
  if((p[0] & 0xe0) == 0xc0) {
    n = 2;
    cp = p[0] & 0x1f;
  }
  else if((p[0] & 0xf0) == 0xe0) {
    n = 3;
    cp = p[0] & 0x0f;
  }
  else if((p[0] & 0xf8) == 0xf0) {
    n = 4;
    cp = p[0] & 0x07;
  }
  else
    return 0;
  for(i = 1; i < n; i++) {
    if((p[i] & 0xc0) != 0x80)
      return 0; /* also stops at the terminating NUL */
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
     (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
     (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
    return 0;
  return n;
}

const char *
pc_text_xml_problem(const char *s, size_t *bad_off)
{
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  const unsigned char *start = p;
  size_t n;

  while(*p) {
    if(*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
      if(bad_off)
        *bad_off = (size_t)(p - start);
      return "contains a control character";
    }
    n = pc_utf8_seq_len(p);
    if(!n) {
      if(bad_off)
        *bad_off = (size_t)(p - start);
      return "is not valid UTF-8";
    }
    p += n;
  }
  return NULL;
}

const char *
pc_text_header_problem(const char *v)
{
  const unsigned char *p;

  for(p = (const unsigned char *)(v ? v : ""); *p; p++) {
    if(*p == '\r' || *p == '\n')
      return "contains a line break (CR or LF)";
    if((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return "contains a control character";
  }
  return NULL;
}

uint64_t
pc_text_hash(const char *s)
{
  uint64_t h = 1469598103934665603ull;

  for(; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 1099511628211ull;
  }
  return h;
}
