/*
 * hw_pages_errors.c -- the error queue (newest first, paged, each entry
 * with its job) and the audit of the web Toolbox (admins only).
 *
 * The error queue's actions -- release a held order, correct a serial,
 * retry the failed items of a job, resolve with a note -- are host
 * operations (issue 11).  Each becomes one POST handler here that checks
 * hw_auth_post(r, 1), calls its one host function and redirects back to
 * /errors, with a route in hw_server.c and a button in hw_error_row().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_internal.h"

#define HW_ERRORS_PER_PAGE 100
#define HW_AUDIT_ROWS 200

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
  hw_raw(&r->body, "</td></tr>");
  return 0;
}

int
hw_page_errors(struct hw_req *r)
{
  const char *c = hw_arg(r, "c");
  int64_t page = hw_arg_int(r, "page", 1), total = 0;
  char base[700], ec[600];
  int rc;

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
  hw_raw(&r->body, "</h1><div class=\"panel\"><table id=\"errors\"><tr>"
         "<th>Time</th><th>Company</th><th>Channel</th><th>Job</th>"
         "<th>Item</th><th>Code</th><th>Message</th></tr>");
  rc = hs_errors_page(r->h, c, (page - 1) * HW_ERRORS_PER_PAGE,
                      HW_ERRORS_PER_PAGE, hw_error_row, r, &total);
  if(rc)
    return hw_error_page(r, 500, "Error", "The error queue cannot be read.");
  hw_raw(&r->body, "</table></div>");
  if(!total)
    hw_raw(&r->body, "<p id=\"empty\">The error queue is empty.</p>");
  snprintf(base, sizeof(base), "/errors%s%s", c ? "?c=" : "",
           c ? hw_urlenc(c, ec, sizeof(ec)) : "");
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
