/*
 * test_bm_feed.c -- the change feed (ABI 2.1) end to end: what the host
 * counts as a change and for whom, and Inventory Upload reading only the
 * changes: a change made during a cycle is not lost, a crash mid-cycle
 * (the host's fault hook in a child process, HS_FAULT_EXIT) resumes from
 * the last finished change number, a new epoch (a restored store) and the
 * daily schedule run a full pass, and the full pass repairs a planted
 * drift of what the plugin believes Back Market holds; Active Listing
 * Download that learns a listing forces a full pass; Prices Upload reads
 * the changes too.
 * Usage: test_bm_feed [TEST]
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bm_catalog_side.h"
#include "cat_fixture.h"
#include "cu_main.h"

static struct cat_fx fx;

/* n products SKU-000.. with stock 5, listed on the sim with 5 and known to
 * the plugin (listing download), then one cycle so the cursor is set. */
static int
setup_synced(int n, int file)
{
  char sku[32], uuid[40];
  int i;

  if((file ? cat_fx_start_file(&fx, 1, "fr-fr")
           : cat_fx_start(&fx, 1, "fr-fr")) != 0) {
    CU_FAIL("fixture did not start");
    return -1;
  }
  for(i = 0; i < n; i++) {
    snprintf(sku, sizeof(sku), "SKU-%03d", i);
    if(cat_listing(&fx, sku, 5, "fr-fr", "100.00", uuid) ||
       cat_product(&fx, sku, 5, NULL, NULL))
      return -1;
  }
  if(cat_run(&fx, "active_listing_download", NULL) != HS_JOB_COMPLETED ||
     cat_run(&fx, "inventory_upload", NULL) != HS_JOB_COMPLETED) {
    CU_FAIL("initial sync failed");
    return -1;
  }
  hs_clock_advance(fx.h, 300000);
  return 0;
}

/* Back Market's quantity of a listing changed behind the plugin's back. */
static int
sim_set_qty(const char *sku, int qty)
{
  char id[64];

  snprintf(id, sizeof(id), "%s", cat_prop(&fx, sku, "bm_listing_id"));
  return cat_simf(&fx, "POST", "/_sim/listings", "{\"merchant_id\": %d, "
                  "\"sku\": \"%s\", \"id\": \"%s\", \"quantity\": %d, "
                  "\"markets\": {\"fr-fr\": {\"price\": \"100.00\"}}}",
                  TH_MERCHANT_ID, sku, id, qty);
}

static int64_t
feed_head(const char *company, char *epoch, size_t len, int64_t *resync)
{
  int64_t head = -1, rs = 0;

  if(hs_feed_head(fx.h, company, epoch, len, &head, resync ? resync : &rs))
    return -1;
  return head;
}

struct seen {
  char skus[1024];
  int n;
  int64_t last_seq;
  int ordered;
};

static int
seen_cb(void *ud, const struct bmc_product *p)
{
  struct seen *s = ud;
  size_t l = strlen(s->skus);

  snprintf(s->skus + l, sizeof(s->skus) - l, "%s;", p->sku);
  if(p->change_seq <= s->last_seq)
    s->ordered = 0;
  s->last_seq = p->change_seq;
  s->n++;
  return 0;
}

/* What the host counts, for whom: stock, a user's property, an import of
 * the same values (not counted), a plugin-owned write (not counted), the
 * other company's products (not in this feed), an inventory calculation
 * (resync). */
