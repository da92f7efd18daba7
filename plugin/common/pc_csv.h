/*
 * pc_csv.h -- CSV writer for the bulk listings endpoint (plugin/common).
 * The delimiter and quote character are chosen by the caller (Back Market
 * lets the client declare them).  A field is quoted when it contains the
 * delimiter, the quote char, CR or LF, or leading/trailing spaces; quote
 * chars inside are doubled.  Rows end with "\n" (or the chosen line end).
 * Output is bounded (pc_buf cap).
 */
#ifndef PC_CSV_H
#define PC_CSV_H

#include <stddef.h>

#include "pc_buf.h"

struct pc_csv {
  struct pc_buf out;
  char delim;         /* ',' or ';' */
  char quote;         /* '"' */
  const char *eol;    /* "\n" (default) or "\r\n" */
  int row_fields;     /* fields written in the current row */
  size_t rows;        /* complete rows written */
};

/* Zero and configure; max_bytes caps the output (0 = 64 MiB). */
void pc_csv_init(struct pc_csv *c, char delim, char quote, size_t max_bytes);
/* Append one field (NULL = empty). */
int pc_csv_field(struct pc_csv *c, const char *s);
int pc_csv_fieldf(struct pc_csv *c, const char *fmt, ...) BMC_PRINTF(2, 3);
/* End the row. */
int pc_csv_end_row(struct pc_csv *c);
/* Non-zero when s must be quoted with this writer's settings. */
int pc_csv_needs_quote(const struct pc_csv *c, const char *s);
/* The CSV text so far (borrowed). */
const char *pc_csv_text(const struct pc_csv *c);
size_t pc_csv_len(const struct pc_csv *c);
void pc_csv_reset(struct pc_csv *c);
void pc_csv_free(struct pc_csv *c);

#endif /* PC_CSV_H */
