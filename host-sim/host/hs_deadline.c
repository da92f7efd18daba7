/*
 * hs_deadline.c -- dispatch deadlines on the host side.  The plugin owns
 * the rule and puts the deadline in the order document (order.xsd
 * dispatch_deadline); the host keeps it on the order, warns ahead (per
 * company, default HS_DISPATCH_WARN_MS) and flags breached orders in the
 * error queue (codes dispatch_due_soon, dispatch_late; once each per order,
 * item = source order id, not tied to a job), and resolves both when the
 * order ships or is cancelled.  Scanned by the scheduler between runs.
 */
#include <stdio.h>
#include <string.h>

#include "hs_internal.h"

int
hs_deadline_record(struct hs_host *h, int64_t oid, const char *deadline)
{
  struct hs_dbst *st;
  int64_t ms = 0;

  if(deadline && hs_parse_time(deadline, &ms))
    ms = 0; /* the schema checked the form; a bad date is no deadline */
  st = hs_stmt(h, "UPDATE orders SET dispatch_deadline_ms = ? WHERE id = ?");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, ms > 0 ? ms : 0);
  hs_db_bind_i64(st, 2, oid);
  return hs_write_rc(hs_step_write(h, st));
}

/* Resolve the order's open dispatch entries (in the caller's
 * transaction). */
int
hs_deadline_settle(struct hs_host *h, int64_t oid, const char *why)
{
  struct hs_dbst *st;

  st = hs_stmt(h, "UPDATE error_queue SET resolved_ms = ?, resolved_note = ?"
               " WHERE resolved_ms = 0 AND code IN ('dispatch_due_soon',"
               " 'dispatch_late') AND (company_id, plugin, item) = (SELECT"
               " company_id, marketplace, source_order_id FROM orders WHERE"
               " id = ?)");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, hs_clock_now(h));
  hs_bind_text(st, 2, why);
  hs_db_bind_i64(st, 3, oid);
  return hs_write_rc(hs_step_write(h, st));
}

int64_t
hs_dispatch_warn_ms(struct hs_host *h, int64_t cid)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT warn_ms FROM company_dispatch WHERE"
                             " company_id = ?");
  int64_t v = HS_DISPATCH_WARN_MS;

  if(!st)
    return v;
  hs_db_bind_i64(st, 1, cid);
  if(hs_db_step(st) == HS_DB_ROW)
    v = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  return v;
}

int
hs_company_dispatch_warn_set(struct hs_host *h, const char *company,
                             int64_t warn_ms, char *err, size_t errlen)
{
  struct hs_dbst *st;
  int64_t cid;

  if(hs_company_find(h, company, &cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  if(warn_ms < 0 || warn_ms > 30LL * 86400 * 1000) {
    hs_errf(err, errlen, "the warning must come 0 to 720 hours ahead");
    return BMC_ERR_INVALID_ARG;
  }
  st = hs_stmt(h, "INSERT INTO company_dispatch(company_id, warn_ms) VALUES(?,"
               " ?) ON CONFLICT(company_id) DO UPDATE SET warn_ms ="
               " excluded.warn_ms");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_db_bind_i64(st, 2, warn_ms);
  return hs_write_rc(hs_step_write(h, st));
}

int
hs_company_dispatch_warn_get(struct hs_host *h, const char *company,
                             int64_t *warn_ms)
{
  int64_t cid;

  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  *warn_ms = hs_dispatch_warn_ms(h, cid);
  return BMC_OK;
}

/* Flag one order: level 1 due soon, 2 late. */
static int
hs_deadline_flag(struct hs_host *h, int64_t oid, int64_t cid,
                 const char *plugin, const char *sid, int64_t deadline,
                 int level)
{
  char msg[400], when[32];
  struct hs_dbst *st;
  int rc;

  hs_iso_time(deadline, when, sizeof(when));
  if(level == 2)
    snprintf(msg, sizeof(msg), "order %.64s was due for dispatch by %s "
             "(UTC) and has not shipped: ship it (with tracking) as soon as "
             "possible; late shipments cost rank", sid, when);
  else
    snprintf(msg, sizeof(msg), "order %.64s must be dispatched by %s (UTC); "
             "it has not shipped yet", sid, when);
  rc = hs_begin(h);
  if(!rc)
    rc = hs_error_queue_add(h, cid, plugin, sid, level == 2 ? "dispatch_late"
                            : "dispatch_due_soon", msg, NULL);
  st = rc ? NULL : hs_stmt(h, "UPDATE orders SET dispatch_flag = ? WHERE id"
                           " = ?");
  if(!rc && !st)
    rc = BMC_ERR_INTERNAL;
  if(!rc) {
    hs_db_bind_i64(st, 1, level);
    hs_db_bind_i64(st, 2, oid);
    rc = hs_write_rc(hs_step_write(h, st));
  }
  if(rc) {
    hs_rollback(h);
    return rc;
  }
  return hs_commit(h);
}

int
hs_deadlines_scan(struct hs_host *h, int *flagged)
{
  struct hs_dbst *st = NULL;
  struct {
    int64_t oid, cid, deadline;
    int level;
    char plugin[64], sid[128];
  } v[256];
  size_t n = 0, i;
  int64_t now = hs_clock_now(h);
  int rc = BMC_OK, s;

  if(flagged)
    *flagged = 0;
  do {
    /* in batches, materialized: each flag writes */
    n = 0;
    if(hs_db_prepare(h->db, "SELECT o.id, o.company_id, o.marketplace,"
                     " o.source_order_id, o.dispatch_deadline_ms, CASE"
                     " WHEN o.dispatch_deadline_ms <= ?1 THEN 2 ELSE 1"
                     " END FROM orders o LEFT JOIN company_dispatch d ON"
                     " d.company_id = o.company_id WHERE"
                     " o.dispatch_deadline_ms > 0 AND o.shipping_status ="
                     " 'Unshipped' AND o.status NOT IN ('Cancelled',"
                     " 'Completed') AND o.dispatch_flag < CASE WHEN"
                     " o.dispatch_deadline_ms <= ?1 THEN 2 ELSE 1 END"
                     " AND o.dispatch_deadline_ms - COALESCE(d.warn_ms,"
                     " ?2) <= ?1 ORDER BY o.id LIMIT 256",
                     &st) != HS_DB_OK)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, now);
    hs_db_bind_i64(st, 2, HS_DISPATCH_WARN_MS);
    while((s = hs_db_step(st)) == HS_DB_ROW && n < 256) {
      v[n].oid = hs_db_col_i64(st, 0);
      v[n].cid = hs_db_col_i64(st, 1);
      snprintf(v[n].plugin, sizeof(v[n].plugin), "%s", hs_col_text(st, 2));
      snprintf(v[n].sid, sizeof(v[n].sid), "%s", hs_col_text(st, 3));
      v[n].deadline = hs_db_col_i64(st, 4);
      v[n].level = (int)hs_db_col_i64(st, 5);
      n++;
    }
    hs_db_finalize(st);
    for(i = 0; !rc && i < n; i++) {
      rc = hs_deadline_flag(h, v[i].oid, v[i].cid, v[i].plugin, v[i].sid,
                            v[i].deadline, v[i].level);
      if(!rc && flagged)
        (*flagged)++;
    }
  } while(!rc && n == 256);
  return rc;
}
