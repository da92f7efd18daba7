/*
 * hs_invcalc.c -- the host's Custom Inventory Calculation, per company
 * (seed 004: "if you have a plugin for Custom Inventory Calculation"):
 * the company's spec ("percent:N", built in, or "module:PATH[:ARGS]", a
 * dlopen'ed module with its own entry point, bmc_invcalc_entry), its
 * validation and storage, the loaded modules (checked like plugins:
 * magic, major, minor, size, callback), and the inventory_quantity host
 * service that plugins call when their setting asks for it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>

#include "hs_config.h"
#include "hs_internal.h"

#define HS_CALC_SPEC_MAX 600

struct hs_calcmod {
  char *path;
  void *dl;
  const struct bmc_invcalc_api *api;
  struct hs_calcmod *next;
};

/* A parsed spec: percent (1..100) or a module path and its args. */
struct hs_calc {
  int percent;         /* 0 for a module */
  char path[512];
  const char *args;    /* into the spec text */
};

static int
hs_calc_parse(const char *spec, struct hs_calc *c, char *err, size_t errlen)
{
  const char *p, *colon;
  char *end;
  long v;

  memset(c, 0, sizeof(*c));
  if(!strncmp(spec, "percent:", 8)) {
    p = spec + 8;
    v = (*p >= '0' && *p <= '9') ? strtol(p, &end, 10) : 0;
    if(!v || *end || v < 1 || v > 100) {
      hs_errf(err, errlen, "inventory calculation '%.60s': expected "
              "percent:N with a whole N of 1..100", spec);
      return BMC_ERR_CONFIG;
    }
    c->percent = (int)v;
    return BMC_OK;
  }
  if(!strncmp(spec, "module:", 7) && spec[7]) {
    p = spec + 7;
    colon = strchr(p, ':');
    if((size_t)(colon ? colon - p : (ptrdiff_t)strlen(p)) >=
       sizeof(c->path)) {
      hs_errf(err, errlen, "inventory calculation: module path too long");
      return BMC_ERR_CONFIG;
    }
    snprintf(c->path, sizeof(c->path), "%.*s",
             (int)(colon ? colon - p : (ptrdiff_t)strlen(p)), p);
    c->args = colon ? colon + 1 : "";
    return BMC_OK;
  }
  hs_errf(err, errlen, "inventory calculation '%.60s': expected percent:N, "
          "module:PATH[:ARGS] or none", spec);
  return BMC_ERR_CONFIG;
}

/* The loaded module at path (loaded and checked on first use). */
static int
hs_calcmod_get(struct hs_host *h, const char *path,
               const struct bmc_invcalc_api **out, char *err, size_t errlen)
{
  const struct bmc_invcalc_api *api;
  struct hs_calcmod *m;
  bmc_invcalc_entry_fn entry;
  void *dl, *sym;
  size_t need = offsetof(struct bmc_invcalc_api, quantity) +
                sizeof(api->quantity);

  for(m = h->calcmods; m; m = m->next)
    if(!strcmp(m->path, path)) {
      *out = m->api;
      return BMC_OK;
    }
  dl = hs_dl_open(path, err, errlen);
  if(!dl)
    return BMC_ERR_CONFIG;
  dlerror();
  sym = dlsym(dl, BMC_INVCALC_ENTRY_SYMBOL);
  if(!sym) {
    hs_errf(err, errlen, "%s: entry symbol '%s' not found: not an inventory "
            "calculation module", path, BMC_INVCALC_ENTRY_SYMBOL);
    hs_dl_close(dl);
    return BMC_ERR_CONFIG;
  }
  memcpy(&entry, &sym, sizeof(entry));
  api = entry();
  if(!api || api->hdr.magic != BMC_ABI_MAGIC) {
    hs_errf(err, errlen, "%s: ABI magic mismatch: expected 0x%08" PRIx32
            ", found 0x%08" PRIx32, path, (uint32_t)BMC_ABI_MAGIC,
            api ? api->hdr.magic : 0u);
  }
  else if(api->hdr.major != BMC_ABI_MAJOR || api->hdr.minor > BMC_ABI_MINOR) {
    hs_errf(err, errlen, "%s: ABI version mismatch: expected %d.x up to "
            "%d.%d, found %u.%u (rebuild the module against this host's "
            "bmc_plugin.h)", path, BMC_ABI_MAJOR, BMC_ABI_MAJOR,
            BMC_ABI_MINOR, (unsigned)api->hdr.major,
            (unsigned)api->hdr.minor);
  }
  else if(api->hdr.size < need || !api->quantity) {
    hs_errf(err, errlen, "%s: calculation table too small or without "
            "quantity(): expected at least %zu bytes, found %" PRIu32, path,
            need, api->hdr.size);
  }
  else {
    m = calloc(1, sizeof(*m));
    if(m && (m->path = hs_strdup(path)) != NULL) {
      m->dl = dl;
      m->api = api;
      m->next = h->calcmods;
      h->calcmods = m;
      *out = api;
      return BMC_OK;
    }
    free(m);
    hs_errf(err, errlen, "%s: out of memory", path);
  }
  hs_dl_close(dl);
  return BMC_ERR_CONFIG;
}

void
hs_invcalc_close(struct hs_host *h)
{
  struct hs_calcmod *m, *next;

  for(m = h->calcmods; m; m = next) {
    next = m->next;
    hs_dl_close(m->dl);
    free(m->path);
    free(m);
  }
  h->calcmods = NULL;
}

