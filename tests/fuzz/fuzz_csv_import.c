/*
 * fuzz_csv_import.c -- fuzz target for the Bulk Update CSV import: bytes
 * -> an in-memory file (memfd) -> hs_products_import_csv into a company
 * of its own (an in-memory store with the built plugins loaded, so their
 * property columns and "<Column>_<market>" are in play; opened again
 * every FZ_REOPEN inputs so it stays small).  Properties checked on every input (abort otherwise):
 * no crash or leak; the call returns OK or a refusal with a message that
 * names the file; every refused row has a message and a line inside the
 * file; the counts add up (rows created = products in the store); every
 * product that landed has a non-empty SKU with no control character, so
 * no NUL byte cut a SKU short.  Built with libFuzzer under clang
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
#include "hs_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_rows {
  int64_t max_line, bad;
};

static void
fz_row_err(void *ud, int64_t line, const char *msg)
{
  struct fz_rows *r = ud;

  if(!msg || !msg[0] || line < 2 || line > r->max_line)
    abort(); /* a refused row must say why, and where */
  r->bad++;
}

static int
fz_product(void *ud, const struct bmc_product *p)
{
  int64_t *n = ud;

  if(!p->sku || !p->sku[0] || hs_text_control_at(p->sku) >= 0)
    abort(); /* a SKU cut short or carrying a control character */
  (*n)++;
  return 0;
}

#define FZ_REOPEN 512

static struct hs_host *fz_h;
static unsigned fz_n;

/* The store, and a new empty company for this input (*company). */
static struct hs_host *
fz_store(char *company, size_t len)
{
  struct hs_options o;
  char err[512] = "";

  if(fz_h && fz_n % FZ_REOPEN == 0) {
    hs_host_close(fz_h);
    fz_h = NULL;
  }
  if(!fz_h) {
    memset(&o, 0, sizeof(o));
    o.db_path = ":memory:";
    o.schema_dir = getenv("BMC_SCHEMA_DIR") ? getenv("BMC_SCHEMA_DIR")
                                            : BMC_SCHEMA_DIR;
    /* the Back Market plugin's property columns, per market too */
    o.plugin_dir = getenv("BMC_PLUGIN_DIR") ? getenv("BMC_PLUGIN_DIR")
                                            : BMC_PLUGIN_DIR;
    if(hs_host_open(&o, &fz_h, err, sizeof(err))) {
      fprintf(stderr, "fuzz_csv_import: %s\n", err);
      abort();
    }
  }
  snprintf(company, len, "C%u", fz_n++);
  if(hs_company_add(fz_h, company, NULL))
    abort();
  return fz_h;
}

/* The replay main and libFuzzer exit without telling us: close the store
 * so a leak checker sees only real leaks. */
static void __attribute__((destructor))
fz_close(void)
{
  hs_host_close(fz_h);
  fz_h = NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct hs_import_stats st;
  struct fz_rows rows = {1, 0};
  struct hs_host *h;
  char path[64], err[1024], company[32];
  int64_t n = 0;
  size_t i;
  int fd, rc;

  fd = memfd_create("fz.csv", MFD_CLOEXEC);
  if(fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
    abort();
  for(i = 0; i < size; i++)
    if(data[i] == '\n')
      rows.max_line++;
  snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
  h = fz_store(company, sizeof(company));
  memset(&st, 0, sizeof(st));
  err[0] = '\0';
  rc = hs_products_import_csv(h, company, path, 3, fz_row_err, &rows, &st,
                              err, sizeof(err));
  if(rc != BMC_OK && (rc != BMC_ERR_INVALID_ARG || !strstr(err, path)))
    abort(); /* the only refusal is a bad file, and it names the file */
  if(st.rows_bad != rows.bad || st.rows_created > st.rows_ok ||
     st.rows_ok + st.rows_bad > rows.max_line)
    abort();
  if(hs_products_each(h, company, 0, fz_product, &n) != BMC_OK ||
     n != st.rows_created)
    abort();
  close(fd);
  return 0;
}
