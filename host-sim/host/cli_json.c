/*
 * cli_json.c -- the --json output of host-sim's listing commands (json-c):
 * one JSON document per command on stdout, field helpers, jobs and order
 * summaries, and the order document (order.xsd) turned into JSON.
 */
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cli.h"

int
cli_json_print(struct json_object *obj)
{
  const char *s;
  int rc = CLI_OK;

  if(!obj)
    return cli_fail("json", "out of memory");
  s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                     JSON_C_TO_STRING_NOSLASHESCAPE);
  if(!s || puts(s) < 0)
    rc = cli_fail("json", "cannot write the output");
  json_object_put(obj);
  return rc;
}

void
cli_json_str(struct json_object *o, const char *key, const char *s)
{
  json_object_object_add(o, key, s ? json_object_new_string(s) : NULL);
}

void
cli_json_int(struct json_object *o, const char *key, int64_t v)
{
  json_object_object_add(o, key, json_object_new_int64(v));
}

void
cli_json_time(struct json_object *o, const char *key, int64_t ms)
{
  char t[32], iso[40];

  if(!ms) {
    json_object_object_add(o, key, NULL);
    return;
  }
  cli_time(ms, t, sizeof(t));
  t[10] = 'T';
  snprintf(iso, sizeof(iso), "%sZ", t);
  cli_json_str(o, key, iso);
}

struct json_object *
cli_json_job(const struct hs_job *j)
{
  struct json_object *o = json_object_new_object();

  if(!o)
    return NULL;
  cli_json_int(o, "id", j->id);
  cli_json_str(o, "company", j->company);
  cli_json_str(o, "plugin", j->plugin);
  cli_json_str(o, "action", j->action);
  cli_json_str(o, "trigger", j->trigger);
  cli_json_str(o, "status", hs_job_status_name(j->status));
  cli_json_str(o, "rc", hs_rc_name(j->rc));
  cli_json_time(o, "created", j->created_ms);
  cli_json_time(o, "started", j->started_ms);
  cli_json_time(o, "finished", j->finished_ms);
  cli_json_int(o, "done", j->done);
  cli_json_int(o, "total", j->total);
  cli_json_int(o, "item_errors", j->n_item_errors);
  return o;
}

struct json_object *
cli_json_order(const struct hs_order_summary *s)
{
  struct json_object *o = json_object_new_object();

  if(!o)
    return NULL;
  cli_json_int(o, "id", s->id);
  cli_json_str(o, "company", s->company);
  cli_json_str(o, "channel", s->channel);
  cli_json_str(o, "marketplace", s->marketplace);
  cli_json_str(o, "source_order_id", s->source_order_id);
  cli_json_str(o, "status", s->status);
  cli_json_str(o, "payment_status", s->payment_status);
  cli_json_str(o, "shipping_status", s->shipping_status);
  cli_json_str(o, "order_date", s->order_date);
  cli_json_str(o, "currency", s->currency);
  cli_json_str(o, "subtotal", s->subtotal);
  cli_json_str(o, "shipping", s->shipping);
  cli_json_str(o, "tax", s->tax);
  cli_json_str(o, "commission", s->commission);
  cli_json_str(o, "refunded", s->refunded);
  cli_json_str(o, "grand_total", s->grand_total);
  cli_json_str(o, "tracking_number", s->tracking_number);
  cli_json_str(o, "carrier", s->carrier);
  cli_json_str(o, "ship_date", s->ship_date);
  cli_json_str(o, "note", s->note);
  json_object_object_add(o, "source_updated_for_shipping",
                         json_object_new_boolean(
                             s->source_updated_for_shipping));
  json_object_object_add(o, "cancel_reported",
                         json_object_new_boolean(s->cancel_reported));
  cli_json_int(o, "lines", s->n_lines);
  return o;
}

/* Elements that repeat in order.xsd: always arrays, even with one. */
static int
cli_xml_is_list(const xmlChar *name)
{
  return !xmlStrcmp(name, (const xmlChar *)"line") ||
         !xmlStrcmp(name, (const xmlChar *)"serial");
}

static int
cli_xml_has_elements(xmlNodePtr n)
{
  for(n = n->children; n; n = n->next)
    if(n->type == XML_ELEMENT_NODE)
      return 1;
  return 0;
}

/* An element: text when it has no element children, else an object of
 * its children (a container of list elements becomes an array). */
static struct json_object *
cli_xml_to_json(xmlNodePtr e, int depth)
{
  struct json_object *o, *arr;
  xmlNodePtr c;

  if(depth > 16)
    return NULL;
  if(!cli_xml_has_elements(e)) {
    xmlChar *t = xmlNodeGetContent(e);
    struct json_object *s = json_object_new_string(t ? (char *)t : "");

    xmlFree(t);
    return s;
  }
  o = json_object_new_object();
  for(c = e->children; o && c; c = c->next) {
    const char *name = (const char *)c->name;

    if(c->type != XML_ELEMENT_NODE)
      continue;
    if(!cli_xml_is_list(c->name)) {
      json_object_object_add(o, name, cli_xml_to_json(c, depth + 1));
      continue;
    }
    if(!json_object_object_get_ex(o, name, &arr)) {
      arr = json_object_new_array();
      json_object_object_add(o, name, arr);
    }
    json_object_array_add(arr, cli_xml_to_json(c, depth + 1));
  }
  return o;
}

struct json_object *
cli_json_order_doc(const char *xml, size_t len)
{
  struct json_object *o = NULL;
  xmlDocPtr doc;

  doc = xmlReadMemory(xml, (int)len, "order.xml", NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                      XML_PARSE_NOWARNING);
  if(!doc)
    return NULL;
  if(xmlDocGetRootElement(doc))
    o = cli_xml_to_json(xmlDocGetRootElement(doc), 0);
  xmlFreeDoc(doc);
  return o;
}
