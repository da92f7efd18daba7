/*
 * hs_loader.c -- loads channel plugins: dlopen, the entry symbol, and the
 * descriptor checks (magic, major, minor, size, required callbacks, the
 * settings, action and property tables, markets) that run before any
 * plugin function.  Also
 * loading a whole plugin directory and looking plugins up by name.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hs_config.h"
#include "hs_loader.h"

#if defined(__SANITIZE_ADDRESS__)
#define HS_KEEP_MAPPED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HS_KEEP_MAPPED 1
#endif
#endif
#ifndef HS_KEEP_MAPPED
#define HS_KEEP_MAPPED 0
#endif

/* Size a descriptor must have: every field of 2.0, up to and including
 * markets. */
#define HS_API_MIN_SIZE                                                     \
  (offsetof(struct bmc_plugin_api, markets) +                               \
   sizeof(((struct bmc_plugin_api *)0)->markets))

#define HS_ACTION_FLAGS                                                     \
  (BMC_ACTION_MANUAL | BMC_ACTION_SCHEDULED | BMC_ACTION_SKUS |             \
   BMC_ACTION_ORDERS | BMC_ACTION_CREDENTIALS)


static void hs_ld_errf(char *err, size_t errlen, const char *fmt, ...)
    BMC_PRINTF(3, 4);

static void
hs_ld_errf(char *err, size_t errlen, const char *fmt, ...)
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
hs_ld_strdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *d = malloc(n);

  if(d)
    memcpy(d, s, n);
  return d;
}

