/*
 * hw_pages_orders.c -- the order pages: orders newest first with a search
 * by order id and paging, one order with its lines (SKU, quantity,
 * totals, fee, serials/IMEIs, shipped) and their marketplace states,
 * tracking and the "source updated for shipping" flag (an admin gets the
 * Release form of a held order and a serial correction form per line:
 * hw_pages_ops.c), and the settlements of a company.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_internal.h"

#define HW_ORDERS_PER_PAGE 50

static void
hw_td(struct hw_req *r, const char *s)
{
  hw_raw(&r->body, "<td>");
  hw_text(&r->body, s && s[0] ? s : "-");
  hw_raw(&r->body, "</td>");
}

static void
hw_td_num(struct hw_req *r, const char *s)
{
  hw_raw(&r->body, "<td class=\"num\">");
  hw_text(&r->body, s && s[0] ? s : "-");
  hw_raw(&r->body, "</td>");
}

static int
hw_order_row(void *ud, const struct hs_order_summary *o)
{
  struct hw_req *r = ud;

  hw_rawf(&r->body, "<tr><td><a href=\"/order?id=%lld\">", (long long)o->id);
  hw_text(&r->body, o->source_order_id);
  hw_raw(&r->body, "</a></td>");
  hw_td(r, hw_plugin_title(r, o->marketplace));
  hw_td(r, o->channel);
  hw_td(r, o->order_date);
  hw_td(r, o->status);
  hw_td(r, o->payment_status);
  hw_td(r, o->shipping_status);
  hw_raw(&r->body, "<td class=\"num\">");
  hw_text(&r->body, o->grand_total);
  hw_raw(&r->body, " ");
  hw_text(&r->body, o->currency);
  hw_raw(&r->body, "</td>");
  hw_td(r, o->tracking_number);
  hw_rawf(&r->body, "<td class=\"num\">%lld</td></tr>",
          (long long)o->n_lines);
  return 0;
}

int
hw_page_orders(struct hw_req *r)
{
  const char *c = hw_arg(r, "c"), *q = hw_arg(r, "q");
  int64_t page = hw_arg_int(r, "page", 1), total = 0;
  char base[1200], ec[600], eq[500];
  int rc;

  if(!c || hs_company_find(r->h, c, NULL))
    return hw_error_page(r, 404, "Unknown company",
                         "There is no company '%s'.", c ? c : "");
  if(q && strlen(q) > 128)
    return hw_error_page(r, 400, "Search too long",
                         "A search is at most 128 characters.");
  if(page < 1)
    page = 1;
  hw_page_begin(r, "Orders", 0);
  hw_company_head(r, c, "Orders", "Orders");
  hw_search_form(r, "/orders", c, q, "Order id starts with");
  hw_raw(&r->body, "<div class=\"panel\"><table id=\"orders\"><tr>"
         "<th>Order</th>"
         "<th>Marketplace</th><th>Channel</th><th>Date</th><th>Status</th>"
         "<th>Payment</th><th>Shipping</th><th class=\"num\">Total</th>"
         "<th>Tracking</th><th class=\"num\">Lines</th></tr>");
  rc = hs_orders_page(r->h, c, q, (page - 1) * HW_ORDERS_PER_PAGE,
                      HW_ORDERS_PER_PAGE, hw_order_row, r, &total);
  if(rc)
    return hw_error_page(r, 500, "Error", "The orders cannot be read (%s).",
                         hs_rc_name(rc));
  hw_raw(&r->body, "</table></div>");
  snprintf(base, sizeof(base), "/orders?c=%s&amp;q=%s",
           hw_urlenc(c, ec, sizeof(ec)), hw_urlenc(q ? q : "", eq,
                                                   sizeof(eq)));
  hw_pager(r, base, page, HW_ORDERS_PER_PAGE, total);
  hw_page_end(r);
  return 200;
}

/* ---- one order ---- */

