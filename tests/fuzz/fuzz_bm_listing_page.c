/*
 * fuzz_bm_listing_page.c -- fuzz target for the Back Market listing
 * decoders: bytes -> JSON -> the listing page decoder (pc_page_decode) ->
 * bm_listing_parse on every listing, and the check of a single update's
 * answer (bm_listing_answer_ok) on the whole input.  Properties: no crash
 * or leak; a listing that parses has a non-empty SKU and an id of UUID /
 * integer characters only (it goes into request paths); a quantity it
 * accepts is within BM_LISTING_QTY_MIN..MAX; every refusal says why; an
 * answer is confirmed only when it carries the id and quantity sent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_json.h"
#include "pc_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_listing(struct json_object *l)
{
  struct bm_listing li;
  char err[256];

  err[0] = '\0';
  if(bm_listing_parse(l, &li, err, sizeof(err)) != BMC_OK) {
    if(!err[0])
      abort();
    return;
  }
  if(!li.sku || !*li.sku || !li.id || !*li.id ||
     strspn(li.id, "0123456789abcdefABCDEF-") != strlen(li.id))
    abort();
  if(li.has_qty && (li.qty < BM_LISTING_QTY_MIN || li.qty > BM_LISTING_QTY_MAX))
    abort();
  if(!li.has_qty && !li.qty_err[0])
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct pc_page_spec spec = {"listings", "results", "count",
                                           NULL, "next"};
  const struct bm_listing_want want = {"1234", 3, 44900};
  struct json_object *j;
  struct json_object *v;
  struct pc_page pg;
  char err[400];
  size_t i;

  err[0] = '\0';
  if(bm_listing_answer_ok((const char *)data, size, &want, err, sizeof(err))) {
    /* confirmed: it must be an object showing quantity 3 */
    j = pc_json_parse((const char *)data, size, NULL, 0);
    if(!j || !json_object_object_get_ex(j, "quantity", &v) ||
       json_object_get_int64(v) != 3)
      abort();
    json_object_put(j);
  }
  else if(!err[0]) {
    abort();
  }
  j = pc_json_parse((const char *)data, size, err, sizeof(err));
  if(!j)
    return 0;
  err[0] = '\0';
  if(pc_page_decode(&spec, j, &pg, err, sizeof(err)) == BMC_OK) {
    for(i = 0; i < pg.n_items && i < 128; i++)
      fz_listing(json_object_array_get_idx(pg.items, i));
  }
  else if(!err[0]) {
    abort();
  }
  json_object_put(j);
  return 0;
}
