/*
 * test_bm_audit.c -- the write gate on the catalog side (issue 15 part A)
 * against the host simulator and the marketplace simulator: a dry run of
 * inventory and price uploads (single and bulk) sends no changing request
 * (the simulator's request log proves it), stores nothing and reports
 * exactly what the real run that follows sends; the real run's audit
 * trail holds one row per change with the simulator's request id (or the
 * bulk task id); the host masks a secret in the trail; the scheduler
 * prunes the trail by its retention; the CSV export parses.  argv[1]
 * picks one test.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cat_fixture.h"
#include "cu_main.h"
#include "hs_audit_trail.h"
#include "th_audit.h"

static struct cat_fx fx;

/* The rows of one job of the fixture's company (dry: 1 dry run's, 0
 * sent). */
static void
au_load(int64_t job, int dry, struct th_changes *a)
{
  CU_ASSERT_EQUAL(th_changes_load(fx.h, CAT_COMPANY, job, dry, NULL, a), 0);
}

static int
setup(const char *markets)
{
  if(cat_fx_start(&fx, 1, markets) != 0) {
    CU_FAIL("fixture did not start");
    return -1;
  }
  return 0;
}

/* Inventory, single updates: the dry run sends no POST, changes nothing
 * on Back Market or in the plugin's state (the real run still sends), and
 * shows exactly the rows the real run then records with request ids. */
static void
test_inventory_dry_then_real(void)
{
  struct th_changes dry, real, again;
  int64_t seq, dj = 0, rj = 0;

  if(setup("fr-fr"))
    return;
  cat_listing(&fx, "SKU-A", 2, "fr-fr", "449.00", NULL);
  cat_listing(&fx, "SKU-B", 5, "fr-fr", "199.00", NULL);
  cat_listing(&fx, "SKU-C", 1, "fr-fr", "99.00", NULL);
  cat_product(&fx, "SKU-A", 2, NULL, NULL);
  cat_product(&fx, "SKU-B", 5, NULL, NULL);
  cat_product(&fx, "SKU-C", 1, NULL, NULL);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-A", 7), 0);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-B", 0), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(th_run_dry(&fx.env, "inventory_upload", &dj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST ", NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "PATCH ", NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-A"), 2);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-B"), 5);
  CU_ASSERT(cat_job_log_has(&fx, dj, "dry run: would send SKU SKU-A "
                                     "quantity: 2 -> 7"));
  CU_ASSERT(cat_job_log_has(&fx, dj, "dry run: would send SKU SKU-B "
                                     "quantity: 5 -> 0"));
  CU_ASSERT(!cat_job_log_has(&fx, dj, "refused"));
  au_load(dj, 1, &dry);
  CU_ASSERT_EQUAL(dry.n, 2);
  au_load(dj, 0, &real);
  CU_ASSERT_EQUAL(real.n, 0); /* nothing of a dry run counts as sent */
  /* a second dry run shows the same: the first stored nothing */
  CU_ASSERT_EQUAL(th_run_dry(&fx.env, "inventory_upload", &dj), HS_JOB_COMPLETED);
  au_load(dj, 1, &again);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &again), 0);
  /* the real run sends exactly what the dry run showed */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &rj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-A"), 7);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-B"), 0);
  au_load(rj, 0, &real);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &real), 0);
  CU_ASSERT_STRING_EQUAL(real.result[0], "ok");
  CU_ASSERT_STRING_EQUAL(real.result[1], "ok");
  CU_ASSERT_EQUAL(th_changes_logged(&fx.env, seq, &real, "POST",
                                    "/ws/listings/", real.n), 0);
  /* in sync now: a dry run shows nothing */
  CU_ASSERT_EQUAL(th_run_dry(&fx.env, "inventory_upload", &dj), HS_JOB_COMPLETED);
  au_load(dj, 1, &dry);
  CU_ASSERT_EQUAL(dry.n, 0);
  cat_fx_stop(&fx);
}

