/*
 * fuzz_host_cfg.c -- fuzz target for host.cfg: bytes -> an in-memory file
 * (memfd) -> hs_config_read_file (text checks, libconfig, shape) ->
 * hs_config_validate against a plugin schema with every setting type and
 * a required secret.  Properties checked on every input (abort
 * otherwise): no crash, leak or process exit (libconfig's @include of a
 * directory used to exit(2)); every refusal is "file:line: what" and
 * never quotes the secret; whatever is accepted has no control character
 * in a name, path or string value, and every value passes
 * hs_setting_validate on its own.  Built with libFuzzer under clang
 * (BMC_FUZZ=ON) and always with the replay main (fuzz_replay.c).
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hs_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct bmc_setting fz_schema[] = {
  {"token", BMC_SET_STRING, NULL, 0, 64,
   BMC_SETTING_REQUIRED | BMC_SETTING_SECRET, NULL, "API token"},
  {"base_url", BMC_SET_STRING, "", 0, 300, 0, NULL, "Base URL"},
  {"contact_email", BMC_SET_STRING, "ops@example.com", 0, 120, 0, NULL,
   "Contact"},
  {"sync", BMC_SET_BOOL, "false", 0, 0, 0, NULL, "Switch"},
  {"limit", BMC_SET_INT, "10", 1, 100, 0, NULL, "Page size"},
  {"platform", BMC_SET_ENUM, "eu", 0, 0, 0, "eu|na|ap", "Platform"},
  {"commission", BMC_SET_DECIMAL, "0.00", 0, 100, 0, NULL, "Commission"},
};

static const struct bmc_plugin_api fz_api = {
  .hdr = {BMC_ABI_MAGIC, sizeof(struct bmc_plugin_api), BMC_ABI_MAJOR,
          BMC_ABI_MINOR},
  .name = "shop",
  .version = "1.0",
  .settings = fz_schema,
  .n_settings = sizeof(fz_schema) / sizeof(fz_schema[0]),
};

static const struct bmc_plugin_api *
fz_lookup(void *ud, const char *name)
{
  (void)ud;
  return strcmp(name, "shop") ? NULL : &fz_api;
}

/* "<path>:<digits>: <something>" */
static void
fz_check_message(const char *err, const char *path)
{
  size_t n = strlen(path);
  const char *p = err + n + 1;

  if(strncmp(err, path, n) || err[n] != ':' || *p < '0' || *p > '9')
    abort();
  while(*p >= '0' && *p <= '9')
    p++;
  if(p[0] != ':' || p[1] != ' ' || !p[2])
    abort();
}

static void
fz_check_accepted(const struct hs_config *cfg)
{
  size_t i, j, k;

  if(hs_text_control_at(cfg->plugin_dir) >= 0 ||
     hs_text_control_at(cfg->database) >= 0 ||
     hs_text_control_at(cfg->key_file) >= 0)
    abort();
  for(i = 0; i < cfg->n_companies; i++) {
    const struct hs_cfg_company *c = &cfg->companies[i];

    if(hs_company_name_check(c->name, NULL, 0) != BMC_OK)
      abort();
    for(j = 0; j < c->n_plugins; j++)
      for(k = 0; k < c->plugins[j].n_entries; k++) {
        const struct hs_cfg_entry *e = &c->plugins[j].entries[k];
        const struct bmc_setting *s = hs_setting_find(&fz_api, e->key);

        if(!s || hs_setting_validate(s, e->value, NULL, 0) != BMC_OK ||
           hs_text_control_at(e->value) >= 0)
          abort();
      }
  }
}

/* Does text occur in a name or a non-secret value of cfg (where a
 * message may rightly quote it)? */
static int
fz_elsewhere(const struct hs_config *cfg, const char *text)
{
  size_t i, j, k;

  for(i = 0; i < cfg->n_companies; i++) {
    const struct hs_cfg_company *c = &cfg->companies[i];

    if(strstr(c->name, text))
      return 1;
    for(j = 0; j < c->n_plugins; j++) {
      if(strstr(c->plugins[j].name, text))
        return 1;
      for(k = 0; k < c->plugins[j].n_entries; k++) {
        const struct hs_cfg_entry *e = &c->plugins[j].entries[k];

        if(strstr(e->key, text) ||
           (strcmp(e->key, "token") && strstr(e->value, text)))
          return 1;
      }
    }
  }
  return 0;
}

/* A refusal of validation must not quote a secret value. */
static void
fz_check_no_secret(const struct hs_config *cfg, const char *err)
{
  size_t i, j, k;

  for(i = 0; i < cfg->n_companies; i++)
    for(j = 0; j < cfg->companies[i].n_plugins; j++)
      for(k = 0; k < cfg->companies[i].plugins[j].n_entries; k++) {
        const struct hs_cfg_entry *e = &cfg->companies[i].plugins[j]
                                            .entries[k];

        if(!strcmp(e->key, "token") && strlen(e->value) >= 8 &&
           strstr(err, e->value) && !fz_elsewhere(cfg, e->value))
          abort();
      }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct hs_config *cfg = NULL;
  char path[64], err[1024];
  int fd, rc;

  fd = memfd_create("fz.cfg", MFD_CLOEXEC);
  if(fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
    abort();
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  err[0] = '\0';
  rc = hs_config_read_file(path, &cfg, err, sizeof(err));
  if(rc != BMC_OK) {
    if(rc != BMC_ERR_CONFIG || cfg)
      abort();
    fz_check_message(err, path);
    close(fd);
    return 0;
  }
  err[0] = '\0';
  rc = hs_config_validate(cfg, fz_lookup, NULL, err, sizeof(err));
  if(rc == BMC_OK) {
    fz_check_accepted(cfg);
  }
  else {
    if(rc != BMC_ERR_CONFIG)
      abort();
    fz_check_message(err, path);
    fz_check_no_secret(cfg, err);
  }
  hs_config_free(cfg);
  close(fd);
  return 0;
}
