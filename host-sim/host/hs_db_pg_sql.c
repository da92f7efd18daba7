/*
 * hs_db_pg_sql.c -- the SQL text work of the PostgreSQL back end, done
 * without the server: the shared SQL's '?' and '?N' parameters rewritten
 * to $1..$n, never inside a '...' or E'...' literal, a "..." identifier, a
 * $tag$...$tag$ string or a -- / nested block comment (so an operator
 * spelled '?', like jsonb's, cannot be used: write jsonb_exists()); and
 * whether a statement is transaction control (BEGIN, COMMIT, ...), which
 * hs_db_pg.c never runs under its savepoint.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hs_db_impl.h"

/* 1 when c may be part of a keyword or identifier. */
static int
hs_pg_word_char(char c)
{
  return c == '_' || isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* Length of the $tag$ at s ("$$" or "$name$"), 0 when s starts none. */
static size_t
hs_pg_dollar_tag(const char *s)
{
  size_t n = 1;

  while(s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z') ||
        (s[n] >= 'A' && s[n] <= 'Z') || (n > 1 && s[n] >= '0' && s[n] <= '9'))
    n++;
  return s[n] == '$' ? n + 1 : 0;
}

/* Where the literal, identifier or comment starting at s ends (just past
 * it), or s itself when none starts there. */
static const char *
hs_pg_skip_quoted(const char *sql, const char *s)
{
  if(*s == '\'') {
    int esc = s > sql && (s[-1] == 'E' || s[-1] == 'e') &&
              (s - 1 == sql || !hs_pg_word_char(s[-2]));

    for(s++; *s; s++) {
      if(esc && *s == '\\' && s[1])
        s++;
      else if(*s == '\'' && s[1] == '\'')
        s++;
      else if(*s == '\'')
        return s + 1;
    }
    return s;
  }
  if(*s == '"') {
    for(s++; *s; s++)
      if(*s == '"' && s[1] != '"')
        return s + 1;
      else if(*s == '"')
        s++;
    return s;
  }
  if(s[0] == '-' && s[1] == '-')
    return s + strcspn(s, "\n");
  if(s[0] == '/' && s[1] == '*') {
    int depth = 1;

    for(s += 2; *s && depth; s++) {
      if(s[0] == '/' && s[1] == '*')
        depth++, s++;
      else if(s[0] == '*' && s[1] == '/')
        depth--, s++;
    }
    return s;
  }
  if(*s == '$' && (s == sql || !hs_pg_word_char(s[-1]))) {
    size_t tl = hs_pg_dollar_tag(s);
    const char *e;

    if(tl) {
      e = s + tl;
      while((e = strchr(e, '$')) && strncmp(e, s, tl))
        e++;
      return e ? e + tl : s + strlen(s);
    }
  }
  return s;
}

/* HS_DB_PG_TX_* bits of the statement starting at s (after blanks and
 * comments): transaction control, which must not run under a savepoint,
 * and whether it commits or rolls back. */
static int
hs_pg_is_txctl(const char *sql, const char *s)
{
  static const struct {
    const char *kw;
    int bits;
  } kw[] = {
    {"BEGIN", HS_DB_PG_TX_CONTROL},
    {"START", HS_DB_PG_TX_CONTROL},
    {"COMMIT", HS_DB_PG_TX_CONTROL | HS_DB_PG_TX_COMMIT},
    {"END", HS_DB_PG_TX_CONTROL | HS_DB_PG_TX_COMMIT},
    {"ROLLBACK", HS_DB_PG_TX_CONTROL | HS_DB_PG_TX_ROLLBACK},
    {"ABORT", HS_DB_PG_TX_CONTROL | HS_DB_PG_TX_ROLLBACK},
    {"SAVEPOINT", HS_DB_PG_TX_CONTROL},
    {"RELEASE", HS_DB_PG_TX_CONTROL},
    {"PREPARE", HS_DB_PG_TX_CONTROL},
  };
  const char *e;
  size_t k, n;

  for(;;) {
    while(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
      s++;
    e = (*s == '-' || *s == '/') ? hs_pg_skip_quoted(sql, s) : s;
    if(e == s)
      break;
    s = e;
  }
  for(n = 0; (s[n] | 0x20) >= 'a' && (s[n] | 0x20) <= 'z'; n++)
    ;
  for(k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
    if(n == strlen(kw[k].kw) && !strncasecmp(s, kw[k].kw, n))
      return kw[k].bits;
  return 0;
}

char *
hs_db_pg_rewrite(const char *sql, int *nparams, int *txctl)
{
  size_t cap = strlen(sql) * 6 + 1, o = 0; /* '?' -> at most "$99999" */
  char *out = malloc(cap);
  const char *s = sql, *e;
  int n = 0;

  *txctl = hs_pg_is_txctl(sql, sql);
  if(!out)
    return NULL;
  while(*s) {
    e = hs_pg_skip_quoted(sql, s);
    if(e != s) {
      memcpy(out + o, s, (size_t)(e - s));
      o += (size_t)(e - s);
      s = e;
    } else if(*s == '?') {
      /* ?N is parameter N; a bare ? the one after the highest so far
       * (SQLite's numbering) */
      long k = n + 1;
      char *end = (char *)s + 1;

      if(isdigit((unsigned char)s[1]))
        k = strtol(s + 1, &end, 10);
      if(k < 1 || k > 99999) {
        free(out);
        return NULL;
      }
      o += (size_t)snprintf(out + o, cap - o, "$%ld", k);
      if(k > n)
        n = (int)k;
      s = end;
    } else {
      if(*s == ';')
        *txctl |= hs_pg_is_txctl(sql, s + 1);
      out[o++] = *s++;
    }
  }
  out[o] = '\0';
  *nparams = n;
  return out;
}
