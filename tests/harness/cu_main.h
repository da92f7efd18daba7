/*
 * cu_main.h -- the one CUnit main every test program uses.  It registers a
 * table of cases (consecutive cases with the same suite name form one
 * suite, each with the program's setup/teardown hooks), runs them all or
 * only those whose suite or test name is given as the first argument, and
 * turns the outcome into an exit status CUnit's own runner does not give:
 * 0 every test passed; 1 a test or a suite setup failed, or the name given
 * matched nothing; 2 CUnit itself could not start.
 */
#ifndef CU_MAIN_H
#define CU_MAIN_H

#include <stddef.h>
#include <string.h>

#include <CUnit/Basic.h>

struct cu_case {
  const char *suite;
  const char *name;
  CU_TestFunc fn;
};

#define CU_CASES_N(cases) (sizeof(cases) / sizeof((cases)[0]))

static inline int
cu_main(const struct cu_case *cases, size_t n, CU_InitializeFunc init,
        CU_CleanupFunc clean, int argc, char **argv)
{
  const char *only = argc > 1 ? argv[1] : NULL;
  const char *cur = NULL;
  CU_pSuite s = NULL;
  unsigned fails;
  size_t i;

  if(CU_initialize_registry() != CUE_SUCCESS)
    return 2;
  for(i = 0; i < n; i++) {
    if(only && strcmp(only, cases[i].suite) && strcmp(only, cases[i].name))
      continue;
    if(!cur || strcmp(cur, cases[i].suite)) {
      s = CU_add_suite(cases[i].suite, init, clean);
      cur = cases[i].suite;
    }
    if(!s || !CU_add_test(s, cases[i].name, cases[i].fn)) {
      CU_cleanup_registry();
      return 2;
    }
  }
  CU_basic_set_mode(CU_BRM_VERBOSE);
  /* A failed suite setup makes the run call report an error too. */
  fails = CU_basic_run_tests() != CUE_SUCCESS;
  fails += CU_get_number_of_failures() + CU_get_number_of_suites_failed();
  if(!CU_get_number_of_tests_run())
    fails++; /* a name that matched nothing must not pass */
  CU_cleanup_registry();
  return fails ? 1 : 0;
}

#endif /* CU_MAIN_H */
