/*
 * hw_pages_product.c -- the product page (seed 004's channel Properties
 * page, for any channel): the host's own product data, then
 * for each enabled channel its declared properties in the panels it
 * declares (global values) and one panel per declared market (the
 * per-market values), Ready To Post green Yes or red No with every reason
 * on hover and in a list that needs no script.  An admin edits and saves
 * them (Edit / Save) with the host's own validation messages; nothing is
 * stored unless every changed value passes.  The page knows no channel:
 * everything comes from the declarations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_loader.h"
#include "hw_internal.h"

#define HW_VALUE_MAX (32u * 1024u) /* longer than any declared maximum */
#define HW_FIELD_NAME 200

struct hw_prop_err {
  char field[HW_FIELD_NAME];
  char msg[400];
};

struct hw_pp {
  struct hw_req *r;
  const char *c;
  char sku[256];        /* the host SKU (the request may name an alias) */
  int found, edit, from_form;
  const struct hw_prop_err *errs;
  size_t n_errs;
  char *val;            /* HW_VALUE_MAX scratch for one stored value */
};

/* The form field of (plugin, key, market): "f:plugin:key:market". */
static const char *
hw_prop_field(const char *plugin, const char *key, const char *market,
              char out[HW_FIELD_NAME])
{
  snprintf(out, HW_FIELD_NAME, "f:%s:%s:%s", plugin, key, market);
  return out;
}

/* The stored value (no default) into x->val: 1 when set. */
static int
hw_pp_stored(struct hw_pp *x, const char *plugin, const char *key,
             const char *market)
{
  x->val[0] = '\0';
  return hs_product_prop_get_market(x->r->h, x->c, plugin, x->sku, key,
                                    market, x->val, HW_VALUE_MAX) == BMC_OK;
}

static const char *
hw_pp_error(const struct hw_pp *x, const char *field)
{
  size_t i;

  for(i = 0; i < x->n_errs; i++)
    if(!strcmp(x->errs[i].field, field))
      return x->errs[i].msg;
  return NULL;
}

/* ---- viewing ---- */

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
  struct hw_pp *x = ud;
  struct hw_req *r = x->r;
  char qty[32];

  x->found = 1;
  snprintf(x->sku, sizeof(x->sku), "%s", p->sku);
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

/* A READY (Ready To Post) value for market ("" = the product): green
 * Yes, or red No with the plugin's reasons as the hover text, a hover box
 * and a list under it ("; "-separated reasons, one item each). */
static void
hw_prop_ready(struct hw_pp *x, const struct bmc_plugin_api *api,
              const struct bmc_property *p, const char *market)
{
  struct hw_req *r = x->r;
  const struct bmc_property *rp =
      hs_property_flagged(api, BMC_PROP_READY_REASONS);
  char reasons[4096] = "", id[200];
  const char *s, *sep;
  int yes;

  if(!hw_pp_stored(x, api->name, p->key, market)) {
    hw_raw(&r->body, "- <span class=\"help\">(not checked yet)</span>");
    return;
  }
  yes = strcmp(x->val, "Yes") == 0;
  if(rp)
    hs_product_prop_get_market(r->h, x->c, api->name, x->sku, rp->key,
                               market, reasons, sizeof(reasons));
  if(yes || !reasons[0]) {
    hw_raw(&r->body, yes ? "<span class=\"yes\">Yes</span>"
                         : "<span class=\"no\">No</span>");
    return;
  }
  snprintf(id, sizeof(id), "%s%s%s", p->key, market[0] ? "-" : "", market);
  hw_raw(&r->body, "<span class=\"no tip\" id=\"");
  hw_text(&r->body, id);
  hw_raw(&r->body, "\" title=\"");
  hw_text(&r->body, reasons);
  hw_raw(&r->body, "\">No<span class=\"tipbox\">");
  hw_text(&r->body, reasons);
  hw_raw(&r->body, "</span></span><ul class=\"reasons\" id=\"");
  hw_text(&r->body, id);
  hw_raw(&r->body, "-reasons\">");
  for(s = reasons; *s; s = sep ? sep + 2 : s + strlen(s)) {
    char one[1024];
    size_t n;

    sep = strstr(s, "; ");
    n = sep ? (size_t)(sep - s) : strlen(s);
    snprintf(one, sizeof(one), "%.*s", (int)(n < 1023 ? n : 1023), s);
    hw_raw(&r->body, "<li>");
    hw_text(&r->body, one);
    hw_raw(&r->body, "</li>");
  }
  hw_raw(&r->body, "</ul>");
}

