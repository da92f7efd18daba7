/*
 * fuzz_bm_bulk_task.c -- fuzz target for the decoders of Back Market's bulk
 * CSV answers: bytes -> JSON -> the upload answer's task id
 * (bm_bulk_task_id), the task status (bm_bulk_status for task 42) and the
 * per-row result of a finished task (bm_bulk_rows over a fixed list of row
 * SKUs).  Properties: no crash or leak; an accepted task id is positive; a
 * refusal always says why; every row is reported exactly once, with its
 * own SKU, and a failed row always has a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fz_skus[] = {"SKU-1", "SKU-2", "sku-3", "SKU 4",
                                      "0"};
#define FZ_ROWS (sizeof(fz_skus) / sizeof(fz_skus[0]))

struct fz_rows {
  int seen[FZ_ROWS];
};

static void
fz_row(void *ud, const char *sku, int ok, const char *listing_id,
       const char *reason)
{
  struct fz_rows *r = ud;
  size_t i;

  for(i = 0; i < FZ_ROWS; i++)
    if(sku == fz_skus[i])
      break;
  if(i == FZ_ROWS || r->seen[i]++)
    abort(); /* a SKU that is no row, or a row reported twice */
  if(!ok && (!reason || !*reason))
    abort();
  (void)listing_id;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct json_object *j;
  struct json_object *result;
  struct fz_rows rows;
  const char *lerr;
  int64_t id;
  int64_t status;
  char err[400];
  size_t i;

  j = pc_json_parse((const char *)data, size, NULL, 0);
  if(!j)
    return 0;
  err[0] = '\0';
  if(bm_bulk_task_id(j, &id, err, sizeof(err)) == BMC_OK) {
    if(id <= 0)
      abort();
  }
  else if(!err[0]) {
    abort();
  }
  err[0] = '\0';
  if(bm_bulk_status(j, 42, &status, &lerr, &result, err, sizeof(err)) ==
     BMC_OK) {
    memset(&rows, 0, sizeof(rows));
    if(bm_bulk_rows(result, fz_skus, FZ_ROWS, status == 9, fz_row, &rows))
      abort();
    for(i = 0; i < FZ_ROWS; i++)
      if(rows.seen[i] != 1)
        abort();
    if(status == 8 && (!lerr || !*lerr))
      abort();
  }
  else if(!err[0]) {
    abort();
  }
  json_object_put(j);
  return 0;
}
