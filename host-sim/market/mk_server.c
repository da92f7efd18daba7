/*
 * mk_server.c -- the libmicrohttpd side of the marketplace simulator and
 * the embed API of mk_sim.h: start (127.0.0.1 only, port 0 allowed,
 * portfile written after listen()), stop, in-process control calls, and
 * turning a mk_resp into an HTTP response (delays, dropped connections,
 * Retry-After and Cloudflare headers).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "mk_internal.h"

struct mk_conn {
  char *buf;
  size_t len, cap;
  int too_big;
};

struct mk_drop {
  char *body;
  size_t len;
};

static enum MHD_Result mk_collect(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value)
{
  struct mk_kvs *l = cls;
  char name[128];
  size_t i;
  if(kind == MHD_HEADER_KIND) {
    mk_copy(name, sizeof(name), key);
    for(i = 0; name[i]; i++)
      name[i] = (char)tolower((unsigned char)name[i]);
    key = name;
  }
  return mk_kvs_add(l, key, value ? value : "") ? MHD_NO : MHD_YES;
}

static ssize_t mk_drop_read(void *cls, uint64_t pos, char *buf, size_t max)
{
  struct mk_drop *d = cls;
  size_t half = d->len / 2, n;
  if(pos >= half)
    return MHD_CONTENT_READER_END_WITH_ERROR;
  n = half - (size_t)pos;
  if(n > max)
    n = max;
  memcpy(buf, d->body + pos, n);
  return (ssize_t)n;
}

static void mk_drop_free(void *cls)
{
  struct mk_drop *d = cls;
  if(!d)
    return;
  free(d->body);
  free(d);
}

static void mk_sleep_ms(long ms)
{
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  while(nanosleep(&ts, &ts) == -1 && errno == EINTR)
    ;
}

static enum MHD_Result mk_send(struct MHD_Connection *conn,
                               struct mk_resp *r)
{
  struct MHD_Response *resp;
  enum MHD_Result ret;
  char num[32];
  if(r->drop) {
    struct mk_drop *d = malloc(sizeof(*d));
    if(!d)
      return MHD_NO;
    d->body = r->body;
    d->len = r->len;
    r->body = NULL;
    resp = MHD_create_response_from_callback(d->len, 4096, mk_drop_read, d,
                                             mk_drop_free);
    if(!resp) {
      mk_drop_free(d);
      return MHD_NO;
    }
  }
  else {
    resp = MHD_create_response_from_buffer(r->len, r->body ? r->body : "",
                                           r->body ? MHD_RESPMEM_MUST_FREE :
                                           MHD_RESPMEM_PERSISTENT);
    if(!resp)
      return MHD_NO;
    r->body = NULL;
  }
  /* ctype "" = no body, no Content-Type (e.g. the Care 201s) */
  if((!r->ctype || r->ctype[0]) &&
     MHD_add_response_header(resp, "Content-Type", r->ctype ? r->ctype :
                             "application/json") == MHD_NO)
    goto fail;
  if(r->retry_after > 0) {
    snprintf(num, sizeof(num), "%ld", r->retry_after);
    if(MHD_add_response_header(resp, "Retry-After", num) == MHD_NO)
      goto fail;
  }
  /* simulator extension: names the request, as Back Market's request id
   * header does (the plugins' write gate records it) */
  if(r->request_id[0] &&
     MHD_add_response_header(resp, "X-Request-Id", r->request_id) == MHD_NO)
    goto fail;
  /* tells a validating proxy that this response is an injected failure */
  if(r->fault && MHD_add_response_header(resp, "X-Sim-Fault", r->fault) ==
     MHD_NO)
    goto fail;
  if(r->cloudflare &&
     (MHD_add_response_header(resp, "Server", "cloudflare") == MHD_NO ||
      MHD_add_response_header(resp, "cf-ray", "8a1b2c3d4e5f6789-CDG") ==
      MHD_NO))
    goto fail;
  ret = MHD_queue_response(conn, (unsigned)r->status, resp);
  MHD_destroy_response(resp);
  return ret;
fail:
  MHD_destroy_response(resp);
  return MHD_NO;
}