/* The input of an editable property in the form. */
static void
hw_prop_input(struct hw_pp *x, const struct bmc_property *p,
              const char *field, const char *value)
{
  struct hw_buf *b = &x->r->body;
  const char *list = p->type == BMC_SET_BOOL ? "true|false" : p->enum_values;

  if(p->type == BMC_SET_BOOL || p->type == BMC_SET_ENUM) {
    const char *s = list, *bar;

    hw_raw(b, "<select name=\"");
    hw_text(b, field);
    hw_raw(b, "\"><option value=\"\">");
    hw_text(b, p->default_value ? p->default_value : "-");
    hw_raw(b, " (default)</option>");
    for(; s && *s; s = bar ? bar + 1 : NULL) {
      char one[128];
      size_t n;

      bar = strchr(s, '|');
      n = bar ? (size_t)(bar - s) : strlen(s);
      snprintf(one, sizeof(one), "%.*s", (int)(n < 127 ? n : 127), s);
      hw_raw(b, "<option");
      if(!strcmp(one, value))
        hw_raw(b, " selected");
      hw_raw(b, ">");
      hw_text(b, one);
      hw_raw(b, "</option>");
    }
    hw_raw(b, "</select>");
    return;
  }
  if(p->flags & BMC_PROP_MULTILINE) {
    hw_raw(b, "<textarea rows=\"3\" cols=\"60\" name=\"");
    hw_text(b, field);
    hw_raw(b, "\">");
    hw_text(b, value);
    hw_raw(b, "</textarea>");
    return;
  }
  hw_raw(b, "<input type=\"text\" name=\"");
  hw_text(b, field);
  hw_raw(b, "\" value=\"");
  hw_text(b, value);
  hw_raw(b, "\">");
}

/* One row: label, then the value (view) or its input (edit). */
static void
hw_prop_row(struct hw_pp *x, const struct bmc_plugin_api *api,
            const struct bmc_property *p, const char *market)
{
  struct hw_req *r = x->r;
  char field[HW_FIELD_NAME];
  const char *msg, *sub;
  int set;

  hw_prop_field(api->name, p->key, market, field);
  hw_raw(&r->body, "<tr><th>");
  hw_text(&r->body, p->label);
  if(p->flags & BMC_PROP_REQUIRED_TO_POST)
    hw_raw(&r->body, " <span class=\"req\" title=\"required to post\">*"
           "</span>");
  hw_raw(&r->body, "</th><td>");
  if(p->flags & BMC_PROP_READY) {
    hw_prop_ready(x, api, p, market);
    hw_raw(&r->body, "</td></tr>");
    return;
  }
  set = hw_pp_stored(x, api->name, p->key, market);
  if(x->edit && !(p->flags & BMC_PROP_PLUGIN_OWNED)) {
    sub = x->from_form ? hw_field(r, field) : NULL;
    hw_prop_input(x, p, field, sub ? sub : x->val);
    if((msg = hw_pp_error(x, field))) {
      hw_raw(&r->body, "<div class=\"errmsg\">");
      hw_text(&r->body, msg);
      hw_raw(&r->body, "</div>");
    }
  }
  else if(set) {
    hw_text(&r->body, x->val[0] ? x->val : "-");
  }
  else if(market[0]) {
    hw_raw(&r->body, "- <span class=\"help\">(the product's value)</span>");
  }
  else if(p->default_value) {
    hw_text(&r->body, p->default_value);
    hw_raw(&r->body, " <span class=\"help\">(default)</span>");
  }
  else {
    hw_raw(&r->body, "-");
  }
  hw_raw(&r->body, "</td></tr>");
}

/* Panel `panel` of api: its global values.  Per-market reasons are shown
 * with their READY property, never as rows. */
static void
hw_prop_panel(struct hw_pp *x, const struct bmc_plugin_api *api,
              const char *panel)
{
  char title[300];
  size_t i;

  snprintf(title, sizeof(title), "%s: %s", hw_plugin_title(x->r, api->name),
           panel);
  hw_panel_begin(x->r, title);
  for(i = 0; i < api->n_properties; i++) {
    const struct bmc_property *p = &api->properties[i];

    if(!strcmp(p->panel, panel) && !(p->flags & BMC_PROP_READY_REASONS))
      hw_prop_row(x, api, p, "");
  }
  hw_panel_end(x->r);
}

/* A panel per declared market with its per-market values. */
static void
hw_market_panel(struct hw_pp *x, const struct bmc_plugin_api *api,
                const char *market)
{
  char title[300];
  size_t i;

  snprintf(title, sizeof(title), "%s: Market %s",
           hw_plugin_title(x->r, api->name), market);
  hw_panel_begin(x->r, title);
  for(i = 0; i < api->n_properties; i++) {
    const struct bmc_property *p = &api->properties[i];

    if((p->flags & BMC_PROP_PER_MARKET) &&
       !(p->flags & BMC_PROP_READY_REASONS))
      hw_prop_row(x, api, p, market);
  }
  hw_panel_end(x->r);
}

