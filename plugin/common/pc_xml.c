/*
 * pc_xml.c -- owns the escaping XML writer and the safe XML reader used for
 * documents crossing the host boundary (see pc_xml.h).
 */
#include "pc_xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "pc_money.h"
#include "pc_text.h"

void
pc_xml_begin(struct pc_xml *x, const char *root, const char *ns,
             size_t max_bytes)
{
  memset(x, 0, sizeof(*x));
  pc_buf_init(&x->out, max_bytes);
  x->err = pc_buf_adds(&x->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  if(!x->err)
    x->err = pc_buf_addf(&x->out, "<%s", root);
  if(!x->err && ns) {
    x->err = pc_buf_adds(&x->out, " xmlns=\"");
    if(!x->err)
      x->err = pc_xml_escape(&x->out, ns);
    if(!x->err)
      x->err = pc_buf_adds(&x->out, "\"");
  }
  if(!x->err)
    x->err = pc_buf_adds(&x->out, ">");
  if(!x->err) {
    x->stack[0] = root;
    x->depth = 1;
  }
}

int
pc_xml_escape(struct pc_buf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *)(s ? s : "");
  int rc = BMC_OK;

  while(!rc && *p) {
    size_t n;
    switch(*p) {
    case '<': rc = pc_buf_adds(b, "&lt;"); p++; continue;
    case '>': rc = pc_buf_adds(b, "&gt;"); p++; continue;
    case '&': rc = pc_buf_adds(b, "&amp;"); p++; continue;
    case '"': rc = pc_buf_adds(b, "&quot;"); p++; continue;
    case '\'': rc = pc_buf_adds(b, "&apos;"); p++; continue;
    case '\t': case '\n': case '\r':
      rc = pc_buf_add(b, p, 1);
      p++;
      continue;
    default:
      break;
    }
    if(*p < 0x20)
      return BMC_ERR_PROTOCOL; /* not representable in XML 1.0 */
    n = pc_utf8_seq_len(p);
    if(!n)
      return BMC_ERR_PROTOCOL;
    rc = pc_buf_add(b, p, n);
    p += n;
  }
  return rc;
}

static int
pc_xml_name_ok(const char *n)
{
  if(!n || !*n)
    return 0;
  for(; *n; n++)
    if(!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
         (*n >= '0' && *n <= '9') || *n == '_' || *n == '-'))
      return 0;
  return 1;
}

void
pc_xml_open(struct pc_xml *x, const char *name)
{
  if(x->err)
    return;
  if(!pc_xml_name_ok(name) || x->depth >= PC_XML_MAX_DEPTH) {
    x->err = BMC_ERR_PROTOCOL;
    return;
  }
  x->err = pc_buf_addf(&x->out, "<%s>", name);
  if(!x->err)
    x->stack[x->depth++] = name;
}

void
pc_xml_close(struct pc_xml *x)
{
  if(x->err)
    return;
  if(x->depth <= 0) {
    x->err = BMC_ERR_INTERNAL;
    return;
  }
  x->depth--;
  x->err = pc_buf_addf(&x->out, "</%s>", x->stack[x->depth]);
}

void
pc_xml_text(struct pc_xml *x, const char *name, const char *text)
{
  if(x->err || !text)
    return;
  if(!pc_xml_name_ok(name)) {
    x->err = BMC_ERR_PROTOCOL;
    return;
  }
  x->err = pc_buf_addf(&x->out, "<%s>", name);
  if(!x->err)
    x->err = pc_xml_escape(&x->out, text);
  if(!x->err)
    x->err = pc_buf_addf(&x->out, "</%s>", name);
}

void
pc_xml_textf(struct pc_xml *x, const char *name, const char *fmt, ...)
{
  char tmp[1024];
  va_list ap;
  int n;

  if(x->err)
    return;
  va_start(ap, fmt);
  n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if(n < 0 || (size_t)n >= sizeof(tmp)) {
    x->err = BMC_ERR_TOO_SMALL;
    return;
  }
  pc_xml_text(x, name, tmp);
}

void
pc_xml_money(struct pc_xml *x, const char *name, long long cents)
{
  char tmp[32];

  if(x->err)
    return;
  x->err = pc_money_format((int64_t)cents, tmp, sizeof(tmp));
  pc_xml_text(x, name, tmp);
}

int
pc_xml_end(struct pc_xml *x)
{
  while(!x->err && x->depth > 0)
    pc_xml_close(x);
  if(!x->err)
    x->err = pc_buf_adds(&x->out, "\n");
  return x->err;
}

const char *
pc_xml_str(const struct pc_xml *x)
{
  return pc_buf_str(&x->out);
}

size_t
pc_xml_len(const struct pc_xml *x)
{
  return x->out.len;
}

void
pc_xml_free(struct pc_xml *x)
{
  if(!x)
    return;
  pc_buf_free(&x->out);
  x->depth = 0;
}

xmlDocPtr
pc_xml_read(const char *xml, size_t len, char *errbuf, size_t errlen)
{
  xmlParserCtxtPtr ctx;
  xmlDocPtr doc;

  if(!xml || len > (size_t)INT32_MAX) {
    if(errbuf && errlen)
      snprintf(errbuf, errlen, "XML: no document");
    return NULL;
  }
  ctx = xmlNewParserCtxt();
  if(!ctx) {
    if(errbuf && errlen)
      snprintf(errbuf, errlen, "XML: out of memory");
    return NULL;
  }
  /* NONET: never fetch anything; no NOENT / DTDLOAD: no entity expansion
   * from external DTDs; errors to our buffer, not stderr */
  doc = xmlCtxtReadMemory(ctx, xml, (int)len, "doc.xml", NULL,
                          XML_PARSE_NONET | XML_PARSE_NOBLANKS |
                              XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if(!doc || !ctx->wellFormed) {
    const xmlError *e = xmlCtxtGetLastError(ctx);
    if(errbuf && errlen)
      snprintf(errbuf, errlen, "XML: not well-formed (line %d): %s",
               e ? e->line : 0, e && e->message ? e->message : "?");
    if(doc)
      xmlFreeDoc(doc);
    doc = NULL;
  }
  xmlFreeParserCtxt(ctx);
  return doc;
}

xmlNodePtr
pc_xml_child(xmlNodePtr parent, const char *name)
{
  xmlNodePtr c;

  if(!parent)
    return NULL;
  for(c = parent->children; c; c = c->next)
    if(c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name))
      return c;
  return NULL;
}

xmlNodePtr
pc_xml_next_same(xmlNodePtr n)
{
  xmlNodePtr c;

  if(!n)
    return NULL;
  for(c = n->next; c; c = c->next)
    if(c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name,
                                              (const char *)n->name))
      return c;
  return NULL;
}

int
pc_xml_child_text(xmlNodePtr parent, const char *name, char *buf,
                  size_t buflen)
{
  xmlNodePtr c = pc_xml_child(parent, name);
  xmlChar *t;
  size_t n;

  if(!c)
    return BMC_ERR_NOT_FOUND;
  t = xmlNodeGetContent(c);
  if(!t)
    return BMC_ERR_NOMEM;
  n = strlen((const char *)t);
  if(n + 1 > buflen) {
    xmlFree(t);
    return BMC_ERR_TOO_SMALL;
  }
  memcpy(buf, t, n + 1);
  xmlFree(t);
  return BMC_OK;
}
