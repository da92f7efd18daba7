/*
 * fuzz_order_doc.c -- fuzz target for the Back Market order conversion:
 * bytes -> JSON (one order, or a page {"count", "next", "results": [...]}
 * read by the order page decoder, pc_page_decode) -> bm_order_parse ->
 * bm_order_doc.  Properties checked on every input: no crash or leak; a
 * page the decoder accepts has an items array and a count that is -1 or
 * within 0..PC_PAGE_MAX_COUNT; an order that parses converts either to an
 * error or to a document that is well-formed AND valid against
 * schemas/order.xsd (abort otherwise).
 * Built with libFuzzer under clang (BMC_FUZZ=ON) and always with the
 * replay main (fuzz_replay.c) that runs the corpus in ctest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"
#include "fz_schema.h"
#include "pc_json.h"
#include "pc_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_one(struct json_object *j)
{
  struct bm_order o;
  struct pc_xml x;
  char err[512];

  if(bm_order_parse(j, &o, err, sizeof(err)) == BMC_OK) {
    if(bm_order_doc(&o, &x) == BMC_OK)
      fz_order_doc_check(pc_xml_str(&x), pc_xml_len(&x));
    pc_xml_free(&x);
  }
  else if(!err[0]) {
    abort(); /* every refusal must say why */
  }
  bm_order_clear(&o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct pc_page_spec spec = {"orders", "results", "count",
                                           NULL, "next"};
  struct json_object *j;
  struct pc_page pg;
  char err[256];
  size_t i;

  j = pc_json_parse((const char *)data, size, err, sizeof(err));
  if(!j)
    return 0;
  if(json_object_is_type(j, json_type_object) &&
     json_object_object_get_ex(j, "results", NULL)) {
    err[0] = '\0';
    if(pc_page_decode(&spec, j, &pg, err, sizeof(err)) == BMC_OK) {
      if(!pg.items || pg.count < -1 || pg.count > PC_PAGE_MAX_COUNT ||
         pg.n_items != json_object_array_length(pg.items))
        abort();
      for(i = 0; i < pg.n_items && i < 64; i++)
        fz_one(json_object_array_get_idx(pg.items, i));
    }
    else if(!err[0]) {
      abort(); /* every refusal must say why */
    }
  }
  else {
    fz_one(j);
  }
  json_object_put(j);
  return 0;
}