static void
test_host_counts(void)
{
  const struct bmc_host_api *api;
  struct hs_product p;
  struct seen s;
  char epoch[40], epoch2[40], err[256];
  void *ctx;
  int64_t h0, h1, rs0, rs1;

  if(setup_synced(3, 0))
    goto out;
  CU_ASSERT_EQUAL_FATAL(hs_host_services(fx.h, CAT_COMPANY, CAT_PLUGIN,
                                         &api, &ctx), 0);
  CU_ASSERT_TRUE_FATAL(BMC_HOST_HAS(api, changes_each));
  h0 = feed_head(CAT_COMPANY, epoch, sizeof(epoch), &rs0);
  CU_ASSERT(h0 > 0);
  CU_ASSERT_EQUAL(strlen(epoch), 16);
  /* the plugin's own write of a plugin-owned property is not a change */
  CU_ASSERT_EQUAL(api->product_set(ctx, "SKU-001", "bm_listing_id", NULL,
                                   "11111111-2222-4333-8444-555555555555"),
                  0);
  CU_ASSERT_EQUAL(feed_head(CAT_COMPANY, epoch, sizeof(epoch), NULL), h0);
  /* the same generic data again is not a change either */
  hs_product_init(&p);
  p.sku = "SKU-002";
  p.available_qty = 5;
  CU_ASSERT_EQUAL(hs_product_upsert(fx.h, CAT_COMPANY, &p, NULL, err,
                                    sizeof(err)), 0);
  CU_ASSERT_EQUAL(feed_head(CAT_COMPANY, epoch, sizeof(epoch), NULL), h0);
  /* stock and a user's property value are; SKU-002 twice: streamed once */
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-002", 4), 0);
  CU_ASSERT_EQUAL(cat_pset(&fx, "SKU-000", "safety_qty", NULL, "1"), 0);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-002", 3), 0);
  h1 = feed_head(CAT_COMPANY, epoch, sizeof(epoch), NULL);
  CU_ASSERT_EQUAL(h1, h0 + 3);
  /* another company's product is not in this company's feed */
  CU_ASSERT_EQUAL(hs_company_add(fx.h, "other", NULL), 0);
  p.sku = "SKU-OTHER";
  CU_ASSERT_EQUAL(hs_product_upsert(fx.h, "other", &p, NULL, err,
                                    sizeof(err)), 0);
  CU_ASSERT_EQUAL(feed_head(CAT_COMPANY, epoch, sizeof(epoch), NULL), h1);
  CU_ASSERT_EQUAL(feed_head("other", epoch2, sizeof(epoch2), NULL), 1);
  CU_ASSERT_STRING_NOT_EQUAL(epoch, epoch2);
  memset(&s, 0, sizeof(s));
  s.ordered = 1;
  CU_ASSERT_EQUAL(api->changes_each(ctx, h0, h1 + 100, seen_cb, &s), 0);
  CU_ASSERT_STRING_EQUAL(s.skus, "SKU-000;SKU-002;");
  CU_ASSERT_TRUE(s.ordered);
  CU_ASSERT_EQUAL(s.last_seq, h1);
  /* upto bounds the stream; since is exclusive */
  memset(&s, 0, sizeof(s));
  s.ordered = 1;
  CU_ASSERT_EQUAL(api->changes_each(ctx, h0, h0 + 2, seen_cb, &s), 0);
  CU_ASSERT_STRING_EQUAL(s.skus, "SKU-000;");
  CU_ASSERT_EQUAL(api->changes_each(ctx, 5, 4, seen_cb, &s),
                  BMC_ERR_INVALID_ARG);
  /* an inventory calculation changes resync, not the head */
  CU_ASSERT_EQUAL(hs_company_invcalc_set(fx.h, CAT_COMPANY, "percent:50",
                                         err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(feed_head(CAT_COMPANY, epoch, sizeof(epoch), &rs1), h1);
  CU_ASSERT_EQUAL(rs1, rs0 + 1);
out:
  cat_fx_stop(&fx);
}

/* A cycle reads only the changes; the plugin's own writes do not come
 * back; a new calculation forces a full pass. */
/* The samples of the sold-out latency metric the plugin recorded. */
struct soldout_samples {
  int n;
  double last;
};

static int
soldout_cb(void *ud, const struct hs_metric_sample *m)
{
  struct soldout_samples *x = ud;

  if(!strcmp(m->name, "soldout_to_zero_s")) {
    x->n++;
    x->last = m->value;
  }
  return 0;
}

static void
test_cycle_reads_changes(void)
{
  struct soldout_samples so = {0, -1};
  char err[256];
  int64_t job = 0, seq;

  if(setup_synced(20, 0))
    goto out;
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-007", 2), 0);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-013", 0), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "(changes): 2 products read"));
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-007"), 2);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-013"), 0);
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings/", NULL, NULL),
                  2);
  /* the sell-out reached 0 in the cycle that saw it: one latency sample
   * of 0 s for the Health page (the decrease to 2 is not a sell-out) */
  CU_ASSERT_EQUAL(hs_metric_samples_each(fx.h, CAT_COMPANY, "backmarket", 0,
                                         soldout_cb, &so), 0);
  CU_ASSERT_EQUAL(so.n, 1);
  CU_ASSERT_DOUBLE_EQUAL(so.last, 0.0, 0.001);
  /* nothing changed since: nothing read, nothing sent */
  hs_clock_advance(fx.h, 300000);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "(changes): 0 products read"));
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "", NULL, NULL), 0);
  /* the company's inventory calculation changed: every quantity may have */
  CU_ASSERT_EQUAL(hs_company_invcalc_set(fx.h, CAT_COMPANY, "percent:50",
                                         err, sizeof(err)), 0);
  CU_ASSERT_EQUAL(cat_set(&fx, "custom_inventory_calc", "true"), 0);
  hs_clock_advance(fx.h, 300000);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "full pass ("));
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-001"), 2); /* 50% of 5 */
  CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
