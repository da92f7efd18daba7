/*
 * hw_pages_errors.c -- the error queue (open entries newest first, or
 * with the resolved ones and their notes; paged, each entry with its job)
 * and the audit of the web Toolbox (admins only).
 *
 * An admin sees each entry's actions (hw_pages_ops.c): resolve with a
 * note, retry the failed items of its job, and a link to the order an
 * order's entry names, where it is released or its serial corrected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_internal.h"

#define HW_ERRORS_PER_PAGE 100
#define HW_AUDIT_ROWS 200

/* An order's entry names the order by its marketplace order id (the
 * source order id of an order of its company): its host id, else 0. */
static int64_t
hw_entry_order(struct hw_req *r, const struct hs_item_error *e)
{
  int64_t id = 0;

  if(!e->item || !e->item[0] || !e->company ||
     hs_order_find(r->h, e->company, e->item, &id))
    return 0;
  return id;
}

/* Resolve (with a note), Retry failed items, the order's page. */
static void
hw_error_actions(struct hw_req *r, const struct hs_item_error *e)
{
  const char *c = hw_arg(r, "c");
  int64_t order = hw_entry_order(r, e);

  hw_raw(&r->body, "<td class=\"acts\">");
  if(order)
    hw_rawf(&r->body, "<a class=\"btn\" id=\"order-%lld\" "
            "href=\"/order?id=%lld\">Order: release / serial</a> ",
            (long long)e->id, (long long)order);
  if(e->job_id) {
    hw_raw(&r->body, "<form method=\"post\" action=\"/errors/retry\">");
    hw_csrf_input(r);
    hw_rawf(&r->body, "<input type=\"hidden\" name=\"job\" value=\"%lld\">"
            "<button type=\"submit\" id=\"retry-%lld\">Retry failed items"
            "</button></form>", (long long)e->job_id, (long long)e->id);
  }
  hw_raw(&r->body, "<form method=\"post\" action=\"/errors/resolve\">");
  hw_csrf_input(r);
  hw_rawf(&r->body, "<input type=\"hidden\" name=\"id\" value=\"%lld\">",
          (long long)e->id);
  if(c) {
    hw_raw(&r->body, "<input type=\"hidden\" name=\"c\" value=\"");
    hw_text(&r->body, c);
    hw_raw(&r->body, "\">");
  }
  hw_rawf(&r->body, "<input type=\"text\" name=\"note\" id=\"note-%lld\" "
          "placeholder=\"what was done\" maxlength=\"500\" required>"
          "<button type=\"submit\" id=\"resolve-%lld\">Resolve</button>"
          "</form></td>", (long long)e->id, (long long)e->id);
}

static int
hw_error_row(void *ud, const struct hs_item_error *e)
{
  struct hw_req *r = ud;

  hw_raw(&r->body, "<tr><td>");
  hw_time(&r->body, e->ts_ms);
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, e->company);
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, hw_plugin_title(r, e->plugin));
  hw_raw(&r->body, "</td><td>");
  if(e->job_id)
    hw_rawf(&r->body, "<a href=\"/job?id=%lld\">%lld</a>",
            (long long)e->job_id, (long long)e->job_id);
  else
    hw_raw(&r->body, "-");
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, e->item);
  hw_raw(&r->body, "</td><td><code>");
  hw_text(&r->body, e->code);
  hw_raw(&r->body, "</code></td><td>");
  hw_text(&r->body, e->message);
  hw_raw(&r->body, "</td>");
  if(hw_arg_int(r, "all", 0) == 1) {
    hw_raw(&r->body, "<td>");
    if(e->resolved_ms) {
      hw_time(&r->body, e->resolved_ms);
      hw_raw(&r->body, ": ");
      hw_text(&r->body, e->resolved_note);
    }
    else
      hw_raw(&r->body, "open");
    hw_raw(&r->body, "</td>");
  }
  if(r->sess.role == HS_ROLE_ADMIN && !e->resolved_ms)
    hw_error_actions(r, e);
  else if(r->sess.role == HS_ROLE_ADMIN)
    hw_raw(&r->body, "<td></td>");
  hw_raw(&r->body, "</tr>");
  return 0;
}

