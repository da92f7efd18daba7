/*
 * hs_dry_state.c -- the plugin state a dry-run job sees: the job's own
 * state writes kept in a TEMP table of the host's connection, laid over
 * the stored state and dropped when the job ends.  A dry run therefore
 * plans exactly as the real run would (its change cursor, pending set and
 * pacing read what it wrote a moment before) and stores nothing: the
 * plugin's stored state (what it believes the marketplace holds, its
 * cursors) is the same after a dry run as before it.  Keys under "budget/" (a request
 * budget's usage) are discarded, as before.
 */
#include <string.h>

#include "hs_internal.h"

/* The overlay of one instance (company, plugin): deleted = 1 hides a
 * stored key from the job.  Each engine's own types (keys ordered by
 * their bytes on both, as plugin_state's); the statements below name it
 * unqualified, which both engines resolve to the temporary table first. */
static const char hs_dry_table_sqlite[] =
  "CREATE TEMP TABLE IF NOT EXISTS dry_state(company_id INTEGER NOT NULL,"
  " plugin TEXT NOT NULL, key TEXT NOT NULL, value BLOB, deleted INTEGER"
  " NOT NULL DEFAULT 0, PRIMARY KEY(company_id, plugin, key))";
static const char hs_dry_table_pg[] =
  "CREATE TEMP TABLE IF NOT EXISTS dry_state(company_id BIGINT NOT NULL,"
  " plugin TEXT NOT NULL, key TEXT COLLATE \"C\" NOT NULL, value BYTEA,"
  " deleted BIGINT NOT NULL DEFAULT 0, PRIMARY KEY(company_id, plugin,"
  " key))";

static int
hs_dry_exec(struct hs_inst *in, const char *sql)
{
  struct hs_dbst *st = hs_stmt(in->h, sql);
  int s;

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  s = hs_db_step(st);
  hs_db_reset(st);
  return s == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
}

int
hs_dry_state_begin(struct hs_inst *in)
{
  /* WARNING: a TEMP table lives in the connection's own temp database:
   * writing it takes no lock on the store, so a dry run never blocks the
   * scheduler or another process. */
  if(hs_db_exec(in->h->db, hs_db_backend(in->h->db) == HS_DB_SQLITE
                           ? hs_dry_table_sqlite : hs_dry_table_pg) !=
     HS_DB_OK)
    return BMC_ERR_INTERNAL;
  return hs_dry_exec(in, "DELETE FROM dry_state WHERE company_id = ?"
                     " AND plugin = ?");
}

void
hs_dry_state_end(struct hs_inst *in)
{
  (void)hs_dry_exec(in, "DELETE FROM dry_state WHERE company_id = ?"
                    " AND plugin = ?");
}

static int
hs_dry_budget_key(const char *key)
{
  return !strncmp(key, "budget/", 7);
}

int
hs_dry_state_put(struct hs_inst *in, const char *key, const char *val,
                 size_t len)
{
  struct hs_dbst *st;
  int s;

  if(hs_dry_budget_key(key))
    return BMC_OK;
  st = hs_stmt(in->h, "INSERT INTO dry_state(company_id, plugin, key,"
               " value, deleted) VALUES(?, ?, ?, ?, 0) ON CONFLICT(company_id,"
               " plugin, key) DO UPDATE SET value = excluded.value, deleted ="
               " 0");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_state_bind(st, in, key);
  hs_db_bind_blob(st, 4, val ? val : "", (int)len);
  s = hs_db_step(st);
  hs_db_reset(st);
  return s == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
}

