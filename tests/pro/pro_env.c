/*
 * pro_env.c -- the Back Market Pro integration-test environment (see
 * pro_env.h): host simulator + embedded marketplace simulator on a shared
 * virtual clock, and inspection helpers.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define PE_HAVE_VALGRIND_H 1
#endif
#endif

#include "pro_env.h"

#ifndef BMC_PLUGIN_DIR
#error "BMC_PLUGIN_DIR must be defined"
#endif

#define PE_PLUGIN "backmarket_pro"

int
pe_open(struct pe *e, int with_bm)
{
  struct th_env_opts o;
  char err[512];

  memset(e, 0, sizeof(*e));
  memset(&o, 0, sizeof(o));
  o.plugin = PE_PLUGIN;
  o.company = "Acme";
  o.quotas = 1;
  o.base_url_key = ""; /* website_url is set by pe_company() */
  err[0] = '\0';
  if(th_env_start(&e->te, &o, err, sizeof(err))) {
    fprintf(stderr, "pe_open: %s\n", err);
    return -1;
  }
  e->h = e->te.host;
  e->sim = e->te.sim;
  if(!hs_plugin_find(e->h, PE_PLUGIN) ||
     (with_bm && !hs_plugin_find(e->h, "backmarket"))) {
    fprintf(stderr, "pe_open: plugin %s not loaded from %s\n",
            hs_plugin_find(e->h, PE_PLUGIN) ? "backmarket" : PE_PLUGIN,
            BMC_PLUGIN_DIR);
    return -1;
  }
  snprintf(e->url, sizeof(e->url), "%s/sellers-prod", e->te.base_url);
  return 0;
}

int
pe_reopen(struct pe *e)
{
  char err[512];

  err[0] = '\0';
  if(th_env_reopen(&e->te, err, sizeof(err))) {
    fprintf(stderr, "pe_reopen: %s\n", err);
    return -1;
  }
  e->h = e->te.host;
  return 0;
}

void
pe_close(struct pe *e)
{
  if(!e)
    return;
  th_env_stop(&e->te);
  memset(e, 0, sizeof(*e));
}

int
pe_ctl(struct pe *e, const char *method, const char *path, const char *body,
       char **resp)
{
  int status = -1;
  char *out = NULL;

  if(mk_sim_control(e->sim, method, path, body, &status, &out) != 0)
    status = -1;
  if(resp)
    *resp = out;
  else
    free(out);
  return status;
}

int
pe_set(struct pe *e, const char *company, const char *key, const char *value,
       char *err, size_t errlen)
{
  return hs_company_setting_set(e->h, company, PE_PLUGIN, key, value, err,
                                errlen);
}

int
pe_company(struct pe *e, const char *company, const char *key,
           const char *seller)
{
  char err[512], body[512];
  int64_t id;

  if(hs_company_find(e->h, company, &id) != BMC_OK &&
     hs_company_add(e->h, company, &id) != BMC_OK)
    return -1;
  if(hs_company_plugin_enable(e->h, company, PE_PLUGIN, 1, err,
                              sizeof(err)) != BMC_OK ||
     pe_set(e, company, "website_url", e->url, err, sizeof(err)) != BMC_OK ||
     pe_set(e, company, "x_api_key", key, err, sizeof(err)) != BMC_OK) {
    fprintf(stderr, "pe_company: %s\n", err);
    return -1;
  }
  if(seller) {
    snprintf(body, sizeof(body), "{\"key\":\"%s\",\"seller_id\":\"%s\","
             "\"seller_name\":\"%s Refurb\"}", key, seller, seller);
    if(pe_ctl(e, "POST", "/_sim/pro/keys", body, NULL) != 201)
      return -1;
  }
  return 0;
}

int
pe_run(struct pe *e, const char *company, const char *action,
       int64_t *job_id)
{
  char err[512];
  int status = -1;
  int64_t id = 0;

  if(hs_run_action(e->h, company, PE_PLUGIN, action, &id, &status, err,
                   sizeof(err)) != BMC_OK) {
    fprintf(stderr, "pe_run %s: %s\n", action, err);
    return -1;
  }
  if(job_id)
    *job_id = id;
  return status;
}

