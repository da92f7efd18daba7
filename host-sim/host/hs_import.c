/*
 * hs_import.c -- Bulk Update CSV import of products (seed 004 column
 * names).  Streams the file record by record (RFC 4180 quoting, CRLF or
 * LF), validates each row, writes only the columns the header names, one
 * transaction per batch, and reports each bad row with its line number.
 * A NUL byte or a control character never reaches the store: it would
 * cut a SKU short (and overwrite another product) or reach a header.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hs_config.h"
#include "hs_internal.h"

#define HS_CSV_MAX_RECORD (1024 * 1024)
#define HS_CSV_MAX_COLS 64

enum hs_kind { HS_K_TEXT, HS_K_BOOL, HS_K_INT, HS_K_QTY, HS_K_MONEY,
               HS_K_DEC, HS_K_EAN, HS_K_GRADE, HS_K_OPTINT };

struct hs_col {
  const char *header, *alias, *column;
  enum hs_kind kind;
};

/* Bulk Update headers (seed 004) and their product columns. */
static const struct hs_col hs_cols[] = {
  {"ProductID", "SKU", "sku", HS_K_TEXT},
  {"MerchantSKU", NULL, "merchant_sku", HS_K_TEXT},
  {"BackmarketEnabled", NULL, "enabled", HS_K_BOOL},
  {"BackmarketTitle", NULL, "title", HS_K_TEXT},
  {"DescriptionForChannel_BackMarket", NULL, "description", HS_K_TEXT},
  {"EAN", NULL, "ean", HS_K_EAN},
  {"WeightLbs", NULL, "weight_lbs", HS_K_DEC},
  {"WeightOz", NULL, "weight_oz", HS_K_DEC},
  {"GalleryImageURL", NULL, "image_url", HS_K_TEXT},
  {"BackmarketCategory", NULL, "category", HS_K_TEXT},
  {"BackmarketWarrantyLength", NULL, "warranty_months", HS_K_OPTINT},
  {"Condition", "Grade", "grade", HS_K_GRADE},
  {"BackmarketProductID", NULL, "bm_product_id", HS_K_TEXT},
  {"BackmarketPrice", NULL, "price", HS_K_MONEY},
  {"SitePrice", NULL, "site_price", HS_K_MONEY},
  {"BackMarketMinPrice", NULL, "min_price", HS_K_MONEY},
  {"BackMarketEnableAutoRepricing", NULL, "repricing", HS_K_BOOL},
  {"SafetyQty", NULL, "safety_qty", HS_K_OPTINT},
  {"MaxQty", NULL, "max_qty", HS_K_OPTINT},
  {"AvailableQty", NULL, "available_qty", HS_K_QTY},
  {"DeviceType", NULL, "device_type", HS_K_TEXT},
  {"CPU", NULL, "cpu", HS_K_TEXT},
  {"StorageType", NULL, "storage_type", HS_K_TEXT},
  {"StorageGB", NULL, "storage_gb", HS_K_OPTINT},
  {"RAMGB", NULL, "ram_gb", HS_K_OPTINT},
  {"ReleaseYear", NULL, "release_year", HS_K_OPTINT},
};
#define HS_NCOLS (sizeof(hs_cols) / sizeof(hs_cols[0]))

struct hs_csv {
  FILE *f;
  char *buf;
  size_t cap, len;
  size_t off[HS_CSV_MAX_COLS];
  size_t nf;
  size_t nul_field;  /* 1-based field of the record's first NUL, 0 none */
  int64_t line;      /* line the current record starts on */
  int64_t next_line; /* line the next record starts on */
};

/* Make room for two more bytes of the current record. */
static int
hs_csv_room(struct hs_csv *c, char *err, size_t errlen)
{
  char *nb;

  if(c->len + 2 < c->cap)
    return 0;
  if(c->cap >= HS_CSV_MAX_RECORD) {
    hs_errf(err, errlen, "line %lld: record longer than %d bytes",
            (long long)c->line, HS_CSV_MAX_RECORD);
    return -1;
  }
  nb = realloc(c->buf, c->cap * 2);
  if(!nb) {
    hs_errf(err, errlen, "out of memory");
    return -1;
  }
  c->buf = nb;
  c->cap *= 2;
  return 0;
}

