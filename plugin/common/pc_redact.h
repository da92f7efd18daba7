/*
 * pc_redact.h -- keep secrets out of anything that can reach a log, a job
 * log, an error message or test output (plugin/common).
 *
 * A struct pc_secrets holds copies of the instance's secret values (token,
 * API key) and of the derived forms that can appear on the wire ("Basic
 * <token>").  pc_redact() replaces every occurrence of each with "****", and
 * also masks the value of any "Authorization:" or "x-api-key:" header line
 * and any "token=" / "api_key=" query parameter, known secret or not.
 * pc_log() formats, redacts, then calls host->log: the plugins' only way to
 * log text that may carry remote data.
 */
#ifndef PC_REDACT_H
#define PC_REDACT_H

#include <stddef.h>

#include "bmc/bmc_plugin.h"

#define PC_SECRETS_MAX 4

struct pc_secrets {
  char *v[PC_SECRETS_MAX]; /* owned copies; NULL = unused */
  size_t n;
};

/* Remember a secret (copied).  Values shorter than 4 bytes are ignored
 * (they would mask ordinary text).  BMC_OK, BMC_ERR_NOMEM,
 * BMC_ERR_TOO_SMALL (full). */
int pc_secrets_add(struct pc_secrets *s, const char *value);
/* Wipe (explicit_bzero) and free every copy.  Accepts NULL. */
void pc_secrets_clear(struct pc_secrets *s);

/* Copy in to out with secrets masked; always NUL-terminates (truncating if
 * out is short).  s may be NULL (header/parameter masking only).  Returns
 * the number of masks applied. */
size_t pc_redact(const struct pc_secrets *s, const char *in, char *out,
                 size_t outlen);

/* Mask in place (the text never grows: "****" is shorter than any secret
 * it replaces when the secret has >= 4 bytes). */
size_t pc_redact_inplace(const struct pc_secrets *s, char *text);

/* printf-format, redact, host->log.  Lines are capped at 2 KiB. */
void pc_log(const struct bmc_host_api *host, void *hctx,
            const struct pc_secrets *s, enum bmc_log_level level,
            const char *fmt, ...) BMC_PRINTF(5, 6);

#endif /* PC_REDACT_H */
