/*
 * hs_rotate.c -- safe rotation of secret settings (tokens, API keys),
 * generic for any SECRET setting of any plugin.  A pending value is sealed
 * beside the active one (settings row "<key>:pending", hs_secret.c seals
 * and re-seals it like every secret), checked by the plugin's
 * BMC_ACTION_CREDENTIALS action as a job (setting_get answers the pending
 * value during it, hs_services.c), then swapped in together with every
 * other pending secret of the plugin in one transaction between two jobs,
 * so no job sees neither value or half a pair.  The replaced value is kept
 * sealed ("<key>:previous") until the new one has served a full cycle of
 * every scheduled action that runs, then erased.  A refused pending value
 * is dropped with the marketplace's reason; the active one stays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_config.h"
#include "hs_internal.h"

const struct bmc_action *
hs_credentials_action(const struct bmc_plugin_api *api)
{
  size_t i;

  for(i = 0; api && i < api->n_actions; i++)
    if(api->actions[i].flags & BMC_ACTION_CREDENTIALS)
      return &api->actions[i];
  return NULL;
}

/* Write (insert or replace) a sealed settings row named slot. */
static int
hs_rot_put(struct hs_host *h, int64_t cid, const char *plugin,
           const char *slot, const char *plain)
{
  struct hs_dbst *st;
  char *sealed = NULL;
  int rc;

  rc = hs_secret_seal(h, cid, plugin, slot, plain, &sealed);
  if(rc)
    return rc;
  st = hs_stmt(h, "INSERT INTO settings(company_id, plugin, key, value,"
               " updated_ms, encrypted) VALUES(?, ?, ?, ?, ?, 1) ON"
               " CONFLICT(company_id, plugin, key) DO UPDATE SET value ="
               " excluded.value, updated_ms = excluded.updated_ms,"
               " encrypted = 1");
  if(!st) {
    free(sealed);
    return BMC_ERR_INTERNAL;
  }
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, slot);
  hs_bind_text(st, 4, sealed);
  hs_db_bind_i64(st, 5, hs_clock_now(h));
  rc = hs_write_rc(hs_step_write(h, st));
  free(sealed);
  return rc;
}

/* Delete the rows of (cid, plugin) whose key ends with suffix. */
static int
hs_rot_drop(struct hs_host *h, int64_t cid, const char *plugin,
            const char *suffix)
{
  struct hs_dbst *st = hs_stmt(h, "DELETE FROM settings WHERE company_id ="
                             " ?1 AND plugin = ?2 AND substr(key, length(key)"
                             " - length(?3) + 1) = ?3");

  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, suffix);
  return hs_write_rc(hs_step_write(h, st));
}

