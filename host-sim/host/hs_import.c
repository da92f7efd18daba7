/*
 * hs_import.c -- Bulk Update CSV import of products (seed 004 column
 * names).  Streams the file record by record (RFC 4180 quoting, CRLF or
 * LF), maps each header to one of the host's own columns or to a loaded
 * plugin's declared property column ("<Column>_<market>" for a market's
 * value), validates each row (properties against their declarations),
 * writes only the columns the header names, one transaction per batch, and
 * reports each bad row with its line number and the column.  A NUL byte
 * or a control character never reaches the store: it would cut a SKU
 * short (and overwrite another product) or reach a header.
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
#define HS_CSV_MAX_COLS 256

/* The host's own Bulk Update headers (seed 004) and product columns;
 * everything else in a file is a plugin's property column. */
static const struct hs_csv_col hs_cols[] = {
  {"ProductID", "SKU", "sku", HS_K_TEXT},
  {"Title", NULL, "title", HS_K_TEXT},
  {"Description", NULL, "description", HS_K_TEXT},
  {"EAN", NULL, "ean", HS_K_EAN},
  {"WeightLbs", NULL, "weight_lbs", HS_K_DEC},
  {"WeightOz", NULL, "weight_oz", HS_K_DEC},
  {"GalleryImageURL", NULL, "image_url", HS_K_TEXT},
  {"SitePrice", NULL, "site_price", HS_K_MONEY},
  {"AvailableQty", NULL, "available_qty", HS_K_QTY},
  {"DeviceType", NULL, "device_type", HS_K_TEXT},
  {"CPU", NULL, "cpu", HS_K_TEXT},
  {"StorageType", NULL, "storage_type", HS_K_TEXT},
  {"StorageGB", NULL, "storage_gb", HS_K_OPTINT},
  {"RAMGB", NULL, "ram_gb", HS_K_OPTINT},
  {"ReleaseYear", NULL, "release_year", HS_K_OPTINT},
};
#define HS_NCOLS (sizeof(hs_cols) / sizeof(hs_cols[0]))

const struct hs_csv_col *
hs_import_host_cols(size_t *n)
{
  *n = HS_NCOLS;
  return hs_cols;
}

/* A header is the host's own column (name or alias), else NULL. */
static const struct hs_csv_col *
hs_host_col(const char *name)
{
  size_t j;

  for(j = 0; j < HS_NCOLS; j++)
    if(strcasecmp(name, hs_cols[j].header) == 0 ||
       (hs_cols[j].alias && strcasecmp(name, hs_cols[j].alias) == 0))
      return &hs_cols[j];
  return NULL;
}

/* One column of the file: a host column or a plugin property. */
struct hs_map {
  const struct hs_csv_col *host;
  const struct bmc_plugin_api *api;
  const struct bmc_property *prop;
  char market[24];
  char header[96];
  int sql_idx; /* host columns: parameter number in the SQL; property
                  columns: that of the value in the property insert */
};

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
hs_text_bad(const struct hs_csv_col *col, const char *v)
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

/* Validate and bind one value.  Empty = NULL (unset) except for the
 * quantity, which becomes 0. */
static int
hs_bind_cell(struct hs_dbst *st, int idx, const struct hs_csv_col *col,
             char *v, char *msg, size_t msglen)
{
  long long x;
  int64_t d;
  size_t i;

  if(!v[0]) {
    if(col->kind == HS_K_QTY)
      return hs_db_bind_i64(st, idx, 0) ? -1 : 0;
    if(col->kind == HS_K_TEXT && strcmp(col->column, "sku") == 0) {
      hs_errf(msg, msglen, "%s is empty", col->header);
      return -1;
    }
    return hs_db_bind_null(st, idx) ? -1 : 0;
  }
  switch(col->kind) {
  case HS_K_QTY:
    if(hs_parse_int(v, HS_QTY_MIN, HS_QTY_MAX, &x)) {
      hs_errf(msg, msglen, "%s: '%.40s' is not a whole number", col->header,
              v);
      return -1;
    }
    return hs_db_bind_i64(st, idx, x) ? -1 : 0;
  case HS_K_OPTINT:
    if(strcasecmp(v, "default") == 0)
      return hs_db_bind_null(st, idx) ? -1 : 0;
    if(hs_parse_int(v, 0, 1000000000LL, &x)) {
      hs_errf(msg, msglen, "%s: '%.40s' is not a whole number >= 0",
              col->header, v);
      return -1;
    }
    return hs_db_bind_i64(st, idx, x) ? -1 : 0;
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
  case HS_K_TEXT:
    if(hs_text_bad(col, v)) {
      hs_errf(msg, msglen, "%s contains a control character (byte 0x%02x "
              "at offset %ld)", col->header,
              (unsigned)(unsigned char)v[hs_text_bad(col, v) - 1],
              hs_text_bad(col, v) - 1);
      return -1;
    }
    break;
  }
  return hs_db_bind_text(st, idx, v) ? -1 : 0;
}

