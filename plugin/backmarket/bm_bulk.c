/*
 * bm_bulk.c -- Back Market's bulk CSV endpoint: POST /ws/listings with the
 * catalog CSV, then GET /ws/tasks/{id} polled (host->wait_ms, so virtual
 * time in tests) until the task ends; each row's outcome (listing id or
 * Back Market's reason) goes to the caller's callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_buf.h"
#include "pc_gate.h"
#include "pc_http.h"
#include "pc_json.h"

#define BM_BULK_POLL_FIRST_MS 2000
#define BM_BULK_POLL_MAX_MS 30000

/* Back Market's reason for a row into buf: a string; an object's
 * error/message/reason/detail text; an "errors" list joined with "; ";
 * else the JSON itself. */
static const char *
bm_bulk_reason(struct json_object *v, char *buf, size_t len)
{
  static const char *const keys[] = {"errors", "error", "message", "reason",
                                     "detail"};
  struct json_object *m = v, *e;
  size_t i, used = 0;
  int w;

  if(json_object_is_type(v, json_type_object))
    for(i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
      if(json_object_object_get_ex(v, keys[i], &e) && e) {
        m = e;
        break;
      }
  if(json_object_is_type(m, json_type_array)) {
    buf[0] = '\0';
    for(i = 0; i < json_object_array_length(m) && used < len; i++) {
      e = json_object_array_get_idx(m, i);
      w = snprintf(buf + used, len - used, "%s%s", i ? "; " : "",
                   pc_json_text(e) ? pc_json_text(e)
                                   : json_object_to_json_string_ext(
                                         e, JSON_C_TO_STRING_PLAIN));
      if(w < 0)
        break;
      used += (size_t)w;
    }
    return buf;
  }
  snprintf(buf, len, "%s", pc_json_text(m) ? pc_json_text(m)
                                           : json_object_to_json_string_ext(
                                                 m, JSON_C_TO_STRING_PLAIN));
  return buf;
}

/* The listing id of a success entry: the UUID "id" when present, else the
 * legacy integer "listing_id". */
static void
bm_bulk_listing_id(struct json_object *v, char *buf, size_t len)
{
  struct json_object *m;

  buf[0] = '\0';
  if(!json_object_is_type(v, json_type_object))
    return;
  if(json_object_object_get_ex(v, "id", &m) && pc_json_text(m))
    snprintf(buf, len, "%s", pc_json_text(m));
  else if(json_object_object_get_ex(v, "listing_id", &m) &&
          ((json_object_is_type(m, json_type_int) &&
            pc_json_int_in_range(m)) || pc_json_text(m)))
    snprintf(buf, len, "%s", json_object_get_string(m));
}

/* Row SKU of a result entry: its "sku" member, else the key. */
static const char *
bm_bulk_entry_sku(const char *key, struct json_object *v)
{
  struct json_object *m;

  const char *s;

  if(json_object_is_type(v, json_type_object) &&
     json_object_object_get_ex(v, "sku", &m) && (s = pc_json_text(m)))
    return s;
  return key;
}

/* Report the outcome of every row of a finished task. */
int
bm_bulk_rows(struct json_object *result, const char *const *skus,
             size_t n_rows, int task_ok, bm_bulk_row_fn row_fn, void *ud)
{
  struct json_object *succ = NULL, *errs = NULL;
  struct bm_smap seen; /* sku -> row index; -1 once reported */
  char lid[80], reason[400];
  size_t i;
  int64_t idx;

  bm_smap_init(&seen);
  for(i = 0; i < n_rows; i++)
    if(bm_smap_put(&seen, skus[i], (int64_t)i) != BMC_OK) {
      bm_smap_free(&seen);
      return BMC_ERR_NOMEM;
    }
  if(result && json_object_is_type(result, json_type_object)) {
    json_object_object_get_ex(result, "product_errors", &errs);
    json_object_object_get_ex(result, "product_success", &succ);
  }
  if(errs && json_object_is_type(errs, json_type_object)) {
    json_object_object_foreach(errs, k, v) {
      const char *sku = bm_bulk_entry_sku(k, v);

      if(bm_smap_get(&seen, sku, &idx) && idx >= 0) {
        const char *why = bm_bulk_reason(v, reason, sizeof(reason));
        row_fn(ud, skus[idx], 0, NULL,
               *why ? why : "refused by Back Market (no reason given)");
        bm_smap_put(&seen, sku, -1);
      }
    }
  }
  if(succ && json_object_is_type(succ, json_type_object)) {
    json_object_object_foreach(succ, k, v) {
      const char *sku = bm_bulk_entry_sku(k, v);

      if(bm_smap_get(&seen, sku, &idx) && idx >= 0) {
        bm_bulk_listing_id(v, lid, sizeof(lid));
        row_fn(ud, skus[idx], 1, lid[0] ? lid : NULL, NULL);
        bm_smap_put(&seen, sku, -1);
      }
    }
  }
  for(i = 0; i < n_rows; i++)
    if(bm_smap_get(&seen, skus[i], &idx) && idx >= 0) {
      row_fn(ud, skus[i], task_ok, NULL,
             task_ok ? NULL : "row not reported by the task");
      bm_smap_put(&seen, skus[i], -1);
    }
  bm_smap_free(&seen);
  return BMC_OK;
}

int
bm_bulk_task_id(struct json_object *j, int64_t *task_id, char *err,
                size_t errlen)
{
  static const char *const keys[] = {"bodymessage", "task_id", "id"};
  struct json_object *v = NULL;
  const char *key = NULL;
  const char *s;
  size_t i;

  *task_id = 0;
  for(i = 0; i < sizeof(keys) / sizeof(keys[0]) && !key; i++)
    if(json_object_is_type(j, json_type_object) &&
       json_object_object_get_ex(j, keys[i], &v) && v)
      key = keys[i];
  if(!key) {
    snprintf(err, errlen, "the answer has no task id (bodymessage)");
    return BMC_ERR_PROTOCOL;
  }
  if(json_object_is_type(v, json_type_int) && pc_json_int_in_range(v))
    *task_id = json_object_get_int64(v);
  else if((s = pc_json_text(v)) && *s && strlen(s) <= 18 &&
          strspn(s, "0123456789") == strlen(s))
    *task_id = strtoll(s, NULL, 10);
  if(*task_id > 0)
    return BMC_OK;
  *task_id = 0;
  snprintf(err, errlen, "the task id in the answer (%s) is %.60s, expected "
           "a positive integer", key,
           json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
  return BMC_ERR_PROTOCOL;
}

int
bm_bulk_status(struct json_object *j, int64_t task_id, int64_t *status,
               const char **last_error, struct json_object **result,
               char *err, size_t errlen)
{
  struct json_object *v;
  int64_t other;
  char sub[160];

  *status = -1;
  *last_error = NULL;
  *result = NULL;
  if(pc_json_int(j, "action_status", 1, status, sub, sizeof(sub))) {
    snprintf(err, errlen, "bulk task %lld: %s", (long long)task_id, sub);
    return BMC_ERR_PROTOCOL;
  }
  if(pc_json_int(j, "task_id", 0, &other, NULL, 0) == BMC_OK &&
     other != task_id) {
    snprintf(err, errlen, "bulk task %lld: the status answer is about task "
             "%lld", (long long)task_id, (long long)other);
    return BMC_ERR_PROTOCOL;
  }
  if(*status == 8 &&
     (pc_json_str(j, "last_action_error", 0, last_error, NULL, 0) != BMC_OK ||
      !**last_error))
    *last_error = "no reason given";
  if(json_object_object_get_ex(j, "result", &v))
    *result = v;
  return BMC_OK;
}

static int
bm_bulk_submit(struct bm_inst *bi, const char *lang, const char *csv,
               const struct bmc_change *changes, size_t n, int64_t *task_id,
               char *errbuf, size_t errlen)
{
  struct pc_http_resp resp;
  struct json_object *j = NULL;
  struct pc_buf body;
  char err[200];
  int rc;

  pc_buf_init(&body, 0);
  rc = pc_buf_adds(&body, "{\"catalog\":");
  if(rc == BMC_OK)
    rc = pc_json_quote(&body, csv);
  if(rc == BMC_OK)
    rc = pc_buf_adds(&body, ",\"quotechar\":\"\\\"\",\"delimiter\":\",\","
                     "\"encoding\":\"utf-8\",\"header\":true}");
  if(rc != BMC_OK) {
    pc_buf_free(&body);
    snprintf(errbuf, errlen, "bulk CSV: cannot build the request body");
    return rc;
  }
  memset(&resp, 0, sizeof(resp));
  rc = bm_cat_send(bi, "POST", "/ws/listings", lang, pc_buf_str(&body),
                   BM_BUDGET_CATALOG, &resp);
  pc_buf_free(&body);
  if(rc != BMC_OK) {
    snprintf(errbuf, errlen, "bulk CSV upload refused (HTTP %ld): %.200s",
             resp.status, resp.body ? resp.body : resp.error);
    if(changes && rc != BMC_ERR_BUDGET)
      pc_gate_record(bi->host, bi->hctx, changes, n,
                     rc == BMC_ERR_REMOTE_REJECT ? "rejected" : "failed",
                     resp.request_id, errbuf);
    pc_http_resp_clear(&resp);
    return rc;
  }
  j = pc_json_parse(resp.body ? resp.body : "", resp.len, err, sizeof(err));
  rc = j ? bm_bulk_task_id(j, task_id, err, sizeof(err)) : BMC_ERR_PROTOCOL;
  json_object_put(j);
  if(rc != BMC_OK)
    snprintf(errbuf, errlen, "bulk CSV upload: %s; nothing is recorded and "
             "the changes go again next run", err);
  if(changes) {
    char tid[40], detail[160];

    snprintf(tid, sizeof(tid), "task:%lld", (long long)*task_id);
    snprintf(detail, sizeof(detail), "bulk upload, X-Request-Id %.80s",
             resp.request_id[0] ? resp.request_id : "(none)");
    pc_gate_record(bi->host, bi->hctx, changes, n,
                   rc == BMC_OK ? "submitted" : "failed",
                   rc == BMC_OK ? tid : resp.request_id,
                   rc == BMC_OK ? detail : errbuf);
  }
  pc_http_resp_clear(&resp);
  return rc;
}

int
bm_bulk_run(struct bm_inst *bi, const char *lang, const char *csv,
            const char *const *skus, size_t n_rows,
            const struct bmc_change *changes, bm_bulk_row_fn row_fn,
            void *ud, char *errbuf, size_t errlen)
{
  struct pc_http_resp resp;
  struct json_object *j, *result = NULL;
  const char *lerr = NULL;
  int64_t task_id = 0, status = -1, waited = 0, poll = BM_BULK_POLL_FIRST_MS;
  int64_t timeout_ms = bm_cset_int(bi, "bulk_task_timeout_s", 900) * 1000;
  char target[64], err[200];
  int rc;

  struct bmc_change *copy = NULL;

  if(changes)
    changes = bm_changes_for(bi, changes, n_rows, &copy);
  if(pc_gate_dry(bi->host, bi->hctx)) {
    if(changes)
      pc_gate_record(bi->host, bi->hctx, changes, n_rows, "dry_run", NULL,
                     NULL);
    free(copy);
    bm_log(bi, BMC_LOG_INFO, "dry run: bulk upload of %zu rows not sent",
           n_rows);
    return PC_GATE_DRY;
  }
  rc = bm_bulk_submit(bi, lang, csv, changes, n_rows, &task_id, errbuf,
                      errlen);
  free(copy);
  if(rc != BMC_OK)
    return rc;
  bm_log(bi, BMC_LOG_INFO, "bulk task %lld: %zu rows submitted (%s)",
         (long long)task_id, n_rows, lang ? lang : "default market");
  snprintf(target, sizeof(target), "/ws/tasks/%lld", (long long)task_id);
  for(;;) {
    if(waited >= timeout_ms) {
      snprintf(errbuf, errlen, "bulk task %lld still running after %lld s; "
               "its values are not recorded and go again next run",
               (long long)task_id, (long long)(waited / 1000));
      return BMC_ERR_REMOTE_RETRY;
    }
    bi->host->wait_ms(bi->hctx, poll);
    waited += poll;
    poll = poll * 3 / 2 > BM_BULK_POLL_MAX_MS ? BM_BULK_POLL_MAX_MS
                                               : poll * 3 / 2;
    memset(&resp, 0, sizeof(resp));
    rc = bm_cat_send(bi, "GET", target, lang, NULL, BM_BUDGET_CATALOG, &resp);
    if(rc == BMC_ERR_BUDGET) {
      pc_http_resp_clear(&resp);
      continue; /* the catalog budget refilled by the next poll */
    }
    if(rc != BMC_OK) {
      snprintf(errbuf, errlen, "bulk task %lld: status request failed "
               "(HTTP %ld): %.200s", (long long)task_id, resp.status,
               resp.body ? resp.body : resp.error);
      pc_http_resp_clear(&resp);
      return rc;
    }
    j = pc_json_parse(resp.body ? resp.body : "", resp.len, err, sizeof(err));
    pc_http_resp_clear(&resp);
    if(!j || bm_bulk_status(j, task_id, &status, &lerr, &result, err,
                            sizeof(err))) {
      if(j)
        snprintf(errbuf, errlen, "%s", err);
      else
        snprintf(errbuf, errlen, "bulk task %lld: %s", (long long)task_id,
                 err);
      json_object_put(j);
      return BMC_ERR_PROTOCOL;
    }
    if(status == 8) {
      snprintf(errbuf, errlen, "bulk task %lld failed: %s",
               (long long)task_id, lerr);
      json_object_put(j);
      return BMC_ERR_REMOTE_REJECT;
    }
    if(status == 9) {
      rc = bm_bulk_rows(result, skus, n_rows, 1, row_fn, ud);
      json_object_put(j);
      bm_log(bi, BMC_LOG_INFO, "bulk task %lld done after %lld s",
             (long long)task_id, (long long)(waited / 1000));
      return rc;
    }
    json_object_put(j);
  }
}