/* Inventory through the bulk CSV and prices (single, per market): the
 * dry run sends no POST and its report equals the real run's rows; bulk
 * rows carry the task id, single ones the request id. */
static void
test_bulk_and_price_dry_then_real(void)
{
  struct th_changes dry, real;
  char sku[16];
  int64_t seq, dj = 0, rj = 0;
  int i;

  if(setup("fr-fr,en-gb"))
    return;
  CU_ASSERT_EQUAL(cat_set(&fx, "bulk_threshold", "2"), 0);
  for(i = 0; i < 4; i++) {
    snprintf(sku, sizeof(sku), "BULK-%d", i);
    cat_listing(&fx, sku, 1, "fr-fr", "100.00", NULL);
    cat_product(&fx, sku, 1, NULL, "100.00");
  }
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  for(i = 0; i < 4; i++) {
    snprintf(sku, sizeof(sku), "BULK-%d", i);
    CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, sku, 10 + i), 0);
  }
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(th_run_dry(&fx.env, "inventory_upload", &dj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST ", NULL, NULL), 0);
  au_load(dj, 1, &dry);
  CU_ASSERT_EQUAL(dry.n, 4);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &rj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "BULK-3"), 13);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL),
                  1);
  au_load(rj, 0, &real);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &real), 0);
  for(i = 0; i < real.n; i++) {
    CU_ASSERT_EQUAL(strncmp(real.req[i], "task:", 5), 0);
    CU_ASSERT_STRING_EQUAL(real.result[i], "submitted");
  }
  /* prices: one market's price changes for two SKUs */
  CU_ASSERT_EQUAL(cat_pset(&fx, "BULK-0", "price", NULL, "111.00"), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "BULK-1", "price", "en-gb", "95.50"), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(th_run_dry(&fx.env, "price_upload", &dj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST ", NULL, NULL), 0);
  au_load(dj, 1, &dry);
  CU_ASSERT(dry.n >= 2);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", &rj), HS_JOB_COMPLETED);
  au_load(rj, 0, &real);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &real), 0);
  CU_ASSERT_EQUAL(th_changes_logged(&fx.env, seq, &real, "POST",
                                    "/ws/listings/", real.n), 0);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "BULK-0", "fr-fr", "price"),
                         "111.00");
  cat_fx_stop(&fx);
}

/* The company's switch makes every job a dry run until it is off. */
static void
test_company_switch(void)
{
  struct th_changes dry;
  int64_t seq, job = 0;
  int on = 0;

  if(setup("fr-fr"))
    return;
  cat_listing(&fx, "SKU-S", 4, "fr-fr", "10.00", NULL);
  cat_product(&fx, "SKU-S", 4, NULL, NULL);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_company_dry_run_set(fx.h, CAT_COMPANY, 1), 0);
  CU_ASSERT_EQUAL(hs_company_dry_run_get(fx.h, CAT_COMPANY, &on), 0);
  CU_ASSERT_EQUAL(on, 1);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-S", 0), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST ", NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-S"), 4);
  CU_ASSERT(cat_job_log_has(&fx, job, "dry run: nothing that changes"));
  au_load(job, 1, &dry);
  CU_ASSERT_EQUAL(dry.n, 1);
  CU_ASSERT_EQUAL(hs_company_dry_run_set(fx.h, CAT_COMPANY, 0), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-S"), 0);
  cat_fx_stop(&fx);
}

