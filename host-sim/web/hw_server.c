/*
 * hw_server.c -- the web Toolbox's HTTP server on libmicrohttpd: listen
 * on ADDR:PORT (port 0 allowed, the bound port written to a portfile),
 * read request bodies (bounded, urlencoded forms), route each request to
 * its page handler under the page-host mutex, add the security headers
 * (Content-Security-Policy, no framing, no sniffing, no caching) and write
 * one audit row per page view and action with the user.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "hw_internal.h"

#define HW_BODY_MAX (256u * 1024u)
#define HW_RUN_WAIT_MS 1500
#define HW_CSP                                                              \
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'" \
  " data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

struct hw_server {
  struct MHD_Daemon *d;
  struct hs_host *host;
  pthread_mutex_t mu; /* guards host: one page at a time */
  struct hw_workers *workers;
  uint16_t port;
  int64_t ttl_ms;
  int secure;
};

struct hw_conn {
  char *body;
  size_t len;
  int too_big;
};

int64_t
hw_session_ttl(const struct hw_server *s)
{
  return s->ttl_ms;
}

int
hw_secure_cookie(const struct hw_server *s)
{
  return s->secure;
}

struct hw_workers *
hw_server_workers(struct hw_server *s)
{
  return s->workers;
}

uint16_t
hw_port(const struct hw_server *s)
{
  return s ? s->port : 0;
}

/* ---- request helpers ---- */

