/*
 * th.c -- shared fixture of the host simulator tests: the in-memory test
 * plugin "tplug" (settings with a required secret, a Toolbox-gated
 * scheduled action, actions that upsert orders, log secrets, re-enter the
 * host, fail, or touch state, one that records its selection; product
 * properties of every kind: per market, SKU alias, LISTS switch, enum with
 * an alias column, plugin-owned), helpers for stores and documents,
 * and a counter of the work the store does (SQLite VM steps); the store
 * a test opens is a SQLite file or, with BMC_TEST_STORE=postgresql, a
 * fresh database on the throwaway PostgreSQL server (tests/pg).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "th.h"
#include "th_pg_target.h"
#include "hs_internal.h" /* the store's connection */

/* mkstemp(3)/mkdtemp(3) template suffix: six placeholder characters. */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

struct th_ctl th_ctl;

struct th_inst {
  const struct bmc_host_api *host;
  void *ctx;
};

static const struct bmc_setting th_settings[] = {
  {"token", BMC_SET_STRING, NULL, 0, 64,
   BMC_SETTING_REQUIRED | BMC_SETTING_SECRET, NULL, "API token"},
  {"sync", BMC_SET_BOOL, "false", 0, 0, 0, NULL, "Toolbox switch of ping"},
  {"limit", BMC_SET_INT, "10", 1, 100, 0, NULL, "Page size"},
  {"mode", BMC_SET_ENUM, "a", 0, 0, 0, "a|b", "Mode"},
  {"markup", BMC_SET_DECIMAL, "0.00", 0, 0, 0, NULL, "Markup"},
  {"contact", BMC_SET_STRING, "ops@example.com", 0, 120, 0, NULL,
   "Contact e-mail (sent in a header)"},
};

static const struct bmc_property th_props[] = {
  {"listed", BMC_SET_BOOL, "ShopListed", "Listed", "General", "false", 0, 0,
   0, NULL, BMC_PROP_LISTS | BMC_PROP_PER_MARKET, "Offered on the shop"},
  {"shop_sku", BMC_SET_STRING, "ShopSKU", "Shop SKU", "General", NULL, 0, 40,
   0, NULL, BMC_PROP_SKU_ALIAS, "SKU on the shop"},
  {"condition", BMC_SET_ENUM, "ShopCondition|Cond", "Condition", "General",
   NULL, 0, 0, 0, "new|used|refurbished", BMC_PROP_REQUIRED_TO_POST,
   "Condition"},
  {"cap", BMC_SET_INT, "ShopCap", "Cap", "Inventory", NULL, 0, 100, 0, NULL,
   0, "Most units offered"},
  {"price", BMC_SET_DECIMAL, "ShopPrice", "Price", "Pricing", NULL, 0,
   1000000, 2, NULL, BMC_PROP_PER_MARKET, "Price per market"},
  {"shop_id", BMC_SET_STRING, "ShopId", "Shop id", "General", NULL, 0, 40, 0,
   NULL, BMC_PROP_PLUGIN_OWNED | BMC_PROP_PER_MARKET, "Set by the plugin"},
};

static const struct bmc_action th_actions[] = {
  {"ping", "Ping", 300, BMC_ACTION_MANUAL | BMC_ACTION_SCHEDULED, "sync"},
  {"order", "Order Upsert", 0, BMC_ACTION_MANUAL, NULL},
  {"leak", "Leak Token", 0, BMC_ACTION_MANUAL, NULL},
  {"reenter", "Re-enter", 0, BMC_ACTION_MANUAL, NULL},
  {"fail", "Fail", 0, BMC_ACTION_MANUAL, NULL},
  {"crash", "State Put", 0, BMC_ACTION_MANUAL, NULL},
  {"select", "Selection", 0, BMC_ACTION_MANUAL | BMC_ACTION_SKUS, NULL},
  {"change", "Record Change", 0, BMC_ACTION_MANUAL, NULL},
  {"overlay", "State Round Trip", 0, BMC_ACTION_MANUAL, NULL},
};