out:
  cat_fx_stop(&fx);
}

/* A change made while a cycle runs (after it read the head) is not lost:
 * the next cycle has it. */
static int g_touched;

static void
touch_hook(void *ud, int level, const char *line)
{
  (void)ud;
  (void)level;
  if(!g_touched && strstr(line, "inventory: the changes after")) {
    g_touched = 1;
    hs_stock_set(fx.h, CAT_COMPANY, "SKU-004", 1);
  }
}

static void
test_change_during_cycle(void)
{
  int64_t job = 0;

  if(setup_synced(8, 0))
    goto out;
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-001", 3), 0);
  g_touched = 0;
  hs_host_set_log(fx.h, touch_hook, NULL);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  hs_host_set_log(fx.h, NULL, NULL);
  CU_ASSERT_TRUE(g_touched);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-001"), 3);
  hs_clock_advance(fx.h, 300000);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-004"), 1);
out:
  cat_fx_stop(&fx);
}

/* A crash at each point of a cycle (state writes: the pending set, the
 * cursor, the recorded quantities, the pacing) loses no change: after a
 * restart every changed quantity reaches Back Market. */
static void
test_crash_resumes(void)
{
  static const int points[] = {1, 4, 7, 8, 9, 12};
  static const int stock[] = {0, 2, 9, 1, 0, 3};
  char sku[32], start_ms[32], after[32], err[256];
  size_t k;
  int i, crashed = 0;

  for(k = 0; k < sizeof(points) / sizeof(points[0]); k++) {
    pid_t pid;
    int wst = 0;

    if(setup_synced(10, 1))
      goto out;
    for(i = 0; i < 6; i++) {
      snprintf(sku, sizeof(sku), "SKU-%03d", i);
      CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, sku, stock[i]), 0);
    }
    snprintf(start_ms, sizeof(start_ms), "%lld",
             (long long)hs_clock_now(fx.h));
    snprintf(after, sizeof(after), "%d", points[k]);
    fflush(NULL);
    pid = fork();
    CU_ASSERT_FATAL(pid >= 0);
    if(pid == 0) {
      execl(BM_CRASH_CHILD, BM_CRASH_CHILD, fx.env.db, start_ms, CAT_COMPANY,
            "inventory_upload", "state_put", after, (char *)NULL);
      _exit(4);
    }
    CU_ASSERT_EQUAL(waitpid(pid, &wst, 0), pid);
    CU_ASSERT_TRUE(WIFEXITED(wst));
    crashed += WIFEXITED(wst) && WEXITSTATUS(wst) == 99;
    CU_ASSERT_EQUAL_FATAL(th_env_reopen(&fx.env, err, sizeof(err)), 0);
    fx.h = fx.env.host;
    hs_clock_advance(fx.h, 300000);
    CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", NULL),
                    HS_JOB_COMPLETED);
    for(i = 0; i < 6; i++) {
      snprintf(sku, sizeof(sku), "SKU-%03d", i);
      if(cat_sim_qty(&fx, sku) != stock[i])
        fprintf(stderr, "crash point %d: %s holds %lld, not %d\n",
                points[k], sku, (long long)cat_sim_qty(&fx, sku), stock[i]);
      CU_ASSERT_EQUAL(cat_sim_qty(&fx, sku), stock[i]);
    }
    CU_ASSERT_EQUAL(cat_sim_429(&fx), 0);
    cat_fx_stop(&fx);
  }
  /* the fault hit mid-cycle every time */
  CU_ASSERT_EQUAL(crashed, (int)(sizeof(points) / sizeof(points[0])));
out:
  cat_fx_stop(&fx);
}

