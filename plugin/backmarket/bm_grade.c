/*
 * bm_grade.c -- Back Market grades (current text grades and the legacy
 * 0-4 digits of seed 002) and EAN/GTIN check digits (pure).
 */
#include <string.h>
#include <strings.h>

#include "bm_catalog_side.h"

static const char *const bm_grades[] = {
  "PREMIUM", "EXCELLENT", "VERY_GOOD", "GOOD", "FAIR", "STALLONE"
};

const char *
bm_grade_normalize(const char *in)
{
  size_t i;

  if(!in || !*in)
    return NULL;
  /* legacy digits (seed 002): 0 mint/excellent .. 4 stallone; the API's
   * deprecated state also uses 9 for premium */
  if(in[0] >= '0' && in[0] <= '9' && in[1] == '\0') {
    switch(in[0]) {
    case '0': return "EXCELLENT";
    case '1': return "VERY_GOOD";
    case '2': return "GOOD";
    case '3': return "FAIR";
    case '4': return "STALLONE";
    case '9': return "PREMIUM";
    default: return NULL;
    }
  }
  for(i = 0; i < sizeof(bm_grades) / sizeof(bm_grades[0]); i++)
    if(!strcasecmp(in, bm_grades[i]))
      return bm_grades[i];
  if(!strcasecmp(in, "VERY GOOD") || !strcasecmp(in, "MINT"))
    return in[0] == 'M' || in[0] == 'm' ? "EXCELLENT" : "VERY_GOOD";
  return NULL;
}

int
bm_ean_valid(const char *s)
{
  size_t n, i;
  int sum = 0, w;

  if(!s)
    return 0;
  n = strlen(s);
  if(n != 8 && n != 12 && n != 13 && n != 14)
    return 0;
  for(i = 0; i < n; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  /* GTIN: from the right, excluding the check digit, weights 3,1,3,1... */
  w = 3;
  for(i = n - 1; i-- > 0;) {
    sum += (s[i] - '0') * w;
    w = (w == 3) ? 1 : 3;
  }
  return (10 - sum % 10) % 10 == s[n - 1] - '0';
}
