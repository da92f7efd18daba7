/*
 * bmt.h -- helpers of the Back Market order-side integration tests, on top
 * of the shared harness (tests/harness/th_env.h): start an env for the
 * backmarket plugin, create sim orders and host products, count the
 * marketplace requests the plugin made, and check that the token never
 * shows up in job logs or the error queue.
 */
#ifndef BMT_H
#define BMT_H

#include <stdint.h>

#include "th_env.h"

#define BMT_TOKEN "tok-orders-0123456789abcdefXYZ"

/* Start: quotas off/on, acceptance policy, extra NULL-terminated
 * settings pairs (may be NULL).  Traffic dump from the environment.
 * 0 or -1 (message printed). */
int bmt_start(struct th_env *e, int quotas, const char *policy,
              const char *const *extra);
/* Host product with stock. */
int bmt_product(struct th_env *e, const char *sku, int64_t qty);
/* A paid order in the sim (state 1): one line per sku/qty pair; returns
 * the order id (> 0) or -1.  line_ids (may be NULL) receive the line ids
 * in order. */
int64_t bmt_order(struct th_env *e, const char *const *skus,
                  const int *qtys, int n, int64_t *line_ids);
int64_t bmt_order1(struct th_env *e, const char *sku, int qty,
                   int64_t *line_id);
/* Line state of an order in the sim (-1 unknown). */
int bmt_sim_line_state(struct th_env *e, int64_t order_id, int64_t line_id);
/* POSTs to /ws/orders/<id> after seq whose body contains `needle`. */
int bmt_posts(struct th_env *e, int64_t seq, int64_t order_id,
              const char *needle);
/* Host order summary fields by source order id ("" when unknown). */
int bmt_host_order(struct th_env *e, int64_t order_id, char *status,
                   size_t slen, int *shipping_reported, int *cancel_reported);
/* Host orders with that source order id (duplicates check). */
int bmt_host_order_count(struct th_env *e, int64_t order_id);
/* 0 when BMT_TOKEN appears in no job log line and no error; else the
 * number of leaks (printed). */
int bmt_token_leaks(struct th_env *e);
/* Ship every (only_listed = 0) or the listed lines of a host order. */
int bmt_ship(struct th_env *e, int64_t order_id, const char *tracking,
             const char *carrier, const char *const *line_ids,
             const char *const *serials, int n, int only_listed);

/* For CUnit tests (the macros expand where CUnit is included): run one
 * action of env e and assert it Completed, dumping its job log if not. */
#define BMT_RUN_OK(e, action)                                              \
  do {                                                                     \
    int64_t jid_ = 0;                                                      \
    int st_ = th_run((e), (action), &jid_);                                \
    if(st_ != HS_JOB_COMPLETED)                                            \
      th_job_log_dump((e), jid_, stderr);                                  \
    CU_ASSERT_EQUAL(st_, HS_JOB_COMPLETED);                                \
  } while(0)
/* End of a scenario: the token leaked nowhere, then stop the env. */
#define BMT_FINISH(e)                                                      \
  do {                                                                     \
    CU_ASSERT_EQUAL(bmt_token_leaks(e), 0);                                \
    th_env_stop(e);                                                        \
  } while(0)

#endif /* BMT_H */