static int
au_text_cb(void *ud, const struct hs_change_row *r)
{
  const char *const v[] = {r->sku, r->market, r->order, r->line, r->field,
                           r->old_value, r->new_value, r->request_id,
                           r->result, r->detail, r->trigger};
  size_t i;

  for(i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    if(v[i] && strstr(v[i], CAT_TOKEN))
      (*(int *)ud)++;
  return 0;
}

/* A SKU that happens to hold the token: the host masks it in the trail
 * (the second guard); the token is in no row, no CSV line. */
static void
test_secret_masked(void)
{
  struct hs_change_filter f;
  char line[2048];
  int leaks = 0, rows = 0;
  FILE *tmp;

  if(setup("fr-fr"))
    return;
  cat_listing(&fx, CAT_TOKEN, 3, "fr-fr", "10.00", NULL);
  cat_product(&fx, CAT_TOKEN, 3, NULL, NULL);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, CAT_TOKEN, 1), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  memset(&f, 0, sizeof(f));
  f.company = CAT_COMPANY;
  f.dry = -1;
  CU_ASSERT_EQUAL(hs_change_audit_each(fx.h, &f, au_text_cb, &leaks), 0);
  CU_ASSERT_EQUAL(leaks, 0);
  {
    struct th_changes a;

    CU_ASSERT_EQUAL(th_changes_load(fx.h, CAT_COMPANY, 0, -1, "****", &a),
                    0);
    CU_ASSERT_EQUAL(a.n, 1);
    CU_ASSERT_STRING_EQUAL(a.key[0], "****||||quantity|3|1");
  }
  tmp = tmpfile();
  CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
  CU_ASSERT_EQUAL(hs_change_audit_csv(fx.h, &f, tmp), 0);
  rewind(tmp);
  while(fgets(line, sizeof(line), tmp)) {
    CU_ASSERT_PTR_NULL(strstr(line, CAT_TOKEN));
    rows++;
  }
  fclose(tmp);
  CU_ASSERT_EQUAL(rows, 2); /* header + one change */
  cat_fx_stop(&fx);
}

static int
au_count_cb(void *ud, const struct hs_change_row *r)
{
  (void)r;
  ((struct th_changes *)ud)->n++;
  return 0;
}

/* Split one CSV line of fields without quotes into *n fields. */
static void
au_csv_fields(char *line, char **v, int max, int *n)
{
  char *p = line, *c;

  *n = 0;
  line[strcspn(line, "\r\n")] = '\0';
  while(*n < max) {
    v[(*n)++] = p;
    c = strchr(p, ',');
    if(!c)
      break;
    *c = '\0';
    p = c + 1;
  }
}

/* The CSV export: a header naming the columns, then one row per change
 * with the same 16 fields; --item and time bounds select rows. */
static void
test_csv_export(void)
{
  struct hs_change_filter f;
  char line[2048], *v[32];
  int n, rows = 0;
  int64_t t0;
  FILE *tmp;

  if(setup("fr-fr"))
    return;
  cat_listing(&fx, "CSV-1", 3, "fr-fr", "10.00", NULL);
  cat_listing(&fx, "CSV-2", 3, "fr-fr", "10.00", NULL);
  cat_product(&fx, "CSV-1", 3, NULL, NULL);
  cat_product(&fx, "CSV-2", 3, NULL, NULL);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "CSV-1", 1), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  th_clock_advance(&fx.env, 3600 * 1000);
  t0 = th_now(&fx.env);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "CSV-2", 2), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  memset(&f, 0, sizeof(f));
  f.company = CAT_COMPANY;
  tmp = tmpfile();
  CU_ASSERT_PTR_NOT_NULL_FATAL(tmp);
  CU_ASSERT_EQUAL(hs_change_audit_csv(fx.h, &f, tmp), 0);
  rewind(tmp);
  CU_ASSERT_PTR_NOT_NULL_FATAL(fgets(line, sizeof(line), tmp));
  CU_ASSERT_STRING_EQUAL(line, "time,company,plugin,job,trigger,dry_run,sku,"
                         "market,order,line,field,old_value,new_value,"
                         "request_id,result,detail\n");
  while(fgets(line, sizeof(line), tmp)) {
    au_csv_fields(line, v, 32, &n);
    CU_ASSERT_EQUAL(n, 16);
    if(n < 16)
      continue;
    rows++;
    CU_ASSERT_STRING_EQUAL(v[1], CAT_COMPANY);
    CU_ASSERT_STRING_EQUAL(v[4], "hand");
    CU_ASSERT_STRING_EQUAL(v[5], "false");
    CU_ASSERT_STRING_EQUAL(v[10], "quantity");
    CU_ASSERT_EQUAL(strncmp(v[13], "sim-", 4), 0);
    CU_ASSERT_STRING_EQUAL(v[14], "ok");
    CU_ASSERT_STRING_EQUAL(v[15], "HTTP 200");
  }
  fclose(tmp);
  CU_ASSERT_EQUAL(rows, 2);
  /* by item, by time */
  {
    struct th_changes a;

    CU_ASSERT_EQUAL(th_changes_load(fx.h, CAT_COMPANY, 0, 0, "CSV-2", &a),
                    0);
    CU_ASSERT_EQUAL(a.n, 1);
    CU_ASSERT_STRING_EQUAL(a.key[0], "CSV-2||||quantity|3|2");
    memset(&a, 0, sizeof(a));
    f.until_ms = t0;
    CU_ASSERT_EQUAL(hs_change_audit_each(fx.h, &f, au_count_cb, &a), 0);
    CU_ASSERT_EQUAL(a.n, 1);
    f.until_ms = 0;
    f.since_ms = t0;
    memset(&a, 0, sizeof(a));
    CU_ASSERT_EQUAL(hs_change_audit_each(fx.h, &f, au_count_cb, &a), 0);
    CU_ASSERT_EQUAL(a.n, 1);
  }
  cat_fx_stop(&fx);
}

