/*
 * fuzz_order_doc.c -- fuzz target for the Back Market order conversion:
 * bytes -> JSON (one order, or a page {"results": [...]}) -> bm_order_parse
 * -> bm_order_doc.  Properties checked on every input: no crash or leak;
 * an order that parses converts either to an error or to a document that
 * is well-formed AND valid against schemas/order.xsd (abort otherwise).
 * Built with libFuzzer under clang (BMC_FUZZ=ON) and always with the
 * replay main (fuzz_replay.c) that runs the corpus in ctest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlschemas.h>

#include "bm_order_side.h"
#include "pc_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static xmlSchemaPtr fz_schema;

static void
fz_quiet(void *ctx, const char *msg, ...)
{
  (void)ctx;
  (void)msg;
}

static xmlSchemaPtr
fz_load_schema(void)
{
  const char *dir = getenv("BMC_SCHEMA_DIR");
  char path[1024];
  xmlSchemaParserCtxtPtr pc;
  xmlSchemaPtr s;

  snprintf(path, sizeof(path), "%s/order.xsd",
           dir && *dir ? dir : BMC_SCHEMA_DIR);
  pc = xmlSchemaNewParserCtxt(path);
  if(!pc)
    abort();
  s = xmlSchemaParse(pc);
  xmlSchemaFreeParserCtxt(pc);
  if(!s)
    abort();
  return s;
}

static void
fz_one(struct json_object *j)
{
  struct bm_order o;
  struct pc_xml x;
  char err[512];

  if(bm_order_parse(j, &o, err, sizeof(err)) == BMC_OK) {
    if(bm_order_doc(&o, &x) == BMC_OK) {
      xmlDocPtr doc = xmlReadMemory(pc_xml_str(&x), (int)pc_xml_len(&x),
                                    "o.xml", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR |
                                        XML_PARSE_NOWARNING);
      xmlSchemaValidCtxtPtr v;
      if(!doc)
        abort(); /* we produced malformed XML */
      v = xmlSchemaNewValidCtxt(fz_schema);
      xmlSchemaSetValidErrors(v, fz_quiet, fz_quiet, NULL);
      if(xmlSchemaValidateDoc(v, doc) != 0) {
        fprintf(stderr, "schema-invalid document:\n%s\n", pc_xml_str(&x));
        abort();
      }
      xmlSchemaFreeValidCtxt(v);
      xmlFreeDoc(doc);
    }
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
  struct json_object *j;
  struct json_object *res;
  char err[256];
  size_t i;

  if(!fz_schema)
    fz_schema = fz_load_schema();
  j = pc_json_parse((const char *)data, size, err, sizeof(err));
  if(!j)
    return 0;
  if(json_object_is_type(j, json_type_object) &&
     json_object_object_get_ex(j, "results", &res) &&
     json_object_is_type(res, json_type_array)) {
    for(i = 0; i < json_object_array_length(res) && i < 64; i++)
      fz_one(json_object_array_get_idx(res, i));
  }
  else {
    fz_one(j);
  }
  json_object_put(j);
  return 0;
}