/* The value of state key k, or "" when there is none. */
static const char *
state_val(const struct bmc_host_api *api, void *ctx, const char *k)
{
  static char buf[64];
  size_t len = 0;

  if(api->state_get(ctx, k, buf, sizeof(buf), &len) != BMC_OK)
    buf[0] = '\0';
  return buf;
}

/* state_put_many (the batch the feed cycle writes its pending set with):
 * all or none -- a write failing midway leaves every key as it was --
 * deletes of keys that are not there are no error, and a NULL key is
 * refused before anything is written. */
static void
test_state_put_many(void)
{
  const char *keys[] = {"t/a", "t/b", "t/c", "t/none"};
  const char *vals[] = {NULL, "2", "3", NULL};
  const size_t lens[] = {0, 1, 1, 0};
  const char *bad[] = {"t/x", NULL};
  const char *badv[] = {"9", "9"};
  const struct bmc_host_api *api;
  void *ctx;

  if(cat_fx_start(&fx, 1, "fr-fr") != 0) {
    CU_FAIL("fixture did not start");
    return;
  }
  CU_ASSERT_EQUAL_FATAL(hs_host_services(fx.h, CAT_COMPANY, CAT_PLUGIN, &api,
                                         &ctx), 0);
  CU_ASSERT_FATAL(BMC_HOST_HAS(api, state_put_many));
  CU_ASSERT_EQUAL(api->state_put(ctx, "t/a", "1", 1), BMC_OK);
  CU_ASSERT_EQUAL(api->state_put(ctx, "t/c", "0", 1), BMC_OK);
  /* the second put of the batch fails: the delete and the first put made
   * before it are undone */
  CU_ASSERT_EQUAL(hs_fault_set(fx.h, "state_put", 1, HS_FAULT_FAIL), 0);
  CU_ASSERT_NOT_EQUAL(api->state_put_many(ctx, keys, vals, lens, 4),
                      BMC_OK);
  hs_fault_clear(fx.h);
  CU_ASSERT_STRING_EQUAL(state_val(api, ctx, "t/a"), "1");
  CU_ASSERT_STRING_EQUAL(state_val(api, ctx, "t/b"), "");
  CU_ASSERT_STRING_EQUAL(state_val(api, ctx, "t/c"), "0");
  /* whole: every write made, the missing key's delete is no error */
  CU_ASSERT_EQUAL(api->state_put_many(ctx, keys, vals, lens, 4), BMC_OK);
  CU_ASSERT_STRING_EQUAL(state_val(api, ctx, "t/a"), "");
  CU_ASSERT_STRING_EQUAL(state_val(api, ctx, "t/b"), "2");
  CU_ASSERT_STRING_EQUAL(state_val(api, ctx, "t/c"), "3");
  /* a NULL key: refused, nothing written */
  CU_ASSERT_EQUAL(api->state_put_many(ctx, bad, badv, lens, 2),
                  BMC_ERR_INVALID_ARG);
  CU_ASSERT_STRING_EQUAL(state_val(api, ctx, "t/x"), "");
  CU_ASSERT_EQUAL(api->state_put_many(ctx, keys, vals, lens, 0), BMC_OK);
  cat_fx_stop(&fx);
}

/* The store restored from a backup: a new epoch; the next cycle reads
 * the whole catalog and repairs what Back Market holds. */
static void
test_epoch_full_pass(void)
{
  const struct bmc_host_api *api;
  void *ctx;
  int64_t job = 0;

  if(setup_synced(5, 0))
    goto out;
  /* drift: Back Market holds 8 for SKU-002 and the plugin believes it
   * holds 8 (a restored state), while the host wants 5 */
  CU_ASSERT_EQUAL(sim_set_qty("SKU-002", 8), 201);
  CU_ASSERT_EQUAL(hs_host_services(fx.h, CAT_COMPANY, CAT_PLUGIN, &api,
                                   &ctx), 0);
  CU_ASSERT_EQUAL(api->state_put(ctx, BM_KEY_QTY "SKU-002", "8", 1), 0);
  /* the feed has nothing: a cycle by the changes does not see it */
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "(changes)"));
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-002"), 8);
  CU_ASSERT_EQUAL(hs_feed_reset(fx.h, CAT_COMPANY), 0);
  hs_clock_advance(fx.h, 300000);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "full pass (the change feed has a new "
                                      "epoch"));
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-002"), 5);
out:
  cat_fx_stop(&fx);
}

