/*
 * fake_host.c -- owns the fake host used by the plugin/common unit tests
 * (see fake_host.h).
 */
#include "fake_host.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cu_main.h"
#include "pc_http.h"

static void fh_log(void *ctx, enum bmc_log_level level, const char *fmt,
                   ...) BMC_PRINTF(3, 4);

static void
fh_log(void *ctx, enum bmc_log_level level, const char *fmt, ...)
{
  struct fake_host *f = ctx;
  size_t n = strlen(f->log);
  va_list ap;

  (void)level;
  if(n + 2 >= sizeof(f->log))
    return;
  va_start(ap, fmt);
  vsnprintf(f->log + n, sizeof(f->log) - n - 1, fmt, ap);
  va_end(ap);
  n = strlen(f->log);
  f->log[n] = '\n';
  f->log[n + 1] = '\0';
}

static int64_t
fh_now(void *ctx)
{
  return ((struct fake_host *)ctx)->now;
}

static void
fh_wait(void *ctx, int64_t ms)
{
  struct fake_host *f = ctx;

  f->now += ms;
  f->waited += ms;
  f->waits++;
}

static int
fh_find(struct fake_host *f, const char *key)
{
  int i;

  for(i = 0; i < FH_MAX_KEYS; i++)
    if(f->keys[i] && !strcmp(f->keys[i], key))
      return i;
  return -1;
}

static int
fh_state_get(void *ctx, const char *key, char *buf, size_t buflen,
             size_t *len)
{
  struct fake_host *f = ctx;
  int i = fh_find(f, key);

  if(i < 0)
    return BMC_ERR_NOT_FOUND;
  *len = f->lens[i];
  if(f->lens[i] > buflen)
    return BMC_ERR_TOO_SMALL;
  memcpy(buf, f->vals[i], f->lens[i]);
  return BMC_OK;
}

static int
fh_state_put(void *ctx, const char *key, const char *val, size_t len)
{
  struct fake_host *f = ctx;
  int i = fh_find(f, key);

  if(i < 0)
    for(i = 0; i < FH_MAX_KEYS && f->keys[i]; i++)
      ;
  if(i >= FH_MAX_KEYS)
    return BMC_ERR_NOMEM;
  if(!f->keys[i])
    f->keys[i] = strdup(key);
  free(f->vals[i]);
  f->vals[i] = malloc(len + 1);
  if(!f->keys[i] || !f->vals[i])
    return BMC_ERR_NOMEM;
  memcpy(f->vals[i], val, len);
  f->vals[i][len] = '\0';
  f->lens[i] = len;
  f->puts++;
  return BMC_OK;
}

static const struct bmc_host_api fh_api = {
  .hdr = {BMC_ABI_MAGIC, sizeof(struct bmc_host_api), BMC_ABI_MAJOR,
          BMC_ABI_MINOR},
  .log = fh_log,
  .now_ms = fh_now,
  .wait_ms = fh_wait,
  .state_get = fh_state_get,
  .state_put = fh_state_put,
};

const struct bmc_host_api *
fake_host_api(void)
{
  return &fh_api;
}

void
fake_host_init(struct fake_host *f, int64_t now)
{
  memset(f, 0, sizeof(*f));
  f->now = now;
}

void
fake_host_free(struct fake_host *f)
{
  int i;

  for(i = 0; i < FH_MAX_KEYS; i++) {
    free(f->keys[i]);
    free(f->vals[i]);
    f->keys[i] = f->vals[i] = NULL;
  }
}

int
fake_host_main(const struct cu_case *cases, size_t n, int argc, char **argv)
{
  int rc;

  if(pc_lib_acquire())
    return 2;
  rc = cu_main(cases, n, NULL, NULL, argc, argv);
  pc_lib_release();
  return rc;
}