static int
th_create(const struct bmc_host_api *host, void *ctx, void **inst,
          char *errbuf, size_t errlen)
{
  struct th_inst *ti;

  if(host->hdr.magic != BMC_ABI_MAGIC || host->hdr.major != BMC_ABI_MAJOR) {
    snprintf(errbuf, errlen, "tplug: bad host table");
    return BMC_ERR_ABI;
  }
  ti = calloc(1, sizeof(*ti));
  if(!ti)
    return BMC_ERR_NOMEM;
  ti->host = host;
  ti->ctx = ctx;
  *inst = ti;
  return BMC_OK;
}

struct th_mark {
  struct th_inst *ti;
  char value[32];
  int rc;
};

/* Writes from inside a catalog read, as real plugins do. */
static int
th_mark_cb(void *ud, const struct bmc_product *p)
{
  struct th_mark *m = ud;

  m->rc = m->ti->host->product_set(m->ti->ctx, p->sku, "shop_id", NULL,
                                   m->value);
  return m->rc;
}

/* "ping": count the run in durable state (read, +1, write) and stamp
 * every product with "L-<count>", so a lost write is visible. */
static int
th_ping(struct th_inst *ti, char *errbuf, size_t errlen)
{
  struct th_mark m;
  char buf[32] = "0";
  size_t len = 0;
  int rc, n;

  th_ctl.runs++;
  ti->host->log(ti->ctx, BMC_LOG_INFO, "ping %d", th_ctl.runs);
  rc = ti->host->state_get(ti->ctx, "ping_runs", buf, sizeof(buf), &len);
  if(rc && rc != BMC_ERR_NOT_FOUND) {
    snprintf(errbuf, errlen, "ping: state_get failed (%d)", rc);
    return rc;
  }
  n = (int)strtol(buf, NULL, 10) + 1;
  memset(&m, 0, sizeof(m));
  m.ti = ti;
  snprintf(m.value, sizeof(m.value), "L-%d", n);
  rc = ti->host->catalog_each(ti->ctx, 0, th_mark_cb, &m);
  if(!rc) {
    snprintf(buf, sizeof(buf), "%d", n);
    rc = ti->host->state_put(ti->ctx, "ping_runs", buf, strlen(buf));
  }
  if(rc)
    snprintf(errbuf, errlen, "ping: host write failed (%d, product_set %d)",
             rc, m.rc);
  return rc;
}

struct th_keys {
  int k, cursor, n;
};

static int
th_keys_cb(void *ud, const char *key, const char *val, size_t len)
{
  struct th_keys *x = ud;

  (void)val;
  (void)len;
  x->n++;
  x->k += !strcmp(key, "k");
  x->cursor += !strcmp(key, "cursor");
  return 0;
}

/* "overlay": write "k", read it back, delete "cursor", and check that a
 * read and a listing of the state see exactly that (a dry run must plan
 * on what it wrote a moment before). */
static int
th_overlay(struct th_inst *ti, char *errbuf, size_t errlen)
{
  struct th_keys x = {0, 0, 0};
  char buf[32];
  size_t len = 0;
  int rc;

  rc = ti->host->state_put(ti->ctx, "k", "dry", 3);
  if(!rc)
    rc = ti->host->state_get(ti->ctx, "k", buf, sizeof(buf), &len);
  if(!rc && (len != 3 || memcmp(buf, "dry", 3)))
    rc = BMC_ERR_INTERNAL;
  if(!rc)
    rc = ti->host->state_del(ti->ctx, "cursor");
  if(!rc && ti->host->state_get(ti->ctx, "cursor", buf, sizeof(buf), &len) !=
     BMC_ERR_NOT_FOUND)
    rc = BMC_ERR_INTERNAL;
  if(!rc)
    rc = ti->host->state_each(ti->ctx, "", th_keys_cb, &x);
  if(!rc && (x.k != 1 || x.cursor != 0))
    rc = BMC_ERR_INTERNAL;
  if(rc)
    snprintf(errbuf, errlen, "overlay: state round trip failed (%d; k %d, "
             "cursor %d of %d keys)", rc, x.k, x.cursor, x.n);
  th_ctl.last_rc = rc;
  return rc;
}

