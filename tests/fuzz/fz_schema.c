/*
 * fz_schema.c -- owns the fuzz targets' order.xsd check (see fz_schema.h).
 */
#include "fz_schema.h"

#include <stdio.h>
#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

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

void
fz_order_doc_check(const char *xml, size_t len)
{
  xmlSchemaValidCtxtPtr v;
  xmlDocPtr doc;

  if(!fz_schema)
    fz_schema = fz_load_schema();
  doc = xmlReadMemory(xml, (int)len, "o.xml", NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                          XML_PARSE_NOWARNING);
  if(!doc)
    abort(); /* the converter produced malformed XML */
  v = xmlSchemaNewValidCtxt(fz_schema);
  if(!v)
    abort();
  xmlSchemaSetValidErrors(v, fz_quiet, fz_quiet, NULL);
  if(xmlSchemaValidateDoc(v, doc) != 0) {
    fprintf(stderr, "schema-invalid document:\n%.*s\n", (int)len, xml);
    abort();
  }
  xmlSchemaFreeValidCtxt(v);
  xmlFreeDoc(doc);
}
