/*
 * demo_day.c -- the seller's day on the virtual clock: accounts on the
 * marketplace, the company's Toolbox settings, go-live (token, Test
 * Settings, listing creation, listing download, first pushes), customer
 * orders arriving through the day under the scheduler, shipping in the host
 * (one IMEI mistyped), a cancellation from the host, a repricer round, Back
 * Market Pro orders, and the settlement of the payout period.
 */
#include <json-c/json.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

#define DEMO_TOKEN "demo-token-0123456789abcdef0123456789abcdef"
#define DEMO_PRO_KEY "demo-pro-key-9f8e7d6c5b4a39281706"
#define DEMO_MIN 60000LL
#define DEMO_HOUR (60 * DEMO_MIN)

static int
demo_set(struct demo *d, const char *plugin, const char *key,
         const char *value)
{
  char err[512];

  if(hs_company_setting_set(d->host, DEMO_COMPANY, plugin, key, value, err,
                            sizeof(err))) {
    fprintf(stderr, "demo: setting %s/%s: %s\n", plugin, key, err);
    return -1;
  }
  return 0;
}

static int
demo_accounts(struct demo *d)
{
  if(demo_sim(d, "POST", "/_sim/merchants", NULL,
              "{\"id\": %d, \"name\": \"Demo Refurb\", \"is_merchant\": true}",
              DEMO_MERCHANT) >= 400 ||
     demo_sim(d, "POST", "/_sim/tokens", NULL,
              "{\"token\": \"%s\", \"merchant_id\": %d, \"platform\": \"eu\"}",
              DEMO_TOKEN, DEMO_MERCHANT) >= 400 ||
     demo_sim(d, "POST", "/_sim/pro/keys", NULL,
              "{\"key\": \"%s\", \"seller_id\": \"%s\", "
              "\"seller_name\": \"Demo Refurb\"}", DEMO_PRO_KEY,
              DEMO_PRO_SELLER) >= 400 ||
     demo_sim(d, "POST", "/_sim/config", NULL,
              "{\"quotas\": true, \"task_delay_ms\": 120000}") >= 400)
    return -1;
  return 0;
}

static int
demo_company(struct demo *d)
{
  char err[512], url[128], rules[700];
  int64_t id;

  if(hs_company_add(d->host, DEMO_COMPANY, &id) ||
     hs_company_plugin_enable(d->host, DEMO_COMPANY, "backmarket", 1, err,
                              sizeof(err)) ||
     hs_company_plugin_enable(d->host, DEMO_COMPANY, "backmarket_pro", 1,
                              err, sizeof(err))) {
    fprintf(stderr, "demo: company setup: %s\n", err);
    return -1;
  }
  snprintf(url, sizeof(url), "%s/sellers-prod", d->base_url);
  snprintf(rules, sizeof(rules), "%s/eligibility-rules.cfg", DEMO_SCHEMA_DIR);
  {
    static const char *const on[] = {
      "order_download", "settlement_download", "tracking_upload",
      "imei_update", "active_listing_download", "inventory_upload",
      "prices_upload", "repricer", "listing_creation"};
    size_t i;

    for(i = 0; i < sizeof(on) / sizeof(on[0]); i++)
      if(demo_set(d, "backmarket", on[i], "true"))
        return -1;
  }
  if(demo_set(d, "backmarket", "token", DEMO_TOKEN) ||
     demo_set(d, "backmarket", "base_url", d->base_url) ||
     demo_set(d, "backmarket", "markets", "fr-fr,de-de,en-gb") ||
     demo_set(d, "backmarket", "exchange_rates", "EUR:GBP=0.8571") ||
     demo_set(d, "backmarket", "price_rounding", ".99") ||
     demo_set(d, "backmarket", "company_name", "DemoRefurb") ||
     demo_set(d, "backmarket", "contact_email", "ops@demo-refurb.test") ||
     demo_set(d, "backmarket", "acceptance_policy", "hold") ||
     demo_set(d, "backmarket", "default_safety_qty", "0") ||
     demo_set(d, "backmarket", "default_max_qty", "5") ||
     demo_set(d, "backmarket", "eligibility_rules_file", rules) ||
     demo_set(d, "backmarket_pro", "website_url", url) ||
     demo_set(d, "backmarket_pro", "x_api_key", DEMO_PRO_KEY) ||
     demo_set(d, "backmarket_pro", "allow_order_download", "true") ||
     demo_set(d, "backmarket_pro", "allow_tracking_upload", "true") ||
     demo_set(d, "backmarket_pro", "order_commission_pct", "2.50"))
    return -1;
  return 0;
}