static int
th_run(void *inst, const char *action, const char *const *items,
       size_t n_items, char *errbuf, size_t errlen)
{
  struct th_inst *ti = inst;
  char tok[128];
  int created = 0;
  size_t i;

  if(strcmp(action, "select") == 0) {
    th_ctl.n_items = n_items;
    th_ctl.items[0] = '\0';
    for(i = 0; i < n_items; i++) {
      size_t len = strlen(th_ctl.items);

      snprintf(th_ctl.items + len, sizeof(th_ctl.items) - len, "%s,",
               items[i]);
      ti->host->item_error(ti->ctx, items[i], "remote_reject",
                           "refused (test)");
    }
    return BMC_OK;
  }
  if(strcmp(action, "ping") == 0)
    return th_ping(ti, errbuf, errlen);
  if(strcmp(action, "order") == 0) {
    th_ctl.last_rc = ti->host->order_upsert(ti->ctx, th_ctl.xml,
                                            strlen(th_ctl.xml), &created,
                                            errbuf, errlen);
    return th_ctl.last_rc;
  }
  if(strcmp(action, "leak") == 0) {
    if(ti->host->setting_get(ti->ctx, "token", tok, sizeof(tok)))
      return BMC_ERR_CONFIG;
    ti->host->log(ti->ctx, BMC_LOG_WARN, "using token %s now", tok);
    ti->host->item_error(ti->ctx, "SKU-1", "remote_reject",
                         tok); /* a careless plugin */
    return BMC_OK;
  }
  if(strcmp(action, "change") == 0) {
    /* a careless gate: the token in a value, a line break in a detail;
     * then two rows, one without a field (both refused) */
    struct bmc_change c;

    if(ti->host->setting_get(ti->ctx, "token", tok, sizeof(tok)))
      return BMC_ERR_CONFIG;
    memset(&c, 0, sizeof(c));
    c.size = sizeof(c);
    c.sku = "SKU-1";
    c.field = "note";
    c.new_value = tok;
    c.result = "ok";
    c.detail = "line 1\nline 2";
    th_ctl.last_rc = ti->host->audit_record(ti->ctx, &c, 1);
    {
      struct bmc_change two[2];

      two[0] = c;
      two[1] = c;
      two[1].field = NULL; /* the whole call is refused, nothing stored */
      th_ctl.reenter_rc = ti->host->audit_record(ti->ctx, two, 2);
    }
    th_ctl.dry = ti->host->job_dry_run(ti->ctx);
    return th_ctl.last_rc;
  }
  if(strcmp(action, "reenter") == 0) {
    th_ctl.reenter_rc = hs_run_action(th_ctl.h, "Acme", "tplug", "reenter",
                                      NULL, NULL, NULL, 0);
    return BMC_OK;
  }
  if(strcmp(action, "fail") == 0) {
    snprintf(errbuf, errlen, "remote said no (HTTP 400)");
    return BMC_ERR_REMOTE_REJECT;
  }
  if(strcmp(action, "overlay") == 0)
    return th_overlay(ti, errbuf, errlen);
  if(strcmp(action, "crash") == 0) {
    th_ctl.last_rc = ti->host->state_put(ti->ctx, "cursor", "1", 1);
    th_ctl.last_rc = ti->host->state_put(ti->ctx, "cursor", "2", 1);
    return th_ctl.last_rc;
  }
  snprintf(errbuf, errlen, "tplug: unknown action %s", action);
  return BMC_ERR_INVALID_ARG;
}

static void
th_destroy(void *inst)
{
  free(inst);
}

static const char *
th_strerror(int rc)
{
  return rc == BMC_ERR_REMOTE_REJECT ? "rejected by remote" : "tplug error";
}

