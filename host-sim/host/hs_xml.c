/*
 * hs_xml.c -- libxml2 for the host: the compiled order.xsd and
 * settlement.xsd (loaded once per host), safe parsing (no network, no
 * entity expansion, no DTD loading), validation with the validator's
 * structured errors captured into a message, and small tree helpers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "hs_internal.h"

#ifndef HS_DEFAULT_SCHEMA_DIR
#define HS_DEFAULT_SCHEMA_DIR "/usr/share/bmconnector/schemas"
#endif

struct hs_xerr {
  char *buf;
  size_t len, used;
  int n;
};

/* Structured error sink: "line N: message" lines, first three kept. */
static void
hs_xerr_cb(void *ud, const xmlError *e)
{
  struct hs_xerr *xe = ud;
  char line[512];
  size_t l;
  int n;

  if(!xe || !e)
    return;
  xe->n++;
  if(xe->n > 3 || xe->used + 2 >= xe->len)
    return;
  n = snprintf(line, sizeof(line), "%sline %d: %s", xe->used ? "; " : "",
               e->line, e->message ? e->message : "invalid");
  if(n < 0)
    return;
  l = strlen(line);
  while(l && (line[l - 1] == '\n' || line[l - 1] == ' '))
    line[--l] = '\0';
  n = snprintf(xe->buf + xe->used, xe->len - xe->used, "%s", line);
  if(n > 0)
    xe->used += (size_t)n < xe->len - xe->used ? (size_t)n
                                               : xe->len - xe->used - 1;
}

/* libxml2 2.9 declares the callback with a non-const xmlErrorPtr. */
static void
hs_xerr_cb_v(void *ud, xmlErrorPtr e)
{
  hs_xerr_cb(ud, e);
}

static int
hs_load_xsd(const char *dir, const char *file, xmlSchemaPtr *out, char *err,
            size_t errlen)
{
  char path[1024], msg[HS_ERRLEN] = "";
  struct hs_xerr xe = {msg, sizeof(msg), 0, 0};
  xmlSchemaParserCtxtPtr pc;

  snprintf(path, sizeof(path), "%s/%s", dir, file);
  pc = xmlSchemaNewParserCtxt(path);
  if(!pc) {
    hs_errf(err, errlen, "schema %s: cannot create parser", path);
    return BMC_ERR_NOMEM;
  }
  xmlSchemaSetParserStructuredErrors(pc, hs_xerr_cb_v, &xe);
  *out = xmlSchemaParse(pc);
  xmlSchemaFreeParserCtxt(pc);
  if(!*out) {
    hs_errf(err, errlen, "schema %s: %s", path,
            msg[0] ? msg : "cannot be read or compiled");
    return BMC_ERR_SCHEMA;
  }
  return BMC_OK;
}

/* Keep libxml2's generic error handler quiet (nothing to stderr). */
static void
hs_xml_silent(void *ud, const char *fmt, ...)
{
  (void)ud;
  (void)fmt;
}

int
hs_xml_init(struct hs_host *h, const char *schema_dir, char *err,
            size_t errlen)
{
  int rc;

  xmlInitParser();
  xmlSetGenericErrorFunc(NULL, hs_xml_silent);
  if(!schema_dir)
    schema_dir = getenv("BMC_SCHEMA_DIR");
  if(!schema_dir) {
    /* Installed layout first; a build tree falls back to its sources. */
    schema_dir = HS_DEFAULT_SCHEMA_DIR;
#ifdef HS_SOURCE_SCHEMA_DIR
    if(access(HS_DEFAULT_SCHEMA_DIR "/order.xsd", R_OK) != 0)
      schema_dir = HS_SOURCE_SCHEMA_DIR;
#endif
  }
  rc = hs_load_xsd(schema_dir, "order.xsd", &h->order_xsd, err, errlen);
  if(!rc)
    rc = hs_load_xsd(schema_dir, "settlement.xsd", &h->settle_xsd, err,
                     errlen);
  return rc;
}

void
hs_xml_close(struct hs_host *h)
{
  if(h->order_xsd)
    xmlSchemaFree(h->order_xsd);
  if(h->settle_xsd)
    xmlSchemaFree(h->settle_xsd);
  h->order_xsd = h->settle_xsd = NULL;
}