/* A property cell in the declaration's text form: bools as true/false
 * (True, yes, 1... accepted), enum values in the declared spelling (any
 * case accepted), "default" (any case, non-STRING) or "" = clear (NULL).
 * Returns the value to store (v, or a copy in buf) and validates it. */
static int
hs_prop_cell(const struct hs_map *m, char *v, char *buf, size_t buflen,
             const char **out, char *msg, size_t msglen)
{
  const struct bmc_property *p = m->prop;
  const char *e, *bar;
  size_t n;
  int b;

  *out = NULL;
  if(!v[0] || (p->type != BMC_SET_STRING && !strcasecmp(v, "default")))
    return 0;
  *out = v;
  if(p->type == BMC_SET_BOOL && !hs_parse_bool(v, &b))
    *out = b ? "true" : "false";
  if(p->type == BMC_SET_ENUM)
    for(e = p->enum_values; e && *e; e = bar ? bar + 1 : NULL) {
      bar = strchr(e, '|');
      n = bar ? (size_t)(bar - e) : strlen(e);
      if(n == strlen(v) && !strncasecmp(e, v, n) && n < buflen) {
        memcpy(buf, e, n);
        buf[n] = '\0';
        *out = buf;
        break;
      }
    }
  return hs_property_validate(p, m->header, *out, msg, msglen) ? -1 : 0;
}

/* Build "INSERT ... ON CONFLICT DO NOTHING" and "UPDATE ... SET" for the
 * header's host columns (sql_idx set on each). */
static int
hs_build_sql(struct hs_map *map, size_t nf, char **ins, char **upd)
{
  size_t cap = 4096, i;
  char *a = malloc(cap), *b = malloc(cap);
  size_t la, lb;
  int next = 3, sku_idx = 0;

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
    if(!map[i].host)
      continue;
    map[i].sql_idx = next++;
    la += (size_t)snprintf(a + la, cap - la, ", %s", map[i].host->column);
    if(strcmp(map[i].host->column, "sku") != 0)
      lb += (size_t)snprintf(b + lb, cap - lb, ", %s = ?%d",
                             map[i].host->column, map[i].sql_idx);
    else
      sku_idx = map[i].sql_idx;
  }
  la += (size_t)snprintf(a + la, cap - la, ") VALUES(?1, ?2");
  for(i = 3; (int)i < next; i++)
    la += (size_t)snprintf(a + la, cap - la, ", ?%zu", i);
  snprintf(a + la, cap - la, ") ON CONFLICT(company_id, sku) DO NOTHING"
           " RETURNING id");
  snprintf(b + lb, cap - lb, " WHERE company_id = ?1 AND sku = ?%d",
           sku_idx);
  *ins = a;
  *upd = b;
  return BMC_OK;
}

/* A statement over every property column of the file as a VALUES list:
 * head, then a row (plugin, key, market, value) per property column, then
 * tail.  Parameters: ?1 and ?2 the caller's, then four per property
 * column in file order (sql_idx of a property column is its value's, set
 * here), every one of them in the text (PostgreSQL types each from its
 * use).  plugin and market are bound once for the file, and the key too
 * when bind_key.  NULL when the header has no property column. */