const struct bmc_plugin_api th_plugin = {
  {BMC_ABI_MAGIC, (uint32_t)sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR,
   BMC_ABI_MINOR},
  "tplug", "Test Plugin", "9.8.7",
  th_settings, sizeof(th_settings) / sizeof(th_settings[0]),
  th_actions, sizeof(th_actions) / sizeof(th_actions[0]),
  th_create, th_run, th_destroy, th_strerror,
  th_props, sizeof(th_props) / sizeof(th_props[0]), "us|uk"};

int
th_copy_file(const char *from, const char *to)
{
  char buf[8192];
  FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
  size_t got;
  int ok = in && out;

  while(ok && (got = fread(buf, 1, sizeof(buf), in)) > 0)
    ok = fwrite(buf, 1, got, out) == got;
  if(in && fclose(in) != 0)
    ok = 0;
  if(out && fclose(out) != 0)
    ok = 0;
  return ok;
}

void
th_tmpdir(char *dir, size_t len)
{
  const char *t = getenv("TMPDIR");

  snprintf(dir, len, "%s/hs-test-" MKTEMP_SUFFIX, t && t[0] ? t : "/tmp");
  if(!mkdtemp(dir))
    dir[0] = '\0';
}

int
th_store_pg(void)
{
  return th_pg_chosen();
}

int
th_store_target(const char *dir, char *db, size_t len, char *key,
                size_t keylen)
{
  char file[512], server[1024], err[512];
  FILE *f;

  key[0] = '\0';
  if(!th_store_pg()) {
    snprintf(db, len, "%s/host.db", dir);
    return 0;
  }
  snprintf(key, keylen, "%s/host.key", dir);
  snprintf(file, sizeof(file), "%s/host.pguri", dir);
  if((f = fopen(file, "r")) != NULL) {
    int ok = fgets(db, (int)len, f) != NULL;

    fclose(f);
    db[strcspn(db, "\n")] = '\0';
    return ok ? 0 : -1;
  }
  if(th_pg_target("th_open", server, sizeof(server)) ||
     th_pg_new_database(server, "host", db, len, err, sizeof(err))) {
    fprintf(stderr, "th_open: no PostgreSQL database for %s: %s\n", dir,
            err);
    return -1;
  }
  f = fopen(file, "w");
  if(!f || fprintf(f, "%s\n", db) < 0 || fclose(f) != 0) {
    fprintf(stderr, "th_open: cannot write %s\n", file);
    return -1;
  }
  return 0;
}

int64_t
th_count(struct hs_host *h, const char *sql)
{
  struct hs_dbst *st = NULL;
  int64_t n = -1;

  if(hs_db_prepare(h->db, sql, &st) == HS_DB_OK && hs_db_step(st) == HS_DB_ROW)
    n = hs_db_col_i64(st, 0);
  else
    fprintf(stderr, "th_count: %s: %s\n", sql, hs_db_errmsg(h->db));
  hs_db_finalize(st);
  return n;
}

size_t
th_store_cases(struct cu_case *out, const struct cu_case *in, size_t n,
               const char *const *sqlite_only, const char *why)
{
  size_t i, k, m = 0;
  int skip;

  for(i = 0; i < n; i++) {
    for(skip = 0, k = 0; th_store_pg() && sqlite_only[k]; k++)
      skip |= !strcmp(in[i].name, sqlite_only[k]);
    if(skip)
      printf("%s: %s: skipped on PostgreSQL: %s\n", in[i].suite,
             in[i].name, why);
    else
      out[m++] = in[i];
  }
  return m;
}