/* Retention: the scheduler deletes rows older than the company's
 * retention and keeps the younger ones; the job log is not involved. */
static void
test_retention_prunes(void)
{
  struct th_changes a;
  char err[200];
  int64_t days = 0;
  int ran = 0;

  if(setup("fr-fr"))
    return;
  CU_ASSERT_EQUAL(hs_company_audit_retention_get(fx.h, CAT_COMPANY, &days),
                  0);
  CU_ASSERT_EQUAL(days, 400);
  CU_ASSERT_NOT_EQUAL(hs_company_audit_retention_set(fx.h, CAT_COMPANY, 0,
                                                     err, sizeof(err)), 0);
  CU_ASSERT_PTR_NOT_NULL(strstr(err, "out of range"));
  cat_listing(&fx, "RET-1", 3, "fr-fr", "10.00", NULL);
  cat_listing(&fx, "RET-2", 3, "fr-fr", "10.00", NULL);
  cat_product(&fx, "RET-1", 3, NULL, NULL);
  cat_product(&fx, "RET-2", 3, NULL, NULL);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "RET-1", 1), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  /* 3 days later, with a 2-day retention, one more change */
  CU_ASSERT_EQUAL(hs_company_audit_retention_set(fx.h, CAT_COMPANY, 2, err,
                                                 sizeof(err)), 0);
  th_clock_advance(&fx.env, 3LL * 86400 * 1000);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "RET-2", 1), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(hs_scheduler_run_until(fx.h, th_now(&fx.env) + 1000, &ran),
                  0);
  CU_ASSERT_EQUAL(th_changes_load(fx.h, CAT_COMPANY, 0, -1, NULL, &a), 0);
  CU_ASSERT_EQUAL(a.n, 1);
  CU_ASSERT_STRING_EQUAL(a.key[0], "RET-2||||quantity|3|1");
  cat_fx_stop(&fx);
}

/* Plant drift on Back Market (the seller edited listings in the portal):
 * listing sku keeps its id and gets qty and a fr-fr price. */
static int
plant(const char *sku, const char *uuid, int64_t qty, const char *price)
{
  return cat_simf(&fx, "POST", "/_sim/listings", "{\"merchant_id\": %d, "
                  "\"sku\": \"%s\", \"id\": \"%s\", \"quantity\": %lld, "
                  "\"markets\": {\"fr-fr\": {\"price\": \"%s\"}}}",
                  TH_MERCHANT_ID, sku, uuid, (long long)qty, price) == 201
             ? 0
             : -1;
}

