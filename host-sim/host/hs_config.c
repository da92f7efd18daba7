/*
 * hs_config.c -- host.cfg: check its text (hs_config_text.c), parse it
 * with libconfig into struct hs_config
 * (copies of every string, source lines kept), check every Toolbox value
 * against the plugin's settings schema (hs_setting_validate, in
 * hs_setting_check.c), then across fields (an enabled plugin has its
 * required settings).
 * WARNING: messages never quote the value of a SECRET setting.
 */
#include <errno.h>
#include <inttypes.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_config.h"
#include "hs_host.h" /* HS_WORKER_LEASE_DEFAULT_S */

void
hs_cfg_errf(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;

  if(!err || !errlen)
    return;
  va_start(ap, fmt);
  if(vsnprintf(err, errlen, fmt, ap) < 0)
    err[0] = '\0';
  va_end(ap);
}

static char *
hs_cfg_strdup(const char *s)
{
  size_t n;
  char *d;

  if(!s)
    return NULL;
  n = strlen(s) + 1;
  d = malloc(n);
  if(d)
    memcpy(d, s, n);
  return d;
}

/* ---- reading host.cfg ---- */

struct hs_cfg_reader {
  const char *file; /* for messages */
  char *err;
  size_t errlen;
};

static int hs_cfg_fail(struct hs_cfg_reader *r, const config_setting_t *at,
                       const char *fmt, ...) BMC_PRINTF(3, 4);