static int
hw_order_head(void *ud, const struct hs_order_summary *o)
{
  struct hw_req *r = ud;
  char n[32];

  hw_page_begin(r, o->source_order_id, 0);
  hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/\">Companies</a> &rsaquo; "
         "<a href=\"/orders?c=");
  hw_url(&r->body, o->company);
  hw_raw(&r->body, "\">");
  hw_text(&r->body, o->company);
  hw_raw(&r->body, " orders</a> &rsaquo; Order</p><h1>Order ");
  hw_text(&r->body, o->source_order_id);
  hw_raw(&r->body, "</h1>");
  hw_done_note(r);
  if(r->sess.role == HS_ROLE_ADMIN && o->status &&
     !strcmp(o->status, "OnHold")) {
    hw_raw(&r->body, "<div class=\"note\"><form method=\"post\" "
           "action=\"/order/release\" class=\"bar\">This order is held "
           "for review.");
    hw_csrf_input(r);
    hw_rawf(&r->body, "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
            "<input type=\"text\" name=\"note\" id=\"release-note\" "
            "placeholder=\"note (optional)\" maxlength=\"500\">"
            "<button type=\"submit\" id=\"release\">Release</button> "
            "<span class=\"help\">the next order download accepts it"
            "</span></form></div>", (long long)o->id);
  }
  hw_panel_begin(r, "Order");
  snprintf(n, sizeof(n), "%lld", (long long)o->id);
  hw_panel_row(r, "Host order id", n);
  hw_panel_row(r, "Source order id", o->source_order_id);
  hw_panel_row(r, "Marketplace", hw_plugin_title(r, o->marketplace));
  hw_panel_row(r, "Channel", o->channel);
  hw_panel_row(r, "Order date", o->order_date);
  hw_panel_row(r, "Status", o->status);
  hw_panel_row(r, "Payment status", o->payment_status);
  hw_panel_row(r, "Note", o->note);
  hw_panel_end(r);
  hw_panel_begin(r, "Totals");
  hw_panel_row(r, "Currency", o->currency);
  hw_panel_row(r, "Subtotal", o->subtotal);
  hw_panel_row(r, "Shipping", o->shipping);
  hw_panel_row(r, "Tax", o->tax);
  hw_panel_row(r, "Commission", o->commission);
  hw_panel_row(r, "Refunded", o->refunded);
  hw_panel_row(r, "Grand total", o->grand_total);
  hw_panel_end(r);
  hw_panel_begin(r, "Shipping");
  hw_panel_row(r, "Shipping status", o->shipping_status);
  hw_panel_row(r, "Tracking number", o->tracking_number);
  hw_panel_row(r, "Carrier", o->carrier);
  hw_panel_row(r, "Ship date", o->ship_date);
  hw_panel_row(r, "Source Updated for Shipping",
               o->source_updated_for_shipping ? "True" : "False");
  hw_panel_row(r, "Cancellation reported",
               o->cancel_reported ? "True" : "False");
  hw_panel_end(r);
  return 0;
}

struct hw_lines_ctx {
  struct hw_req *r;
  int64_t order_id;
  int admin; /* show the serial correction form */
};

static int
hw_line_row(void *ud, const struct hs_order_line_view *l)
{
  struct hw_lines_ctx *x = ud;
  struct hw_req *r = x->r;
  const char *s = l->serials;

  hw_raw(&r->body, "<tr>");
  hw_td(r, l->line_id);
  hw_td(r, l->sku);
  hw_rawf(&r->body, "<td class=\"num\">%lld</td>", (long long)l->quantity);
  hw_td_num(r, l->line_total);
  hw_td_num(r, l->fee);
  hw_td_num(r, l->tax);
  hw_td(r, l->marketplace_state);
  hw_td(r, l->shipped ? "Yes" : "No");
  hw_raw(&r->body, "<td>");
  if(!s || !*s)
    hw_raw(&r->body, "-");
  while(s && *s) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) : strlen(s);
    char one[128];

    snprintf(one, sizeof(one), "%.*s", (int)(n < 127 ? n : 127), s);
    hw_text(&r->body, one);
    hw_raw(&r->body, "<br>");
    s = nl ? nl + 1 : s + n;
  }
  hw_raw(&r->body, "</td>");
  if(x->admin) {
    hw_raw(&r->body, "<td><form method=\"post\" action=\"/order/serial\" "
           "class=\"bar\">");
    hw_csrf_input(r);
    hw_rawf(&r->body, "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
            "<input type=\"hidden\" name=\"line\" value=\"",
            (long long)x->order_id);
    hw_text(&r->body, l->line_id);
    hw_raw(&r->body, "\"><input type=\"text\" name=\"serial\" "
           "placeholder=\"IMEI or serial\" maxlength=\"64\" required>"
           "<button type=\"submit\">Correct</button></form></td>");
  }
  hw_raw(&r->body, "</tr>");
  return 0;
}