static int
hs_rot_state(struct hs_host *h, int64_t cid, const char *plugin,
             const char *state, const char *col_ms, int64_t job_id,
             const char *reason)
{
  char sql[320];
  struct hs_dbst *st;
  int rc;

  /* col_ms is one of this file's column names, never user text */
  snprintf(sql, sizeof(sql), "UPDATE credential_rotation SET state = ?1,"
           " %s = ?2, job_id = CASE WHEN ?3 > 0 THEN ?3 ELSE job_id END,"
           " reason = ?4 WHERE company_id = ?5 AND plugin = ?6", col_ms);
  if(hs_db_prepare(h->db, sql, &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  hs_bind_text(st, 1, state);
  hs_db_bind_i64(st, 2, hs_clock_now(h));
  hs_db_bind_i64(st, 3, job_id);
  hs_bind_text(st, 4, reason);
  hs_db_bind_i64(st, 5, cid);
  hs_bind_text(st, 6, plugin);
  rc = hs_write_rc(hs_step_write(h, st));
  hs_db_finalize(st);
  return rc;
}

int
hs_setting_stage_pending(struct hs_host *h, const char *company,
                         const char *plugin, const char *key,
                         const char *value, char *err, size_t errlen)
{
  const struct bmc_plugin_api *api;
  const struct bmc_setting *s;
  char slot[160];
  struct hs_dbst *st;
  int64_t cid;
  int rc;

  rc = hs_resolve(h, company, plugin, &cid, &api, err, errlen);
  if(rc)
    return rc;
  s = key ? hs_setting_find(api, key) : NULL;
  if(!s || !value) {
    hs_errf(err, errlen, "%s: unknown setting for plugin '%s' (see "
            "`settings show`)", key ? key : "(none)", plugin);
    return BMC_ERR_CONFIG;
  }
  if(!(s->flags & BMC_SETTING_SECRET)) {
    hs_errf(err, errlen, "%s is not a secret: only secrets are rotated "
            "through --pending; set it directly", key);
    return BMC_ERR_CONFIG;
  }
  if(!hs_credentials_action(api)) {
    hs_errf(err, errlen, "plugin '%s' declares no credential check, so a "
            "pending %s cannot be validated; set it directly", plugin, key);
    return BMC_ERR_CONFIG;
  }
  rc = hs_setting_validate(s, value, err, errlen);
  if(rc)
    return rc;
  snprintf(slot, sizeof(slot), "%s%s", key, HS_PENDING_SUFFIX);
  rc = hs_begin(h);
  if(!rc)
    rc = hs_rot_put(h, cid, plugin, slot, value);
  if(!rc) {
    st = hs_stmt(h, "INSERT INTO credential_rotation(company_id, plugin,"
                 " state, staged_ms) VALUES(?, ?, 'pending', ?) ON"
                 " CONFLICT(company_id, plugin) DO UPDATE SET state ="
                 " 'pending', staged_ms = excluded.staged_ms, reason = NULL");
    if(!st)
      rc = BMC_ERR_INTERNAL;
    else {
      hs_db_bind_i64(st, 1, cid);
      hs_bind_text(st, 2, plugin);
      hs_db_bind_i64(st, 3, hs_clock_now(h));
      rc = hs_write_rc(hs_step_write(h, st));
    }
  }
  if(rc) {
    hs_rollback(h);
    hs_errf(err, errlen, "%s: cannot store the pending value (%s)", key,
            hs_rc_name(rc));
    return rc;
  }
  rc = hs_commit(h);
  if(rc) {
    hs_errf(err, errlen, "%s: %s", key, h->last_err);
    return rc;
  }
  hs_refresh_secrets(h, cid, api);
  return BMC_OK;
}

/* The pending keys' base names (malloc'd, n of them). */
static int
hs_pending_keys(struct hs_host *h, int64_t cid, const char *plugin,
                char ***out, size_t *n)
{
  struct hs_dbst *st;
  char **v = NULL, **nv, *k;
  size_t len, sl = strlen(HS_PENDING_SUFFIX);
  int s, rc = BMC_OK;

  *out = NULL;
  *n = 0;
  st = hs_stmt(h, "SELECT key FROM settings WHERE company_id = ?1 AND"
               " plugin = ?2 AND substr(key, length(key) - length(?3) + 1) ="
               " ?3 ORDER BY key");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, HS_PENDING_SUFFIX);
  while(!rc && (s = hs_db_step(st)) == HS_DB_ROW) {
    k = hs_strdup(hs_col_text(st, 0));
    nv = k ? realloc(v, (*n + 1) * sizeof(*v)) : NULL;
    if(!nv) {
      free(k);
      rc = BMC_ERR_NOMEM;
      break;
    }
    v = nv;
    len = strlen(k);
    k[len > sl ? len - sl : 0] = '\0';
    v[(*n)++] = k;
  }
  hs_db_reset(st);
  *out = v;
  return rc;
}

static void
hs_keys_free(char **v, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

/* 1 when (cid, plugin) stores an active value for key. */
static int
hs_has_active(struct hs_host *h, int64_t cid, const char *plugin,
              const char *key)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT 1 FROM settings WHERE company_id ="
                             " ? AND plugin = ? AND key = ?");
  int r;

  if(!st)
    return 0;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, plugin);
  hs_bind_text(st, 3, key);
  r = hs_db_step(st) == HS_DB_ROW;
  hs_db_reset(st);
  return r;
}

/* Move every pending value in, the active ones to "previous": one
 * transaction. */
