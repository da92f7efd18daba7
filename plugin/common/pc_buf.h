/*
 * pc_buf.h -- a bounded growing byte buffer (after curl's dynbuf): every
 * buffer has a cap, and appending past it fails with BMC_ERR_PROTOCOL
 * instead of growing without limit.  Used by the HTTP body reader, the XML
 * builder and the CSV writer (plugin/common).
 */
#ifndef PC_BUF_H
#define PC_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "bmc/bmc_plugin.h"

struct pc_buf {
  char *data;  /* NUL-terminated when len > 0 or after any append; owned */
  size_t len;  /* bytes used, without the terminating NUL */
  size_t cap;  /* bytes allocated */
  size_t max;  /* hard cap on len (0 = 64 MiB) */
};

/* Zero the struct and set the cap.  Allocates nothing. */
void pc_buf_init(struct pc_buf *b, size_t max);
/* Append n bytes.  BMC_ERR_PROTOCOL when len would pass max (the buffer is
 * left unchanged), BMC_ERR_NOMEM. */
int pc_buf_add(struct pc_buf *b, const void *p, size_t n);
int pc_buf_adds(struct pc_buf *b, const char *s);
int pc_buf_addf(struct pc_buf *b, const char *fmt, ...) BMC_PRINTF(2, 3);
int pc_buf_vaddf(struct pc_buf *b, const char *fmt, va_list ap)
    BMC_PRINTF(2, 0);
/* The text so far; "" (never NULL) when empty.  Borrowed. */
const char *pc_buf_str(const struct pc_buf *b);
/* Forget the contents but keep the allocation. */
void pc_buf_reset(struct pc_buf *b);
/* Release the allocation; the buffer may be reused after pc_buf_init(). */
void pc_buf_free(struct pc_buf *b);
/* Hand the allocation to the caller (who free()s it); buffer becomes empty.
 * Never NULL on success (an empty string is allocated if needed). */
char *pc_buf_take(struct pc_buf *b, size_t *len);

#endif /* PC_BUF_H */
