/*
 * test_market.c -- CUnit main of the market-sim tests: one embedded
 * simulator on 127.0.0.1:0 shared by all suites (each test resets it).
 */
#include <stdio.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#include "mkt_http.h"

void mkt_add_order_tests(CU_pSuite s);
void mkt_add_listing_tests(CU_pSuite s);
void mkt_add_edge_tests(CU_pSuite s);
void mkt_add_sandbox_tests(CU_pSuite s);
void mkt_add_care_tests(CU_pSuite s);

static int mkt_suite_init(void)
{
  return 0;
}

int main(void)
{
  CU_pSuite s;
  unsigned fails;
  if(mkt_start()) {
    fprintf(stderr, "cannot start the embedded market-sim\n");
    return 1;
  }
  if(CU_initialize_registry() != CUE_SUCCESS) {
    mkt_stop();
    return 1;
  }
  s = CU_add_suite("market orders", mkt_suite_init, NULL);
  if(s)
    mkt_add_order_tests(s);
  s = s ? CU_add_suite("market listings", mkt_suite_init, NULL) : NULL;
  if(s)
    mkt_add_listing_tests(s);
  s = s ? CU_add_suite("market auth, quotas, faults, pro", mkt_suite_init,
                       NULL) : NULL;
  if(s)
    mkt_add_edge_tests(s);
  s = s ? CU_add_suite("market sandbox: ids, paths, catalog, listings_bi",
                       mkt_suite_init, NULL) : NULL;
  if(s)
    mkt_add_sandbox_tests(s);
  s = s ? CU_add_suite("market care API", mkt_suite_init, NULL) : NULL;
  if(s)
    mkt_add_care_tests(s);
  if(!s) {
    CU_cleanup_registry();
    mkt_stop();
    return 1;
  }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  CU_basic_run_tests();
  fails = CU_get_number_of_failures();
  CU_cleanup_registry();
  mkt_stop();
  return fails > 125 ? 125 : (int)fails;  /* the failure count */
}