/* Read one record into fields (NUL separated in buf).  1 = record,
 * 0 = EOF, negative = error (message in err). */
static int
hs_csv_next(struct hs_csv *c, char *err, size_t errlen)
{
  int ch, inq = 0, any = 0;

  c->len = 0;
  c->nf = 0;
  c->nul_field = 0;
  c->line = c->next_line;
  c->off[c->nf++] = 0;
  for(;;) {
    ch = getc_unlocked(c->f);
    if(ch == EOF) {
      if(ferror(c->f)) {
        hs_errf(err, errlen, "line %lld: read error: %s",
                (long long)c->line, strerror(errno));
        return -1;
      }
      if(inq) {
        hs_errf(err, errlen, "line %lld: quoted field not closed before "
                "end of file", (long long)c->line);
        return -1;
      }
      if(!any)
        return 0;
      break;
    }
    any = 1;
    if(inq) {
      if(ch == '"') {
        int nx = getc_unlocked(c->f);

        if(nx != '"') {
          inq = 0;
          if(nx != EOF && ungetc(nx, c->f) == EOF)
            return -1;
          continue;
        }
      }
      else if(ch == '\n') {
        c->next_line++;
      }
    }
    else if(ch == '"') {
      inq = 1;
      continue;
    }
    else if(ch == '\r') {
      continue;
    }
    else if(ch == '\n') {
      c->next_line++;
      break;
    }
    if(hs_csv_room(c, err, errlen))
      return -1;
    if(!inq && ch == ',') {
      if(c->nf >= HS_CSV_MAX_COLS) {
        hs_errf(err, errlen, "line %lld: more than %d columns",
                (long long)c->line, HS_CSV_MAX_COLS);
        return -1;
      }
      c->buf[c->len++] = '\0';
      c->off[c->nf++] = c->len;
      continue;
    }
    if(ch == '\0' && !c->nul_field)
      c->nul_field = c->nf; /* kept as a byte; the record is refused */
    c->buf[c->len++] = (char)ch;
  }
  c->buf[c->len] = '\0';
  return 1;
}