static struct hs_dbst *
hs_props_values_stmt(struct hs_host *h, struct hs_map *map, size_t nf,
                     const char *head, const char *tail, int bind_key,
                     int *rc)
{
  size_t i, len, cap = 512 + nf * 32;
  struct hs_dbst *st = NULL;
  char *sql = malloc(cap);
  int next = 3, any = 0;

  *rc = BMC_OK;
  if(!sql) {
    *rc = BMC_ERR_NOMEM;
    return NULL;
  }
  len = (size_t)snprintf(sql, cap, "%s (VALUES", head);
  for(i = 0; i < nf; i++) {
    if(!map[i].prop)
      continue;
    map[i].sql_idx = next + 3;
    len += (size_t)snprintf(sql + len, cap - len, "%s(?%d, ?%d, ?%d, ?%d)",
                            any ? ", " : " ", next, next + 1, next + 2,
                            next + 3);
    next += 4;
    any = 1;
  }
  snprintf(sql + len, cap - len, ")%s", tail);
  if(any && hs_db_prepare(h->db, sql, &st) != HS_DB_OK)
    *rc = BMC_ERR_INTERNAL;
  free(sql);
  for(i = 0; st && i < nf; i++) {
    if(!map[i].prop)
      continue;
    hs_bind_text(st, map[i].sql_idx - 3, map[i].api->name);
    if(bind_key)
      hs_bind_text(st, map[i].sql_idx - 2, map[i].prop->key);
    hs_bind_text(st, map[i].sql_idx - 1, map[i].market);
  }
  return st;
}

/* One INSERT for every property value of a row (?1 the product id, ?2 the
 * time; NULL values skipped), and one DELETE for the emptied ones (the key
 * bound per row, NULL when the cell is not empty: it matches nothing). */
static int
hs_props_row_stmts(struct hs_host *h, struct hs_map *map, size_t nf,
                   struct hs_dbst **pins, struct hs_dbst **pdel)
{
  int rc;

  *pins = hs_props_values_stmt(h, map, nf, "INSERT INTO product_props("
                               "product_id, plugin, key, market, value,"
                               " updated_ms) SELECT ?1, column1, column2,"
                               " column3, column4, ?2 FROM", " AS v WHERE"
                               " column4 IS NOT NULL ON CONFLICT(product_id,"
                               " plugin, key, market) DO UPDATE SET value ="
                               " excluded.value, updated_ms ="
                               " excluded.updated_ms", 1, &rc);
  if(!rc && *pins)
    *pdel = hs_props_values_stmt(h, map, nf, "DELETE FROM product_props"
                                 " WHERE product_id = ?1 AND (CAST(?2 AS"
                                 " BIGINT) IS NULL OR CAST(?2 AS BIGINT) IS"
                                 " NOT NULL) AND (plugin, key, market) IN"
                                 " (SELECT column1, column2, column3 FROM",
                                 " AS v)", 0, &rc);
  return rc;
}

/* Write a row's property values: one insert for the set ones, one delete
 * for the emptied ones (none for a product just created), the SKU
 * aliases. */
static int
hs_row_props(struct hs_host *h, int64_t cid, int64_t pid, int created,
             struct hs_dbst *pins, struct hs_dbst *pdel,
             const struct hs_map *map, size_t nf, const char **pval,
             int64_t now, char *msg, size_t msglen)
{
  size_t i;
  int rc = BMC_OK, emptied = 0;

  if(!pins)
    return BMC_OK;
  hs_db_reset(pins);
  hs_db_bind_i64(pins, 1, pid);
  hs_db_bind_i64(pins, 2, now);
  hs_db_reset(pdel);
  hs_db_bind_i64(pdel, 1, pid);
  for(i = 0; i < nf; i++)
    if(map[i].prop) {
      hs_bind_text(pins, map[i].sql_idx, pval[i]);
      hs_bind_text(pdel, map[i].sql_idx - 2,
                   pval[i] ? NULL : map[i].prop->key);
      emptied |= !pval[i];
    }
  if(hs_db_step(pins) != HS_DB_DONE ||
     (!created && emptied && hs_db_step(pdel) != HS_DB_DONE)) {
    hs_errf(msg, msglen, "store: %s", hs_db_errmsg(h->db));
    return BMC_ERR_INTERNAL;
  }
  for(i = 0; rc == BMC_OK && i < nf; i++)
    if(map[i].prop && (map[i].prop->flags & BMC_PROP_SKU_ALIAS) &&
       (pval[i] || !created))
      rc = hs_props_alias_refresh(h, cid, pid, map[i].api,
                                  pval[i] ? pval[i] : "");
  return rc;
}