int
hw_page_errors(struct hw_req *r)
{
  const char *c = hw_arg(r, "c");
  int64_t page = hw_arg_int(r, "page", 1), total = 0;
  int all = hw_arg_int(r, "all", 0) == 1;
  char base[700], ec[600];
  int rc;

  if(c && !*c)
    c = NULL;
  if(c && hs_company_find(r->h, c, NULL))
    return hw_error_page(r, 404, "Unknown company",
                         "There is no company '%s'.", c);
  if(page < 1)
    page = 1;
  hw_page_begin(r, "Error Queue", 0);
  hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/\">Companies</a> &rsaquo; "
         "</p><h1>Error Queue");
  if(c) {
    hw_raw(&r->body, " of ");
    hw_text(&r->body, c);
  }
  hw_raw(&r->body, "</h1>");
  hw_done_note(r);
  snprintf(base, sizeof(base), "/errors?c=%s&amp;all=%d",
           c ? hw_urlenc(c, ec, sizeof(ec)) : "", all);
  hw_rawf(&r->body, "<p class=\"bar\">%s <a id=\"toggle-all\" "
          "href=\"/errors?all=%d", all ? "Open and resolved entries."
          : "Open entries.", !all);
  if(c) {
    hw_raw(&r->body, "&amp;c=");
    hw_url(&r->body, c);
  }
  hw_rawf(&r->body, "\">%s</a></p>", all ? "Open only"
          : "Show resolved too");
  hw_raw(&r->body, "<div class=\"panel\"><table id=\"errors\"><tr>"
         "<th>Time</th><th>Company</th><th>Channel</th><th>Job</th>"
         "<th>Item</th><th>Code</th><th>Message</th>");
  if(all)
    hw_raw(&r->body, "<th>Resolved</th>");
  if(r->sess.role == HS_ROLE_ADMIN)
    hw_raw(&r->body, "<th>Actions</th>");
  hw_raw(&r->body, "</tr>");
  rc = hs_errors_page(r->h, c, all, (page - 1) * HW_ERRORS_PER_PAGE,
                      HW_ERRORS_PER_PAGE, hw_error_row, r, &total);
  if(rc)
    return hw_error_page(r, 500, "Error", "The error queue cannot be read.");
  hw_raw(&r->body, "</table></div>");
  if(!total)
    hw_raw(&r->body, "<p id=\"empty\">The error queue is empty.</p>");
  hw_pager(r, base, page, HW_ERRORS_PER_PAGE, total);
  hw_page_end(r);
  return 200;
}

/* ---- audit ---- */

static int
hw_audit_row(void *ud, const struct hs_audit_row *a)
{
  struct hw_req *r = ud;

  hw_raw(&r->body, "<tr><td>");
  hw_time(&r->body, a->ts_ms);
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, a->user);
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, a->method);
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, a->path);
  hw_rawf(&r->body, "</td><td class=\"num\">%d</td><td>", a->status);
  hw_text(&r->body, a->detail);
  hw_raw(&r->body, "</td></tr>");
  return 0;
}

int
hw_page_audit(struct hw_req *r)
{
  const char *u = hw_arg(r, "user");
  int rc = hw_auth_admin(r);

  if(rc)
    return rc;
  hw_page_begin(r, "Audit", 0);
  hw_raw(&r->body, "<h1>Audit</h1><form method=\"get\" action=\"/audit\" "
         "class=\"bar\"><input type=\"text\" name=\"user\" "
         "placeholder=\"user\" value=\"");
  hw_text(&r->body, u ? u : "");
  hw_rawf(&r->body, "\"><button type=\"submit\">Filter</button></form>"
          "<p class=\"help\">The last %d page views and actions, newest "
          "first (also: host-sim users audit).</p><div class=\"panel\">"
          "<table id=\"audit\"><tr><th>Time</th><th>User</th>"
          "<th>Method</th><th>Page</th><th class=\"num\">Status</th>"
          "<th>Detail</th></tr>", HW_AUDIT_ROWS);
  if(hs_audit_each(r->h, u && *u ? u : NULL, HW_AUDIT_ROWS, hw_audit_row, r))
    return hw_error_page(r, 500, "Error", "The audit cannot be read.");
  hw_raw(&r->body, "</table></div>");
  hw_page_end(r);
  return 200;
}