static int
hs_rotation_swap(struct hs_host *h, int64_t cid,
                 const struct bmc_plugin_api *api, int64_t job_id)
{
  char **keys = NULL, slot[160], *plain = NULL;
  size_t n = 0, i;
  int rc;

  rc = hs_begin(h);
  if(rc)
    return rc;
  rc = hs_pending_keys(h, cid, api->name, &keys, &n);
  for(i = 0; !rc && i < n; i++) {
    if(hs_has_active(h, cid, api->name, keys[i])) {
      rc = hs_setting_lookup(h, cid, api, keys[i], &plain);
      snprintf(slot, sizeof(slot), "%s%s", keys[i], HS_PREVIOUS_SUFFIX);
      if(!rc)
        rc = hs_rot_put(h, cid, api->name, slot, plain);
      hs_secret_free(plain);
      plain = NULL;
    }
    snprintf(slot, sizeof(slot), "%s%s", keys[i], HS_PENDING_SUFFIX);
    if(!rc)
      rc = hs_setting_lookup(h, cid, api, slot, &plain);
    if(!rc)
      rc = hs_rot_put(h, cid, api->name, keys[i], plain);
    hs_secret_free(plain);
    plain = NULL;
  }
  hs_keys_free(keys, n);
  if(!rc)
    rc = hs_rot_drop(h, cid, api->name, HS_PENDING_SUFFIX);
  if(!rc)
    rc = hs_rot_state(h, cid, api->name, "serving", "swapped_ms", job_id,
                      NULL);
  if(rc) {
    hs_rollback(h);
    return rc;
  }
  return hs_commit(h);
}

int
hs_rotation_check(struct hs_host *h, const char *company, const char *plugin,
                  int64_t *job_id, char *err, size_t errlen)
{
  const struct bmc_plugin_api *api;
  const struct bmc_action *a;
  struct hs_inst *in;
  char **keys = NULL, reason[HS_ERRLEN];
  size_t n = 0;
  int64_t cid, id = 0;
  int rc, status = -1;

  rc = hs_resolve(h, company, plugin, &cid, &api, err, errlen);
  if(!rc)
    rc = hs_inst_get(h, company, plugin, &in, err, errlen);
  if(rc)
    return rc;
  a = hs_credentials_action(api);
  rc = hs_pending_keys(h, cid, plugin, &keys, &n);
  hs_keys_free(keys, n);
  if(rc)
    return rc;
  if(!n || !a) {
    hs_errf(err, errlen, "%s/%s has no pending secret to check", company,
            plugin);
    return BMC_ERR_NOT_FOUND;
  }
  rc = hs_job_run(h, company, plugin, a->id, HS_TRIGGER_ROTATION, NULL, 0,
                  &id, &status, err, errlen);
  if(job_id)
    *job_id = id;
  if(rc)
    return rc; /* busy: it stays pending for the scheduler */
  if(status == HS_JOB_COMPLETED) {
    rc = hs_rotation_swap(h, cid, api, id);
    if(rc) {
      hs_errf(err, errlen, "%s/%s: the pending value was accepted but could "
              "not be swapped in (%s); it stays pending", company, plugin,
              h->last_err);
      return rc;
    }
    hs_refresh_secrets(h, cid, api);
    hs_hostlog(h, BMC_LOG_INFO, "%s/%s: the pending credentials passed %s "
               "(job %lld) and are active; the previous ones are kept until "
               "every scheduled action has run once with them", company,
               plugin, a->id, (long long)id);
    return BMC_OK;
  }
  snprintf(reason, sizeof(reason), "%s", in->run_err[0] ? in->run_err
           : "the credential check did not complete");
  rc = hs_begin(h);
  if(!rc)
    rc = hs_rot_drop(h, cid, plugin, HS_PENDING_SUFFIX);
  if(!rc)
    rc = hs_rot_state(h, cid, plugin, "refused", "checked_ms", id, reason);
  if(!rc)
    rc = hs_commit(h);
  else
    hs_rollback(h);
  hs_refresh_secrets(h, cid, api);
  hs_errf(err, errlen, "%s/%s: the pending value was refused (job %lld): "
          "%s; the active value stays in use", company, plugin,
          (long long)id, reason);
  return rc ? rc : BMC_ERR_UNAUTHORIZED;
}