int
hs_dry_state_del(struct hs_inst *in, const char *key)
{
  struct hs_dbst *st;
  int s, had;

  if(hs_dry_budget_key(key))
    return BMC_OK;
  st = hs_dry_state_get_stmt(in, key);
  if(!st)
    return BMC_ERR_INTERNAL;
  had = hs_db_step(st) == HS_DB_ROW;
  hs_db_reset(st);
  st = hs_stmt(in->h, "INSERT INTO dry_state(company_id, plugin, key,"
               " value, deleted) VALUES(?, ?, ?, NULL, 1) ON"
               " CONFLICT(company_id, plugin, key) DO UPDATE SET value ="
               " NULL, deleted = 1");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_state_bind(st, in, key);
  s = hs_db_step(st);
  hs_db_reset(st);
  if(s != HS_DB_DONE)
    return BMC_ERR_INTERNAL;
  return had ? BMC_OK : BMC_ERR_NOT_FOUND;
}

struct hs_dbst *
hs_dry_state_get_stmt(struct hs_inst *in, const char *key)
{
  struct hs_dbst *st = hs_stmt(in->h, "SELECT value FROM dry_state"
                             " WHERE company_id = ?1 AND plugin = ?2 AND"
                             " key = ?3 AND deleted = 0 UNION ALL SELECT"
                             " value FROM plugin_state WHERE company_id = ?1"
                             " AND plugin = ?2 AND key = ?3 AND NOT EXISTS"
                             " (SELECT 1 FROM dry_state WHERE"
                             " company_id = ?1 AND plugin = ?2 AND key = ?3)");

  if(!st)
    return NULL;
  hs_state_bind(st, in, key);
  return st;
}

struct hs_dbst *
hs_dry_state_page_stmt(struct hs_inst *in, int after, int bounded)
{
  /* the same parameters as state_each's own page: ?1 company, ?2 plugin,
   * ?3 the first key (or the last one read), ?4 the end when bounded,
   * then the limit */
  static const char *const sql[2][2] = { /* [after][bounded] */
    {"SELECT key, value FROM dry_state WHERE company_id = ?1 AND"
     " plugin = ?2 AND key >= ?3 AND deleted = 0 UNION ALL SELECT key,"
     " value FROM plugin_state p WHERE company_id = ?1 AND plugin = ?2"
     " AND key >= ?3 AND NOT EXISTS (SELECT 1 FROM dry_state d"
     " WHERE d.company_id = ?1 AND d.plugin = ?2 AND d.key = p.key)"
     " ORDER BY 1 LIMIT ?4",
     "SELECT key, value FROM dry_state WHERE company_id = ?1 AND"
     " plugin = ?2 AND key >= ?3 AND key < ?4 AND deleted = 0 UNION"
     " ALL SELECT key, value FROM plugin_state p WHERE company_id = ?1"
     " AND plugin = ?2 AND key >= ?3 AND key < ?4 AND NOT EXISTS"
     " (SELECT 1 FROM dry_state d WHERE d.company_id = ?1 AND"
     " d.plugin = ?2 AND d.key = p.key) ORDER BY 1 LIMIT ?5"},
    {"SELECT key, value FROM dry_state WHERE company_id = ?1 AND"
     " plugin = ?2 AND key > ?3 AND deleted = 0 UNION ALL SELECT key,"
     " value FROM plugin_state p WHERE company_id = ?1 AND plugin = ?2"
     " AND key > ?3 AND NOT EXISTS (SELECT 1 FROM dry_state d"
     " WHERE d.company_id = ?1 AND d.plugin = ?2 AND d.key = p.key)"
     " ORDER BY 1 LIMIT ?4",
     "SELECT key, value FROM dry_state WHERE company_id = ?1 AND"
     " plugin = ?2 AND key > ?3 AND key < ?4 AND deleted = 0 UNION ALL"
     " SELECT key, value FROM plugin_state p WHERE company_id = ?1 AND"
     " plugin = ?2 AND key > ?3 AND key < ?4 AND NOT EXISTS (SELECT 1"
     " FROM dry_state d WHERE d.company_id = ?1 AND d.plugin = ?2"
     " AND d.key = p.key) ORDER BY 1 LIMIT ?5"}};

  return hs_stmt(in->h, sql[after != 0][bounded != 0]);
}
