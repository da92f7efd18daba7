/*
 * hx_server.c -- owns the hostile test server: the libmicrohttpd daemon on
 * 127.0.0.1:0, the rule script, the request log (see hx_server.h).
 */
#define _GNU_SOURCE
#include "hx_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#define HX_MAX_BODY (1024 * 1024)
#define HX_MAX_TARGET 4096

struct hx_rule {
  char *method;   /* NULL = any */
  char *prefix;
  int exact;
  int uses;       /* -1 = no limit */
  int status;
  char *body;
  size_t body_len;
  char *content_type;
  char *date;
  char *headers;
  size_t pad_bytes;
  hx_hook_fn hook;
  void *hook_ud;
};

struct hx_logged {
  char method[16];
  char *target;
  char *body;
  char *authorization;
  char *api_key;
};

struct hx_server {
  struct MHD_Daemon *daemon;
  uint16_t port;
  char url[64];
  pthread_mutex_t mu;
  struct hx_rule rules[HX_MAX_RULES];
  size_t n_rules;
  struct hx_logged log[HX_MAX_LOG];
  size_t n_log;
};

/* Per-request state, from the URI log callback to the completion. */
struct hx_conn {
  char target[HX_MAX_TARGET];
  char *body;
  size_t len;
  int too_big;
};

static char *
hx_dup(const char *s)
{
  return s ? strdup(s) : NULL;
}

static void
hx_rule_clear(struct hx_rule *r)
{
  free(r->method);
  free(r->prefix);
  free(r->body);
  free(r->content_type);
  free(r->date);
  free(r->headers);
  memset(r, 0, sizeof(*r));
}

static void
hx_log_clear(struct hx_logged *l)
{
  free(l->target);
  free(l->body);
  free(l->authorization);
  free(l->api_key);
  memset(l, 0, sizeof(*l));
}

static void *
hx_uri_cb(void *cls, const char *uri, struct MHD_Connection *con)
{
  struct hx_conn *c = calloc(1, sizeof(*c));

  (void)cls;
  (void)con;
  if(c)
    snprintf(c->target, sizeof(c->target), "%s", uri ? uri : "");
  return c;
}

static void
hx_completed(void *cls, struct MHD_Connection *con, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
  struct hx_conn *c = *con_cls;

  (void)cls;
  (void)con;
  (void)toe;
  if(c) {
    free(c->body);
    free(c);
  }
  *con_cls = NULL;
}

static int
hx_match(const struct hx_rule *r, const char *method, const char *target)
{
  size_t n;

  if(r->uses == 0)
    return 0;
  if(r->method && strcmp(r->method, method))
    return 0;
  n = strlen(r->prefix);
  if(strncmp(target, r->prefix, n))
    return 0;
  return !r->exact || !target[n];
}

static void
hx_log_request(struct hx_server *s, const char *method, struct hx_conn *c,
               struct MHD_Connection *con)
{
  struct hx_logged *l;
  const char *v;

  if(s->n_log >= HX_MAX_LOG)
    return;
  l = &s->log[s->n_log++];
  snprintf(l->method, sizeof(l->method), "%s", method);
  l->target = hx_dup(c->target);
  l->body = c->body ? strndup(c->body, c->len) : NULL;
  v = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Authorization");
  l->authorization = hx_dup(v);
  v = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "x-api-key");
  l->api_key = hx_dup(v);
}

/* Add "Name: value" lines to a response. */
static void
hx_add_headers(struct MHD_Response *resp, const char *lines)
{
  const char *p = lines;

  while(p && *p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    char line[1024];
    char *colon;

    if(n < sizeof(line)) {
      memcpy(line, p, n);
      line[n] = '\0';
      colon = strchr(line, ':');
      if(colon) {
        *colon = '\0';
        colon++;
        while(*colon == ' ')
          colon++;
        MHD_add_response_header(resp, line, colon);
      }
    }
    p = nl ? nl + 1 : p + n;
  }
}