const char *
hw_arg(struct hw_req *r, const char *name)
{
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
hw_header(struct hw_req *r, const char *name)
{
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *
hw_cookie(struct hw_req *r, const char *name)
{
  return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *
hw_field(struct hw_req *r, const char *name)
{
  size_t i;

  for(i = 0; i < r->n_form; i++)
    if(strcmp(r->form[i].name, name) == 0)
      return r->form[i].value;
  return NULL;
}

int64_t
hw_arg_int(struct hw_req *r, const char *name, int64_t dflt)
{
  const char *s = hw_arg(r, name);
  char *end;
  long long v;

  if(!s || !*s)
    return dflt;
  errno = 0;
  v = strtoll(s, &end, 10);
  return errno || *end || v < 0 ? dflt : (int64_t)v;
}

int
hw_redirect(struct hw_req *r, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  if(vsnprintf(r->location, sizeof(r->location), fmt, ap) >=
     (int)sizeof(r->location))
    snprintf(r->location, sizeof(r->location), "/");
  va_end(ap);
  r->status = 303;
  return 303;
}

void
hw_detail(struct hw_req *r, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  if(vsnprintf(r->detail, sizeof(r->detail), fmt, ap) < 0)
    r->detail[0] = '\0';
  va_end(ap);
}

/* Split an application/x-www-form-urlencoded body into r->form. */
static int
hw_parse_form(struct hw_req *r, char *body)
{
  char *p = body, *amp, *eq, *c;

  while(p && *p) {
    struct hw_field *f;

    amp = strchr(p, '&');
    if(amp)
      *amp = '\0';
    if(r->n_form == HW_MAX_FIELDS)
      return -1;
    for(c = p; *c; c++)
      if(*c == '+')
        *c = ' ';
    eq = strchr(p, '=');
    if(eq)
      *eq = '\0';
    f = &r->form[r->n_form];
    MHD_http_unescape(p);
    f->name = p;
    f->value = eq ? eq + 1 : p + strlen(p);
    MHD_http_unescape(f->value);
    r->n_form++;
    p = amp ? amp + 1 : NULL;
  }
  return 0;
}

/* ---- routing ---- */

struct hw_route {
  const char *method, *path;
  int (*fn)(struct hw_req *r);
};

static const struct hw_route hw_routes[] = {
  {"GET", "/login", hw_page_login},
  {"POST", "/login", hw_post_login},
  {"POST", "/logout", hw_post_logout},
  {"GET", "/", hw_page_companies},
  {"GET", "/company", hw_page_company},
  {"POST", "/channels", hw_post_channels},
  {"POST", "/dryrun", hw_post_dry_run},
  {"GET", "/settings", hw_page_settings},
  {"POST", "/settings", hw_post_settings},
  {"POST", "/run", hw_post_run},
  {"GET", "/run", hw_page_run},
  {"GET", "/jobs", hw_page_jobs},
  {"GET", "/job", hw_page_job},
  {"GET", "/tasks", hw_page_tasks},
  {"GET", "/products", hw_page_products},
  {"GET", "/product", hw_page_product},
  {"POST", "/product", hw_post_product},
  {"GET", "/orders", hw_page_orders},
  {"GET", "/order", hw_page_order},
  {"GET", "/settlements", hw_page_settlements},
  {"GET", "/errors", hw_page_errors},
  {"POST", "/errors/resolve", hw_post_error_resolve},
  {"POST", "/errors/retry", hw_post_error_retry},
  {"POST", "/order/release", hw_post_order_release},
  {"POST", "/order/serial", hw_post_order_serial},
  {"GET", "/audit", hw_page_audit},
  {"GET", "/health", hw_page_health},
};

static int
hw_dispatch(struct hw_req *r)
{
  const struct hw_route *rt = NULL;
  int path_known = 0;
  size_t i;

  if(strncmp(r->path, "/static/", 8) == 0 && !strcmp(r->method, "GET")) {
    r->no_audit = 1;
    return hw_static(r);
  }
  for(i = 0; i < sizeof(hw_routes) / sizeof(hw_routes[0]); i++) {
    if(strcmp(hw_routes[i].path, r->path))
      continue;
    path_known = 1;
    if(!strcmp(hw_routes[i].method, r->method))
      rt = &hw_routes[i];
  }
  if(!rt && path_known)
    return hw_error_page(r, 405, "Method not allowed",
                         "%s is not answered with %s.", r->path, r->method);
  if(!rt)
    return hw_error_page(r, 404, "Not found",
                         "There is no page %s.", r->path);
  hw_auth_load(r);
  /* Every page but the login form needs a session. */
  if(rt->fn != hw_page_login && rt->fn != hw_post_login &&
     !r->has_session) {
    if(!strcmp(r->method, "GET"))
      return hw_redirect(r, "/login");
    return hw_error_page(r, 403, "Not logged in",
                         "Your session has ended; log in again and repeat "
                         "what you were doing.");
  }
  return rt->fn(r);
}

/* ---- libmicrohttpd glue ---- */

static int
hw_header_add(struct MHD_Response *resp, const char *k, const char *v)
{
  return MHD_add_response_header(resp, k, v) == MHD_YES ? 0 : -1;
}

static enum MHD_Result
hw_respond(struct MHD_Connection *conn, struct hw_req *r)
{
  struct MHD_Response *resp;
  enum MHD_Result ret;
  int bad = 0;

  if(r->body.oom) {
    hw_buf_free(&r->body);
    r->status = 500;
    r->ctype = "text/plain; charset=utf-8";
    hw_raw(&r->body, "500: the page did not fit in memory\n");
  }
  resp = MHD_create_response_from_buffer(r->body.len, r->body.p ? r->body.p
                                         : (void *)"",
                                         r->body.p ? MHD_RESPMEM_MUST_FREE
                                         : MHD_RESPMEM_PERSISTENT);
  if(!resp)
    return MHD_NO;
  r->body.p = NULL; /* owned by the response now */
  bad |= hw_header_add(resp, "Content-Type", r->ctype ? r->ctype
                       : "text/html; charset=utf-8");
  bad |= hw_header_add(resp, "Content-Security-Policy", HW_CSP);
  bad |= hw_header_add(resp, "X-Content-Type-Options", "nosniff");
  bad |= hw_header_add(resp, "X-Frame-Options", "DENY");
  bad |= hw_header_add(resp, "Referrer-Policy", "same-origin");
  if(!r->no_audit)
    bad |= hw_header_add(resp, "Cache-Control", "no-store");
  if(r->location[0])
    bad |= hw_header_add(resp, "Location", r->location);
  if(r->cookie[0])
    bad |= hw_header_add(resp, "Set-Cookie", r->cookie);
  if(r->cookie2[0])
    bad |= hw_header_add(resp, "Set-Cookie", r->cookie2);
  if(bad) {
    MHD_destroy_response(resp);
    return MHD_NO;
  }
  ret = MHD_queue_response(conn, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static void
hw_audit(struct hw_req *r, const char *query)
{
  char path[600];
  const char *user = r->has_session ? r->sess.user : "-";

  if(r->no_audit)
    return;
  snprintf(path, sizeof(path), "%s%s%s", r->path, query && *query ? "?" : "",
           query ? query : "");
  hs_audit_add(r->h, user, r->method, path, r->status,
               r->detail[0] ? r->detail : NULL);
}

/* The raw query string of the URL MHD saw (for the audit row). */
static enum MHD_Result
hw_query_cat(void *cls, enum MHD_ValueKind kind, const char *key,
             const char *value)
{
  char *q = cls, ek[200], ev[400];
  size_t n = strlen(q);

  (void)kind;
  hw_urlenc(key, ek, sizeof(ek));
  hw_urlenc(value ? value : "", ev, sizeof(ev));
  snprintf(q + n, 512 - n, "%s%s=%s", n ? "&" : "", ek, ev);
  return MHD_YES;
}

static enum MHD_Result
hw_access(void *cls, struct MHD_Connection *conn, const char *url,
          const char *method, const char *version, const char *upload,
          size_t *upload_size, void **con_cls)
{
  struct hw_server *s = cls;
  struct hw_conn *c = *con_cls;
  struct hw_field form[HW_MAX_FIELDS];
  struct hw_req r;
  char query[512] = "";
  enum MHD_Result ret;

  (void)version;
  if(!c) {
    c = calloc(1, sizeof(*c));
    if(!c)
      return MHD_NO;
    *con_cls = c;
    return MHD_YES;
  }
  if(*upload_size) {
    if(c->len + *upload_size > HW_BODY_MAX) {
      c->too_big = 1;
    }
    else {
      char *nb = realloc(c->body, c->len + *upload_size + 1);

      if(!nb)
        return MHD_NO;
      c->body = nb;
      memcpy(c->body + c->len, upload, *upload_size);
      c->len += *upload_size;
      c->body[c->len] = '\0';
    }
    *upload_size = 0;
    return MHD_YES;
  }
  memset(&r, 0, sizeof(r));
  r.srv = s;
  r.h = s->host;
  r.conn = conn;
  r.method = method;
  r.path = url;
  r.form = form;
  r.status = 200;
  MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, hw_query_cat,
                            query);
  pthread_mutex_lock(&s->mu);
  if(c->too_big)
    hw_error_page(&r, 413, "Form too large",
                  "The form sent more than %u KiB.", HW_BODY_MAX / 1024);
  else if(c->body && hw_parse_form(&r, c->body))
    hw_error_page(&r, 400, "Bad form", "The form has more than %d fields.",
                  HW_MAX_FIELDS);
  else
    r.status = hw_dispatch(&r);
  hw_audit(&r, query);
  pthread_mutex_unlock(&s->mu);
  if(r.wait_run) {
    struct hw_run_view v;

    /* Outside the page lock: pages keep answering meanwhile.  A job that
     * starts at once is shown directly; else /run?id= waits for it. */
    if(hw_workers_wait(s->workers, r.wait_run, HW_RUN_WAIT_MS, 0, &v) == 0 &&
       (v.state == HW_RUN_STARTED || v.state == HW_RUN_DONE))
      snprintf(r.location, sizeof(r.location), "/job?id=%lld",
               (long long)v.job_id);
  }
  ret = hw_respond(conn, &r);
  hw_buf_free(&r.body);
  memset(r.sid, 0, sizeof(r.sid));
  return ret;
}

static void
hw_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode t)
{
  struct hw_conn *c = *con_cls;

  (void)cls;
  (void)conn;
  (void)t;
  if(c) {
    free(c->body);
    free(c);
    *con_cls = NULL;
  }
}

/* ---- start / stop ---- */

static int
hw_parse_listen(const char *spec, struct sockaddr_storage *ss,
                socklen_t *sl, int *v6, char *err, size_t errlen)
{
  char host[128];
  const char *colon;
  char *end;
  long port;

  memset(ss, 0, sizeof(*ss));
  if(spec[0] == '[') {
    const char *rb = strchr(spec, ']');

    if(!rb || rb[1] != ':' || (size_t)(rb - spec - 1) >= sizeof(host))
      goto bad;
    memcpy(host, spec + 1, (size_t)(rb - spec - 1));
    host[rb - spec - 1] = '\0';
    colon = rb + 1;
  }
  else {
    colon = strrchr(spec, ':');
    if(!colon || (size_t)(colon - spec) >= sizeof(host))
      goto bad;
    memcpy(host, spec, (size_t)(colon - spec));
    host[colon - spec] = '\0';
  }
  errno = 0;
  port = strtol(colon + 1, &end, 10);
  if(errno || *end || end == colon + 1 || port < 0 || port > 65535)
    goto bad;
  if(spec[0] == '[') {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if(inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
      goto bad;
    *sl = sizeof(*a);
    *v6 = 1;
  }
  else {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;

    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if(inet_pton(AF_INET, host, &a->sin_addr) != 1)
      goto bad;
    *sl = sizeof(*a);
    *v6 = 0;
  }
  return 0;
bad:
  snprintf(err, errlen, "--listen %s: expected ADDR:PORT with a numeric "
           "address, e.g. 127.0.0.1:8080 or [::1]:0", spec);
  return BMC_ERR_INVALID_ARG;
}

static int
hw_write_portfile(const char *path, unsigned port)
{
  char tmp[4096];
  FILE *f;
  int ok;

  if(snprintf(tmp, sizeof(tmp), "%s.part", path) >= (int)sizeof(tmp))
    return -1;
  if(!(f = fopen(tmp, "w")))
    return -1;
  ok = fprintf(f, "%u\n", port) > 0;
  ok = (fclose(f) == 0) && ok;
  if(!ok || rename(tmp, path)) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

int
hw_start(const struct hw_opts *o, struct hw_server **out, char *err,
         size_t errlen)
{
  const char *spec = o && o->listen ? o->listen : "127.0.0.1:8080";
  const union MHD_DaemonInfo *info;
  struct sockaddr_storage ss;
  struct hw_server *s;
  socklen_t sl = 0;
  int rc, v6 = 0;

  if(!o || !o->host || !o->open_worker_host || !out) {
    snprintf(err, errlen, "web: missing host or worker opener");
    return BMC_ERR_INVALID_ARG;
  }
  *out = NULL;
  rc = hw_parse_listen(spec, &ss, &sl, &v6, err, errlen);
  if(rc)
    return rc;
  s = calloc(1, sizeof(*s));
  if(!s || pthread_mutex_init(&s->mu, NULL)) {
    free(s);
    snprintf(err, errlen, "web: out of memory");
    return BMC_ERR_NOMEM;
  }
  s->host = o->host;
  s->ttl_ms = o->session_ttl_ms > 0 ? o->session_ttl_ms : 8 * 3600 * 1000LL;
  s->secure = o->secure_cookie;
  rc = hw_workers_start(&s->workers, o->workers ? o->workers : 2,
                        o->open_worker_host, o->open_ud, o->log, o->log_ud,
                        err, errlen);
  if(rc) {
    hw_stop(s);
    return rc;
  }
  s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
                          (v6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL,
                          hw_access, s, MHD_OPTION_SOCK_ADDR,
                          (struct sockaddr *)&ss,
                          MHD_OPTION_THREAD_POOL_SIZE,
                          o->http_threads ? o->http_threads : 4u,
                          MHD_OPTION_NOTIFY_COMPLETED, hw_completed, s,
                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                          MHD_OPTION_END);
  if(!s->d) {
    snprintf(err, errlen, "web: cannot listen on %s (address in use or not "
             "local?)", spec);
    hw_stop(s);
    return BMC_ERR_TRANSPORT;
  }
  info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : 0;
  if(!s->port || (o->portfile && hw_write_portfile(o->portfile, s->port))) {
    snprintf(err, errlen, "web: cannot %s", s->port ? "write the portfile"
             : "read the bound port");
    hw_stop(s);
    return BMC_ERR_INTERNAL;
  }
  (void)sl;
  *out = s;
  return BMC_OK;
}

void
hw_stop(struct hw_server *s)
{
  if(!s)
    return;
  if(s->d)
    MHD_stop_daemon(s->d);
  hw_workers_stop(s->workers);
  pthread_mutex_destroy(&s->mu);
  free(s);
}