int
hw_page_order(struct hw_req *r)
{
  int64_t id = hw_arg_int(r, "id", 0);
  int rc = hs_order_summary_get(r->h, id, hw_order_head, r);
  struct hw_lines_ctx x = {r, id, r->sess.role == HS_ROLE_ADMIN};

  if(rc == BMC_ERR_NOT_FOUND)
    return hw_error_page(r, 404, "Unknown order", "There is no order %lld.",
                         (long long)id);
  if(rc)
    return hw_error_page(r, 500, "Error", "The order cannot be read.");
  hw_raw(&r->body, "<div class=\"panel\"><h2>Lines</h2><table id=\"lines\">"
         "<tr><th>Line</th><th>SKU</th><th class=\"num\">Qty</th>"
         "<th class=\"num\">Line total</th><th class=\"num\">Fee</th>"
         "<th class=\"num\">Tax</th><th>Marketplace state</th>"
         "<th>Shipped</th><th>Serial / IMEI</th>");
  if(x.admin)
    hw_raw(&r->body, "<th>Correct serial / IMEI</th>");
  hw_raw(&r->body, "</tr>");
  if(hs_order_lines_each(r->h, id, hw_line_row, &x))
    return hw_error_page(r, 500, "Error", "The lines cannot be read.");
  hw_raw(&r->body, "</table></div>");
  hw_page_end(r);
  return 200;
}

/* ---- settlements ---- */

static int
hw_settle_row(void *ud, const struct hs_settlement *s)
{
  struct hw_req *r = ud;
  char lines[32];

  hw_raw(&r->body, "<tr>");
  hw_td(r, s->settlement_id);
  hw_td(r, hw_plugin_title(r, s->marketplace));
  hw_raw(&r->body, "<td>");
  hw_text(&r->body, s->period_start);
  hw_raw(&r->body, " &ndash; ");
  hw_text(&r->body, s->period_end);
  hw_raw(&r->body, "</td>");
  hw_td(r, s->payout_date);
  hw_td(r, s->currency);
  hw_td_num(r, s->sales);
  hw_td_num(r, s->shipping);
  hw_td_num(r, s->fees);
  hw_td_num(r, s->refunds);
  hw_td_num(r, s->net);
  snprintf(lines, sizeof(lines), "%lld", (long long)s->n_lines);
  hw_td_num(r, lines);
  hw_raw(&r->body, "<td>");
  hw_time(&r->body, s->imported_ms);
  hw_raw(&r->body, "</td></tr>");
  return 0;
}

int
hw_page_settlements(struct hw_req *r)
{
  const char *c = hw_arg(r, "c");

  if(!c || hs_company_find(r->h, c, NULL))
    return hw_error_page(r, 404, "Unknown company",
                         "There is no company '%s'.", c ? c : "");
  hw_page_begin(r, "Settlements", 0);
  hw_company_head(r, c, "Settlements", "Settlements");
  hw_raw(&r->body, "<div class=\"panel\"><table><tr><th>Settlement</th>"
         "<th>Marketplace</th><th>Period</th><th>Payout</th><th>Currency</th>"
         "<th class=\"num\">Sales</th><th class=\"num\">Shipping</th>"
         "<th class=\"num\">Fees</th><th class=\"num\">Refunds</th>"
         "<th class=\"num\">Net</th><th class=\"num\">Lines</th>"
         "<th>Imported</th></tr>");
  if(hs_settlements_each(r->h, c, hw_settle_row, r))
    return hw_error_page(r, 500, "Error", "The settlements cannot be read.");
  hw_raw(&r->body, "</table></div>");
  hw_page_end(r);
  return 200;
}
