/*
 * pc_xml.h -- XML for the documents that cross the host boundary
 * (plugin/common): a small writer that escapes every text and attribute
 * value (order.xsd / settlement.xsd documents), and a safe reader for the
 * documents the host hands back (order_get / orders_each).
 *
 * Reader safety: libxml2 with XML_PARSE_NONET | XML_PARSE_NOBLANKS, never
 * XML_PARSE_NOENT or XML_PARSE_DTDLOAD; parser errors go into errbuf, not
 * stderr.  Every xmlDoc returned is freed with xmlFreeDoc by the caller.
 */
#ifndef PC_XML_H
#define PC_XML_H

#include <stddef.h>

#include <libxml/tree.h>

#include "pc_buf.h"

#define PC_XML_MAX_DEPTH 16

struct pc_xml {
  struct pc_buf out;
  const char *stack[PC_XML_MAX_DEPTH]; /* open element names (borrowed:
                                          pass string literals) */
  int depth;
  int err; /* first error (sticky); later calls do nothing */
};

/* Start a document: XML declaration + <root xmlns="ns">. */
void pc_xml_begin(struct pc_xml *x, const char *root, const char *ns,
                  size_t max_bytes);
/* Open <name>. name must outlive the element (use literals). */
void pc_xml_open(struct pc_xml *x, const char *name);
void pc_xml_close(struct pc_xml *x);
/* <name>escaped text</name>; text NULL = element omitted. */
void pc_xml_text(struct pc_xml *x, const char *name, const char *text);
void pc_xml_textf(struct pc_xml *x, const char *name, const char *fmt, ...)
    BMC_PRINTF(3, 4);
/* <name>D.DD</name> from cents. */
void pc_xml_money(struct pc_xml *x, const char *name, long long cents);
/* Close everything still open.  Returns BMC_OK or the first error
 * (BMC_ERR_PROTOCOL when over max_bytes or a name/text was invalid
 * UTF-8/control chars, BMC_ERR_NOMEM). */
int pc_xml_end(struct pc_xml *x);
const char *pc_xml_str(const struct pc_xml *x);
size_t pc_xml_len(const struct pc_xml *x);
void pc_xml_free(struct pc_xml *x);

/* Append s escaped for element text / attribute values. */
int pc_xml_escape(struct pc_buf *b, const char *s);

/* Parse untrusted XML safely.  NULL with a message on error. */
xmlDocPtr pc_xml_read(const char *xml, size_t len, char *errbuf,
                      size_t errlen);
/* First child element of parent named `name` (any namespace), or NULL. */
xmlNodePtr pc_xml_child(xmlNodePtr parent, const char *name);
/* Next sibling element with the same name as n, or NULL. */
xmlNodePtr pc_xml_next_same(xmlNodePtr n);
/* Copy the text content of parent's child `name` into buf.  BMC_OK,
 * BMC_ERR_NOT_FOUND (no such child), BMC_ERR_TOO_SMALL. */
int pc_xml_child_text(xmlNodePtr parent, const char *name, char *buf,
                      size_t buflen);

#endif /* PC_XML_H */