/* Each declared market of api in order, as a NUL-terminated copy. */
static size_t
hw_markets(const struct bmc_plugin_api *api, char out[][32], size_t max)
{
  const char *s = api->markets, *bar;
  size_t n = 0;

  for(; s && *s && n < max; s = bar ? bar + 1 : NULL) {
    size_t len;

    bar = strchr(s, '|');
    len = bar ? (size_t)(bar - s) : strlen(s);
    if(len && len < 32) {
      memcpy(out[n], s, len);
      out[n++][len] = '\0';
    }
  }
  return n;
}

/* The plugin's panels in the order their first property declares them,
 * then a panel per market. */
static void
hw_plugin_panels(struct hw_pp *x, const struct bmc_plugin_api *api,
                 void *ud)
{
  char markets[32][32];
  size_t i, j, n_m = hw_markets(api, markets, 32);

  (void)ud;
  for(i = 0; i < api->n_properties; i++) {
    const char *panel = api->properties[i].panel;

    for(j = 0; j < i; j++)
      if(!strcmp(api->properties[j].panel, panel))
        break;
    if(j == i)
      hw_prop_panel(x, api, panel);
  }
  for(i = 0; i < n_m; i++)
    hw_market_panel(x, api, markets[i]);
}

/* Visit every plugin enabled for the company that declares properties. */
static void
hw_channels_each(struct hw_pp *x,
                 void (*fn)(struct hw_pp *, const struct bmc_plugin_api *,
                            void *),
                 void *ud)
{
  struct hs_plugin_info pi;
  size_t i;
  int en;

  for(i = 0; hs_plugin_get(x->r->h, i, &pi) == BMC_OK; i++)
    if(pi.api->n_properties &&
       !hs_company_plugin_enabled(x->r->h, x->c, pi.name, &en) && en)
      fn(x, pi.api, ud);
}

static int
hw_product_render(struct hw_pp *x, int status)
{
  struct hw_req *r = x->r;
  int rc;

  x->val = malloc(HW_VALUE_MAX);
  if(!x->val)
    return hw_error_page(r, 500, "Error", "out of memory");
  rc = hs_product_get(r->h, x->c, x->sku, hw_product_general, x);
  if(rc == BMC_ERR_NOT_FOUND || (!rc && !x->found)) {
    free(x->val);
    return hw_error_page(r, 404, "Unknown product",
                         "Company '%s' has no product '%s'.", x->c, x->sku);
  }
  if(rc) {
    free(x->val);
    return hw_error_page(r, 500, "Error", "The product cannot be read.");
  }
  if(hw_arg_int(r, "saved", -1) >= 0)
    hw_rawf(&r->body, "<div class=\"saved\" id=\"saved\">Saved: %lld "
            "value(s) changed.</div>", (long long)hw_arg_int(r, "saved", 0));
  if(x->n_errs)
    hw_rawf(&r->body, "<div class=\"bad\" id=\"not-saved\">Nothing was "
            "saved: %zu value(s) are not valid (see below).</div>",
            x->n_errs);
  if(x->edit) {
    hw_raw(&r->body, "<form method=\"post\" action=\"/product\">");
    hw_csrf_input(r);
    hw_raw(&r->body, "<input type=\"hidden\" name=\"c\" value=\"");
    hw_text(&r->body, x->c);
    hw_raw(&r->body, "\"><input type=\"hidden\" name=\"sku\" value=\"");
    hw_text(&r->body, x->sku);
    hw_raw(&r->body, "\">");
  }
  else if(r->sess.role == HS_ROLE_ADMIN) {
    hw_raw(&r->body, "<p class=\"bar\"><a class=\"btn\" id=\"edit\" "
           "href=\"/product?c=");
    hw_url(&r->body, x->c);
    hw_raw(&r->body, "&amp;sku=");
    hw_url(&r->body, x->sku);
    hw_raw(&r->body, "&amp;edit=1\">Edit</a></p>");
  }
  hw_channels_each(x, hw_plugin_panels, NULL);
  if(x->edit)
    hw_raw(&r->body, "<p class=\"bar\"><button type=\"submit\" id=\"save\">"
           "Save</button> <span class=\"help\">An empty field clears the "
           "value (the default or the product's value applies).</span></p>"
           "</form>");
  hw_page_end(r);
  free(x->val);
  x->val = NULL;
  return status;
}

int
hw_page_product(struct hw_req *r)
{
  struct hw_pp x;
  const char *sku = hw_arg(r, "sku");
  int rc;

  memset(&x, 0, sizeof(x));
  x.r = r;
  x.c = hw_arg(r, "c");
  if(!x.c || !sku || hs_company_find(r->h, x.c, NULL))
    return hw_error_page(r, 404, "Unknown product",
                         "Give a known company and a SKU.");
  snprintf(x.sku, sizeof(x.sku), "%s", sku);
  x.edit = hw_arg_int(r, "edit", 0) == 1;
  if(x.edit && (rc = hw_auth_admin(r)))
    return rc;
  return hw_product_render(&x, 200);
}