int
hs_rotations_due(struct hs_host *h)
{
  struct hs_dbst *st = NULL;
  char **v = NULL, **nv, err[HS_ERRLEN];
  size_t n = 0, i;
  int s, rc = BMC_OK;

  /* materialized first: each check writes */
  if(hs_db_prepare(h->db, "SELECT c.name, r.plugin FROM"
                   " credential_rotation r JOIN companies c ON c.id ="
                   " r.company_id WHERE r.state = 'pending' ORDER BY"
                   " r.staged_ms", &st) != HS_DB_OK)
    return BMC_ERR_INTERNAL;
  while(!rc && (s = hs_db_step(st)) == HS_DB_ROW) {
    nv = realloc(v, (n + 2) * sizeof(*v));
    if(!nv) {
      rc = BMC_ERR_NOMEM;
      break;
    }
    v = nv;
    v[n] = hs_strdup(hs_col_text(st, 0));
    v[n + 1] = hs_strdup(hs_col_text(st, 1));
    n += 2;
    if(!v[n - 2] || !v[n - 1])
      rc = BMC_ERR_NOMEM;
  }
  hs_db_finalize(st);
  for(i = 0; !rc && i < n; i += 2)
    if(hs_rotation_check(h, v[i], v[i + 1], NULL, err, sizeof(err)))
      hs_hostlog(h, BMC_LOG_WARN, "rotation: %s", err);
  hs_keys_free(v, n);
  return rc;
}

/* Every scheduled action that runs for (cid, api) has completed a job
 * that started at or after since_ms. */
static int
hs_full_cycle(struct hs_host *h, int64_t cid, const struct bmc_plugin_api *api,
              int64_t since_ms)
{
  struct hs_dbst *st;
  size_t i;
  int ok = 1;

  for(i = 0; ok && i < api->n_actions; i++) {
    const struct bmc_action *a = &api->actions[i];

    if(!(a->flags & BMC_ACTION_SCHEDULED) ||
       (a->enabled_by && !hs_setting_bool(h, cid, api, a->enabled_by, 0)))
      continue;
    st = hs_stmt(h, "SELECT (SELECT enabled FROM tasks WHERE company_id = ?1"
                 " AND plugin = ?2 AND action = ?3), EXISTS(SELECT 1 FROM"
                 " jobs WHERE company_id = ?1 AND plugin = ?2 AND action = ?3"
                 " AND status IN (2, 4) AND started_ms >= ?4)");
    if(!st)
      return 0;
    hs_db_bind_i64(st, 1, cid);
    hs_bind_text(st, 2, api->name);
    hs_bind_text(st, 3, a->id);
    hs_db_bind_i64(st, 4, since_ms);
    if(hs_db_step(st) == HS_DB_ROW)
      ok = hs_db_col_type(st, 0) != HS_DB_T_NULL &&
                   (int)hs_db_col_i64(st, 0) == 0
               ? 1 /* the task is switched off: it never runs */
               : (int)hs_db_col_i64(st, 1);
    else
      ok = 0;
    hs_db_reset(st);
  }
  return ok;
}

void
hs_rotation_after_job(struct hs_inst *in)
{
  struct hs_host *h = in->h;
  struct hs_dbst *st;
  int64_t swapped = 0;
  int rc;

  st = hs_stmt(h, "SELECT swapped_ms FROM credential_rotation WHERE"
               " company_id = ? AND plugin = ? AND state = 'serving'");
  if(!st)
    return;
  hs_db_bind_i64(st, 1, in->company_id);
  hs_bind_text(st, 2, in->api->name);
  if(hs_db_step(st) == HS_DB_ROW)
    swapped = hs_db_col_i64(st, 0);
  hs_db_reset(st);
  if(!swapped || !hs_full_cycle(h, in->company_id, in->api, swapped))
    return;
  rc = hs_begin(h);
  if(!rc)
    rc = hs_rot_drop(h, in->company_id, in->api->name, HS_PREVIOUS_SUFFIX);
  if(!rc)
    rc = hs_rot_state(h, in->company_id, in->api->name, "done", "retired_ms",
                      0, NULL);
  if(!rc)
    rc = hs_commit(h);
  else
    hs_rollback(h);
  if(rc) {
    hs_hostlog(h, BMC_LOG_ERROR, "rotation: cannot erase the previous "
               "credentials of %s/%s: %s", in->company, in->api->name,
               h->last_err);
    return;
  }
  hs_refresh_secrets(h, in->company_id, in->api);
  hs_job_log(in, BMC_LOG_INFO, "the previous credentials were erased: the "
             "new ones served every scheduled action once");
}