/* The property column of a loaded plugin named by header; *ambiguous when
 * two plugins declare it.  NULL when none. */
static const struct bmc_property *
hs_prop_col(struct hs_host *h, const char *header,
            const struct bmc_plugin_api **api, char *market, size_t mlen)
{
  const struct bmc_property *found = NULL;
  size_t i, j;

  for(i = 0; i < h->n_plugs && !found; i++) {
    const struct bmc_plugin_api *a = h->plugs[i].api;

    for(j = 0; j < a->n_properties && !found; j++)
      if(hs_property_column_match(a, &a->properties[j], header, market,
                                  mlen)) {
        found = &a->properties[j];
        *api = a;
      }
  }
  return found;
}

int
hs_props_columns_check(struct hs_host *h, const struct bmc_plugin_api *api,
                       const char *origin, char *err, size_t errlen)
{
  const struct bmc_plugin_api *other;
  char col[96], mk[24];
  const char *c, *bar;
  size_t j, n;

  for(j = 0; j < api->n_properties; j++) {
    for(c = api->properties[j].column; c && *c; c = bar ? bar + 1 : NULL) {
      bar = strchr(c, '|');
      n = bar ? (size_t)(bar - c) : strlen(c);
      snprintf(col, sizeof(col), "%.*s", (int)n, c);
      if(hs_host_col(col)) {
        hs_errf(err, errlen, "%s: property '%s': column '%s' is one of the "
                "host's own Bulk Update columns", origin,
                api->properties[j].key, col);
        return BMC_ERR_CONFLICT;
      }
      if(hs_prop_col(h, col, &other, mk, sizeof(mk))) {
        hs_errf(err, errlen, "%s: property '%s': column '%s' is already "
                "declared by plugin %s", origin, api->properties[j].key, col,
                other->name);
        return BMC_ERR_CONFLICT;
      }
    }
  }
  return BMC_OK;
}

