/*
 * bm_rules.c -- the company's eligibility rules (seed 000's hardware
 * publication limits) read from a libconfig file, and their evaluation for
 * Ready To Post (pure: no host calls).
 *
 * File shape (see schemas/eligibility-rules.cfg):
 *   groups = ( { name = "computers"; device_types = ["laptop", ...];
 *                cpu_allowed = ["*core i[3579]-[89][0-9][0-9][0-9]*", ...];
 *                storage_types = ["SSD"]; min_storage_gb = 128;
 *                min_ram_gb = 8; min_release_year = 2017;
 *                max_release_year = 2025; }, ... );
 * A product is governed by the first group naming its device_type; every
 * setting of a group is optional (absent = no such rule).  CPU patterns are
 * fnmatch(3) globs compared case-insensitively.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bm_catalog_side.h"

struct bm_strv {
  int n;
  char **v;
};

struct bm_rgroup {
  char *name;
  struct bm_strv types, cpus, storage_types;
  int min_storage_gb, min_ram_gb, min_year, max_year; /* -1 = no rule */
};

struct bm_rules {
  int n;
  struct bm_rgroup *g;
};

static void
bm_strv_free(struct bm_strv *s)
{
  int i;

  for(i = 0; i < s->n; i++)
    free(s->v[i]);
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

void
bm_rules_free(struct bm_rules *r)
{
  int i;

  if(!r)
    return;
  for(i = 0; i < r->n; i++) {
    free(r->g[i].name);
    bm_strv_free(&r->g[i].types);
    bm_strv_free(&r->g[i].cpus);
    bm_strv_free(&r->g[i].storage_types);
  }
  free(r->g);
  free(r);
}

static void
bm_lower(char *s)
{
  for(; *s; s++)
    *s = (char)tolower((unsigned char)*s);
}

/* Read an optional array of strings `key` of group setting gs.  libconfig
 * strings are copied (they die with config_destroy). */
static int
bm_strv_read(const config_setting_t *gs, const char *key, int lower,
             struct bm_strv *out, char *err, size_t errlen)
{
  const config_setting_t *a = config_setting_get_member(gs, key);
  const char *s;
  int i, n;

  if(!a)
    return BMC_OK;
  if(!config_setting_is_array(a) && !config_setting_is_list(a)) {
    snprintf(err, errlen, "line %d: %s must be a list of strings",
             config_setting_source_line(a), key);
    return BMC_ERR_CONFIG;
  }
  n = config_setting_length(a);
  out->v = calloc((size_t)n + 1, sizeof(char *));
  if(!out->v) {
    snprintf(err, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  for(i = 0; i < n; i++) {
    s = config_setting_get_string_elem(a, i);
    if(!s) {
      snprintf(err, errlen, "line %d: %s[%d] is not a string",
               config_setting_source_line(a), key, i);
      return BMC_ERR_CONFIG;
    }
    out->v[i] = strdup(s);
    if(!out->v[i]) {
      snprintf(err, errlen, "out of memory");
      return BMC_ERR_NOMEM;
    }
    out->n++;
    if(lower)
      bm_lower(out->v[i]);
  }
  return BMC_OK;
}

static int
bm_int_read(const config_setting_t *gs, const char *key, int lo, int hi,
            int *out, char *err, size_t errlen)
{
  const config_setting_t *m = config_setting_get_member(gs, key);
  int v;

  *out = -1;
  if(!m)
    return BMC_OK;
  if(config_setting_type(m) != CONFIG_TYPE_INT) {
    snprintf(err, errlen, "line %d: %s must be an integer",
             config_setting_source_line(m), key);
    return BMC_ERR_CONFIG;
  }
  v = config_setting_get_int(m);
  if(v < lo || v > hi) {
    snprintf(err, errlen, "line %d: %s = %d is outside %d..%d",
             config_setting_source_line(m), key, v, lo, hi);
    return BMC_ERR_CONFIG;
  }
  *out = v;
  return BMC_OK;
}

static int
bm_group_read(const config_setting_t *gs, struct bm_rgroup *g, char *err,
              size_t errlen)
{
  const char *name = NULL;
  int rc;

  if(!config_setting_is_group(gs)) {
    snprintf(err, errlen, "line %d: each entry of groups must be a group "
             "{ ... }", config_setting_source_line(gs));
    return BMC_ERR_CONFIG;
  }
  if(!config_setting_lookup_string(gs, "name", &name)) {
    snprintf(err, errlen, "line %d: rule group has no name",
             config_setting_source_line(gs));
    return BMC_ERR_CONFIG;
  }
  g->name = strdup(name);
  if(!g->name) {
    snprintf(err, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  if((rc = bm_strv_read(gs, "device_types", 1, &g->types, err, errlen)) ||
     (rc = bm_strv_read(gs, "cpu_allowed", 1, &g->cpus, err, errlen)) ||
     (rc = bm_strv_read(gs, "storage_types", 0, &g->storage_types, err,
                        errlen)) ||
     (rc = bm_int_read(gs, "min_storage_gb", 0, 1 << 20, &g->min_storage_gb,
                       err, errlen)) ||
     (rc = bm_int_read(gs, "min_ram_gb", 0, 1 << 16, &g->min_ram_gb, err,
                       errlen)) ||
     (rc = bm_int_read(gs, "min_release_year", 1970, 2200, &g->min_year, err,
                       errlen)) ||
     (rc = bm_int_read(gs, "max_release_year", 1970, 2200, &g->max_year, err,
                       errlen)))
    return rc;
  if(!g->types.n) {
    snprintf(err, errlen, "line %d: rule group '%s' names no device_types",
             config_setting_source_line(gs), g->name);
    return BMC_ERR_CONFIG;
  }
  return BMC_OK;
}

static int
bm_rules_from(config_t *cfg, struct bm_rules **out, char *err, size_t errlen)
{
  const config_setting_t *groups = config_lookup(cfg, "groups");
  struct bm_rules *r;
  int i, n, rc;

  if(!groups || !config_setting_is_list(groups)) {
    snprintf(err, errlen, "rules file has no 'groups = ( ... );' list");
    return BMC_ERR_CONFIG;
  }
  r = calloc(1, sizeof(*r));
  n = config_setting_length(groups);
  if(!r || !(r->g = calloc((size_t)n + 1, sizeof(*r->g)))) {
    free(r);
    snprintf(err, errlen, "out of memory");
    return BMC_ERR_NOMEM;
  }
  for(i = 0; i < n; i++) {
    r->n++;
    rc = bm_group_read(config_setting_get_elem(groups, (unsigned)i),
                       &r->g[i], err, errlen);
    if(rc != BMC_OK) {
      bm_rules_free(r);
      return rc;
    }
  }
  *out = r;
  return BMC_OK;
}

static int
bm_rules_load(const char *path, const char *text, struct bm_rules **out,
              char *err, size_t errlen)
{
  config_t cfg;
  char sub[256];
  int ok, rc;

  *out = NULL;
  config_init(&cfg);
  ok = path ? config_read_file(&cfg, path) : config_read_string(&cfg, text);
  if(ok != CONFIG_TRUE) {
    snprintf(err, errlen, "%s:%d: %s", path ? path : "rules",
             config_error_line(&cfg),
             config_error_text(&cfg) ? config_error_text(&cfg)
                                     : "cannot read file");
    config_destroy(&cfg);
    return BMC_ERR_CONFIG;
  }
  rc = bm_rules_from(&cfg, out, sub, sizeof(sub));
  if(rc != BMC_OK)
    snprintf(err, errlen, "%s: %s", path ? path : "rules", sub);
  config_destroy(&cfg);
  return rc;
}

int
bm_rules_load_file(const char *path, struct bm_rules **out, char *err,
                   size_t errlen)
{
  return bm_rules_load(path, NULL, out, err, errlen);
}

int
bm_rules_load_string(const char *text, struct bm_rules **out, char *err,
                     size_t errlen)
{
  return bm_rules_load(NULL, text, out, err, errlen);
}

static int
bm_strv_has(const struct bm_strv *s, const char *v)
{
  int i;

  for(i = 0; i < s->n; i++)
    if(!strcasecmp(s->v[i], v))
      return 1;
  return 0;
}

static int
bm_cpu_allowed(const struct bm_strv *pats, const char *cpu)
{
  char low[256];
  int i;

  snprintf(low, sizeof(low), "%s", cpu);
  bm_lower(low);
  for(i = 0; i < pats->n; i++)
    if(fnmatch(pats->v[i], low, 0) == 0)
      return 1;
  return 0;
}

static void
bm_join(const struct bm_strv *s, char *buf, size_t len)
{
  size_t used = 0;
  int i, w;

  buf[0] = '\0';
  for(i = 0; i < s->n && used < len; i++) {
    w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", s->v[i]);
    if(w < 0)
      break;
    used += (size_t)w;
  }
}

int
bm_rules_check(const struct bm_rules *r, const struct bmc_product *p,
               struct bm_reasons *out)
{
  const struct bm_rgroup *g = NULL;
  const char *dt = p->device_type;
  char list[128];
  int i, before = out->count;

  if(!r || !dt || !*dt)
    return 0;
  for(i = 0; i < r->n && !g; i++)
    if(bm_strv_has(&r->g[i].types, dt))
      g = &r->g[i];
  if(!g)
    return 0;
  if(g->cpus.n) {
    if(!p->cpu || !*p->cpu)
      bm_reasons_add(out, "CPU missing (%s rule: Windows 11 capable CPU)",
                     g->name);
    else if(!bm_cpu_allowed(&g->cpus, p->cpu))
      bm_reasons_add(out, "CPU '%s' is not Windows 11 capable (%s rule)",
                     p->cpu, g->name);
  }
  if(g->storage_types.n) {
    bm_join(&g->storage_types, list, sizeof(list));
    if(!p->storage_type || !*p->storage_type)
      bm_reasons_add(out, "Storage type missing (%s rule: %s)", g->name,
                     list);
    else if(!bm_strv_has(&g->storage_types, p->storage_type))
      bm_reasons_add(out, "Storage type %s not allowed (%s rule: %s)",
                     p->storage_type, g->name, list);
  }
  if(g->min_storage_gb > 0) {
    if(p->storage_gb < 0)
      bm_reasons_add(out, "Storage size missing (%s rule: >= %d GB)",
                     g->name, g->min_storage_gb);
    else if(p->storage_gb < g->min_storage_gb)
      bm_reasons_add(out, "Storage %d GB below %d GB (%s rule)",
                     p->storage_gb, g->min_storage_gb, g->name);
  }
  if(g->min_ram_gb > 0) {
    if(p->ram_gb < 0)
      bm_reasons_add(out, "RAM missing (%s rule: >= %d GB)", g->name,
                     g->min_ram_gb);
    else if(p->ram_gb < g->min_ram_gb)
      bm_reasons_add(out, "RAM %d GB below %d GB (%s rule)", p->ram_gb,
                     g->min_ram_gb, g->name);
  }
  if(g->min_year > 0 || g->max_year > 0) {
    if(p->release_year < 0)
      bm_reasons_add(out, "Release year missing (%s rule)", g->name);
    else if((g->min_year > 0 && p->release_year < g->min_year) ||
            (g->max_year > 0 && p->release_year > g->max_year))
      bm_reasons_add(out, "Release year %d outside %d-%d (%s rule)",
                     p->release_year, g->min_year > 0 ? g->min_year : 0,
                     g->max_year > 0 ? g->max_year : 9999, g->name);
  }
  return out->count - before;
}