/* Reconciliation repairs a planted drift of each kind through the normal
 * pushes (recorded with trigger "reconciliation") and reports each by
 * kind in the error queue and the job log; a second run finds nothing to
 * repair. */
static void
test_reconcile_repairs_drift(void)
{
  struct th_changes a, dry;
  char uh[40], ul[40], up[40];
  int64_t seq, job = 0, dj = 0;
  int i;

  if(setup("fr-fr"))
    return;
  cat_listing(&fx, "R-HIGH", 3, "fr-fr", "50.00", uh);
  cat_listing(&fx, "R-LOW", 4, "fr-fr", "50.00", ul);
  cat_listing(&fx, "R-PRICE", 2, "fr-fr", "100.00", up);
  cat_listing(&fx, "R-OK", 1, "fr-fr", "50.00", NULL);
  cat_product(&fx, "R-HIGH", 3, NULL, "50.00");
  cat_product(&fx, "R-LOW", 4, NULL, "50.00");
  cat_product(&fx, "R-PRICE", 2, NULL, "100.00");
  cat_product(&fx, "R-OK", 1, NULL, "50.00");
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", NULL), HS_JOB_COMPLETED);
  /* the drift */
  CU_ASSERT_EQUAL(plant("R-HIGH", uh, 9, "50.00"), 0);
  CU_ASSERT_EQUAL(plant("R-LOW", ul, 1, "50.00"), 0);
  CU_ASSERT_EQUAL(plant("R-PRICE", up, 2, "80.00"), 0);
  cat_listing(&fx, "R-GHOST", 5, "fr-fr", "10.00", NULL);
  cat_product(&fx, "R-MISS", 2, "00000000-0000-4000-8000-000000000001",
              "50.00");
  /* a dry run reads everything back and reports the same drift in its
   * log, sends nothing and queues no error */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(th_run_dry(&fx.env, "reconcile", &dj), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST ", NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "R-HIGH"), 9);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "R-HIGH", NULL, NULL), 0);
  /* (the missing listing's id stays in a dry run: its pushes are shown
   * too, as quantity too low and price) */
  CU_ASSERT(cat_job_log_has(&fx, dj, "reconciliation: drift 1 quantity too "
                                     "high, 2 too low, 2 price, 1 unknown "
                                     "SKU, 1 missing listing"));
  CU_ASSERT(cat_job_log_has(&fx, dj, "would be cleared"));
  CU_ASSERT_EQUAL(th_changes_load(fx.h, CAT_COMPANY, dj, 1, NULL, &dry), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "reconcile", &job), HS_JOB_PARTIAL);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "R-HIGH"), 3);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "R-LOW"), 4);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "R-GHOST"), 0);
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "R-PRICE", "fr-fr", "price"),
                         "100.00");
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "R-HIGH", "drift_qty_high", NULL), 1);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "R-LOW", "drift_qty_low", NULL), 1);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "R-PRICE", "drift_price", NULL), 1);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "R-GHOST", "drift_unknown_sku", NULL),
                  1);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "R-MISS", "drift_missing_listing",
                                  NULL), 1);
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "R-OK", NULL, NULL), 0);
  CU_ASSERT(cat_job_log_has(&fx, job, "reconciliation: drift 1 quantity too "
                                      "high, 1 too low, 1 price, 1 unknown "
                                      "SKU, 1 missing listing"));
  CU_ASSERT(cat_job_log_has(&fx, job, "the plugin believed Back Market held "
                                      "quantity 3, it holds 9"));
  CU_ASSERT_EQUAL(th_changes_load(fx.h, CAT_COMPANY, job, 0, NULL, &a), 0);
  if(a.n != 4) {
    for(i = 0; i < a.n; i++)
      fprintf(stderr, "\n  row %s (%s)", a.key[i], a.trigger[i]);
    th_job_log_dump(&fx.env, job, stderr);
  }
  CU_ASSERT_EQUAL(a.n, 4);
  for(i = 0; i < a.n; i++)
    CU_ASSERT_STRING_EQUAL(a.trigger[i], "reconciliation");
  /* the dry run showed these four, plus the pushes to the missing listing
   * that the real run skips once it has cleared the stale id */
  CU_ASSERT_EQUAL(dry.n, a.n + 2);
  for(i = 0; i < a.n; i++) {
    int k, found = 0;

    for(k = 0; k < dry.n; k++)
      found |= !strcmp(dry.key[k], a.key[i]);
    CU_ASSERT(found);
  }
  CU_ASSERT_EQUAL(th_changes_logged(&fx.env, seq, &a, "POST",
                                    "/ws/listings/", a.n), 0);
  /* nothing was pushed to the missing listing; its id is cleared */
  CU_ASSERT_EQUAL(cat_item_errors(&fx, "R-MISS", "remote_reject", NULL), 0);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "R-MISS", "bm_listing_id"), "");
  /* repaired: the next reconciliation changes nothing */
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "reconcile", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST ", NULL, NULL), 0);
  CU_ASSERT(cat_job_log_has(&fx, job, "reconciliation: drift 0 quantity too "
                                      "high, 0 too low, 0 price, 0 unknown "
                                      "SKU, 0 missing listing"));
  cat_fx_stop(&fx);
}

