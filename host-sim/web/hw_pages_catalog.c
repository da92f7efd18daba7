/*
 * hw_pages_catalog.c -- the catalog pages: products with a search (SKU
 * prefix or title) and paging that stays fast at 100k products, and the
 * product page: a template of panels (the host's own product data, then
 * each enabled channel's declared properties in the panels it declares,
 * per market, such as Ready To Post with its reasons on hover).  The
 * pages know no channel: everything comes from the declarations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_loader.h"
#include "hw_internal.h"

#define HW_PRODUCTS_PER_PAGE 50

static int
hw_product_row(void *ud, const struct hs_product_row *p)
{
  struct hw_req *r = ud;
  const char *c = hw_arg(r, "c");

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
                        HW_PRODUCTS_PER_PAGE, hw_product_row, r, &total);
  if(rc)
    return hw_error_page(r, 500, "Error", "The catalog cannot be read (%s).",
                         hs_rc_name(rc));
  hw_raw(&r->body, "</table></div>");
  snprintf(base, sizeof(base), "/products?c=%s&amp;q=%s",
           hw_urlenc(c, ec, sizeof(ec)), hw_urlenc(q ? q : "", eq,
                                                   sizeof(eq)));
  hw_pager(r, base, page, HW_PRODUCTS_PER_PAGE, total);
  hw_page_end(r);
  return 200;
}

/* ---- the product page ---- */

struct hw_prod_ctx {
  struct hw_req *r;
  int found;
  const struct bmc_plugin_api *api; /* panel open for this plugin... */
  const char *panel;                /* ...and declared panel */
  const char *c, *sku;
};

static void
hw_int_row(struct hw_req *r, const char *label, int64_t v)
{
  char s[32];

  if(v < 0)
    snprintf(s, sizeof(s), "-");
  else
    snprintf(s, sizeof(s), "%lld", (long long)v);
  hw_panel_row(r, label, s);
}

/* The General panel: the host's own (channel-neutral) product data. */
static int
hw_product_general(void *ud, const struct bmc_product *p)
{
  struct hw_prod_ctx *x = ud;
  struct hw_req *r = x->r;
  char qty[32];

  x->found = 1;
  hw_page_begin(r, p->sku, 0);
  hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/\">Companies</a> &rsaquo; "
         "<a href=\"/products?c=");
  hw_url(&r->body, x->c);
  hw_raw(&r->body, "\">");
  hw_text(&r->body, x->c);
  hw_raw(&r->body, " catalog</a> &rsaquo; Product</p><h1>");
  hw_text(&r->body, p->sku);
  hw_raw(&r->body, "</h1>");
  hw_panel_begin(r, "General");
  hw_panel_row(r, "SKU", p->sku);
  hw_panel_row(r, "Title", p->title);
  hw_panel_row(r, "Description", p->description);
  hw_panel_row(r, "EAN", p->ean);
  hw_panel_row(r, "Weight (lbs)", p->weight_lbs);
  hw_panel_row(r, "Image", p->image_url);
  hw_panel_row(r, "Site/Retail Price", p->site_price);
  snprintf(qty, sizeof(qty), "%lld", (long long)p->available_qty);
  hw_panel_row(r, "Available Qty", qty);
  hw_panel_end(r);
  hw_panel_begin(r, "Attributes");
  hw_panel_row(r, "Device type", p->device_type);
  hw_panel_row(r, "CPU", p->cpu);
  hw_panel_row(r, "Storage type", p->storage_type);
  hw_int_row(r, "Storage (GB)", p->storage_gb);
  hw_int_row(r, "RAM (GB)", p->ram_gb);
  hw_int_row(r, "Release year", p->release_year);
  hw_panel_end(r);
  return 0;
}

/* A READY (Ready To Post) value shown green or red; the plugin's reasons
 * for that market are the hover text and a list under it (seed 004). */