static int
demo_pro_order(struct demo *d, const char *sku, int qty, const char *unit)
{
  int st = demo_sim(d, "POST", "/_sim/pro/orders", NULL,
                    "{\"seller_id\": \"%s\", \"currency\": \"EUR\", "
                    "\"financial_status\": \"paid\", \"customer\": "
                    "{\"company\": \"Buyer GmbH\", \"vat_number\": "
                    "\"DE123456789\", \"email\": \"buy@buyer.test\"}, "
                    "\"shipping_total\": \"15.00\", \"lines\": [{\"sku\": "
                    "\"%s\", \"title\": \"Fleet laptop\", \"quantity\": %d, "
                    "\"unit_price\": \"%s\", \"tax_rate\": \"20\"}]}",
                    DEMO_PRO_SELLER, sku, qty, unit);
  if(st >= 400)
    return -1;
  d->n_pro_orders++;
  return 0;
}

/* SKUs the simulator lists with stock, in SKU order (at most max). */
static int
demo_listed_skus(struct demo *d, char skus[][32], int max, int *online)
{
  char *resp = NULL;
  struct json_object *root, *arr;
  int n = 0;
  size_t i, len;

  if(demo_sim(d, "GET", "/_sim/listings?merchant_id=789", &resp, NULL) != 200)
    return -1;
  root = json_tokener_parse(resp);
  free(resp);
  if(!root || !json_object_object_get_ex(root, "listings", &arr)) {
    json_object_put(root);
    return -1;
  }
  len = json_object_array_length(arr);
  *online = 0;
  for(i = 0; i < len; i++) {
    struct json_object *l = json_object_array_get_idx(arr, i), *v;

    if(!json_object_object_get_ex(l, "quantity", &v) ||
       json_object_get_int(v) <= 0)
      continue;
    (*online)++;
    if(n < max && json_object_object_get_ex(l, "sku", &v))
      snprintf(skus[n++], 32, "%s", json_object_get_string(v));
  }
  json_object_put(root);
  return n;
}

static int
demo_scheduler_until(struct demo *d, int64_t until)
{
  int ran = 0;

  if(hs_scheduler_run_until(d->host, until, &ran)) {
    fprintf(stderr, "demo: scheduler failed\n");
    return -1;
  }
  return ran;
}

/* A valid 15-digit IMEI (Luhn) derived from n; bad != 0 spoils the check
 * digit the way a mistyped last digit would. */
static void
demo_imei(int n, int bad, char out[16])
{
  int sum = 0, k;

  snprintf(out, 16, "35693803%06u", (unsigned)(100000 + n) % 1000000u);
  for(k = 0; k < 14; k++) {
    int v = out[k] - '0';

    if(k % 2) {
      v *= 2;
      if(v > 9)
        v -= 9;
    }
    sum += v;
  }
  out[14] = (char)('0' + (10 - sum % 10 + (bad ? 1 : 0)) % 10);
  out[15] = '\0';
}

struct demo_ship_ctx {
  struct demo *d;
  int n_shipped;
  int bad_imei_done;
  int64_t skip_order; /* kept for the host cancellation */
  int64_t ids[256];
  int n_ids;
};

static int
demo_collect_open(void *ud, const struct hs_order_summary *o)
{
  struct demo_ship_ctx *c = ud;

  if(!strcmp(o->status, "InProcess") &&
     !strcmp(o->shipping_status, "Unshipped") && c->n_ids < 256)
    c->ids[c->n_ids++] = o->id;
  return 0;
}

