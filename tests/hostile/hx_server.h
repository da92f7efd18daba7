/*
 * hx_server.h -- a small HOSTILE HTTP server for the plugin tests (after
 * curl's tests/server/sws.c): in-process, libmicrohttpd on 127.0.0.1 with
 * port 0 (the real port is read back once it listens, so it is ready when
 * hx_start returns), bounded (16 connections, 10 s idle timeout, request
 * bodies capped at 1 MiB, at most HX_MAX_LOG requests logged), and
 * scripted per test: each rule answers requests whose method and target
 * ("/path?query") match, a given number of times, with any status, body
 * (NUL bytes included), Content-Type, Date and extra headers, or with a
 * body padded past any client limit -- so a test can serve future dates,
 * foreign-host or looping `next` links, huge or negative counts, 200 with
 * the wrong id or quantity, truncated or garbage JSON, NUL in strings,
 * int64 overflow, non-UTF-8 text, a Date in the past or future, and run a
 * hook while a request is in flight (to kill the client mid-request).
 * Requests are logged with their credential headers so a test can check
 * where the token went.  Prefix hx_ (tests/hostile).
 */
#ifndef HX_SERVER_H
#define HX_SERVER_H

#include <stddef.h>
#include <stdint.h>

#define HX_MAX_RULES 64
#define HX_MAX_LOG 4096

struct hx_server;

/* What a rule answers.  Strings are copied by hx_rule(). */
struct hx_reply {
  int status;               /* 0 = 200 */
  const char *body;         /* NULL = "" */
  size_t body_len;          /* 0 = strlen(body); set it for NUL bytes */
  const char *content_type; /* NULL = application/json */
  const char *date;         /* Date header; NULL = none is sent */
  const char *headers;      /* extra header lines "Name: value\n..." */
  size_t pad_bytes;         /* spaces appended to the body (oversize) */
};

/* A request as it arrived (borrowed for the hook). */
struct hx_request {
  const char *method;
  const char *target;       /* "/ws/orders?page=2" */
  const char *host;         /* Host header */
  const char *body;
  size_t body_len;
};

/* Called on the server thread before the rule answers. */
typedef void (*hx_hook_fn)(void *ud, const struct hx_request *rq);

/* Start on 127.0.0.1:0.  0, or -1 with a message in err. */
int hx_start(struct hx_server **out, char *err, size_t errlen);
/* Stop and free.  Accepts NULL. */
void hx_stop(struct hx_server *s);
uint16_t hx_port(const struct hx_server *s);
/* "http://127.0.0.1:<port>" (borrowed). */
const char *hx_url(const struct hx_server *s);

/* Add a rule: method (NULL = any) and a target prefix ("/ws/orders?"
 * matches every order page; a prefix ending in '$' must match the whole
 * target); uses = how many requests it answers (-1 = no limit).  Rules are
 * tried in the order they were added; a request no rule answers gets a
 * 404.  hook (may be NULL) runs first.  0 or -1 (full, out of memory). */
int hx_rule(struct hx_server *s, const char *method, const char *prefix,
            int uses, const struct hx_reply *reply);
int hx_rule_hook(struct hx_server *s, const char *method, const char *prefix,
                 int uses, const struct hx_reply *reply, hx_hook_fn hook,
                 void *ud);
/* Forget every rule and the request log. */
void hx_reset(struct hx_server *s);

/* Requests logged whose method (NULL = any) matches, target starts with
 * prefix (NULL = any) and body contains body_has (NULL = any). */
int hx_count(struct hx_server *s, const char *method, const char *prefix,
             const char *body_has);
/* Requests logged that carried header `name` (lower case, e.g.
 * "authorization") with a value containing value_has (NULL = any). */
int hx_count_header(struct hx_server *s, const char *name,
                    const char *value_has);

/* An HTTP date (IMF-fixdate) for ms since the epoch into buf (>= 30). */
void hx_http_date(int64_t ms, char *buf, size_t len);

#endif /* HX_SERVER_H */