/* "file:line: <message>"; returns BMC_ERR_CONFIG. */
static int
hs_cfg_fail(struct hs_cfg_reader *r, const config_setting_t *at,
            const char *fmt, ...)
{
  char msg[512];
  va_list ap;

  va_start(ap, fmt);
  if(vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
    msg[0] = '\0';
  va_end(ap);
  hs_cfg_errf(r->err, r->errlen, "%s:%u: %s", r->file,
              at ? (unsigned)config_setting_source_line(at) : 0u, msg);
  return BMC_ERR_CONFIG;
}

static int
hs_cfg_nomem(struct hs_cfg_reader *r)
{
  hs_cfg_errf(r->err, r->errlen, "%s: out of memory", r->file);
  return BMC_ERR_NOMEM;
}

static const char *
hs_cfg_type_name(int t)
{
  switch(t) {
  case CONFIG_TYPE_GROUP:
    return "a group { ... }";
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    return "an integer";
  case CONFIG_TYPE_FLOAT:
    return "a floating point number";
  case CONFIG_TYPE_STRING:
    return "a string";
  case CONFIG_TYPE_BOOL:
    return "a bool";
  case CONFIG_TYPE_ARRAY:
    return "an array [ ... ]";
  case CONFIG_TYPE_LIST:
    return "a list ( ... )";
  }
  return "nothing";
}

/* A heap copy of the string setting s (which must be a string). */
static int
hs_cfg_get_string(struct hs_cfg_reader *r, const config_setting_t *s,
                  const char *what, char **out)
{
  const char *v;

  if(config_setting_type(s) != CONFIG_TYPE_STRING)
    return hs_cfg_fail(r, s, "%s: expected a string, found %s", what,
                       hs_cfg_type_name(config_setting_type(s)));
  v = config_setting_get_string(s);
  if(!v)
    return hs_cfg_fail(r, s, "%s: cannot read the string", what);
  if(hs_text_control_at(v) >= 0)
    return hs_cfg_fail(r, s, "%s: contains a control character (byte "
                       "0x%02x at offset %ld); write it on one line without "
                       "escapes such as \\n", what,
                       (unsigned)(unsigned char)v[hs_text_control_at(v)],
                       hs_text_control_at(v));
  /* libconfig strings die with config_destroy(): copy. */
  *out = hs_cfg_strdup(v);
  return *out ? BMC_OK : hs_cfg_nomem(r);
}

static int
hs_cfg_read_entry(struct hs_cfg_reader *r, const char *plugin,
                  const config_setting_t *s, struct hs_cfg_entry *e)
{
  char num[64];
  const char *text = num;
  int t = config_setting_type(s);

  e->line = (int)config_setting_source_line(s);
  switch(t) {
  case CONFIG_TYPE_BOOL:
    e->type = HS_CFG_BOOL;
    text = config_setting_get_bool(s) ? "true" : "false";
    break;
  case CONFIG_TYPE_INT:
  case CONFIG_TYPE_INT64:
    e->type = HS_CFG_INT;
    if(snprintf(num, sizeof(num), "%lld",
                (long long)config_setting_get_int64(s)) < 0)
      return hs_cfg_fail(r, s, "%s.%s: cannot format the number", plugin,
                         config_setting_name(s));
    break;
  case CONFIG_TYPE_FLOAT:
    e->type = HS_CFG_FLOAT;
    if(snprintf(num, sizeof(num), "%.15g", config_setting_get_float(s)) < 0)
      return hs_cfg_fail(r, s, "%s.%s: cannot format the number", plugin,
                         config_setting_name(s));
    break;
  case CONFIG_TYPE_STRING:
    e->type = HS_CFG_STRING;
    text = config_setting_get_string(s);
    if(!text)
      return hs_cfg_fail(r, s, "%s.%s: cannot read the string", plugin,
                         config_setting_name(s));
    break;
  default:
    return hs_cfg_fail(r, s, "%s.%s: expected a single value (bool, "
                       "number or string), found %s", plugin,
                       config_setting_name(s), hs_cfg_type_name(t));
  }
  e->key = hs_cfg_strdup(config_setting_name(s));
  e->value = hs_cfg_strdup(text);
  return e->key && e->value ? BMC_OK : hs_cfg_nomem(r);
}

static int
hs_cfg_read_plugin(struct hs_cfg_reader *r, const config_setting_t *g,
                   struct hs_cfg_plugin *p)
{
  const char *name = config_setting_name(g);
  config_setting_t *m;
  int i, n, rc;

  p->line = (int)config_setting_source_line(g);
  p->name = hs_cfg_strdup(name);
  if(!p->name)
    return hs_cfg_nomem(r);
  if(config_setting_type(g) != CONFIG_TYPE_GROUP)
    return hs_cfg_fail(r, g, "plugin %s: expected a group { enabled = ...; "
                       "... }, found %s", name,
                       hs_cfg_type_name(config_setting_type(g)));
  n = config_setting_length(g);
  if(n > 0) {
    p->entries = calloc((size_t)n, sizeof(*p->entries));
    if(!p->entries)
      return hs_cfg_nomem(r);
  }
  for(i = 0; i < n; i++) {
    m = config_setting_get_elem(g, (unsigned)i);
    if(!m)
      return hs_cfg_fail(r, g, "plugin %s: cannot read member %d", name, i);
    if(!strcmp(config_setting_name(m), "enabled")) {
      if(config_setting_type(m) != CONFIG_TYPE_BOOL)
        return hs_cfg_fail(r, m, "%s.enabled: expected a bool (true or "
                           "false), found %s", name,
                           hs_cfg_type_name(config_setting_type(m)));
      p->enabled = config_setting_get_bool(m) != 0;
      continue;
    }
    rc = hs_cfg_read_entry(r, name, m, &p->entries[p->n_entries]);
    p->n_entries++; /* counted even when half-built, for the free */
    if(rc != BMC_OK)
      return rc;
  }
  return BMC_OK;
}

static int
hs_cfg_read_company(struct hs_cfg_reader *r, const config_setting_t *g,
                    int idx, struct hs_cfg_company *c)
{
  config_setting_t *m, *plugins = NULL, *name = NULL, *calc = NULL;
  int i, n, rc;

  c->line = (int)config_setting_source_line(g);
  if(config_setting_type(g) != CONFIG_TYPE_GROUP)
    return hs_cfg_fail(r, g, "company #%d: expected a group { name = ...; "
                       "plugins = { ... }; }, found %s", idx + 1,
                       hs_cfg_type_name(config_setting_type(g)));
  n = config_setting_length(g);
  for(i = 0; i < n; i++) {
    m = config_setting_get_elem(g, (unsigned)i);
    if(!m)
      return hs_cfg_fail(r, g, "company #%d: cannot read member %d",
                         idx + 1, i);
    if(!strcmp(config_setting_name(m), "name"))
      name = m;
    else if(!strcmp(config_setting_name(m), "plugins"))
      plugins = m;
    else if(!strcmp(config_setting_name(m), "inventory_calc"))
      calc = m;
    else if(!strcmp(config_setting_name(m), "dry_run")) {
      if(config_setting_type(m) != CONFIG_TYPE_BOOL)
        return hs_cfg_fail(r, m, "company #%d: dry_run: expected a bool "
                           "(true or false), found %s", idx + 1,
                           hs_cfg_type_name(config_setting_type(m)));
      c->dry_run_set = 1;
      c->dry_run = config_setting_get_bool(m) != 0;
    }
    else
      return hs_cfg_fail(r, m, "company #%d: unknown setting '%s' "
                         "(expected name, inventory_calc, dry_run, plugins)",
                         idx + 1, config_setting_name(m));
  }
  if(!name)
    return hs_cfg_fail(r, g, "company #%d: missing name = \"...\";",
                       idx + 1);
  rc = hs_cfg_get_string(r, name, "company name", &c->name);
  if(rc != BMC_OK)
    return rc;
  if(!c->name[0])
    return hs_cfg_fail(r, name, "company #%d: name is empty", idx + 1);
  if(calc) {
    c->inventory_calc_line = (int)config_setting_source_line(calc);
    rc = hs_cfg_get_string(r, calc, "inventory_calc", &c->inventory_calc);
    if(rc != BMC_OK)
      return rc;
  }
  if(!plugins)
    return BMC_OK;
  if(config_setting_type(plugins) != CONFIG_TYPE_GROUP)
    return hs_cfg_fail(r, plugins, "company '%s': plugins: expected a group "
                       "{ <plugin> = { ... }; }, found %s", c->name,
                       hs_cfg_type_name(config_setting_type(plugins)));
  n = config_setting_length(plugins);
  if(n > 0) {
    c->plugins = calloc((size_t)n, sizeof(*c->plugins));
    if(!c->plugins)
      return hs_cfg_nomem(r);
  }
  for(i = 0; i < n; i++) {
    m = config_setting_get_elem(plugins, (unsigned)i);
    if(!m)
      return hs_cfg_fail(r, plugins, "company '%s': cannot read plugin %d",
                         c->name, i);
    rc = hs_cfg_read_plugin(r, m, &c->plugins[c->n_plugins]);
    c->n_plugins++;
    if(rc != BMC_OK)
      return rc;
  }
  return BMC_OK;
}

static int
hs_cfg_read_companies(struct hs_cfg_reader *r, const config_setting_t *l,
                      struct hs_config *cfg)
{
  config_setting_t *g;
  int i, j, n, rc;

  if(config_setting_type(l) != CONFIG_TYPE_LIST)
    return hs_cfg_fail(r, l, "companies: expected a list ( { ... }, ... ), "
                       "found %s", hs_cfg_type_name(config_setting_type(l)));
  n = config_setting_length(l);
  if(n > 0) {
    cfg->companies = calloc((size_t)n, sizeof(*cfg->companies));
    if(!cfg->companies)
      return hs_cfg_nomem(r);
  }
  for(i = 0; i < n; i++) {
    g = config_setting_get_elem(l, (unsigned)i);
    if(!g)
      return hs_cfg_fail(r, l, "companies: cannot read company %d", i + 1);
    rc = hs_cfg_read_company(r, g, i, &cfg->companies[cfg->n_companies]);
    cfg->n_companies++;
    if(rc != BMC_OK)
      return rc;
    for(j = 0; j < i; j++)
      if(!strcmp(cfg->companies[j].name, cfg->companies[i].name))
        return hs_cfg_fail(r, g, "company '%s' is declared twice (first at "
                           "line %d)", cfg->companies[i].name,
                           cfg->companies[j].line);
  }
  return BMC_OK;
}

static int
hs_cfg_read_root(struct hs_cfg_reader *r, config_t *lc, struct hs_config *cfg)
{
  config_setting_t *root = config_root_setting(lc), *m;
  const char *key;
  int i, n, rc = BMC_OK;

  if(!root)
    return hs_cfg_fail(r, NULL, "no root group");
  n = config_setting_length(root);
  for(i = 0; i < n && rc == BMC_OK; i++) {
    m = config_setting_get_elem(root, (unsigned)i);
    if(!m)
      return hs_cfg_fail(r, root, "cannot read top-level setting %d", i);
    key = config_setting_name(m);
    if(!strcmp(key, "plugin_dir"))
      rc = hs_cfg_get_string(r, m, "plugin_dir", &cfg->plugin_dir);
    else if(!strcmp(key, "database"))
      rc = hs_cfg_get_string(r, m, "database", &cfg->database);
    else if(!strcmp(key, "key_file")) {
      cfg->key_file_line = (int)config_setting_source_line(m);
      rc = hs_cfg_get_string(r, m, "key_file", &cfg->key_file);
      if(!rc && !cfg->key_file[0])
        rc = hs_cfg_fail(r, m, "key_file: empty (leave it out for the "
                         "default, the store's path + \".key\")");
    }
    else if(!strcmp(key, "companies"))
      rc = hs_cfg_read_companies(r, m, cfg);
    else if(!strcmp(key, "worker_lease_s")) {
      int t = config_setting_type(m);
      long long v = t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64
                        ? config_setting_get_int64(m) : -1;

      /* the scheduler workers' task lease (hs_worker.c) */
      if(v < 3 || v > 86400)
        rc = hs_cfg_fail(r, m, "worker_lease_s: an integer from 3 to 86400 "
                         "seconds (default %d)", HS_WORKER_LEASE_DEFAULT_S);
      else
        cfg->worker_lease_s = (int)v;
    }
    else
      rc = hs_cfg_fail(r, m, "unknown top-level setting '%s' (expected "
                       "plugin_dir, database, key_file, worker_lease_s, "
                       "companies)", key);
  }
  return rc;
}

/* Parse with lc already read; builds *out. */
static int
hs_cfg_build(config_t *lc, const char *file, struct hs_config **out,
             char *err, size_t errlen)
{
  struct hs_cfg_reader r = {file, err, errlen};
  struct hs_config *cfg;
  int rc;

  cfg = calloc(1, sizeof(*cfg));
  if(!cfg)
    return hs_cfg_nomem(&r);
  cfg->source = hs_cfg_strdup(file);
  rc = cfg->source ? hs_cfg_read_root(&r, lc, cfg) : hs_cfg_nomem(&r);
  if(rc != BMC_OK) {
    hs_config_free(cfg);
    return rc;
  }
  *out = cfg;
  return BMC_OK;
}

static int
hs_cfg_parse_error(const config_t *lc, const char *file, char *err,
                   size_t errlen)
{
  const char *text = config_error_text(lc);
  const char *efile = config_error_file(lc);

  hs_cfg_errf(err, errlen, "%s:%d: %s", efile ? efile : file,
              config_error_line(lc), text ? text : "parse error");
  return BMC_ERR_CONFIG;
}

/* Check the text, then parse it (text NUL-terminated, len bytes). */
static int
hs_cfg_parse(const char *text, size_t len, const char *file,
             struct hs_config **out, char *err, size_t errlen)
{
  config_t lc;
  int rc;

  rc = hs_config_text_check(text, len, file, err, errlen);
  if(rc)
    return rc;
  config_init(&lc);
  if(config_read_string(&lc, text) != CONFIG_TRUE)
    rc = hs_cfg_parse_error(&lc, file, err, errlen);
  else
    rc = hs_cfg_build(&lc, file, out, err, errlen);
  config_destroy(&lc);
  return rc;
}

int
hs_config_read_string(const char *text, const char *name_for_messages,
                      struct hs_config **out, char *err, size_t errlen)
{
  if(out)
    *out = NULL;
  if(!text || !out) {
    hs_cfg_errf(err, errlen, "hs_config_read_string: missing argument");
    return BMC_ERR_INVALID_ARG;
  }
  return hs_cfg_parse(text, strlen(text),
                      name_for_messages ? name_for_messages : "<string>",
                      out, err, errlen);
}

int
hs_config_read_file(const char *path, struct hs_config **out, char *err,
                    size_t errlen)
{
  char *text = NULL;
  size_t len = 0;
  int rc;

  if(out)
    *out = NULL;
  if(!path || !out) {
    hs_cfg_errf(err, errlen, "hs_config_read_file: missing argument");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_config_text_load(path, &text, &len, err, errlen);
  if(rc)
    return rc;
  rc = hs_cfg_parse(text, len, path, out, err, errlen);
  explicit_bzero(text, len); /* it may hold tokens */
  free(text);
  return rc;
}

/* ---- validation against the plugins' schemas ---- */

static const char *
hs_cfg_expected(enum bmc_setting_type t)
{
  switch(t) {
  case BMC_SET_BOOL:
    return "a bool (true or false)";
  case BMC_SET_INT:
    return "an integer";
  case BMC_SET_STRING:
    return "a string";
  case BMC_SET_DECIMAL:
    return "a decimal number (\"12.50\" or 12.5)";
  case BMC_SET_ENUM:
    return "a string";
  }
  return "a value";
}

static const char *
hs_cfg_found(enum hs_cfg_type t)
{
  switch(t) {
  case HS_CFG_BOOL:
    return "a bool";
  case HS_CFG_INT:
    return "an integer";
  case HS_CFG_FLOAT:
    return "a floating point number";
  case HS_CFG_STRING:
    return "a string";
  }
  return "a value";
}

/* Does a value written as libconfig type t fit setting type st? */
static int
hs_cfg_type_fits(enum bmc_setting_type st, enum hs_cfg_type t)
{
  switch(st) {
  case BMC_SET_BOOL:
    return t == HS_CFG_BOOL;
  case BMC_SET_INT:
    return t == HS_CFG_INT;
  case BMC_SET_STRING:
  case BMC_SET_ENUM:
    return t == HS_CFG_STRING;
  case BMC_SET_DECIMAL:
    return t == HS_CFG_STRING || t == HS_CFG_INT || t == HS_CFG_FLOAT;
  }
  return 0;
}

static int
hs_cfg_check_plugin(const struct hs_config *cfg,
                    const struct hs_cfg_company *c,
                    const struct hs_cfg_plugin *p,
                    const struct bmc_plugin_api *api, char *err,
                    size_t errlen)
{
  const struct hs_cfg_entry *e;
  const struct bmc_setting *s;
  const char *v;
  char msg[384];
  size_t i;

  /* Field by field. */
  for(i = 0; i < p->n_entries; i++) {
    e = &p->entries[i];
    s = hs_setting_find(api, e->key);
    if(!s) {
      hs_cfg_errf(err, errlen, "%s:%d: company '%s': unknown setting "
                  "'%s' for plugin %s", cfg->source, e->line, c->name,
                  e->key, p->name);
      return BMC_ERR_CONFIG;
    }
    if(!hs_cfg_type_fits(s->type, e->type)) {
      hs_cfg_errf(err, errlen, "%s:%d: %s.%s: wrong type: expected %s, "
                  "found %s", cfg->source, e->line, p->name, e->key,
                  hs_cfg_expected(s->type), hs_cfg_found(e->type));
      return BMC_ERR_CONFIG;
    }
    if(hs_setting_validate(s, e->value, msg, sizeof(msg)) != BMC_OK) {
      hs_cfg_errf(err, errlen, "%s:%d: %s.%s", cfg->source, e->line,
                  p->name, msg);
      return BMC_ERR_CONFIG;
    }
  }
  /* Across fields: an enabled plugin needs every required setting. */
  if(!p->enabled)
    return BMC_OK;
  for(i = 0; i < api->n_settings; i++) {
    s = &api->settings[i];
    if(!(s->flags & BMC_SETTING_REQUIRED))
      continue;
    v = hs_config_value(p, s);
    if(!v || !*v) {
      hs_cfg_errf(err, errlen, "%s:%d: company '%s': plugin %s is enabled "
                  "but required setting '%s' is not set (%s)", cfg->source,
                  p->line, c->name, p->name, s->key,
                  s->help ? s->help : "see `settings show`");
      return BMC_ERR_CONFIG;
    }
  }
  return BMC_OK;
}

int
hs_config_validate(const struct hs_config *cfg,
                   const struct bmc_plugin_api *(*lookup)(
                       void *ud, const char *plugin_name),
                   void *ud, char *err, size_t errlen)
{
  const struct bmc_plugin_api *api;
  const struct hs_cfg_company *c;
  const struct hs_cfg_plugin *p;
  size_t i, j;
  int rc;

  if(!cfg || !lookup) {
    hs_cfg_errf(err, errlen, "hs_config_validate: missing argument");
    return BMC_ERR_INVALID_ARG;
  }
  for(i = 0; i < cfg->n_companies; i++) {
    c = &cfg->companies[i];
    for(j = 0; j < c->n_plugins; j++) {
      p = &c->plugins[j];
      api = lookup(ud, p->name);
      if(!api) {
        hs_cfg_errf(err, errlen, "%s:%d: company '%s': unknown plugin '%s' "
                    "(no loaded plugin has that name; check plugin_dir)",
                    cfg->source, p->line, c->name, p->name);
        return BMC_ERR_CONFIG;
      }
      rc = hs_cfg_check_plugin(cfg, c, p, api, err, errlen);
      if(rc != BMC_OK)
        return rc;
    }
  }
  return BMC_OK;
}

void
hs_config_free(struct hs_config *cfg)
{
  size_t i, j, k;

  if(!cfg)
    return;
  for(i = 0; i < cfg->n_companies; i++) {
    struct hs_cfg_company *c = &cfg->companies[i];

    for(j = 0; j < c->n_plugins; j++) {
      struct hs_cfg_plugin *p = &c->plugins[j];

      for(k = 0; k < p->n_entries; k++) {
        free(p->entries[k].key);
        if(p->entries[k].value)
          explicit_bzero(p->entries[k].value, strlen(p->entries[k].value));
        free(p->entries[k].value);
      }
      free(p->entries);
      free(p->name);
    }
    free(c->plugins);
    free(c->name);
    free(c->inventory_calc);
  }
  free(cfg->companies);
  free(cfg->plugin_dir);
  free(cfg->database);
  free(cfg->key_file);
  free(cfg->source);
  free(cfg);
}

const struct hs_cfg_company *
hs_config_company(const struct hs_config *cfg, const char *name)
{
  size_t i;

  if(!cfg || !name)
    return NULL;
  for(i = 0; i < cfg->n_companies; i++)
    if(!strcmp(cfg->companies[i].name, name))
      return &cfg->companies[i];
  return NULL;
}

const struct hs_cfg_plugin *
hs_config_plugin(const struct hs_cfg_company *c, const char *plugin_name)
{
  size_t i;

  if(!c || !plugin_name)
    return NULL;
  for(i = 0; i < c->n_plugins; i++)
    if(!strcmp(c->plugins[i].name, plugin_name))
      return &c->plugins[i];
  return NULL;
}

const struct hs_cfg_entry *
hs_config_entry(const struct hs_cfg_plugin *p, const char *key)
{
  size_t i;

  if(!p || !key)
    return NULL;
  for(i = 0; i < p->n_entries; i++)
    if(!strcmp(p->entries[i].key, key))
      return &p->entries[i];
  return NULL;
}

const char *
hs_config_value(const struct hs_cfg_plugin *p, const struct bmc_setting *s)
{
  const struct hs_cfg_entry *e;

  if(!s)
    return NULL;
  e = hs_config_entry(p, s->key);
  if(e)
    return e->value;
  return s->default_value;
}