/* The daily full pass repairs a planted drift in the stored "Back Market
 * holds" state that no change of the feed names. */
static void
test_daily_full_pass_repairs_drift(void)
{
  const struct bmc_host_api *api;
  void *ctx;
  int64_t job = 0;

  if(setup_synced(5, 0))
    goto out;
  CU_ASSERT_EQUAL(sim_set_qty("SKU-003", 0), 201);
  CU_ASSERT_EQUAL(hs_host_services(fx.h, CAT_COMPANY, CAT_PLUGIN, &api,
                                   &ctx), 0);
  CU_ASSERT_EQUAL(api->state_put(ctx, BM_KEY_QTY "SKU-003", "0", 1), 0);
  hs_clock_advance(fx.h, 23 * 3600 * 1000);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "(changes)"));
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-003"), 0);
  hs_clock_advance(fx.h, 3600 * 1000);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "full pass (the daily full pass is "
                                      "due)"));
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-003"), 5);
out:
  cat_fx_stop(&fx);
}

/* Active Listing Download links a listing the host product did not have
 * (a plugin-owned write, no change of the feed): the next cycle compares
 * the whole catalog and sends the host's quantity. */
static void
test_listing_found(void)
{
  char uuid[40];
  int64_t job = 0;

  if(setup_synced(3, 0))
    goto out;
  CU_ASSERT_EQUAL(cat_product(&fx, "SKU-NEW", 6, NULL, NULL), 0);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "1 without listing"));
  CU_ASSERT_EQUAL(cat_listing(&fx, "SKU-NEW", 1, "fr-fr", "100.00", uuid),
                  0);
  hs_clock_advance(fx.h, 300000);
  CU_ASSERT_EQUAL(cat_run(&fx, "active_listing_download", NULL),
                  HS_JOB_COMPLETED);
  CU_ASSERT_STRING_EQUAL(cat_prop(&fx, "SKU-NEW", "bm_listing_id"), uuid);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "full pass (no change number"));
  CU_ASSERT_EQUAL(cat_sim_qty(&fx, "SKU-NEW"), 6);
  /* and only then back to the changes */
  hs_clock_advance(fx.h, 300000);
  CU_ASSERT_EQUAL(cat_run(&fx, "inventory_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "(changes): 0 products read"));
out:
  cat_fx_stop(&fx);
}

/* Prices Upload reads the changes too: a new price of one product is the
 * only request (a stock change is read and sends nothing). */
static void
test_price_changes(void)
{
  int64_t job = 0, seq;

  if(setup_synced(10, 0))
    goto out;
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "prices: full pass"));
  hs_clock_advance(fx.h, 300000);
  CU_ASSERT_EQUAL(cat_pset(&fx, "SKU-004", "price", NULL, "120.00"), 0);
  CU_ASSERT_EQUAL(hs_stock_set(fx.h, CAT_COMPANY, "SKU-006", 4), 0);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "prices: the changes after"));
  CU_ASSERT(cat_job_log_has(&fx, job, "1 changed, 1 sent"));
  CU_ASSERT_STRING_EQUAL(cat_sim_market(&fx, "SKU-004", "fr-fr", "price"),
                         "120.00");
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "POST /ws/listings", NULL, NULL),
                  1);
  /* nothing new: nothing sent */
  hs_clock_advance(fx.h, 300000);
  seq = cat_log_seq(&fx);
  CU_ASSERT_EQUAL(cat_run(&fx, "price_upload", &job), HS_JOB_COMPLETED);
  CU_ASSERT(cat_job_log_has(&fx, job, "0 changed, 0 sent"));
  CU_ASSERT_EQUAL(cat_log_count(&fx, seq, "", NULL, NULL), 0);
out:
  cat_fx_stop(&fx);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"bm_feed", "host_counts", test_host_counts},
    {"bm_feed", "cycle_reads_changes", test_cycle_reads_changes},
    {"bm_feed", "change_during_cycle", test_change_during_cycle},
    {"bm_feed", "crash_resumes", test_crash_resumes},
    {"bm_feed", "state_put_many", test_state_put_many},
    {"bm_feed", "epoch_full_pass", test_epoch_full_pass},
    {"bm_feed", "daily_full_pass", test_daily_full_pass_repairs_drift},
    {"bm_feed", "listing_found", test_listing_found},
    {"bm_feed", "price_changes", test_price_changes},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
