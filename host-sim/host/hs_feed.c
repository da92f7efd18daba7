/*
 * hs_feed.c -- the change feed of the host (ABI 2.1): which product
 * property writes count as changes (plugin_owned_props, the PLUGIN_OWNED
 * keys of each loaded plugin, which the triggers of migrations 12 and 14
 * consult as they number every change in the transaction that makes
 * it), the head of a company's feed (epoch, last number, resync) and a
 * new epoch after a restore.  The stream of changes itself
 * is hs_catalog_changes_in (hs_products.c).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_internal.h"

/* 1 when plugin_owned_props holds exactly api's PLUGIN_OWNED keys. */
static int
hs_feed_owned_same(struct hs_host *h, const struct bmc_plugin_api *api,
                   int *same)
{
  struct hs_dbst *st;
  int64_t n_rows = -1, n_owned = 0;
  size_t i;

  *same = 0;
  st = hs_stmt(h, "SELECT COUNT(*) FROM plugin_owned_props WHERE plugin = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, api->name);
  if(hs_db_step(st) == HS_DB_ROW)
    n_rows = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  for(i = 0; i < api->n_properties; i++) {
    if(!(api->properties[i].flags & BMC_PROP_PLUGIN_OWNED))
      continue;
    n_owned++;
    st = hs_stmt(h, "SELECT 1 FROM plugin_owned_props WHERE plugin = ? AND"
                 " key = ?");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_bind_text(st, 1, api->name);
    hs_bind_text(st, 2, api->properties[i].key);
    if(hs_db_step(st) != HS_DB_ROW)
      n_rows = -1;
    hs_db_reset(st);
  }
  *same = n_rows == n_owned;
  return BMC_OK;
}

int
hs_feed_owned_record(struct hs_host *h, const struct bmc_plugin_api *api)
{
  struct hs_dbst *st;
  size_t i;
  int same, rc;

  rc = hs_feed_owned_same(h, api, &same);
  if(rc || same)
    return rc;
  rc = hs_begin(h);
  if(rc)
    return rc;
  st = hs_stmt(h, "DELETE FROM plugin_owned_props WHERE plugin = ?");
  if(!st) {
    hs_rollback(h);
    return BMC_ERR_INTERNAL;
  }
  hs_bind_text(st, 1, api->name);
  rc = hs_write_rc(hs_step_write(h, st));
  hs_db_reset(st);
  for(i = 0; !rc && i < api->n_properties; i++) {
    if(!(api->properties[i].flags & BMC_PROP_PLUGIN_OWNED))
      continue;
    st = hs_stmt(h, "INSERT INTO plugin_owned_props(plugin, key) VALUES(?,"
                 " ?) ON CONFLICT(plugin, key) DO NOTHING");
    if(!st) {
      rc = BMC_ERR_INTERNAL;
      break;
    }
    hs_bind_text(st, 1, api->name);
    hs_bind_text(st, 2, api->properties[i].key);
    rc = hs_write_rc(hs_step_write(h, st));
    hs_db_reset(st);
  }
  return hs_finish(h, rc);
}

int
hs_feed_head_in(struct hs_host *h, int64_t company_id, char *epoch,
                size_t epochlen, int64_t *head, int64_t *resync)
{
  struct hs_dbst *st;
  int rc = BMC_ERR_NOT_FOUND;

  st = hs_stmt(h, "SELECT epoch, seq, resync FROM feed_heads WHERE"
               " company_id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, company_id);
  if(hs_db_step(st) == HS_DB_ROW) {
    rc = hs_copy(epoch, epochlen, hs_col_text(st, 0));
    *head = hs_db_col_i64(st, 1);
    *resync = hs_db_col_i64(st, 2);
  }
  hs_db_reset(st);
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

/* A new epoch for company cid: 16 random hex digits. */
static int
hs_feed_new_epoch(struct hs_host *h, int64_t cid)
{
  unsigned char raw[8];
  char epoch[2 * sizeof(raw) + 1];
  struct hs_dbst *st;
  int rc;

  randombytes_buf(raw, sizeof(raw));
  sodium_bin2hex(epoch, sizeof(epoch), raw, sizeof(raw));
  st = hs_stmt(h, "UPDATE feed_heads SET epoch = ? WHERE company_id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, epoch);
  hs_db_bind_i64(st, 2, cid);
  rc = hs_write_rc(hs_step_write(h, st));
  hs_db_reset(st);
  return rc;
}

int
hs_feed_reset(struct hs_host *h, const char *company)
{
  struct hs_dbst *st;
  int64_t cid = 0, *ids = NULL;
  size_t n = 0, cap = 0, i;
  int rc;

  if(!h)
    return BMC_ERR_INVALID_ARG;
  if(company && hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  rc = hs_begin(h);
  if(rc)
    return rc;
  /* every company its own epoch: the ids first, then one write each */
  st = cid ? NULL : hs_stmt(h, "SELECT company_id FROM feed_heads");
  if(!cid && !st)
    rc = BMC_ERR_INTERNAL;
  while(!rc && st && hs_db_step(st) == HS_DB_ROW) {
    if(n == cap) {
      int64_t *nv = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*nv));

      if(!nv) {
        rc = BMC_ERR_NOMEM;
        break;
      }
      ids = nv;
    }
    ids[n++] = hs_db_col_i64(st, 0);
  }
  if(st)
    hs_db_reset(st);
  if(!rc && cid)
    rc = hs_feed_new_epoch(h, cid);
  for(i = 0; !rc && i < n; i++)
    rc = hs_feed_new_epoch(h, ids[i]);
  free(ids);
  rc = hs_finish(h, rc);
  if(!rc)
    hs_hostlog(h, BMC_LOG_INFO, "change feed: new epoch for %s; each "
               "plugin's next cycle reads the whole catalog",
               company ? company : "every company");
  return rc;
}