static enum MHD_Result
hx_answer(struct MHD_Connection *con, int status, const char *body,
          size_t len, size_t pad, const char *ctype, const char *date,
          const char *headers)
{
  struct MHD_Response *resp;
  enum MHD_Result ret;
  char *buf = malloc(len + pad + 1);

  if(!buf)
    return MHD_NO;
  if(len)
    memcpy(buf, body, len);
  memset(buf + len, ' ', pad);
  resp = MHD_create_response_from_buffer(len + pad, buf,
                                         MHD_RESPMEM_MUST_FREE);
  if(!resp) {
    free(buf);
    return MHD_NO;
  }
  MHD_add_response_header(resp, "Content-Type",
                          ctype ? ctype : "application/json");
  if(date)
    MHD_add_response_header(resp, "Date", date);
  hx_add_headers(resp, headers);
  ret = MHD_queue_response(con, (unsigned)status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static enum MHD_Result
hx_access(void *cls, struct MHD_Connection *con, const char *url,
          const char *method, const char *version, const char *upload,
          size_t *upload_size, void **con_cls)
{
  struct hx_server *s = cls;
  struct hx_conn *c = *con_cls;
  struct hx_rule r;
  struct hx_request rq;
  size_t i;
  int found = 0;

  (void)url;
  (void)version;
  if(!c)
    return MHD_NO;
  if(*upload_size) {
    if(c->len + *upload_size > HX_MAX_BODY) {
      c->too_big = 1;
    }
    else {
      char *nb = realloc(c->body, c->len + *upload_size + 1);
      if(!nb)
        return MHD_NO;
      memcpy(nb + c->len, upload, *upload_size);
      c->body = nb;
      c->len += *upload_size;
      c->body[c->len] = '\0';
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if(c->too_big)
    return hx_answer(con, 413, "\"request body too large\"", 24, 0, NULL,
                     NULL, NULL);
  memset(&r, 0, sizeof(r));
  pthread_mutex_lock(&s->mu);
  hx_log_request(s, method, c, con);
  for(i = 0; i < s->n_rules; i++) {
    struct hx_rule *ru = &s->rules[i];
    if(!hx_match(ru, method, c->target))
      continue;
    if(ru->uses > 0)
      ru->uses--;
    r = *ru;
    /* copies: the rule may be reset while we answer */
    r.body = ru->body ? malloc(ru->body_len + 1) : NULL;
    if(r.body)
      memcpy(r.body, ru->body, ru->body_len + 1);
    r.content_type = hx_dup(ru->content_type);
    r.date = hx_dup(ru->date);
    r.headers = hx_dup(ru->headers);
    r.method = r.prefix = NULL;
    found = 1;
    break;
  }
  pthread_mutex_unlock(&s->mu);
  if(!found) {
    static const char nf[] =
      "{\"error\":{\"code\":\"not_found\",\"message\":\"no rule\"}}";
    return hx_answer(con, 404, nf, sizeof(nf) - 1, 0, NULL, NULL, NULL);
  }
  if(r.hook) {
    rq.method = method;
    rq.target = c->target;
    rq.host = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Host");
    rq.body = c->body ? c->body : "";
    rq.body_len = c->len;
    r.hook(r.hook_ud, &rq);
  }
  {
    enum MHD_Result ret = hx_answer(con, r.status ? r.status : 200,
                                    r.body ? r.body : "", r.body_len,
                                    r.pad_bytes, r.content_type, r.date,
                                    r.headers);
    hx_rule_clear(&r);
    return ret;
  }
}

int
hx_start(struct hx_server **out, char *err, size_t errlen)
{
  struct hx_server *s;
  struct sockaddr_in sin;
  const union MHD_DaemonInfo *info;

  *out = NULL;
  s = calloc(1, sizeof(*s));
  if(!s) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  pthread_mutex_init(&s->mu, NULL);
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = 0;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  s->daemon = MHD_start_daemon(
    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
        MHD_USE_SUPPRESS_DATE_NO_CLOCK,
    0, NULL, NULL, hx_access, s, MHD_OPTION_SOCK_ADDR,
    (struct sockaddr *)&sin, MHD_OPTION_URI_LOG_CALLBACK, hx_uri_cb, s,
    MHD_OPTION_NOTIFY_COMPLETED, hx_completed, s,
    MHD_OPTION_CONNECTION_LIMIT, (unsigned)16,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
  if(!s->daemon) {
    snprintf(err, errlen, "hostile server: cannot listen on 127.0.0.1:0");
    hx_stop(s);
    return -1;
  }
  info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  if(!info || !info->port) {
    snprintf(err, errlen, "hostile server: cannot read the bound port");
    hx_stop(s);
    return -1;
  }
  s->port = info->port;
  snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", (unsigned)s->port);
  *out = s;
  return 0;
}

void
hx_reset(struct hx_server *s)
{
  size_t i;

  pthread_mutex_lock(&s->mu);
  for(i = 0; i < s->n_rules; i++)
    hx_rule_clear(&s->rules[i]);
  s->n_rules = 0;
  for(i = 0; i < s->n_log; i++)
    hx_log_clear(&s->log[i]);
  s->n_log = 0;
  pthread_mutex_unlock(&s->mu);
}

void
hx_stop(struct hx_server *s)
{
  if(!s)
    return;
  if(s->daemon)
    MHD_stop_daemon(s->daemon);
  hx_reset(s);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

uint16_t
hx_port(const struct hx_server *s)
{
  return s ? s->port : 0;
}

const char *
hx_url(const struct hx_server *s)
{
  return s ? s->url : "";
}

int
hx_rule_hook(struct hx_server *s, const char *method, const char *prefix,
             int uses, const struct hx_reply *reply, hx_hook_fn hook,
             void *ud)
{
  struct hx_rule *r;
  size_t plen = strlen(prefix);
  int rc = 0;

  pthread_mutex_lock(&s->mu);
  if(s->n_rules >= HX_MAX_RULES) {
    pthread_mutex_unlock(&s->mu);
    return -1;
  }
  r = &s->rules[s->n_rules];
  memset(r, 0, sizeof(*r));
  r->method = hx_dup(method);
  r->prefix = strdup(prefix);
  if(r->prefix && plen && prefix[plen - 1] == '$') {
    r->prefix[plen - 1] = '\0';
    r->exact = 1;
  }
  r->uses = uses;
  r->status = reply->status;
  r->body_len = reply->body ? (reply->body_len ? reply->body_len
                                                : strlen(reply->body))
                            : 0;
  r->body = malloc(r->body_len + 1);
  if(r->body) {
    if(r->body_len)
      memcpy(r->body, reply->body, r->body_len);
    r->body[r->body_len] = '\0';
  }
  r->content_type = hx_dup(reply->content_type);
  r->date = hx_dup(reply->date);
  r->headers = hx_dup(reply->headers);
  r->pad_bytes = reply->pad_bytes;
  r->hook = hook;
  r->hook_ud = ud;
  if(!r->prefix || !r->body || (method && !r->method)) {
    hx_rule_clear(r);
    rc = -1;
  }
  else
    s->n_rules++;
  pthread_mutex_unlock(&s->mu);
  return rc;
}

int
hx_rule(struct hx_server *s, const char *method, const char *prefix,
        int uses, const struct hx_reply *reply)
{
  return hx_rule_hook(s, method, prefix, uses, reply, NULL, NULL);
}

int
hx_count(struct hx_server *s, const char *method, const char *prefix,
         const char *body_has)
{
  size_t i;
  int n = 0;

  pthread_mutex_lock(&s->mu);
  for(i = 0; i < s->n_log; i++) {
    const struct hx_logged *l = &s->log[i];
    if(method && strcmp(l->method, method))
      continue;
    if(prefix && (!l->target || strncmp(l->target, prefix, strlen(prefix))))
      continue;
    if(body_has && (!l->body || !strstr(l->body, body_has)))
      continue;
    n++;
  }
  pthread_mutex_unlock(&s->mu);
  return n;
}

int
hx_count_header(struct hx_server *s, const char *name, const char *value_has)
{
  size_t i;
  int n = 0;

  pthread_mutex_lock(&s->mu);
  for(i = 0; i < s->n_log; i++) {
    const char *v = !strcmp(name, "authorization") ? s->log[i].authorization
                    : !strcmp(name, "x-api-key")   ? s->log[i].api_key
                                                   : NULL;
    if(v && (!value_has || strstr(v, value_has)))
      n++;
  }
  pthread_mutex_unlock(&s->mu);
  return n;
}

void
hx_http_date(int64_t ms, char *buf, size_t len)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}