/* Ship one host order: every line, one serial or IMEI per line. */
static int
demo_ship_one(struct demo_ship_ctx *c, int64_t order_id, int n)
{
  char *xml = NULL, err[512], tracking[32];
  xmlDocPtr doc;
  xmlNodePtr node, lines = NULL;
  struct hs_ship_line sl[16];
  char serials[16][40], line_ids[16][40];
  size_t nl = 0;
  size_t len = 0;
  int rc = -1;

  if(hs_order_xml(c->d->host, order_id, &xml, &len))
    return -1;
  doc = xmlReadMemory(xml, (int)len, "order.xml", NULL,
                      XML_PARSE_NONET | XML_PARSE_NOBLANKS);
  free(xml);
  if(!doc)
    return -1;
  for(node = xmlDocGetRootElement(doc)->children; node; node = node->next)
    if(node->type == XML_ELEMENT_NODE &&
       !xmlStrcmp(node->name, BAD_CAST "lines"))
      lines = node;
  for(node = lines ? lines->children : NULL; node && nl < 16;
      node = node->next) {
    xmlNodePtr f;

    if(node->type != XML_ELEMENT_NODE)
      continue;
    for(f = node->children; f; f = f->next)
      if(f->type == XML_ELEMENT_NODE &&
         !xmlStrcmp(f->name, BAD_CAST "line_id")) {
        xmlChar *t = xmlNodeGetContent(f);

        snprintf(line_ids[nl], sizeof(line_ids[nl]), "%s", (char *)t);
        xmlFree(t);
      }
    /* The first shipment of the day gets a mistyped IMEI. */
    demo_imei(n * 16 + (int)nl, !c->bad_imei_done, serials[nl]);
    c->bad_imei_done = 1;
    sl[nl].line_id = line_ids[nl];
    sl[nl].serial = serials[nl];
    nl++;
  }
  xmlFreeDoc(doc);
  snprintf(tracking, sizeof(tracking), "MV%09dFR", 100000 + n);
  {
    struct hs_shipment s = {tracking, "Colissimo", 0, sl, nl, 0};

    if(nl && !hs_order_ship(c->d->host, order_id, &s, err, sizeof(err))) {
      c->n_shipped++;
      rc = 0;
    }
    else if(nl)
      fprintf(stderr, "demo: ship order %lld: %s\n", (long long)order_id,
              err);
  }
  return rc;
}

static int
demo_ship_open_orders(struct demo *d, const char *marketplace,
                      int keep_one_for_cancel, int64_t *kept)
{
  struct demo_ship_ctx c;
  int i;

  memset(&c, 0, sizeof(c));
  c.d = d;
  c.bad_imei_done = strcmp(marketplace, "backmarket") != 0;
  hs_orders_each(d->host, DEMO_COMPANY, marketplace, demo_collect_open, &c);
  for(i = 0; i < c.n_ids; i++) {
    if(keep_one_for_cancel && i == c.n_ids - 1) {
      *kept = c.ids[i];
      break;
    }
    demo_ship_one(&c, c.ids[i], i);
  }
  return c.n_shipped;
}

static void
demo_go_live(struct demo *d)
{
  demo_say(d, "Go-live: validating the Back Market token and the Pro "
           "settings");
  demo_run(d, "backmarket", "validate_token");
  demo_run(d, "backmarket_pro", "test_settings");
  demo_say(d, "Listing creation: Ready To Post check and bulk CSV task");
  demo_run(d, "backmarket", "listing_creation");
  demo_say(d, "Active listing download, first inventory and price push");
  demo_run(d, "backmarket", "active_listing_download");
  demo_run(d, "backmarket", "inventory_upload");
  demo_run(d, "backmarket", "price_upload");
  demo_say(d, "Back Market Pro: importing the unfulfilled orders already "
           "waiting");
  demo_run(d, "backmarket_pro", "import_orders");
}

/* A delivery restocks two products and the seller pushes them at once with
 * "Update Price and Qty to BackMarket" on just those two (seed 004). */
static int
demo_restock(struct demo *d, const char *a, const char *b)
{
  const char *const sel[] = {a, b};
  char err[512];
  int64_t job = 0;
  int st = 0;

  if(hs_stock_set(d->host, DEMO_COMPANY, a, 4) ||
     hs_stock_set(d->host, DEMO_COMPANY, b, 3) ||
     hs_run_action_items(d->host, DEMO_COMPANY, "backmarket",
                         "price_qty_update", sel, 2, &job, &st, err,
                         sizeof(err))) {
    fprintf(stderr, "demo: restock: %s\n", err);
    return -1;
  }
  if(st != HS_JOB_COMPLETED && st != HS_JOB_PARTIAL)
    d->jobs_failed++;
  demo_say(d, "Restock of %s and %s: Update Price and Qty on those two "
           "(job %lld, %s)", a, b, (long long)job, hs_job_status_name(st));
  return 0;
}