/* ---- saving ---- */

struct hw_save {
  struct hw_pp *x;
  struct hw_prop_err *errs;
  size_t n_errs, max_errs, n_changed;
  int store;            /* pass 2: write the changed values */
  int failed;           /* pass 2: the host refused (message in err) */
  char err[512];
};

/* The submitted value of (p, market) when it differs from the stored one;
 * NULL when absent or unchanged. */
static const char *
hw_changed(struct hw_save *s, const struct bmc_plugin_api *api,
           const struct bmc_property *p, const char *market, char *field)
{
  const char *v = hw_field(s->x->r, hw_prop_field(api->name, p->key, market,
                                                   field));

  if(!v)
    return NULL;
  hw_pp_stored(s->x, api->name, p->key, market);
  return strcmp(v, s->x->val) ? v : NULL;
}

static void
hw_save_one(struct hw_save *s, const struct bmc_plugin_api *api,
            const struct bmc_property *p, const char *market)
{
  char field[HW_FIELD_NAME], shown[300];
  const char *v = hw_changed(s, api, p, market, field);

  if(!v || s->failed)
    return;
  if(s->store) {
    if(hs_product_prop_set(s->x->r->h, s->x->c, api->name, s->x->sku,
                           p->key, market, v, s->err, sizeof(s->err)))
      s->failed = 1;
    else
      s->n_changed++;
    return;
  }
  snprintf(shown, sizeof(shown), "%s%s%s%s", p->label, market[0] ? " (" : "",
           market, market[0] ? ")" : "");
  if(v[0] && s->n_errs < s->max_errs &&
     hs_property_validate(p, shown, v, s->errs[s->n_errs].msg,
                          sizeof(s->errs[s->n_errs].msg))) {
    snprintf(s->errs[s->n_errs].field, HW_FIELD_NAME, "%s", field);
    s->n_errs++;
  }
}

static void
hw_save_plugin(struct hw_pp *x, const struct bmc_plugin_api *api, void *ud)
{
  struct hw_save *s = ud;
  char markets[32][32];
  size_t i, m, n_m = hw_markets(api, markets, 32);

  (void)x;
  for(i = 0; i < api->n_properties; i++) {
    const struct bmc_property *p = &api->properties[i];

    if(p->flags & BMC_PROP_PLUGIN_OWNED)
      continue;
    hw_save_one(s, api, p, "");
    for(m = 0; (p->flags & BMC_PROP_PER_MARKET) && m < n_m; m++)
      hw_save_one(s, api, p, markets[m]);
  }
}

int
hw_post_product(struct hw_req *r)
{
  struct hw_prop_err errs[32];
  struct hw_save s;
  struct hw_pp x;
  const char *sku = hw_field(r, "sku");
  char ec[600], es[800];
  int rc = hw_auth_post(r, 1);

  if(rc)
    return rc;
  memset(&x, 0, sizeof(x));
  x.r = r;
  x.c = hw_field(r, "c");
  if(!x.c || !sku || hs_company_find(r->h, x.c, NULL))
    return hw_error_page(r, 404, "Unknown product",
                         "Give a known company and a SKU.");
  snprintf(x.sku, sizeof(x.sku), "%s", sku);
  x.val = malloc(HW_VALUE_MAX);
  if(!x.val)
    return hw_error_page(r, 500, "Error", "out of memory");
  memset(&s, 0, sizeof(s));
  s.x = &x;
  s.errs = errs;
  s.max_errs = sizeof(errs) / sizeof(errs[0]);
  /* Pass 1: the host's check of every changed value; pass 2 stores. */
  hw_channels_each(&x, hw_save_plugin, &s);
  if(!s.n_errs) {
    s.store = 1;
    hw_channels_each(&x, hw_save_plugin, &s);
  }
  free(x.val);
  x.val = NULL;
  if(s.n_errs) {
    hw_detail(r, "properties of '%.80s'/%.80s refused: %zu value(s)", x.c,
              x.sku, s.n_errs);
    x.edit = 1;
    x.from_form = 1;
    x.errs = errs;
    x.n_errs = s.n_errs;
    return hw_product_render(&x, 400);
  }
  if(s.failed)
    return hw_error_page(r, 400, "Not saved", "%s (%zu value(s) were saved "
                         "before it)", s.err, s.n_changed);
  hw_detail(r, "properties of '%.80s'/%.80s saved: %zu value(s)", x.c,
            x.sku, s.n_changed);
  return hw_redirect(r, "/product?c=%s&sku=%s&saved=%zu",
                     hw_urlenc(x.c, ec, sizeof(ec)),
                     hw_urlenc(x.sku, es, sizeof(es)), s.n_changed);
}
