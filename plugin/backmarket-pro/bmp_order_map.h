/*
 * bmp_order_map.h -- converts one Back Market Pro order (JSON, the assumed
 * contract in bmp_contract.h) into the host's order document (order.xsd):
 * channel Website, payment status FullyCharged whatever Pro says, no payment
 * method, tax exactly as Pro computed it, and the Toolbox commission
 * percentage recorded as the order's commission (added by the host to the
 * order's total cost; rounding rule in bmp_money.h).  Pure: no I/O.
 */
#ifndef BMP_ORDER_MAP_H
#define BMP_ORDER_MAP_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* What the import loop needs to know about an order, copied out of the
 * JSON (fixed buffers; over-long values are refused as malformed). */
struct bmp_order_info {
  char id[128];
  char updated_at[40];
  char status[32];      /* open | cancelled | closed */
  char financial[32];   /* paid | pending | refunded */
  char fulfillment[32]; /* unfulfilled | partially_fulfilled | fulfilled */
  int cancelled;        /* status cancelled or financial refunded */
};

/* Read the summary fields.  Returns 0, or -1 with a message in msg (an
 * order without id/updated_at/status is malformed). */
int bmp_order_info_get(struct json_object *order, struct bmp_order_info *info,
                       char *msg, size_t msglen);

/* The order's <marketplace_state> text: "status/financial/fulfillment
 * @updated_at" (e.g. "open/paid/unfulfilled@2026-03-22T12:00:00Z").  The
 * import compares it with the host's copy to skip unchanged orders. */
void bmp_order_state(const struct bmp_order_info *info, char *buf,
                     size_t buflen);

/* Build the order.xsd document for order.  plugin_name goes into
 * <marketplace>; pct_e4 is the commission percentage * 10^4.  On success
 * returns 0 and *xml (malloc'd, caller frees) / *len.  On malformed input
 * (missing field, bad money, bad quantity) returns -1 with a message naming
 * the order and field in msg; -2 when out of memory. */
int bmp_order_to_xml(struct json_object *order, const char *plugin_name,
                     int64_t pct_e4, char **xml, size_t *len, char *msg,
                     size_t msglen);

/* A money field of obj (decimal string, or a JSON number read from its
 * original text, never through a double) in minor units.  0 or -1. */
int bmp_json_money(struct json_object *obj, const char *key, int64_t *minor);

#endif /* BMP_ORDER_MAP_H */