int
pe_pro_order(struct pe *e, const char *seller, const char *id,
             const char *financial, int n_lines, int qty,
             const char *unit_price)
{
  char body[4096];
  size_t o;
  int i, n;

  n = snprintf(body, sizeof(body), "{\"seller_id\":\"%s\",%s%s%s"
               "\"financial_status\":\"%s\",\"shipping_total\":\"10.00\","
               "\"lines\":[", seller, id ? "\"id\":\"" : "", id ? id : "",
               id ? "\"," : "", financial);
  o = (size_t)n;
  for(i = 0; i < n_lines && o < sizeof(body) - 200; i++) {
    n = snprintf(body + o, sizeof(body) - o, "%s{\"sku\":\"SKU-%d\","
                 "\"title\":\"Laptop %d\",\"quantity\":%d,\"unit_price\":"
                 "\"%s\",\"tax_rate\":\"20\"}", i ? "," : "", i + 1, i + 1,
                 qty, unit_price);
    o += (size_t)n;
  }
  snprintf(body + o, sizeof(body) - o, "]}");
  return pe_ctl(e, "POST", "/_sim/pro/orders", body, NULL) == 201 ? 0 : -1;
}

struct pe_logbuf {
  char *text;
  size_t len;
  int level;
  const char *needle;
  int count;
};

static int
pe_log_cb(void *ud, const struct hs_job_line *l)
{
  static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
  struct pe_logbuf *b = ud;
  size_t n = strlen(l->text) + 16;
  char *t;

  if(b->needle) {
    if((b->level < 0 || b->level == l->level) && strstr(l->text, b->needle))
      b->count++;
    return 0;
  }
  t = realloc(b->text, b->len + n + 1);
  if(!t)
    return 1;
  b->text = t;
  b->len += (size_t)snprintf(b->text + b->len, n + 1, "%s %s\n",
                             l->level >= 0 && l->level < 4 ?
                             names[l->level] : "?", l->text);
  return 0;
}

char *
pe_job_log(struct pe *e, int64_t job_id)
{
  struct pe_logbuf b;

  memset(&b, 0, sizeof(b));
  b.level = -1;
  if(hs_job_log_each(e->h, job_id, pe_log_cb, &b) != BMC_OK) {
    free(b.text);
    return NULL;
  }
  if(!b.text)
    b.text = calloc(1, 1);
  return b.text;
}

int
pe_log_count(struct pe *e, int64_t job_id, int level, const char *needle)
{
  struct pe_logbuf b;

  memset(&b, 0, sizeof(b));
  b.level = level;
  b.needle = needle;
  if(hs_job_log_each(e->h, job_id, pe_log_cb, &b) != BMC_OK)
    return -1;
  return b.count;
}

struct pe_errq {
  const char *code, *item, *secret;
  int count;
};

static int
pe_err_cb(void *ud, const struct hs_item_error *er)
{
  struct pe_errq *q = ud;

  if(q->secret) {
    if((er->message && strstr(er->message, q->secret)) ||
       (er->item && strstr(er->item, q->secret)))
      q->count++;
    return 0;
  }
  if((!q->code || (er->code && !strcmp(er->code, q->code))) &&
     (!q->item || (er->item && !strcmp(er->item, q->item))))
    q->count++;
  return 0;
}

int
pe_error_count(struct pe *e, const char *company, const char *code,
               const char *item)
{
  struct pe_errq q = {code, item, NULL, 0};

  if(hs_errors_each(e->h, company, PE_PLUGIN, pe_err_cb, &q) != BMC_OK)
    return -1;
  return q.count;
}

/* The simulator's request log, parsed; NULL on failure. */
static struct json_object *
pe_sim_log(struct pe *e)
{
  char *out = NULL;
  struct json_object *root = NULL, *entries = NULL;

  if(pe_ctl(e, "GET", "/_sim/log?since=0", NULL, &out) != 200 || !out) {
    free(out);
    return NULL;
  }
  root = json_tokener_parse(out);
  free(out);
  if(!root || !json_object_object_get_ex(root, "entries", &entries)) {
    json_object_put(root);
    return NULL;
  }
  return root;
}