struct hs_host *
th_open(const char *dir)
{
  struct hs_options o;
  struct hs_host *h = NULL;
  char db[1024], key[512], err[512] = "";

  if(th_store_target(dir, db, sizeof(db), key, sizeof(key)))
    return NULL;
  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.key_file = key[0] ? key : NULL;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.virtual_clock = 1;
  o.virtual_start_ms = 1767225600000LL;
  if(hs_host_open(&o, &h, err, sizeof(err))) {
    fprintf(stderr, "th_open: %s\n", err);
    return NULL;
  }
  if(hs_host_add_plugin_api(h, &th_plugin, "in-memory", err, sizeof(err))) {
    fprintf(stderr, "th_open: %s\n", err);
    hs_host_close(h);
    return NULL;
  }
  if(hs_company_find(h, "Acme", NULL) != BMC_OK &&
     (hs_company_add(h, "Acme", NULL) ||
      hs_company_plugin_enable(h, "Acme", "tplug", 1, err, sizeof(err)))) {
    hs_host_close(h);
    return NULL;
  }
  th_ctl.h = h;
  return h;
}

char *
th_order_xml(const char *source_id, const char *status, const char *payment,
             const char *line_state)
{
  static const char fmt[] =
      "<?xml version=\"1.0\"?>\n"
      "<order xmlns=\"urn:bmc:order:1\">\n"
      " <source_order_id>%s</source_order_id>\n"
      " <channel>BackMarket</channel>\n"
      " <marketplace>tplug</marketplace>\n"
      " <status>%s</status>\n"
      " <payment_status>%s</payment_status>\n"
      " <order_date>2026-01-01T10:00:00Z</order_date>\n"
      " <currency>EUR</currency>\n"
      " <shipping_address><first_name>Ann</first_name>"
      "<last_name>Lee</last_name><street>1 Rue X</street>"
      "<postal_code>75001</postal_code><city>Paris</city>"
      "<country>FR</country></shipping_address>\n"
      " <lines>\n"
      "  <line><line_id>L1</line_id><sku>SKU-A</sku><quantity>1</quantity>"
      "<line_total>449.00</line_total><fee>45.00</fee>"
      "<marketplace_state>%s</marketplace_state></line>\n"
      "  <line><line_id>L2</line_id><sku>SKU-B</sku><quantity>2</quantity>"
      "<line_total>100.00</line_total></line>\n"
      " </lines>\n"
      " <totals><subtotal>549.00</subtotal><shipping>0.00</shipping>"
      "<tax>0.00</tax><commission>54.90</commission>"
      "<grand_total>549.00</grand_total></totals>\n"
      "</order>\n";
  size_t n = sizeof(fmt) + strlen(source_id) + strlen(status) +
             strlen(payment) + strlen(line_state) + 1;
  char *x = malloc(n);

  if(x)
    snprintf(x, n, fmt, source_id, status, payment, line_state);
  return x;
}

struct th_find {
  const char *text;
  int errors_only, hits;
};

static int
th_log_cb(void *ud, const struct hs_job_line *l)
{
  struct th_find *f = ud;

  if((!f->errors_only || l->is_error) && strstr(l->text, f->text))
    f->hits++;
  return 0;
}

int
th_log_has(struct hs_host *h, int64_t job, const char *text, int errors_only)
{
  struct th_find f = {text, errors_only, 0};

  if(hs_job_log_each(h, job, th_log_cb, &f))
    return 0;
  return f.hits > 0;
}

static int
th_err_cb(void *ud, const struct hs_item_error *e)
{
  struct th_find *f = ud;

  if(strstr(e->message, f->text) || strstr(e->item, f->text))
    f->hits++;
  return 0;
}

int
th_errors_with(struct hs_host *h, const char *text)
{
  struct th_find f = {text, 0, 0};

  if(hs_errors_each(h, NULL, NULL, th_err_cb, &f))
    return -1;
  return f.hits;
}

void
th_rmdir(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char p[1024];

  if(!d)
    return;
  while((e = readdir(d)) != NULL) {
    if(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

static int
th_vm_step_cb(void *ud)
{
  (*(long *)ud)++;
  return 0;
}

void
th_vm_steps_start(struct hs_host *h, long *steps)
{
  *steps = 0;
  hs_db_sqlite_progress_handler(h->db, 1, th_vm_step_cb, steps);
}

void
th_vm_steps_stop(struct hs_host *h)
{
  hs_db_sqlite_progress_handler(h->db, 0, NULL, NULL);
}