static enum MHD_Result mk_access(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload,
                                 size_t *upload_size, void **con_cls)
{
  struct mk_sim *s = cls;
  struct mk_conn *c = *con_cls;
  struct mk_req rq;
  struct mk_resp r;
  enum MHD_Result ret;
  if(!c) {
    c = calloc(1, sizeof(*c));
    if(!c)
      return MHD_NO;
    *con_cls = c;
    return MHD_YES;
  }
  if(*upload_size) {
    if(c->len + *upload_size > MK_BODY_CAP)
      c->too_big = 1;
    else {
      if(c->len + *upload_size + 1 > c->cap) {
        size_t nc = (c->len + *upload_size + 1) * 2;
        char *p;
        if(nc > MK_BODY_CAP + 1)
          nc = MK_BODY_CAP + 1;
        p = realloc(c->buf, nc);
        if(!p)
          return MHD_NO;
        c->buf = p;
        c->cap = nc;
      }
      memcpy(c->buf + c->len, upload, *upload_size);
      c->len += *upload_size;
      c->buf[c->len] = '\0';
    }
    *upload_size = 0;
    return MHD_YES;
  }
  memset(&rq, 0, sizeof(rq));
  memset(&r, 0, sizeof(r));
  rq.method = method;
  rq.path = url;
  rq.body = c->buf;
  rq.body_len = c->too_big ? 0 : c->len;
  if(MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, mk_collect,
                               &rq.query) < 0 ||
     MHD_get_connection_values(conn, MHD_HEADER_KIND, mk_collect,
                               &rq.headers) < 0) {
    mk_kvs_free(&rq.query);
    mk_kvs_free(&rq.headers);
    return MHD_NO;
  }
  if(c->too_big) {
    pthread_mutex_lock(&s->mu);
    mk_resp_v1(s, &r, 413, "payload_too_large", "Request body too large");
    s->st_requests++;
    mk_log_request(s, &rq, &r);
    pthread_mutex_unlock(&s->mu);
  }
  else
    mk_dispatch(s, &rq, &r, 1);
  (void)version;
  if(r.delay_ms > 0)
    mk_sleep_ms(r.delay_ms);
  ret = mk_send(conn, &r);
  mk_resp_reset(&r);
  mk_kvs_free(&rq.query);
  mk_kvs_free(&rq.headers);
  return ret;
}

static void mk_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode t)
{
  struct mk_conn *c = *con_cls;
  (void)cls;
  (void)conn;
  (void)t;
  if(c) {
    free(c->buf);
    free(c);
    *con_cls = NULL;
  }
}

