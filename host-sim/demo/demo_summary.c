/*
 * demo_summary.c -- the closing summary of the demo, read from the host's
 * store and the simulator's stats: orders imported / accepted / held /
 * shipped / cancelled, listings created / blocked with reasons, lines
 * pushed against the budget, 429s, settlement totals, and where to look.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

struct demo_order_tally {
  int total, held, shipped_reported, shipped_unreported, cancelled,
      cancel_reported, in_process;
};

static int
demo_tally_order(void *ud, const struct hs_order_summary *o)
{
  struct demo_order_tally *t = ud;

  t->total++;
  if(!strcmp(o->status, "OnHold"))
    t->held++;
  else if(!strcmp(o->status, "Cancelled")) {
    t->cancelled++;
    t->cancel_reported += o->cancel_reported;
  }
  else if(strcmp(o->shipping_status, "Unshipped")) {
    if(o->source_updated_for_shipping)
      t->shipped_reported++;
    else
      t->shipped_unreported++;
  }
  else
    t->in_process++;
  return 0;
}

#define DEMO_MAX_REASONS 32
struct demo_listing_tally {
  struct demo *d;
  int listed, ready_no, ready_yes;
  char reasons[DEMO_MAX_REASONS][96];
  int reason_count[DEMO_MAX_REASONS];
  int n_reasons;
};

static void
demo_count_reason(struct demo_listing_tally *t, const char *r, size_t len)
{
  int i;

  while(len && (*r == ' '))
    r++, len--;
  while(len && (r[len - 1] == ' ' || r[len - 1] == '.'))
    len--;
  if(!len)
    return;
  if(len > 95)
    len = 95;
  for(i = 0; i < t->n_reasons; i++)
    if(strlen(t->reasons[i]) == len && !strncmp(t->reasons[i], r, len)) {
      t->reason_count[i]++;
      return;
    }
  if(t->n_reasons == DEMO_MAX_REASONS)
    return;
  memcpy(t->reasons[t->n_reasons], r, len);
  t->reasons[t->n_reasons][len] = '\0';
  t->reason_count[t->n_reasons++] = 1;
}

static int
demo_tally_product(void *ud, const struct bmc_product *p)
{
  struct demo_listing_tally *t = ud;
  char buf[1024];

  if(hs_product_prop_get(t->d->host, DEMO_COMPANY, "backmarket", p->sku,
                         "bm_listing_id", buf, sizeof(buf)) == BMC_OK)
    t->listed++;
  if(hs_product_prop_get(t->d->host, DEMO_COMPANY, "backmarket", p->sku,
                         "ready_to_post", buf, sizeof(buf)) == BMC_OK) {
    if(!strcmp(buf, "No")) {
      t->ready_no++;
      if(hs_product_prop_get(t->d->host, DEMO_COMPANY, "backmarket", p->sku,
                             "ready_to_post_reasons", buf,
                             sizeof(buf)) == BMC_OK) {
        const char *s = buf, *e;

        while((e = strchr(s, ';')) != NULL) {
          demo_count_reason(t, s, (size_t)(e - s));
          s = e + 1;
        }
        demo_count_reason(t, s, strlen(s));
      }
    }
    else
      t->ready_yes++;
  }
  return 0;
}

static int
demo_print_settlement(void *ud, const struct hs_settlement *s)
{
  (void)ud;
  printf("  %-34s payout %s  sales %s  shipping %s  fees %s  refunds %s  "
         "net %s %s (%lld lines)\n", s->settlement_id, s->payout_date,
         s->sales, s->shipping, s->fees, s->refunds, s->net, s->currency,
         (long long)s->n_lines);
  return 0;
}

struct demo_err_tally {
  char codes[16][40];
  int counts[16];
  int n;
};

static int
demo_tally_error(void *ud, const struct hs_item_error *e)
{
  struct demo_err_tally *t = ud;
  int i;

  for(i = 0; i < t->n; i++)
    if(!strcmp(t->codes[i], e->code)) {
      t->counts[i]++;
      return 0;
    }
  if(t->n < 16) {
    snprintf(t->codes[t->n], sizeof(t->codes[0]), "%s", e->code);
    t->counts[t->n++] = 1;
  }
  return 0;
}

static int64_t
demo_stat(struct json_object *stats, const char *key)
{
  struct json_object *v;

  if(stats && json_object_object_get_ex(stats, key, &v))
    return json_object_get_int64(v);
  return -1;
}

void
demo_summary_print(struct demo *d)
{
  struct demo_order_tally bm = {0}, pro = {0};
  struct demo_listing_tally lt;
  struct demo_err_tally et;
  struct json_object *stats = NULL;
  char *resp = NULL;
  int i;

  memset(&lt, 0, sizeof(lt));
  memset(&et, 0, sizeof(et));
  lt.d = d;
  hs_orders_each(d->host, DEMO_COMPANY, "backmarket", demo_tally_order, &bm);
  hs_orders_each(d->host, DEMO_COMPANY, "backmarket_pro", demo_tally_order,
                 &pro);
  hs_products_each(d->host, DEMO_COMPANY, 0, demo_tally_product, &lt);
  hs_errors_each(d->host, DEMO_COMPANY, NULL, demo_tally_error, &et);
  if(demo_sim(d, "GET", "/_sim/stats", &resp, NULL) == 200)
    stats = json_tokener_parse(resp);
  free(resp);

  printf("\n================ Summary of the day ================\n");
  printf("Back Market orders\n");
  printf("  placed by customers          %d (%d cancelled by the customer "
         "before acceptance)\n", d->n_customer_orders,
         d->n_customer_cancels);
  printf("  imported into the host       %d\n", bm.total);
  printf("  shipped and reported         %d\n", bm.shipped_reported);
  printf("  shipped, held before sending %d (bad IMEI: see the error "
         "queue)\n", bm.shipped_unreported);
  printf("  held for review (stock)      %d\n", bm.held);
  printf("  cancelled                    %d (%d reported to Back Market)\n",
         bm.cancelled, bm.cancel_reported);
  printf("  open, to ship                %d\n", bm.in_process);
  printf("Back Market Pro orders\n");
  printf("  imported                     %d of %d\n", pro.total,
         d->n_pro_orders);
  printf("  shipped and reported         %d\n", pro.shipped_reported);
  printf("Listings (%d products)\n", d->n_products);
  printf("  live on Back Market          %d\n", lt.listed);
  printf("  blocked, Ready To Post: No   %d\n", lt.ready_no);
  for(i = 0; i < lt.n_reasons; i++)
    printf("    %3d x %s\n", lt.reason_count[i], lt.reasons[i]);
  printf("Marketplace traffic\n");
  printf("  requests sent                %lld\n",
         (long long)demo_stat(stats, "requests"));
  printf("  listing SKU lines accepted   %lld (budget 2000 per hour)\n",
         (long long)demo_stat(stats, "sku_lines_accepted"));
  printf("  429 responses received       %lld\n",
         (long long)demo_stat(stats, "status_429"));
  printf("Settlements\n");
  hs_settlements_each(d->host, DEMO_COMPANY, demo_print_settlement, NULL);
  printf("Error queue\n");
  if(!et.n)
    printf("  empty\n");
  for(i = 0; i < et.n; i++)
    printf("  %3d x %s\n", et.counts[i], et.codes[i]);
  printf("Jobs that failed: %d\n", d->jobs_failed);
  printf("\nThe host database is %s. Look inside with:\n", d->db_path);
  printf("  %s --db %s orders\n", d->host_sim, d->db_path);
  printf("  %s --db %s jobs\n", d->host_sim, d->db_path);
  printf("  %s --db %s errors\n", d->host_sim, d->db_path);
  printf("  %s --db %s settlements\n", d->host_sim, d->db_path);
  printf("  %s --db %s products show \"%s\" DEMO-0005\n", d->host_sim,
         d->db_path, DEMO_COMPANY);
  printf("  %s --db %s products list \"%s\"\n", d->host_sim, d->db_path,
         DEMO_COMPANY);
  json_object_put(stats);
}