/* Customer orders through the day; the scheduler runs in between. */
static int
demo_trading_hours(struct demo *d)
{
  char skus[64][32];
  int online = 0;
  int n = demo_listed_skus(d, skus, 64, &online), hour, k = 0, st;

  if(n < 12) {
    fprintf(stderr, "demo: only %d listings online after go-live\n", n);
    return -1;
  }
  demo_say(d, "%d listings online; opening the shop", online);
  for(hour = 1; hour <= 10; hour++) {
    int j;

    for(j = 0; j < 3; j++, k++) {
      char *resp = NULL;

      st = demo_sim(d, "POST", "/_sim/customer_order", &resp,
                    "{\"merchant_id\": %d, \"sku\": \"%s\", \"quantity\": 1, "
                    "\"market\": \"%s\"}", DEMO_MERCHANT, skus[k % n],
                    (k % 3) ? (k % 5 == 1 ? "en-gb" : "fr-fr") : "de-de");
      if(st == 201) {
        d->n_customer_orders++;
        /* Every seventh customer changes their mind before acceptance. */
        if(k % 7 == 3) {
          struct json_object *o = json_tokener_parse(resp), *id;

          if(o && json_object_object_get_ex(o, "order_id", &id)) {
            char path[64];

            snprintf(path, sizeof(path), "/_sim/orders/%lld/cancel",
                     (long long)json_object_get_int64(id));
            if(demo_sim(d, "POST", path, NULL, NULL) == 200)
              d->n_customer_cancels++;
          }
          json_object_put(o);
        }
      }
      free(resp);
    }
    if(hour == 4) {
      /* An order for more units than the host holds: policy "hold". */
      st = demo_sim(d, "POST", "/_sim/orders", NULL,
                    "{\"merchant_id\": %d, \"sku\": \"%s\", \"quantity\": 9, "
                    "\"market\": \"fr-fr\", \"state\": 1, "
                    "\"price\": \"2691.00\"}", DEMO_MERCHANT, skus[n - 1]);
      if(st == 201) {
        d->n_customer_orders++;
        demo_say(d, "A customer orders 9 x %s (stock is short)", skus[n - 1]);
      }
    }
    if(hour == 6 && demo_pro_order(d, "DEMO-0007", 5, "489.00") == 0)
      demo_say(d, "Back Market Pro: a business buyer orders 5 laptops");
    if(hour == 7 && demo_restock(d, skus[1], skus[2]) < 0)
      return -1;
    if(demo_scheduler_until(d, d->t0_ms + hour * DEMO_HOUR) < 0)
      return -1;
    demo_say(d, "%d customer orders so far, %d cancelled by customers",
             d->n_customer_orders, d->n_customer_cancels);
  }
  return 0;
}

int
demo_day_run(struct demo *d)
{
  int64_t kept = 0;
  int shipped;
  char err[512];

  demo_say(d, "Marketplace accounts: Back Market merchant and Pro seller");
  if(demo_accounts(d) || demo_company(d))
    return -1;
  demo_say(d, "Company \"%s\": both plugins enabled in the Toolbox",
           DEMO_COMPANY);
  if(demo_catalog_load(d))
    return -1;
  demo_say(d, "Catalog: %d refurbished devices loaded", d->n_products);
  if(demo_pro_order(d, "DEMO-0008", 3, "489.00") ||
     demo_pro_order(d, "DEMO-0022", 2, "639.00"))
    return -1;
  demo_go_live(d);
  if(demo_trading_hours(d))
    return -1;

  demo_say(d, "Warehouse ships the day's orders (one IMEI mistyped)");
  shipped = demo_ship_open_orders(d, "backmarket", 1, &kept);
  shipped += demo_ship_open_orders(d, "backmarket_pro", 0, &kept);
  demo_say(d, "%d orders shipped in the host", shipped);
  if(kept && !hs_order_cancel(d->host, kept, "Customer called to cancel",
                              err, sizeof(err)))
    demo_say(d, "One unshipped order cancelled in the host");

  demo_say(d, "Back Box: competitors under-cut a few repriced listings");
  {
    char skus[64][32];
    int online = 0, n = demo_listed_skus(d, skus, 64, &online), i;

    for(i = 0; i < n; i += 8)
      demo_sim(d, "POST", "/_sim/backbox", NULL,
               "{\"listing\": \"%s\", \"market\": \"fr-fr\", "
               "\"price_to_win\": \"%d.00\", \"is_winning\": false}",
               skus[i], 100 + i);
  }
  if(demo_scheduler_until(d, d->t0_ms + 11 * DEMO_HOUR) < 0)
    return -1;
  demo_run(d, "backmarket", "repricer");
  if(demo_scheduler_until(d, d->t0_ms + 12 * DEMO_HOUR) < 0)
    return -1;
  /* Ship dates of the 21st-31st are paid out on the 6th of next month. */
  hs_clock_set(d->host, d->t0_ms + 14 * 24 * DEMO_HOUR);
  demo_say(d, "Payout day (6 April): settlement download");
  demo_run(d, "backmarket", "settlement_download");
  return 0;
}