static void
hw_prop_ready(struct hw_prod_ctx *x, const struct hs_prop_view *v)
{
  struct hw_req *r = x->r;
  const struct bmc_property *rp =
      hs_property_flagged(v->api, BMC_PROP_READY_REASONS);
  char reasons[4096] = "";
  int yes = v->value && strcmp(v->value, "Yes") == 0;

  if(rp)
    hs_product_prop_get_market(r->h, x->c, v->api->name, x->sku, rp->key,
                               v->market, reasons, sizeof(reasons));
  if(!v->value) {
    hw_raw(&r->body, "- <span class=\"help\">(not checked yet)</span>");
    return;
  }
  if(yes || !reasons[0]) {
    hw_raw(&r->body, yes ? "<span class=\"yes\">Yes</span>"
                         : "<span class=\"no\">No</span>");
    return;
  }
  hw_raw(&r->body, "<span class=\"no tip\" id=\"");
  hw_text(&r->body, v->decl->key);
  if(v->market[0]) {
    hw_raw(&r->body, "-");
    hw_text(&r->body, v->market);
  }
  hw_raw(&r->body, "\" title=\"");
  hw_text(&r->body, reasons);
  hw_raw(&r->body, "\">No<span class=\"tipbox\">");
  hw_text(&r->body, reasons);
  hw_raw(&r->body, "</span></span>");
}

/* One declared property (per market: one row per market with a value of
 * its own), in a panel per plugin and declared panel. */
static int
hw_product_prop(void *ud, const struct hs_prop_view *v)
{
  struct hw_prod_ctx *x = ud;
  struct hw_req *r = x->r;
  const struct bmc_property *p = v->decl;
  char title[200];

  if(p->flags & BMC_PROP_READY_REASONS)
    return 0; /* shown with its READY property */
  if(x->api != v->api || !x->panel || strcmp(x->panel, p->panel)) {
    if(x->api)
      hw_panel_end(r);
    x->api = v->api;
    x->panel = p->panel;
    snprintf(title, sizeof(title), "%s: %s",
             hw_plugin_title(r, v->api->name), p->panel);
    hw_panel_begin(r, title);
  }
  hw_raw(&r->body, "<tr><th>");
  hw_text(&r->body, p->label);
  if(v->market[0]) {
    hw_raw(&r->body, " <span class=\"help\">");
    hw_text(&r->body, v->market);
    hw_raw(&r->body, "</span>");
  }
  hw_raw(&r->body, "</th><td>");
  if(p->flags & BMC_PROP_READY)
    hw_prop_ready(x, v);
  else
    hw_text(&r->body, v->value && v->value[0] ? v->value : "-");
  if(v->is_set) {
    hw_raw(&r->body, " <span class=\"help\">(");
    hw_time(&r->body, v->updated_ms);
    hw_raw(&r->body, ")</span>");
  }
  else if(v->value)
    hw_raw(&r->body, " <span class=\"help\">(default)</span>");
  hw_raw(&r->body, "</td></tr>");
  return 0;
}

/* The declared properties of every channel enabled for the company. */
static int
hw_product_channels(struct hw_prod_ctx *x)
{
  struct hs_plugin_info pi;
  size_t i;
  int rc = BMC_OK, en;

  for(i = 0; !rc && hs_plugin_get(x->r->h, i, &pi) == BMC_OK; i++)
    if(pi.api->n_properties &&
       !hs_company_plugin_enabled(x->r->h, x->c, pi.name, &en) && en)
      rc = hs_product_props_each(x->r->h, x->c, pi.name, x->sku,
                                 hw_product_prop, x);
  if(x->api)
    hw_panel_end(x->r);
  return rc;
}

int
hw_page_product(struct hw_req *r)
{
  struct hw_prod_ctx x;
  int rc;

  memset(&x, 0, sizeof(x));
  x.r = r;
  x.c = hw_arg(r, "c");
  x.sku = hw_arg(r, "sku");
  if(!x.c || !x.sku || hs_company_find(r->h, x.c, NULL))
    return hw_error_page(r, 404, "Unknown product",
                         "Give a known company and a SKU.");
  rc = hs_product_get(r->h, x.c, x.sku, hw_product_general, &x);
  if(rc == BMC_ERR_NOT_FOUND || (!rc && !x.found))
    return hw_error_page(r, 404, "Unknown product",
                         "Company '%s' has no product '%s'.", x.c, x.sku);
  if(rc)
    return hw_error_page(r, 500, "Error", "The product cannot be read.");
  if(hw_product_channels(&x))
    hw_raw(&r->body, "<p class=\"no\">The channel properties cannot be "
           "read.</p>");
  hw_page_end(r);
  return 200;
}
