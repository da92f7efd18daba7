/*
 * hs_feed.c -- the change feed of the host (ABI 2.1): which product
 * property writes count as changes (hs_feed_counts(), called by the
 * triggers of migration 12, which number every change in the transaction
 * that makes it), the head of a company's feed (epoch, last number,
 * resync) and a new epoch after a restore.  The stream of changes itself
 * is hs_catalog_changes_in (hs_products.c).
 */
#include <stdio.h>
#include <string.h>

#include "hs_internal.h"

/* hs_feed_counts(plugin, key): 0 for a property the plugin declares
 * PLUGIN_OWNED (the plugin's own writes would otherwise come back to it
 * as changes every cycle), else 1 (a user's, an import's, or a value of a
 * plugin not loaded in this process). */
static void
hs_feed_counts_fn(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
  struct hs_host *h = sqlite3_user_data(cx);
  const struct bmc_plugin_api *api;
  const struct bmc_property *p;
  const char *plugin, *key;

  (void)argc;
  plugin = (const char *)sqlite3_value_text(argv[0]);
  key = (const char *)sqlite3_value_text(argv[1]);
  api = plugin ? hs_plugin_find(h, plugin) : NULL;
  p = api && key ? hs_property_find(api, key) : NULL;
  sqlite3_result_int(cx, !(p && (p->flags & BMC_PROP_PLUGIN_OWNED)));
}

int
hs_feed_register(struct hs_host *h)
{
  return sqlite3_create_function(h->db, "hs_feed_counts", 2,
                                 SQLITE_UTF8 | SQLITE_INNOCUOUS, h,
                                 hs_feed_counts_fn, NULL, NULL) == SQLITE_OK
             ? BMC_OK
             : BMC_ERR_INTERNAL;
}

int
hs_feed_head_in(struct hs_host *h, int64_t company_id, char *epoch,
                size_t epochlen, int64_t *head, int64_t *resync)
{
  sqlite3_stmt *st;
  int rc = BMC_ERR_NOT_FOUND;

  st = hs_stmt(h, "SELECT epoch, seq, resync FROM feed_heads WHERE"
               " company_id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, company_id);
  if(sqlite3_step(st) == SQLITE_ROW) {
    rc = hs_copy(epoch, epochlen, hs_col_text(st, 0));
    *head = sqlite3_column_int64(st, 1);
    *resync = sqlite3_column_int64(st, 2);
  }
  sqlite3_reset(st);
  return rc;
}

int
hs_feed_head(struct hs_host *h, const char *company, char *epoch,
             size_t epochlen, int64_t *head, int64_t *resync)
{
  int64_t cid;

  if(!h || !company || !epoch || !head || !resync)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  return hs_feed_head_in(h, cid, epoch, epochlen, head, resync);
}

int
hs_feed_reset(struct hs_host *h, const char *company)
{
  sqlite3_stmt *st;
  int64_t cid = 0;
  int rc;

  if(!h)
    return BMC_ERR_INVALID_ARG;
  if(company && hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  st = hs_stmt(h, "UPDATE feed_heads SET epoch = lower(hex(randomblob(8)))"
               " WHERE ?1 = 0 OR company_id = ?1");
  if(!st)
    return BMC_ERR_INTERNAL;
  sqlite3_bind_int64(st, 1, cid);
  rc = hs_write_rc(hs_step_write(h, st));
  sqlite3_reset(st);
  if(!rc)
    hs_hostlog(h, BMC_LOG_INFO, "change feed: new epoch for %s; each "
               "plugin's next cycle reads the whole catalog",
               company ? company : "every company");
  return rc;
}