/* The quantity of p under spec. */
static int
hs_calc_run(struct hs_host *h, const char *spec, const struct bmc_product *p,
            int64_t *qty, char *err, size_t errlen)
{
  const struct bmc_invcalc_api *api;
  struct hs_calc c;
  char merr[HS_ERRLEN] = "";
  int64_t a = p->available_qty, q = 0;
  int rc;

  rc = hs_calc_parse(spec, &c, err, errlen);
  if(rc)
    return rc;
  if(c.percent) {
    /* floor(a * pct / 100) without overflow */
    *qty = a <= 0 ? 0 : (a / 100) * c.percent + (a % 100) * c.percent / 100;
    return BMC_OK;
  }
  rc = hs_calcmod_get(h, c.path, &api, err, errlen);
  if(rc)
    return rc;
  rc = api->quantity(c.args, p, &q, merr, sizeof(merr));
  if(rc) {
    hs_errf(err, errlen, "inventory calculation %s failed for %s: %s",
            api->name ? api->name : c.path, p->sku ? p->sku : "?",
            merr[0] ? merr : hs_rc_name(rc));
    return BMC_ERR_INTERNAL;
  }
  if(q < 0) {
    hs_errf(err, errlen, "inventory calculation %s gave %" PRId64 " for %s "
            "(expected a quantity >= 0)", api->name ? api->name : c.path, q,
            p->sku ? p->sku : "?");
    return BMC_ERR_INTERNAL;
  }
  *qty = q;
  return BMC_OK;
}

/* The stored spec of company cid (malloc'd) or NULL. */
static char *
hs_calc_spec(struct hs_host *h, int64_t cid)
{
  struct hs_dbst *st = hs_stmt(h, "SELECT spec FROM company_inventory_calc"
                             " WHERE company_id = ?");
  char *spec = NULL;

  if(!st)
    return NULL;
  hs_db_bind_i64(st, 1, cid);
  if(hs_db_step(st) == HS_DB_ROW)
    spec = hs_strdup(hs_col_text(st, 0));
  hs_db_reset(st);
  return spec;
}

int
hs_company_invcalc_set(struct hs_host *h, const char *company,
                       const char *spec, char *err, size_t errlen)
{
  const struct bmc_invcalc_api *api;
  struct hs_calc c;
  struct hs_dbst *st;
  int64_t cid;
  int rc;

  if(!h || !company) {
    hs_errf(err, errlen, "inventory calculation: no company");
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, company, &cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  if(!spec || !*spec || !strcmp(spec, "none")) {
    st = hs_stmt(h, "DELETE FROM company_inventory_calc WHERE company_id ="
                 " ?");
    if(!st)
      return BMC_ERR_INTERNAL;
    hs_db_bind_i64(st, 1, cid);
    rc = hs_write_rc(hs_step_write(h, st));
    if(rc)
      hs_errf(err, errlen, "inventory calculation: %s", h->last_err);
    hs_db_reset(st);
    return rc;
  }
  if(strlen(spec) > HS_CALC_SPEC_MAX || hs_text_control_at(spec) >= 0) {
    hs_errf(err, errlen, "inventory calculation: expected one line of at "
            "most %d characters", HS_CALC_SPEC_MAX);
    return BMC_ERR_CONFIG;
  }
  rc = hs_calc_parse(spec, &c, err, errlen);
  if(!rc && !c.percent)
    rc = hs_calcmod_get(h, c.path, &api, err, errlen);
  if(rc)
    return rc;
  st = hs_stmt(h, "INSERT INTO company_inventory_calc(company_id, spec,"
               " updated_ms) VALUES(?, ?, ?) ON CONFLICT(company_id) DO"
               " UPDATE SET spec = excluded.spec, updated_ms ="
               " excluded.updated_ms");
  if(!st)
    return BMC_ERR_INTERNAL;
  hs_db_bind_i64(st, 1, cid);
  hs_bind_text(st, 2, spec);
  hs_db_bind_i64(st, 3, hs_clock_now(h));
  rc = hs_write_rc(hs_step_write(h, st));
  if(rc)
    hs_errf(err, errlen, "inventory calculation: %s", h->last_err);
  hs_db_reset(st);
  return rc;
}

int
hs_company_invcalc_get(struct hs_host *h, const char *company, char *buf,
                       size_t buflen)
{
  int64_t cid;
  char *spec;
  int rc;

  if(!h || !company)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  spec = hs_calc_spec(h, cid);
  rc = spec ? hs_copy(buf, buflen, spec) : BMC_ERR_NOT_FOUND;
  free(spec);
  return rc;
}

int
hs_company_invcalc_quantity(struct hs_host *h, const char *company,
                            const struct bmc_product *p, int64_t *qty,
                            char *err, size_t errlen)
{
  int64_t cid;
  char *spec;
  int rc;

  if(!h || !company || !p || !qty)
    return BMC_ERR_INVALID_ARG;
  if(hs_company_find(h, company, &cid))
    return BMC_ERR_NOT_FOUND;
  spec = hs_calc_spec(h, cid);
  if(!spec) {
    hs_errf(err, errlen, "company '%s' has no inventory calculation",
            company);
    return BMC_ERR_NOT_FOUND;
  }
  rc = hs_calc_run(h, spec, p, qty, err, errlen);
  free(spec);
  return rc;
}

int
hs_invcalc_quantity_in(struct hs_inst *in, const struct bmc_product *p,
                       int64_t *qty)
{
  char err[HS_ERRLEN], line[HS_ERRLEN + 32];
  char *spec = hs_calc_spec(in->h, in->company_id);
  int rc;

  if(!spec)
    return BMC_ERR_NOT_FOUND;
  rc = hs_calc_run(in->h, spec, p, qty, err, sizeof(err));
  free(spec);
  if(rc) {
    snprintf(line, sizeof(line), "%s", err);
    hs_job_log(in, BMC_LOG_ERROR, line);
    return BMC_ERR_INTERNAL;
  }
  return BMC_OK;
}
