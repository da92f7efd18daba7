/*
 * fuzz_bmp_order.c -- fuzz target for the Back Market Pro order decoders:
 * bytes -> JSON (one order, or a page {"items", "links": {"next"},
 * "total"} read by pc_page_decode) -> bmp_order_info_get ->
 * bmp_order_to_xml.  Properties: no crash or leak; every refusal says why;
 * a document the mapper builds is well-formed and valid against
 * schemas/order.xsd (a mapper that lets created_at or non-UTF-8 text
 * through aborts here).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bmc/bmc_plugin.h"
#include "bmp_order_map.h"
#include "fz_schema.h"
#include "pc_json.h"
#include "pc_page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_order(struct json_object *o)
{
  struct bmp_order_info info;
  char msg[600];
  char *xml = NULL;
  size_t len = 0;
  int rc;

  msg[0] = '\0';
  if(bmp_order_info_get(o, &info, msg, sizeof(msg))) {
    if(!msg[0])
      abort();
    return;
  }
  msg[0] = '\0';
  rc = bmp_order_to_xml(o, "backmarket_pro", 25000, &xml, &len, msg,
                        sizeof(msg));
  if(rc == 0)
    fz_order_doc_check(xml, len);
  else if(!msg[0])
    abort();
  free(xml);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const struct pc_page_spec spec = {"orders", "items", "total",
                                           "links", "next"};
  struct json_object *j;
  struct pc_page pg;
  char err[256];
  size_t i;

  j = pc_json_parse((const char *)data, size, NULL, 0);
  if(!j)
    return 0;
  if(json_object_is_type(j, json_type_object) &&
     json_object_object_get_ex(j, "items", NULL)) {
    err[0] = '\0';
    if(pc_page_decode(&spec, j, &pg, err, sizeof(err)) == BMC_OK) {
      for(i = 0; i < pg.n_items && i < 64; i++)
        fz_order(json_object_array_get_idx(pg.items, i));
    }
    else if(!err[0]) {
      abort();
    }
  }
  else {
    fz_order(j);
  }
  json_object_put(j);
  return 0;
}