int
hs_key_ok(const char *key)
{
  const char *c;

  if(!key || !*key)
    return 0;
  for(c = key; *c; c++)
    if(!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
      return 0;
  return 1;
}

static int
hs_ld_check_settings(const char *path, const struct bmc_plugin_api *api,
                     char *err, size_t errlen)
{
  char msg[256];
  size_t i, j;

  for(i = 0; i < api->n_settings; i++) {
    const struct bmc_setting *s = &api->settings[i];

    if(!hs_key_ok(s->key)) {
      hs_ld_errf(err, errlen, "%s: setting #%zu: expected a key of "
                 "[a-z0-9_]+, found %s%s%s", path, i,
                 s->key ? "'" : "", s->key ? s->key : "NULL",
                 s->key ? "'" : "");
      return BMC_ERR_ABI;
    }
    if(!strcmp(s->key, "enabled")) {
      hs_ld_errf(err, errlen, "%s: setting #%zu: key 'enabled' is reserved "
                 "by the host (the Toolbox on/off switch)", path, i);
      return BMC_ERR_ABI;
    }
    for(j = 0; j < i; j++)
      if(!strcmp(api->settings[j].key, s->key)) {
        hs_ld_errf(err, errlen, "%s: setting '%s' is declared twice "
                   "(#%zu and #%zu)", path, s->key, j, i);
        return BMC_ERR_ABI;
      }
    if(s->type < BMC_SET_BOOL || s->type > BMC_SET_ENUM) {
      hs_ld_errf(err, errlen, "%s: setting '%s': expected a type 1..5, "
                 "found %d", path, s->key, (int)s->type);
      return BMC_ERR_ABI;
    }
    if(s->type == BMC_SET_ENUM && (!s->enum_values || !*s->enum_values)) {
      hs_ld_errf(err, errlen, "%s: setting '%s': ENUM setting without "
                 "enum_values", path, s->key);
      return BMC_ERR_ABI;
    }
    if((s->type == BMC_SET_INT || s->type == BMC_SET_STRING ||
        s->type == BMC_SET_DECIMAL) &&
       s->min > s->max && !(s->type == BMC_SET_STRING && s->max == 0)) {
      hs_ld_errf(err, errlen, "%s: setting '%s': expected min <= max, found "
                 "min %" PRId64 " > max %" PRId64, path, s->key, s->min,
                 s->max);
      return BMC_ERR_ABI;
    }
    if(s->default_value &&
       hs_setting_validate(s, s->default_value, msg, sizeof(msg)) != BMC_OK) {
      hs_ld_errf(err, errlen, "%s: default value refused by its own schema: "
                 "%s", path, msg);
      return BMC_ERR_ABI;
    }
  }
  return BMC_OK;
}

static int
hs_ld_check_actions(const char *path, const struct bmc_plugin_api *api,
                    char *err, size_t errlen)
{
  size_t i, j;

  for(i = 0; i < api->n_actions; i++) {
    const struct bmc_action *a = &api->actions[i];
    const struct bmc_setting *gate;

    if(!a->id || !*a->id) {
      hs_ld_errf(err, errlen, "%s: action #%zu: expected an id, found %s",
                 path, i, a->id ? "an empty string" : "NULL");
      return BMC_ERR_ABI;
    }
    if(!a->display_name) {
      hs_ld_errf(err, errlen, "%s: action '%s': expected a display_name, "
                 "found NULL", path, a->id);
      return BMC_ERR_ABI;
    }
    for(j = 0; j < i; j++)
      if(!strcmp(api->actions[j].id, a->id)) {
        hs_ld_errf(err, errlen, "%s: action '%s' is declared twice "
                   "(#%zu and #%zu)", path, a->id, j, i);
        return BMC_ERR_ABI;
      }
    if(a->flags & ~(uint32_t)HS_ACTION_FLAGS) {
      hs_ld_errf(err, errlen, "%s: action '%s': unknown flags 0x%" PRIx32
                 " (expected BMC_ACTION_*)", path, a->id,
                 a->flags & ~(uint32_t)HS_ACTION_FLAGS);
      return BMC_ERR_ABI;
    }
    if(a->flags & BMC_ACTION_CREDENTIALS) {
      /* the host runs it by hand to check pending credentials */
      for(j = 0; j < i; j++)
        if(api->actions[j].flags & BMC_ACTION_CREDENTIALS) {
          hs_ld_errf(err, errlen, "%s: actions '%s' and '%s' are both "
                     "flagged BMC_ACTION_CREDENTIALS (at most one)", path,
                     api->actions[j].id, a->id);
          return BMC_ERR_ABI;
        }
      if(!(a->flags & BMC_ACTION_MANUAL)) {
        hs_ld_errf(err, errlen, "%s: action '%s': BMC_ACTION_CREDENTIALS "
                   "needs BMC_ACTION_MANUAL", path, a->id);
        return BMC_ERR_ABI;
      }
    }
    if(!a->enabled_by)
      continue;
    gate = hs_setting_find(api, a->enabled_by);
    if(!gate) {
      hs_ld_errf(err, errlen, "%s: action '%s': enabled_by names setting "
                 "'%s', which the plugin does not declare", path, a->id,
                 a->enabled_by);
      return BMC_ERR_ABI;
    }
    if(gate->type != BMC_SET_BOOL) {
      hs_ld_errf(err, errlen, "%s: action '%s': enabled_by setting '%s' "
                 "must be a BOOL, found type %d", path, a->id,
                 a->enabled_by, (int)gate->type);
      return BMC_ERR_ABI;
    }
  }
  return BMC_OK;
}

int
hs_plugin_check_api(const char *path, const struct bmc_plugin_api *api,
                    char *err, size_t errlen)
{
  const char *missing = NULL;
  int rc;

  if(!path) {
    hs_ld_errf(err, errlen, "hs_plugin_check_api: no path");
    return BMC_ERR_INVALID_ARG;
  }
  if(!api) {
    hs_ld_errf(err, errlen, "%s: %s() returned NULL: expected a plugin "
               "descriptor", path, BMC_PLUGIN_ENTRY_SYMBOL);
    return BMC_ERR_ABI;
  }
  /* WARNING: read nothing past hdr until hdr.size is known to cover it. */
  if(api->hdr.magic != BMC_ABI_MAGIC) {
    hs_ld_errf(err, errlen, "%s: ABI magic mismatch: expected 0x%08" PRIx32
               ", found 0x%08" PRIx32 " (not a bmconnector plugin?)", path,
               (uint32_t)BMC_ABI_MAGIC, api->hdr.magic);
    return BMC_ERR_ABI;
  }
  if(api->hdr.major != BMC_ABI_MAJOR) {
    hs_ld_errf(err, errlen, "%s: ABI major version mismatch: expected %d.x, "
               "found %u.%u (rebuild the plugin against this host's "
               "bmc_plugin.h %d.%d)", path, BMC_ABI_MAJOR,
               (unsigned)api->hdr.major, (unsigned)api->hdr.minor,
               BMC_ABI_MAJOR, BMC_ABI_MINOR);
    return BMC_ERR_ABI;
  }
  if(api->hdr.minor > BMC_ABI_MINOR) {
    hs_ld_errf(err, errlen, "%s: ABI minor version too new: expected <= %d "
               "(this host), found %u (upgrade the host)", path,
               BMC_ABI_MINOR, (unsigned)api->hdr.minor);
    return BMC_ERR_ABI;
  }
  if(api->hdr.size < HS_API_MIN_SIZE) {
    hs_ld_errf(err, errlen, "%s: descriptor size too small: expected at "
               "least %zu bytes (ABI %d.0), found %" PRIu32 " (rebuild the "
               "plugin against this host's bmc_plugin.h)", path,
               (size_t)HS_API_MIN_SIZE, BMC_ABI_MAJOR, api->hdr.size);
    return BMC_ERR_ABI;
  }
  if(!api->name)
    missing = "name";
  else if(!api->version)
    missing = "version";
  else if(!api->create)
    missing = "create";
  else if(!api->run)
    missing = "run";
  else if(!api->destroy)
    missing = "destroy";
  else if(api->n_settings && !api->settings)
    missing = "settings";
  else if(api->n_actions && !api->actions)
    missing = "actions";
  else if(api->n_properties && !api->properties)
    missing = "properties";
  if(missing) {
    hs_ld_errf(err, errlen, "%s: required descriptor field '%s' is NULL: "
               "expected a %s", path, missing,
               strcmp(missing, "name") && strcmp(missing, "version") &&
               strcmp(missing, "settings") && strcmp(missing, "actions") &&
               strcmp(missing, "properties")
                   ? "callback" : "value");
    return BMC_ERR_ABI;
  }
  if(!hs_key_ok(api->name)) {
    hs_ld_errf(err, errlen, "%s: expected a plugin name of [a-z0-9_]+, "
               "found '%s'", path, api->name);
    return BMC_ERR_ABI;
  }
  rc = hs_ld_check_settings(path, api, err, errlen);
  if(rc == BMC_OK)
    rc = hs_ld_check_actions(path, api, err, errlen);
  if(rc == BMC_OK)
    rc = hs_properties_check(path, api, err, errlen);
  return rc;
}

void
hs_dl_close(void *dl)
{
  if(!dl || HS_KEEP_MAPPED)
    return;
  /* A failing dlclose leaves the library mapped; nothing to recover. */
  (void)dlclose(dl);
}

void *
hs_dl_open(const char *path, char *err, size_t errlen)
{
  char local[4096];
  const char *why;
  void *dl;

  dlerror();
  /* WARNING: a name without '/' makes dlopen search the library path
   * (LD_LIBRARY_PATH, ld.so.cache), not the current directory. */
  if(!strchr(path, '/')) {
    if(snprintf(local, sizeof(local), "./%s", path) >= (int)sizeof(local)) {
      hs_ld_errf(err, errlen, "%s: path too long", path);
      return NULL;
    }
    dl = dlopen(local, RTLD_NOW | RTLD_LOCAL);
  } else {
    dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  }
  if(!dl) {
    why = dlerror();
    hs_ld_errf(err, errlen, "%s: cannot load plugin: %s (run `ldd %s` to "
               "see missing libraries or undefined symbols)", path,
               why ? why : "unknown dlopen error", path);
  }
  return dl;
}

int
hs_plugin_open(const char *path, struct hs_plugin **out, char *err,
               size_t errlen)
{
  struct hs_plugin *p = NULL;
  bmc_plugin_entry_fn entry;
  void *dl, *sym;
  int rc;

  if(out)
    *out = NULL;
  if(!path || !out) {
    hs_ld_errf(err, errlen, "hs_plugin_open: no path or result pointer");
    return BMC_ERR_INVALID_ARG;
  }
  dl = hs_dl_open(path, err, errlen);
  if(!dl)
    return BMC_ERR_NOT_FOUND;
  dlerror();
  sym = dlsym(dl, BMC_PLUGIN_ENTRY_SYMBOL);
  if(!sym) {
    hs_ld_errf(err, errlen, "%s: entry symbol '%s' not found: expected a "
               "plugin built with bmc_add_plugin() exporting it", path,
               BMC_PLUGIN_ENTRY_SYMBOL);
    rc = BMC_ERR_ABI;
    goto fail;
  }
  /* POSIX: a data pointer from dlsym converts to a function pointer. */
  memcpy(&entry, &sym, sizeof(entry));
  p = calloc(1, sizeof(*p));
  if(!p) {
    hs_ld_errf(err, errlen, "%s: out of memory", path);
    rc = BMC_ERR_NOMEM;
    goto fail;
  }
  p->api = entry();
  rc = hs_plugin_check_api(path, p->api, err, errlen);
  if(rc != BMC_OK)
    goto fail;
  p->path = hs_ld_strdup(path);
  if(!p->path) {
    hs_ld_errf(err, errlen, "%s: out of memory", path);
    rc = BMC_ERR_NOMEM;
    goto fail;
  }
  p->dl = dl;
  *out = p;
  return BMC_OK;
fail:
  free(p);
  hs_dl_close(dl);
  return rc;
}

void
hs_plugin_close(struct hs_plugin *p)
{
  if(!p)
    return;
  hs_dl_close(p->dl);
  free(p->path);
  free(p);
}

static int
hs_ld_cmp_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
hs_ld_free_names(char **names, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

/* The "*.so" regular files of dir, sorted.  BMC_ERR_NOT_FOUND when dir
 * cannot be opened. */
static int
hs_ld_list_dir(const char *dir, char ***names_out, size_t *n_out, char *err,
               size_t errlen)
{
  char **names = NULL, **grown, *full;
  size_t n = 0, cap = 0, len, flen;
  struct dirent *de;
  struct stat st;
  DIR *d;
  int rc = BMC_OK;

  d = opendir(dir);
  if(!d) {
    hs_ld_errf(err, errlen, "%s: cannot open plugin directory: %s", dir,
               strerror(errno));
    return BMC_ERR_NOT_FOUND;
  }
  for(;;) {
    errno = 0;
    de = readdir(d);
    if(!de)
      break;
    len = strlen(de->d_name);
    if(len < 4 || strcmp(de->d_name + len - 3, ".so") ||
       de->d_name[0] == '.')
      continue;
    flen = strlen(dir) + 1 + len + 1;
    full = malloc(flen);
    if(!full) {
      rc = BMC_ERR_NOMEM;
      break;
    }
    if(snprintf(full, flen, "%s/%s", dir, de->d_name) < 0 ||
       stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(full);
      continue;
    }
    if(n == cap) {
      cap = cap ? cap * 2 : 8;
      grown = realloc(names, cap * sizeof(*names));
      if(!grown) {
        free(full);
        rc = BMC_ERR_NOMEM;
        break;
      }
      names = grown;
    }
    names[n++] = full;
  }
  if(rc == BMC_OK && errno != 0) {
    hs_ld_errf(err, errlen, "%s: cannot read plugin directory: %s", dir,
               strerror(errno));
    rc = BMC_ERR_NOT_FOUND;
  } else if(rc == BMC_ERR_NOMEM) {
    hs_ld_errf(err, errlen, "%s: out of memory listing plugins", dir);
  }
  if(closedir(d) != 0 && rc == BMC_OK) {
    hs_ld_errf(err, errlen, "%s: closedir failed: %s", dir, strerror(errno));
    rc = BMC_ERR_INTERNAL;
  }
  if(rc != BMC_OK) {
    hs_ld_free_names(names, n);
    return rc;
  }
  if(n > 1)
    qsort(names, n, sizeof(*names), hs_ld_cmp_names);
  *names_out = names;
  *n_out = n;
  return BMC_OK;
}

int
hs_plugins_open_dir(const char *dir, struct hs_plugin ***out, size_t *n,
                    char *err, size_t errlen)
{
  struct hs_plugin **v = NULL;
  const struct hs_plugin *dup;
  char **names = NULL;
  size_t n_names = 0, i, got = 0;
  int rc;

  if(out)
    *out = NULL;
  if(n)
    *n = 0;
  if(!dir || !out || !n) {
    hs_ld_errf(err, errlen, "hs_plugins_open_dir: missing argument");
    return BMC_ERR_INVALID_ARG;
  }
  rc = hs_ld_list_dir(dir, &names, &n_names, err, errlen);
  if(rc != BMC_OK)
    return rc;
  if(n_names) {
    v = calloc(n_names, sizeof(*v));
    if(!v) {
      hs_ld_errf(err, errlen, "%s: out of memory", dir);
      rc = BMC_ERR_NOMEM;
      goto done;
    }
  }
  for(i = 0; i < n_names; i++) {
    rc = hs_plugin_open(names[i], &v[got], err, errlen);
    if(rc != BMC_OK)
      goto done;
    dup = hs_plugins_find(v, got, v[got]->api->name);
    if(dup) {
      hs_ld_errf(err, errlen, "%s: plugin name '%s' is already taken by %s",
                 names[i], dup->api->name, dup->path);
      got++;
      rc = BMC_ERR_CONFLICT;
      goto done;
    }
    got++;
  }
done:
  hs_ld_free_names(names, n_names);
  if(rc != BMC_OK) {
    hs_plugins_free(v, got);
    return rc;
  }
  *out = v;
  *n = got;
  return BMC_OK;
}

void
hs_plugins_free(struct hs_plugin **v, size_t n)
{
  size_t i;

  if(!v)
    return;
  for(i = 0; i < n; i++)
    hs_plugin_close(v[i]);
  free(v);
}

const struct hs_plugin *
hs_plugins_find(struct hs_plugin *const *v, size_t n, const char *name)
{
  size_t i;

  if(!v || !name)
    return NULL;
  for(i = 0; i < n; i++)
    if(v[i] && v[i]->api && !strcmp(v[i]->api->name, name))
      return v[i];
  return NULL;
}

const struct bmc_plugin_api *
hs_plugins_lookup(void *ud, const char *plugin_name)
{
  const struct hs_plugin_list *l = ud;
  const struct hs_plugin *p;

  if(!l)
    return NULL;
  p = hs_plugins_find(l->v, l->n, plugin_name);
  return p ? p->api : NULL;
}