/* Listing creation: the dry run sends no POST and
 * stores nothing (no listing id, no Ready To Post), the real run sends
 * what it showed. */
static void
test_creation_dry_then_real(void)
{
  const char *known = "6d4ad966-db97-4d88-b409-b28cc2a0f8c9";
  struct th_changes dry, real;
  int64_t seq, dj = 0, rj = 0;

  if(setup("fr-fr"))
    return;
  CU_ASSERT_EQUAL(cat_simf(&fx, "POST", "/_sim/products",
                           "{\"product_id\": \"%s\", \"backmarket_id\": "
                           "3000002, \"title\": \"iPhone 12\"}", known), 201);
  CU_ASSERT_EQUAL(cat_creation_product(&fx, "NEW-1", known, "4006381333931"),
                  0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(th_run_dry(&fx.env, "listing_creation", &dj),
                  HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST ", NULL, NULL), 0);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "NEW-1", "bm_listing_id"), "");
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "NEW-1", "ready_to_post"), "");
  CU_ASSERT_EQUAL(th_changes_load(fx.h, CAT_COMPANY, dj, 1, NULL, &dry), 0);
  CU_ASSERT_EQUAL(dry.n, 1);
  CU_ASSERT_STRING_EQUAL(dry.key[0], "NEW-1|fr-fr|||listing||6d4ad966-db97-"
                                     "4d88-b409-b28cc2a0f8c9");
  CU_ASSERT_EQUAL(cat_run(&fx, "listing_creation", &rj), HS_JOB_COMPLETED);
  CU_ASSERT(strlen(cat_prop(&fx, "NEW-1", "bm_listing_id")) == 36);
  CU_ASSERT_EQUAL(th_changes_load(fx.h, CAT_COMPANY, rj, 0, NULL, &real), 0);
  CU_ASSERT_EQUAL(th_changes_diff(&dry, &real), 0);
  CU_ASSERT(real.n == 1 && !strncmp(real.req[0], "task:", 5));
  cat_fx_stop(&fx);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_audit", "inventory_dry_then_real", test_inventory_dry_then_real},
    {"bm_audit", "bulk_and_price_dry_then_real",
     test_bulk_and_price_dry_then_real},
    {"bm_audit", "company_switch", test_company_switch},
    {"bm_audit", "secret_masked", test_secret_masked},
    {"bm_audit", "csv_export", test_csv_export},
    {"bm_audit", "retention_prunes", test_retention_prunes},
    {"bm_audit", "reconcile_repairs_drift", test_reconcile_repairs_drift},
    {"bm_audit", "creation_dry_then_real",
     test_creation_dry_then_real},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