static char *
hs_trim(char *s)
{
  size_t n;

  while(*s && isspace((unsigned char)*s))
    s++;
  n = strlen(s);
  while(n && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

static int
hs_parse_bool(const char *v, int *out)
{
  static const char *const t[] = {"true", "1", "yes", "y"};
  static const char *const f[] = {"false", "0", "no", "n"};
  size_t i;

  for(i = 0; i < 4; i++) {
    if(strcasecmp(v, t[i]) == 0) {
      *out = 1;
      return 0;
    }
    if(strcasecmp(v, f[i]) == 0) {
      *out = 0;
      return 0;
    }
  }
  return -1;
}

static int
hs_parse_int(const char *v, long long lo, long long hi, long long *out)
{
  char *end;
  long long x;

  errno = 0;
  x = strtoll(v, &end, 10);
  if(errno || end == v || *end || x < lo || x > hi)
    return -1;
  *out = x;
  return 0;
}

/* 1 + offset of the first control character text column col may not
 * hold, 0 when none: a title or description may have tabs and line
 * breaks, nothing else may have any. */
static long
hs_text_bad(const struct hs_col *col, const char *v)
{
  int multiline = !strcmp(col->column, "title") ||
                  !strcmp(col->column, "description");
  long i;

  if(!multiline)
    return hs_text_control_at(v) + 1;
  for(i = 0; v[i]; i++)
    if(((unsigned char)v[i] < 0x20 && v[i] != '\t' && v[i] != '\n' &&
        v[i] != '\r') || (unsigned char)v[i] == 0x7f)
      return i + 1;
  return 0;
}

/* Validate and bind one value.  Empty = NULL (unset / company default)
 * except for flags and quantity, which become 0. */
static int
hs_bind_cell(sqlite3_stmt *st, int idx, const struct hs_col *col, char *v,
             char *msg, size_t msglen)
{
  long long x;
  int64_t d;
  int b;
  size_t i;

  if(!v[0]) {
    if(col->kind == HS_K_BOOL || col->kind == HS_K_QTY)
      return sqlite3_bind_int(st, idx, 0) ? -1 : 0;
    if(col->kind == HS_K_TEXT && strcmp(col->column, "sku") == 0) {
      hs_errf(msg, msglen, "%s is empty", col->header);
      return -1;
    }
    return sqlite3_bind_null(st, idx) ? -1 : 0;
  }
  switch(col->kind) {
  case HS_K_BOOL:
    if(hs_parse_bool(v, &b)) {
      hs_errf(msg, msglen, "%s: '%.40s' is not True/False", col->header, v);
      return -1;
    }
    return sqlite3_bind_int(st, idx, b) ? -1 : 0;
  case HS_K_QTY:
    if(hs_parse_int(v, HS_QTY_MIN, HS_QTY_MAX, &x)) {
      hs_errf(msg, msglen, "%s: '%.40s' is not a whole number", col->header,
              v);
      return -1;
    }
    return sqlite3_bind_int64(st, idx, x) ? -1 : 0;
  case HS_K_OPTINT:
    if(strcasecmp(v, "default") == 0)
      return sqlite3_bind_null(st, idx) ? -1 : 0;
    if(hs_parse_int(v, 0, 1000000000LL, &x)) {
      hs_errf(msg, msglen, "%s: '%.40s' is not a whole number >= 0",
              col->header, v);
      return -1;
    }
    return sqlite3_bind_int64(st, idx, x) ? -1 : 0;
  case HS_K_MONEY:
    if(hs_decimal_parse(v, 2, &d) || d < 0) {
      hs_errf(msg, msglen, "%s: '%.40s' is not a price like 449.00",
              col->header, v);
      return -1;
    }
    break;
  case HS_K_DEC:
    if(hs_decimal_parse(v, 3, &d) || d < 0) {
      hs_errf(msg, msglen, "%s: '%.40s' is not a decimal >= 0", col->header,
              v);
      return -1;
    }
    break;
  case HS_K_EAN:
    for(i = 0; v[i]; i++)
      if(!isdigit((unsigned char)v[i]))
        break;
    if(v[i] || (i != 8 && i != 12 && i != 13 && i != 14)) {
      hs_errf(msg, msglen, "%s: '%.40s' is not 8, 12, 13 or 14 digits",
              col->header, v);
      return -1;
    }
    break;
  case HS_K_GRADE:
    for(i = 0; v[i]; i++)
      if(!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != ' ')
        break;
    if(v[i] || i > 32) {
      hs_errf(msg, msglen, "%s: '%.40s' is not a grade (0-4 or a name "
              "such as STALLONE)", col->header, v);
      return -1;
    }
    break;
  case HS_K_TEXT:
    if(hs_text_bad(col, v)) {
      hs_errf(msg, msglen, "%s contains a control character (byte 0x%02x "
              "at offset %ld)", col->header,
              (unsigned)(unsigned char)v[hs_text_bad(col, v) - 1],
              hs_text_bad(col, v) - 1);
      return -1;
    }
    break;
  case HS_K_INT:
    break;
  }
  return sqlite3_bind_text(st, idx, v, -1, SQLITE_TRANSIENT) ? -1 : 0;
}

/* Build "INSERT ... ON CONFLICT DO NOTHING" and "UPDATE ... SET" for the
 * header's columns (map[i] = hs_cols index of field i). */
static int
hs_build_sql(const size_t *map, size_t nf, char **ins, char **upd)
{
  size_t cap = 4096, i;
  char *a = malloc(cap), *b = malloc(cap);
  size_t la, lb;

  *ins = *upd = NULL;
  if(!a || !b) {
    free(a);
    free(b);
    return BMC_ERR_NOMEM;
  }
  la = (size_t)snprintf(a, cap, "INSERT INTO products(company_id,"
                        " updated_ms");
  lb = (size_t)snprintf(b, cap, "UPDATE products SET updated_ms = ?2");
  for(i = 0; i < nf; i++) {
    la += (size_t)snprintf(a + la, cap - la, ", %s",
                           hs_cols[map[i]].column);
    if(strcmp(hs_cols[map[i]].column, "sku") != 0)
      lb += (size_t)snprintf(b + lb, cap - lb, ", %s = ?%zu",
                             hs_cols[map[i]].column, i + 3);
  }
  la += (size_t)snprintf(a + la, cap - la, ") VALUES(?1, ?2");
  for(i = 0; i < nf; i++)
    la += (size_t)snprintf(a + la, cap - la, ", ?%zu", i + 3);
  snprintf(a + la, cap - la, ") ON CONFLICT(company_id, sku) DO NOTHING");
  for(i = 0; i < nf; i++)
    if(strcmp(hs_cols[map[i]].column, "sku") == 0)
      break;
  snprintf(b + lb, cap - lb, " WHERE company_id = ?1 AND sku = ?%zu",
           i + 3);
  *ins = a;
  *upd = b;
  return BMC_OK;
}

static int
hs_map_header(struct hs_csv *c, size_t *map, char *err, size_t errlen)
{
  size_t i, j, have_sku = 0;

  for(i = 0; i < c->nf; i++) {
    char *name = hs_trim(c->buf + c->off[i]);

    if(i == 0 && (unsigned char)name[0] == 0xEF &&
       (unsigned char)name[1] == 0xBB && (unsigned char)name[2] == 0xBF)
      name += 3;
    for(j = 0; j < HS_NCOLS; j++)
      if(strcasecmp(name, hs_cols[j].header) == 0 ||
         (hs_cols[j].alias && strcasecmp(name, hs_cols[j].alias) == 0))
        break;
    if(j == HS_NCOLS) {
      hs_errf(err, errlen, "line %lld: column %zu '%.60s' is not a known "
              "Bulk Update column", (long long)c->line, i + 1, name);
      return BMC_ERR_INVALID_ARG;
    }
    for(size_t k = 0; k < i; k++)
      if(map[k] == j) {
        hs_errf(err, errlen, "line %lld: column %zu '%.60s' repeats column "
                "%zu", (long long)c->line, i + 1, name, k + 1);
        return BMC_ERR_INVALID_ARG;
      }
    map[i] = j;
    if(strcmp(hs_cols[j].column, "sku") == 0)
      have_sku = 1;
  }
  if(!have_sku) {
    hs_errf(err, errlen, "line %lld: the header has no ProductID (or SKU) "
            "column", (long long)c->line);
    return BMC_ERR_INVALID_ARG;
  }
  return BMC_OK;
}

int
hs_products_import_csv(struct hs_host *h, const char *company,
                       const char *path, size_t batch_rows,
                       hs_row_err_fn row_err, void *ud,
                       struct hs_import_stats *st, char *err, size_t errlen)
{
  struct hs_csv c;
  struct hs_import_stats s = {0, 0, 0};
  size_t map[HS_CSV_MAX_COLS], nf, inbatch = 0, i;
  sqlite3_stmt *ins = NULL, *upd = NULL;
  char *sql_ins = NULL, *sql_upd = NULL, msg[HS_ERRLEN], rerr[HS_ERRLEN];
  int64_t cid, now;
  int rc, r, intx = 0;

  if(!h || !company || !path) {
    hs_errf(err, errlen, "import: missing company or file");
    return BMC_ERR_INVALID_ARG;
  }
  if(hs_company_find(h, company, &cid)) {
    hs_errf(err, errlen, "company '%s' does not exist", company);
    return BMC_ERR_NOT_FOUND;
  }
  if(!batch_rows)
    batch_rows = 5000;
  memset(&c, 0, sizeof(c));
  c.next_line = 1;
  c.cap = 4096;
  c.buf = malloc(c.cap);
  c.f = fopen(path, "r");
  if(!c.buf || !c.f) {
    hs_errf(err, errlen, "%s: %s", path, c.f ? "out of memory"
                                             : strerror(errno));
    rc = c.f ? BMC_ERR_NOMEM : BMC_ERR_NOT_FOUND;
    goto out;
  }
  r = hs_csv_next(&c, rerr, sizeof(rerr));
  if(r <= 0) {
    hs_errf(err, errlen, "%s: %s", path, r ? rerr : "empty file (no header)");
    rc = BMC_ERR_INVALID_ARG;
    goto out;
  }
  if(c.nul_field) {
    hs_errf(err, errlen, "%s:%lld: column %zu of the header contains a NUL "
            "byte", path, (long long)c.line, c.nul_field);
    rc = BMC_ERR_INVALID_ARG;
    goto out;
  }
  rc = hs_map_header(&c, map, rerr, sizeof(rerr));
  if(rc) {
    hs_errf(err, errlen, "%s: %s", path, rerr);
    goto out;
  }
  nf = c.nf;
  rc = hs_build_sql(map, nf, &sql_ins, &sql_upd);
  if(rc || sqlite3_prepare_v2(h->db, sql_ins, -1, &ins, NULL) ||
     sqlite3_prepare_v2(h->db, sql_upd, -1, &upd, NULL)) {
    hs_errf(err, errlen, "%s: store: %s", path, sqlite3_errmsg(h->db));
    rc = rc ? rc : BMC_ERR_INTERNAL;
    goto out;
  }
  now = hs_clock_now(h);
  while((r = hs_csv_next(&c, rerr, sizeof(rerr))) > 0) {
    int bad = 0;

    if(c.nf == 1 && !c.buf[0])
      continue; /* blank line */
    if(c.nf != nf) {
      hs_errf(msg, sizeof(msg), "%zu fields, the header has %zu", c.nf, nf);
      bad = 1;
    }
    else if(c.nul_field) {
      hs_errf(msg, sizeof(msg), "field %zu (%s) contains a NUL byte: the "
              "row is refused, nothing of it was written", c.nul_field,
              hs_cols[map[c.nul_field - 1]].header);
      bad = 1;
    }
    if(!intx) {
      rc = hs_begin(h);
      if(rc)
        goto out;
      intx = 1;
    }
    sqlite3_reset(ins);
    sqlite3_reset(upd);
    sqlite3_bind_int64(ins, 1, cid);
    sqlite3_bind_int64(ins, 2, now);
    sqlite3_bind_int64(upd, 1, cid);
    sqlite3_bind_int64(upd, 2, now);
    for(i = 0; !bad && i < nf; i++) {
      char *v = hs_trim(c.buf + c.off[i]);

      if(hs_bind_cell(ins, (int)i + 3, &hs_cols[map[i]], v, msg,
                      sizeof(msg)) ||
         hs_bind_cell(upd, (int)i + 3, &hs_cols[map[i]], v, msg,
                      sizeof(msg)))
        bad = 1;
    }
    if(!bad) {
      if(sqlite3_step(ins) != SQLITE_DONE) {
        hs_errf(msg, sizeof(msg), "store: %s", sqlite3_errmsg(h->db));
        bad = 1;
      }
      else if(sqlite3_changes(h->db) == 1) {
        s.rows_created++;
      }
      else if(sqlite3_step(upd) != SQLITE_DONE) {
        hs_errf(msg, sizeof(msg), "store: %s", sqlite3_errmsg(h->db));
        bad = 1;
      }
    }
    if(bad) {
      s.rows_bad++;
      if(row_err)
        row_err(ud, c.line, msg);
      continue;
    }
    s.rows_ok++;
    if(++inbatch >= batch_rows) {
      rc = hs_commit(h);
      intx = 0;
      inbatch = 0;
      if(rc)
        goto out;
    }
  }
  if(r < 0) {
    hs_errf(err, errlen, "%s: %s (rows before it were imported)", path,
            rerr);
    rc = BMC_ERR_INVALID_ARG;
  }
out:
  if(intx) {
    int crc = hs_commit(h);

    if(!rc)
      rc = crc;
  }
  sqlite3_finalize(ins);
  sqlite3_finalize(upd);
  free(sql_ins);
  free(sql_upd);
  free(c.buf);
  if(c.f)
    fclose(c.f);
  if(st)
    *st = s;
  return rc;
}
