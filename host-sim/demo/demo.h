/*
 * demo.h -- the one-command demo of a seller's day: shared state of the
 * demo run (host, embedded marketplace simulator, counters) and the steps
 * each demo file provides.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "hs_host.h"
#include "mk_sim.h"

#define DEMO_COMPANY "Demo Refurb"
#define DEMO_MERCHANT 789
#define DEMO_PRO_SELLER "SELLER-1"

struct demo {
  struct hs_host *host;
  struct mk_sim *sim;
  char dir[512];     /* where the database and the config live */
  char db_path[600];
  char base_url[64]; /* http://127.0.0.1:<port> */
  char host_sim[600]; /* the host-sim CLI next to this build, for hints */
  int64_t t0_ms;     /* start of the virtual day */
  int verbose;
  /* filled as the day goes */
  int n_products;
  int n_customer_orders;
  int n_customer_cancels;
  int n_pro_orders;
  int jobs_failed;
};

/* Progress line prefixed with the virtual time of day. */
void demo_say(struct demo *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Control API call with a printf-formatted JSON body (NULL fmt = no body).
 * Returns the HTTP status, or -1 when the call itself failed.  *resp (may
 * be NULL) receives the malloc'd response. */
int demo_sim(struct demo *d, const char *method, const char *path,
             char **resp, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Run one plugin action as a queued job and print its outcome.  Returns
 * the job status (enum hs_job_status) or -1. */
int demo_run(struct demo *d, const char *plugin, const char *action);

/* demo_catalog.c: the demo catalog (>= 200 refurbished devices, some not
 * ready to post) into the host, and its Back Market products into the
 * simulator's catalog.  Returns 0 or -1. */
int demo_catalog_load(struct demo *d);
/* SKU of the i-th generated product (for orders). */
const char *demo_catalog_sku(int i, char *buf, size_t buflen);

/* demo_day.c: the seller's day on the virtual clock.  Returns 0 or -1. */
int demo_day_run(struct demo *d);

/* demo_summary.c: the closing summary a seller reads. */
void demo_summary_print(struct demo *d);

#endif /* DEMO_H */