int
pe_sim_body_has(struct pe *e, const char *needle)
{
  struct json_object *root = pe_sim_log(e), *entries, *v;
  size_t i, n;
  int found = 0;

  if(!root)
    return 0;
  json_object_object_get_ex(root, "entries", &entries);
  n = json_object_array_length(entries);
  for(i = 0; i < n && !found; i++)
    if(json_object_object_get_ex(json_object_array_get_idx(entries, i),
                                 "body", &v) && v &&
       strstr(json_object_get_string(v), needle))
      found = 1;
  json_object_put(root);
  return found;
}

int
pe_under_valgrind(void)
{
  const char *pre = getenv("LD_PRELOAD");

#ifdef PE_HAVE_VALGRIND_H
  if(RUNNING_ON_VALGRIND)
    return 1;
#endif
  return pre && strstr(pre, "vgpreload") != NULL;
}

int
pe_run_crashing(struct pe *e, const char *company, const char *action,
                const char *service, int64_t after_n)
{
  int status = 0, code;
  pid_t pid;

  /* the simulator reads the parent's clock: let a rate window pass */
  if(hs_clock_advance(e->h, 2000) != BMC_OK)
    return -1;
  pid = fork();
  if(pid < 0)
    return -1;
  if(pid == 0) {
    int st;

    if(service && hs_fault_set(e->h, service, after_n, HS_FAULT_EXIT))
      _exit(2);
    st = pe_run(e, company, action, NULL);
    _exit(st == HS_JOB_COMPLETED ? 0 : 10 + st);
  }
  if(waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  code = WEXITSTATUS(status);
  if(code == 99 && pe_reopen(e))
    return -1;
  return code;
}

static int
pe_sim_scan(struct pe *e, const char *method, const char *needle,
            int with_query)
{
  struct json_object *root = pe_sim_log(e), *entries, *en, *v;
  size_t i, n;
  int count = 0;

  if(!root)
    return -1;
  json_object_object_get_ex(root, "entries", &entries);
  n = json_object_array_length(entries);
  for(i = 0; i < n; i++) {
    char full[4096];
    const char *path = "", *query = "", *m = "";

    en = json_object_array_get_idx(entries, i);
    if(json_object_object_get_ex(en, "path", &v))
      path = json_object_get_string(v);
    if(json_object_object_get_ex(en, "query", &v) && v)
      query = json_object_get_string(v);
    if(json_object_object_get_ex(en, "method", &v))
      m = json_object_get_string(v);
    snprintf(full, sizeof(full), "%s?%s", path, with_query ? query : "");
    if((!method || !strcmp(method, m)) && strstr(full, needle))
      count++;
  }
  json_object_put(root);
  return count;
}

int
pe_sim_count(struct pe *e, const char *method, const char *needle)
{
  return pe_sim_scan(e, method, needle, 0);
}

int
pe_sim_query_has(struct pe *e, const char *needle)
{
  return pe_sim_scan(e, NULL, needle, 1) > 0;
}

static int
pe_count_cb(void *ud, const struct hs_order_summary *o)
{
  (void)o;
  (*(int64_t *)ud)++;
  return 0;
}

int64_t
pe_orders(struct pe *e, const char *company, const char *marketplace)
{
  int64_t n = 0;

  if(hs_orders_each(e->h, company, marketplace, pe_count_cb, &n) != BMC_OK)
    return -1;
  return n;
}

struct pe_field {
  const char *field;
  char *buf;
  size_t buflen;
};

static int
pe_field_cb(void *ud, const struct hs_order_summary *o)
{
  struct pe_field *f = ud;
  const char *v = NULL;
  char num[8];

  if(!strcmp(f->field, "status"))
    v = o->status;
  else if(!strcmp(f->field, "payment_status"))
    v = o->payment_status;
  else if(!strcmp(f->field, "shipping_status"))
    v = o->shipping_status;
  else if(!strcmp(f->field, "channel"))
    v = o->channel;
  else if(!strcmp(f->field, "commission"))
    v = o->commission;
  else if(!strcmp(f->field, "tax"))
    v = o->tax;
  else if(!strcmp(f->field, "grand_total"))
    v = o->grand_total;
  else if(!strcmp(f->field, "marketplace"))
    v = o->marketplace;
  else if(!strcmp(f->field, "sufs")) {
    snprintf(num, sizeof(num), "%d", o->source_updated_for_shipping);
    v = num;
  }
  snprintf(f->buf, f->buflen, "%s", v ? v : "");
  return 0;
}

static int
pe_find(struct pe *e, const char *company, const char *source_id,
        int64_t *oid)
{
  return hs_order_find(e->h, company, source_id, oid) == BMC_OK ? 0 : -1;
}

int
pe_order_field(struct pe *e, const char *company, const char *source_id,
               const char *field, char *buf, size_t buflen)
{
  struct pe_field f = {field, buf, buflen};
  int64_t oid;

  buf[0] = '\0';
  if(pe_find(e, company, source_id, &oid) ||
     hs_order_summary_get(e->h, oid, pe_field_cb, &f) != BMC_OK)
    return -1;
  return 0;
}

char *
pe_order_xml(struct pe *e, const char *company, const char *source_id)
{
  int64_t oid;
  char *xml = NULL;

  if(pe_find(e, company, source_id, &oid) ||
     hs_order_xml(e->h, oid, &xml, NULL) != BMC_OK)
    return NULL;
  return xml;
}

int
pe_ship(struct pe *e, const char *company, const char *source_id,
        int partial, const char *tracking)
{
  struct hs_shipment s;
  struct hs_ship_line line;
  char *xml, lid[64], err[256];
  const char *p, *q;
  int64_t oid;
  int rc;

  if(pe_find(e, company, source_id, &oid))
    return -1;
  memset(&s, 0, sizeof(s));
  s.tracking_number = tracking;
  s.carrier = "Colissimo";
  if(partial) {
    xml = pe_order_xml(e, company, source_id);
    p = xml ? strstr(xml, "<line_id>") : NULL;
    q = p ? strstr(p, "</line_id>") : NULL;
    if(!p || !q || (size_t)(q - p - 9) >= sizeof(lid)) {
      free(xml);
      return -1;
    }
    memcpy(lid, p + 9, (size_t)(q - p - 9));
    lid[q - p - 9] = '\0';
    free(xml);
    line.line_id = lid;
    line.serial = NULL;
    s.lines = &line;
    s.n_lines = 1;
    s.only_listed = 1;
  }
  rc = hs_order_ship(e->h, oid, &s, err, sizeof(err));
  if(rc != BMC_OK)
    fprintf(stderr, "pe_ship %s: %s\n", source_id, err);
  return rc == BMC_OK ? 0 : -1;
}

struct pe_jobs {
  struct pe *e;
  const char *secret;
  int found;
};

static int
pe_job_secret_cb(void *ud, const struct hs_job *j)
{
  struct pe_jobs *s = ud;
  char *text = pe_job_log(s->e, j->id);

  if(text && strstr(text, s->secret))
    s->found = 1;
  free(text);
  return 0;
}

int
pe_secret_anywhere(struct pe *e, const char *secret)
{
  struct pe_jobs s = {e, secret, 0};
  struct pe_errq q = {NULL, NULL, secret, 0};
  char *out = NULL;

  if(hs_jobs_each(e->h, NULL, pe_job_secret_cb, &s) != BMC_OK)
    return 1;
  if(hs_errors_each(e->h, NULL, NULL, pe_err_cb, &q) != BMC_OK)
    return 1;
  if(pe_ctl(e, "GET", "/_sim/log?since=0", NULL, &out) != 200 || !out) {
    free(out);
    return 1;
  }
  if(strstr(out, secret))
    s.found = 1;
  free(out);
  return s.found || q.count;
}

int
pe_closed_port(void)
{
  struct sockaddr_in a;
  socklen_t al = sizeof(a);
  int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

  if(fd < 0)
    return -1;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
     getsockname(fd, (struct sockaddr *)&a, &al) == 0)
    port = ntohs(a.sin_port);
  close(fd);
  return port;
}
