/*
 * hs_config.h -- the host configuration file (libconfig, host.cfg) and the
 * validation of Toolbox settings against a plugin's settings schema.
 *
 *   plugin_dir = "/usr/lib/bmconnector/plugins";
 *   database   = "/var/lib/bmconnector/host.db";
 *   key_file   = "/var/lib/bmconnector/host.db.key";   (optional)
 *   companies = ( { name = "Acme Refurb";
 *                   inventory_calc = "percent:80";
 *                   plugins = { shop = { enabled = true;
 *                                        token = "...";
 *                                        page_size = 50; };
 *                             }; } );
 *
 * Reading (hs_config_read_*) checks the text first (no NUL byte, no
 * @include directive, no "\x00" escape: hs_config_text.c), then the shape:
 * known top-level and company keys, types of plugin_dir/database/key_file/
 * name/enabled (no control characters in them), scalar setting values.
 * Validation (hs_config_validate) checks every value against the plugin's
 * schema, field by field, then across fields (an enabled plugin has all its
 * required settings).  Messages are "file:line: what is wrong" and never
 * contain the value of a secret setting.
 *
 * Every function returns an enum bmc_rc (BMC_OK = 0); err is always
 * NUL-terminated when errlen > 0.
 */
#ifndef HS_CONFIG_H
#define HS_CONFIG_H

#include <stddef.h>

#include "bmc/bmc_plugin.h"

/* The setting called key in api's schema, or NULL. */
const struct bmc_setting *hs_setting_find(const struct bmc_plugin_api *api,
                                          const char *key);

/* Check the text form value against s (pure): BOOL "true"/"false"; INT a
 * decimal integer in [min, max] (no bound when min == max == 0); STRING at
 * most max bytes when max > 0; DECIMAL digits with an optional sign and
 * fraction ("12.50"), within [min, max] unless min == max == 0 (compared
 * exactly, no floating point); ENUM one of enum_values.  No value of any
 * type may contain a control character (C0 or DEL), a REQUIRED one may
 * not be empty, a SECRET one must not have leading/trailing whitespace.
 * The message starts with "<key>: " and never quotes a secret value.
 * Returns BMC_OK, BMC_ERR_CONFIG (value refused) or BMC_ERR_INVALID_ARG. */
int hs_setting_validate(const struct bmc_setting *s, const char *value,
                        char *err, size_t errlen);

/* Offset of the first control character of s (C0: 0x00-0x1f, or DEL
 * 0x7f), -1 when it has none. */
long hs_text_control_at(const char *s);
/* A company name: not empty, no control character.  BMC_OK or
 * BMC_ERR_INVALID_ARG with what is wrong (the byte and its offset). */
int hs_company_name_check(const char *name, char *err, size_t errlen);

/* libconfig type a value was written with (checked against the setting
 * type by hs_config_validate). */
enum hs_cfg_type {
  HS_CFG_BOOL = 1,
  HS_CFG_INT = 2,
  HS_CFG_FLOAT = 3,
  HS_CFG_STRING = 4
};

/* One Toolbox setting as written in the file.  value is the text form
 * ("true", "42", "12.5", the string itself). */
struct hs_cfg_entry {
  char *key;
  char *value;
  enum hs_cfg_type type;
  int line; /* source line, 0 when unknown */
};

/* One plugin section of a company.  enabled is 0 when the file has no
 * "enabled" key. */
struct hs_cfg_plugin {
  char *name;
  int enabled;
  int line;
  struct hs_cfg_entry *entries;
  size_t n_entries;
};

struct hs_cfg_company {
  char *name;
  int line;
  char *inventory_calc;     /* Custom Inventory Calculation spec or NULL */
  int inventory_calc_line;
  int dry_run_set, dry_run; /* dry_run = true|false; (the company's switch) */
  struct hs_cfg_plugin *plugins;
  size_t n_plugins;
};

/* A parsed host.cfg.  Every string is a heap copy owned by the struct
 * (libconfig's strings are copied before config_destroy).  plugin_dir,
 * database and key_file are NULL when the file does not set them. */
struct hs_config {
  char *source; /* file name used in messages */
  char *plugin_dir;
  char *database;
  char *key_file;    /* the store key (struct hs_options.key_file) */
  int key_file_line;
  int worker_lease_s; /* scheduler workers' lease; 0 = not set */
  struct hs_cfg_company *companies;
  size_t n_companies;
};

/* Parse the file at path / the text (name_for_messages is used in
 * messages; NULL = "<string>").  On BMC_OK *out is a new config freed with
 * hs_config_free(); on failure *out is NULL.  Errors: BMC_ERR_INVALID_ARG,
 * BMC_ERR_NOMEM, BMC_ERR_NOT_FOUND (file cannot be read), BMC_ERR_CONFIG
 * (parse error or wrong shape: "file:line: ..."). */
int hs_config_read_file(const char *path, struct hs_config **out, char *err,
                        size_t errlen);
int hs_config_read_string(const char *text, const char *name_for_messages,
                          struct hs_config **out, char *err, size_t errlen);

/* Validate every company's plugin sections against the plugins' schemas.
 * lookup(ud, name) returns the descriptor of the plugin called name or NULL
 * (unknown plugin).  Stops at the first problem: BMC_ERR_CONFIG with
 * "file:line: ..." in err.  Returns BMC_OK when everything fits. */
int hs_config_validate(const struct hs_config *cfg,
                       const struct bmc_plugin_api *(*lookup)(
                           void *ud, const char *plugin_name),
                       void *ud, char *err, size_t errlen);

/* Accepts NULL and half-built configs; setting values are wiped. */
void hs_config_free(struct hs_config *cfg);

/* Lookups into a parsed config (NULL when absent). */
const struct hs_cfg_company *hs_config_company(const struct hs_config *cfg,
                                               const char *name);
const struct hs_cfg_plugin *
hs_config_plugin(const struct hs_cfg_company *c, const char *plugin_name);
const struct hs_cfg_entry *hs_config_entry(const struct hs_cfg_plugin *p,
                                           const char *key);

/* The effective text of setting s for plugin section p: the value written
 * in the file, else s->default_value, else NULL.  p may be NULL. */
const char *hs_config_value(const struct hs_cfg_plugin *p,
                            const struct bmc_setting *s);

/* The text of a host.cfg (name for messages) is one libconfig can read
 * safely: no NUL byte (libconfig would stop there), no @include (it
 * would read any file, and exit(2) on a directory), no "\x00" escape (it
 * would drop the byte silently).  BMC_ERR_CONFIG "name:line: ...". */
int hs_config_text_check(const char *text, size_t len, const char *name,
                         char *err, size_t errlen);
/* Read a host.cfg into a NUL-terminated heap copy (*out, *len): a regular
 * file of at most 1 MiB.  BMC_ERR_NOT_FOUND when it cannot be opened. */
int hs_config_text_load(const char *path, char **out, size_t *len,
                        char *err, size_t errlen);

/* Format a message into err (NULL/0 allowed); shared by the config
 * reader and the setting checks.  Internal to the host. */
void hs_cfg_errf(char *err, size_t errlen, const char *fmt, ...)
    BMC_PRINTF(3, 4);

#endif /* HS_CONFIG_H */