int
hs_xml_parse_valid(xmlSchemaPtr schema, const char *what, const char *xml,
                   size_t len, xmlDocPtr *doc, char *err, size_t errlen)
{
  char msg[HS_ERRLEN] = "";
  struct hs_xerr xe = {msg, sizeof(msg), 0, 0};
  xmlParserCtxtPtr pc;
  xmlSchemaValidCtxtPtr vc;
  xmlDocPtr d;
  int r;

  *doc = NULL;
  if(!xml || !len || len > (size_t)64 * 1024 * 1024) {
    hs_errf(err, errlen, "%s document: empty or larger than 64 MiB", what);
    return BMC_ERR_SCHEMA;
  }
  pc = xmlNewParserCtxt();
  if(!pc) {
    hs_errf(err, errlen, "%s document: out of memory", what);
    return BMC_ERR_NOMEM;
  }
  xmlSetStructuredErrorFunc(&xe, hs_xerr_cb_v);
  d = xmlCtxtReadMemory(pc, xml, (int)len, what, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS);
  xmlSetStructuredErrorFunc(NULL, NULL);
  xmlFreeParserCtxt(pc);
  if(!d) {
    hs_errf(err, errlen, "%s document is not well-formed XML: %s", what,
            msg[0] ? msg : "parse error");
    return BMC_ERR_SCHEMA;
  }
  vc = xmlSchemaNewValidCtxt(schema);
  if(!vc) {
    xmlFreeDoc(d);
    hs_errf(err, errlen, "%s document: out of memory", what);
    return BMC_ERR_NOMEM;
  }
  xmlSchemaSetValidStructuredErrors(vc, hs_xerr_cb_v, &xe);
  r = xmlSchemaValidateDoc(vc, d);
  xmlSchemaFreeValidCtxt(vc);
  if(r != 0) {
    xmlFreeDoc(d);
    hs_errf(err, errlen, "%s document fails %s.xsd: %s", what, what,
            msg[0] ? msg : "invalid");
    return BMC_ERR_SCHEMA;
  }
  *doc = d;
  return BMC_OK;
}

xmlNodePtr
hs_xml_child(xmlNodePtr parent, const char *name)
{
  xmlNodePtr c;

  for(c = parent ? parent->children : NULL; c; c = c->next)
    if(c->type == XML_ELEMENT_NODE &&
       strcmp((const char *)c->name, name) == 0)
      return c;
  return NULL;
}

char *
hs_xml_child_text(xmlNodePtr parent, const char *name)
{
  xmlNodePtr c = hs_xml_child(parent, name);
  xmlChar *t;
  char *r;

  if(!c)
    return NULL;
  t = xmlNodeGetContent(c);
  if(!t)
    return NULL;
  r = hs_strdup((const char *)t);
  xmlFree(t);
  return r;
}

int
hs_xml_set_child(xmlNodePtr parent, const char *name, const char *text,
                 const char *const *before)
{
  xmlNodePtr c = hs_xml_child(parent, name), nn, b = NULL;
  size_t i;

  if(c) {
    xmlNodeSetContent(c, NULL);
    xmlNodeAddContent(c, (const xmlChar *)text);
    return BMC_OK;
  }
  nn = xmlNewDocNode(parent->doc, parent->ns, (const xmlChar *)name, NULL);
  if(!nn)
    return BMC_ERR_NOMEM;
  xmlNodeAddContent(nn, (const xmlChar *)text);
  for(c = parent->children; c && !b; c = c->next) {
    if(c->type != XML_ELEMENT_NODE)
      continue;
    for(i = 0; before && before[i]; i++)
      if(strcmp((const char *)c->name, before[i]) == 0) {
        b = c;
        break;
      }
  }
  if(b) {
    if(!xmlAddPrevSibling(b, nn)) {
      xmlFreeNode(nn);
      return BMC_ERR_NOMEM;
    }
  }
  else if(!xmlAddChild(parent, nn)) {
    xmlFreeNode(nn);
    return BMC_ERR_NOMEM;
  }
  return BMC_OK;
}

void
hs_xml_remove_children(xmlNodePtr parent, const char *name)
{
  xmlNodePtr c, next;

  for(c = parent->children; c; c = next) {
    next = c->next;
    if(c->type == XML_ELEMENT_NODE &&
       strcmp((const char *)c->name, name) == 0) {
      xmlUnlinkNode(c);
      xmlFreeNode(c);
    }
  }
}
