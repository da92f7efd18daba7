/*
 * fuzz_tzif.c -- fuzz target for the TZif decoder (pc_tzif.c): bytes ->
 * pc_tz_parse -> offsets and local-to-UTC conversions over four centuries.
 * Properties: no crash, leak or read past the input; a refusal always
 * says why; a decoded zone's offsets stay within the range TZif allows
 * (-25 h .. +26 h) and a local time converts to an instant whose local
 * time is within a day of it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmc/bmc_plugin.h"
#include "pc_tzif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct pc_tz *tz = NULL;
  char why[256];
  int64_t t;
  int rc;

  why[0] = '\0';
  rc = pc_tz_parse(data, size, &tz, why, sizeof(why));
  if(rc) {
    if(!why[0] && rc != BMC_ERR_NOMEM)
      abort(); /* a refusal without a reason */
    if(tz)
      abort();
    return 0;
  }
  for(t = -6000000000LL; t < 8000000000LL; t += 86400LL * 97 + 3607) {
    int32_t off = pc_tz_offset(tz, t);
    int64_t u;

    if(off < -90000 || off > 93600)
      abort();
    u = pc_tz_to_utc(tz, t);
    if(u + pc_tz_offset(tz, u) < t - 86400 ||
       u + pc_tz_offset(tz, u) > t + 86400)
      abort();
  }
  pc_tz_free(tz);
  return 0;
}