static int
hs_map_header(struct hs_host *h, struct hs_csv *c, struct hs_map *map,
              char *err, size_t errlen)
{
  size_t i, k, have_sku = 0;

  for(i = 0; i < c->nf; i++) {
    char *name = hs_trim(c->buf + c->off[i]);
    struct hs_map *m = &map[i];

    if(i == 0 && (unsigned char)name[0] == 0xEF &&
       (unsigned char)name[1] == 0xBB && (unsigned char)name[2] == 0xBF)
      name += 3;
    memset(m, 0, sizeof(*m));
    snprintf(m->header, sizeof(m->header), "%s", name);
    m->host = hs_host_col(name);
    if(!m->host)
      m->prop = hs_prop_col(h, name, &m->api, m->market, sizeof(m->market));
    if(!m->host && !m->prop) {
      hs_errf(err, errlen, "line %lld: column %zu '%.60s' is not a known "
              "Bulk Update column (neither the host's nor a loaded plugin's "
              "property)", (long long)c->line, i + 1, name);
      return BMC_ERR_INVALID_ARG;
    }
    if(m->prop && (m->prop->flags & BMC_PROP_PLUGIN_OWNED)) {
      hs_errf(err, errlen, "line %lld: column %zu '%.60s' is written by the "
              "%s plugin only (read-only for imports)", (long long)c->line,
              i + 1, name, m->api->name);
      return BMC_ERR_INVALID_ARG;
    }
    for(k = 0; k < i; k++)
      if((m->host && map[k].host == m->host) ||
         (m->prop && map[k].prop == m->prop &&
          !strcmp(map[k].market, m->market))) {
        hs_errf(err, errlen, "line %lld: column %zu '%.60s' repeats column "
                "%zu", (long long)c->line, i + 1, name, k + 1);
        return BMC_ERR_INVALID_ARG;
      }
    if(m->host && strcmp(m->host->column, "sku") == 0)
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
  struct hs_map *map = NULL;
  const char **pval = NULL;
  char (*pbuf)[64] = NULL;
  size_t nf, inbatch = 0, i, sku_field = 0;
  struct hs_dbst *ins = NULL, *upd = NULL, *pins = NULL, *pdel = NULL;
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
  map = calloc(HS_CSV_MAX_COLS, sizeof(*map));
  pval = calloc(HS_CSV_MAX_COLS, sizeof(*pval));
  pbuf = calloc(HS_CSV_MAX_COLS, sizeof(*pbuf));
  c.f = fopen(path, "r");
  if(!c.buf || !c.f || !map || !pval || !pbuf) {
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
  rc = hs_map_header(h, &c, map, rerr, sizeof(rerr));
  if(rc) {
    hs_errf(err, errlen, "%s: %s", path, rerr);
    goto out;
  }
  nf = c.nf;
  for(i = 0; i < nf; i++)
    if(map[i].host && strcmp(map[i].host->column, "sku") == 0)
      sku_field = i;
  rc = hs_build_sql(map, nf, &sql_ins, &sql_upd);
  if(!rc)
    rc = hs_props_row_stmts(h, map, nf, &pins, &pdel);
  if(rc || hs_db_prepare(h->db, sql_ins, &ins) ||
     hs_db_prepare(h->db, sql_upd, &upd)) {
    hs_errf(err, errlen, "%s: store: %s", path, hs_db_errmsg(h->db));
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
              map[c.nul_field - 1].header);
      bad = 1;
    }
    if(!intx) {
      rc = hs_begin(h);
      if(rc)
        goto out;
      intx = 1;
    }
    hs_db_reset(ins);
    hs_db_reset(upd);
    hs_db_bind_i64(ins, 1, cid);
    hs_db_bind_i64(ins, 2, now);
    hs_db_bind_i64(upd, 1, cid);
    hs_db_bind_i64(upd, 2, now);
    for(i = 0; !bad && i < nf; i++) {
      char *v = hs_trim(c.buf + c.off[i]);

      if(map[i].prop) {
        if(hs_prop_cell(&map[i], v, pbuf[i], sizeof(pbuf[i]), &pval[i], msg,
                        sizeof(msg)))
          bad = 1;
        continue;
      }
      if(hs_bind_cell(ins, map[i].sql_idx, map[i].host, v, msg,
                      sizeof(msg)) ||
         hs_bind_cell(upd, map[i].sql_idx, map[i].host, v, msg,
                      sizeof(msg)))
        bad = 1;
    }
    if(!bad) {
      int created = 0, irc = hs_db_step(ins);
      int64_t pid = 0;

      if(irc == HS_DB_ROW) { /* inserted: RETURNING id */
        s.rows_created++;
        created = 1;
        pid = hs_db_col_i64(ins, 0);
        irc = hs_db_step(ins);
      }
      if(irc != HS_DB_DONE) {
        hs_errf(msg, sizeof(msg), "store: %s", hs_db_errmsg(h->db));
        bad = 1;
      }
      else if(!created && hs_db_step(upd) != HS_DB_DONE) {
        hs_errf(msg, sizeof(msg), "store: %s", hs_db_errmsg(h->db));
        bad = 1;
      }
      if(!bad && !created)
        pid = hs_product_id_find(h, cid, NULL,
                                 hs_trim(c.buf + c.off[sku_field]));
      if(!bad && hs_row_props(h, cid, pid, created, pins, pdel, map, nf,
                              pval, now, msg, sizeof(msg)))
        bad = 1;
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
  hs_db_finalize(ins);
  hs_db_finalize(upd);
  hs_db_finalize(pins);
  hs_db_finalize(pdel);
  free(sql_ins);
  free(sql_upd);
  free(map);
  free(pval);
  free(pbuf);
  free(c.buf);
  if(c.f)
    fclose(c.f);
  if(st)
    *st = s;
  return rc;
}
