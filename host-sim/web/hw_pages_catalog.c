/*
 * hw_pages_catalog.c -- the catalog page: products with a search (SKU
 * or title) and paging that stays fast at 100k products; each row links
 * to the product page (hw_pages_product.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_internal.h"

#define HW_PRODUCTS_PER_PAGE 50

struct hw_rows {
  struct hw_req *r;
  int n;
};

static int
hw_product_row(void *ud, const struct hs_product_row *p)
{
  struct hw_rows *x = ud;
  struct hw_req *r = x->r;
  const char *c = hw_arg(r, "c");

  x->n++;
  hw_raw(&r->body, "<tr><td><a href=\"/product?c=");
  hw_url(&r->body, c);
  hw_raw(&r->body, "&amp;sku=");
  hw_url(&r->body, p->sku);
  hw_raw(&r->body, "\">");
  hw_text(&r->body, p->sku);
  hw_raw(&r->body, "</a></td><td class=\"title\">");
  hw_text(&r->body, p->title);
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, p->ean);
  hw_raw(&r->body, "</td><td class=\"num\">");
  hw_text(&r->body, p->site_price);
  hw_rawf(&r->body, "</td><td class=\"num\">%lld</td><td>",
          (long long)p->available_qty);
  hw_time(&r->body, p->updated_ms);
  hw_raw(&r->body, "</td></tr>");
  return 0;
}

int
hw_page_products(struct hw_req *r)
{
  const char *c = hw_arg(r, "c"), *q = hw_arg(r, "q");
  int64_t page = hw_arg_int(r, "page", 1), total = 0;
  char base[1200], ec[600], eq[500];
  struct hw_rows rows = {r, 0};
  int rc;

  if(!c || hs_company_find(r->h, c, NULL))
    return hw_error_page(r, 404, "Unknown company",
                         "There is no company '%s'.", c ? c : "");
  if(q && strlen(q) > 128)
    return hw_error_page(r, 400, "Search too long",
                         "A search is at most 128 characters.");
  if(page < 1)
    page = 1;
  hw_page_begin(r, "Products", 0);
  hw_company_head(r, c, "Catalog", "Manage Catalog");
  hw_search_form(r, "/products", c, q, "SKU or title");
  hw_raw(&r->body, "<div class=\"panel\"><table id=\"products\"><tr>"
         "<th>SKU</th>"
         "<th>Title</th><th>EAN</th><th class=\"num\">Site Price</th>"
         "<th class=\"num\">Available Qty</th><th>Updated</th></tr>");
  rc = hs_products_page(r->h, c, q, (page - 1) * HW_PRODUCTS_PER_PAGE,
                        HW_PRODUCTS_PER_PAGE, hw_product_row, &rows, &total);
  if(rc)
    return hw_error_page(r, 500, "Error", "The catalog cannot be read (%s).",
                         hs_rc_name(rc));
  hw_raw(&r->body, "</table></div>");
  snprintf(base, sizeof(base), "/products?c=%s&amp;q=%s",
           hw_urlenc(c, ec, sizeof(ec)), hw_urlenc(q ? q : "", eq,
                                                   sizeof(eq)));
  if(q && *q && total > HS_SEARCH_COUNT_CAP)
    hw_pager_more(r, base, page, rows.n == HW_PRODUCTS_PER_PAGE,
                  HS_SEARCH_COUNT_CAP);
  else
    hw_pager(r, base, page, HW_PRODUCTS_PER_PAGE, total);
  hw_page_end(r);
  return 200;
}