static int mk_write_portfile(const char *path, unsigned port)
{
  char tmp[4096];
  FILE *f;
  int ok;
  if(snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
    return -1;
  f = fopen(tmp, "w");
  if(!f)
    return -1;
  ok = fprintf(f, "%u\n", port) > 0;
  if(fclose(f) || !ok || rename(tmp, path)) {
    remove(tmp);
    return -1;
  }
  return 0;
}

int mk_sim_start(const struct mk_sim_opts *o, struct mk_sim **out,
                 char *err, size_t errlen)
{
  struct mk_sim *s;
  struct sockaddr_in sin;
  const union MHD_DaemonInfo *info;
  const char *dump = getenv("BMC_SIM_TRAFFIC_DUMP");
  unsigned threads;
  if(!o || !out) {
    snprintf(err, errlen, "mk_sim_start: NULL argument");
    return -1;
  }
  *out = NULL;
  s = calloc(1, sizeof(*s));
  if(!s || pthread_mutex_init(&s->mu, NULL)) {
    free(s);
    snprintf(err, errlen, "mk_sim_start: out of memory");
    return -1;
  }
  s->cfg0.quotas = o->quotas ? 1 : 0;
  s->cfg0.ua_refuse = o->ua_refuse ? 1 : 0;
  s->cfg0.retry_after = 1;
  s->cfg0.restock_on_cancel = 1;
  s->cfg0.page_size_max = 50;
  s->cfg0.global_limit = 200;
  s->cfg0.catalog_limit = 20;
  s->cfg0.backbox_per_s = 2;
  s->cfg0.sku_lines_per_hour = 2000;
  s->cfg0.pro_per_s = 10;
  s->cfg0.task_delay_ms = o->task_delay_ms < 0 ? 0 :
                          o->task_delay_ms ? o->task_delay_ms : 300000;
  s->cfg0.window_ms = 10000;
  s->cfg0.block_ms = 10000;
  if(o->public_url)
    mk_copy(s->cfg0.public_url, sizeof(s->cfg0.public_url), o->public_url);
  s->wall_clock = o->wall_clock ? 1 : 0;
  s->speed = o->speed > 0 ? o->speed : 1.0;
  if(o->clock_start_ms)
    mk_clock_set(s, o->clock_start_ms);
  else if(s->wall_clock) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    mk_clock_set(s, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
  }
  else
    mk_clock_set(s, 1774180800000LL);
  s->now_fn = o->now_ms;
  s->now_ud = o->now_ud;
  mk_state_clear(s);
  if(dump && *dump) {
    /* The first simulator of a process starts the file afresh (a test
     * run's traffic, not every run's); later ones in it append. */
    static int dump_started;
    int first = !__atomic_exchange_n(&dump_started, 1, __ATOMIC_SEQ_CST);

    s->dump = fopen(dump, first ? "w" : "a");
    if(!s->dump) {
      snprintf(err, errlen, "cannot open BMC_SIM_TRAFFIC_DUMP file %s: %s",
               dump, strerror(errno));
      mk_sim_stop(s);
      return -1;
    }
  }
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_port = htons(o->port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  threads = o->threads ? o->threads : 2;
  s->daemon = MHD_start_daemon(
    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, o->port, NULL, NULL,
    mk_access, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sin,
    MHD_OPTION_THREAD_POOL_SIZE, threads,
    MHD_OPTION_NOTIFY_COMPLETED, mk_completed, s,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
  if(!s->daemon) {
    snprintf(err, errlen, "cannot listen on 127.0.0.1:%u",
             (unsigned)o->port);
    mk_sim_stop(s);
    return -1;
  }
  info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  if(!info || !info->port) {
    snprintf(err, errlen, "cannot read the bound port");
    mk_sim_stop(s);
    return -1;
  }
  s->port = info->port;
  if(o->portfile && mk_write_portfile(o->portfile, s->port)) {
    snprintf(err, errlen, "cannot write portfile %s", o->portfile);
    mk_sim_stop(s);
    return -1;
  }
  *out = s;
  return 0;
}

uint16_t mk_sim_port(const struct mk_sim *s)
{
  return s ? s->port : 0;
}

void mk_sim_stop(struct mk_sim *s)
{
  if(!s)
    return;
  if(s->daemon)
    MHD_stop_daemon(s->daemon);
  mk_state_clear(s);
  free(s->merchants.a);
  free(s->tokens.a);
  free(s->listings.a);
  mk_listing_index_free(s);
  free(s->products.a);
  free(s->orders.a);
  mk_order_index_free(s);
  free(s->tasks.a);
  free(s->bboxes.a);
  free(s->faults.a);
  free(s->schedules.a);
  free(s->pro_keys.a);
  free(s->pro_orders.a);
  free(s->care.a);
  free(s->refunds.a);
  json_object_put(s->categories);
  if(s->dump)
    fclose(s->dump);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

int mk_sim_control(struct mk_sim *s, const char *method, const char *path,
                   const char *json_body, int *status, char **resp_json)
{
  struct mk_req rq;
  struct mk_resp r;
  char *p;
  if(resp_json)
    *resp_json = NULL;
  if(!s || !method || !path || !status || strncmp(path, "/_sim", 5))
    return -1;
  memset(&rq, 0, sizeof(rq));
  memset(&r, 0, sizeof(r));
  p = strdup(path);
  if(!p)
    return -1;
  if(strchr(p, '?')) {
    char *q = strchr(p, '?');
    *q++ = '\0';
    if(mk_query_parse(&rq.query, q)) {
      free(p);
      mk_kvs_free(&rq.query);
      return -1;
    }
  }
  rq.method = method;
  rq.path = p;
  rq.body = json_body;
  rq.body_len = json_body ? strlen(json_body) : 0;
  mk_dispatch(s, &rq, &r, 0);
  *status = r.status;
  if(resp_json) {
    *resp_json = r.body ? r.body : strdup("");
    r.body = NULL;
  }
  mk_resp_reset(&r);
  mk_kvs_free(&rq.query);
  free(p);
  return 0;
}
