/*
 * bmp_money.h -- exact decimal money for the Back Market Pro plugin:
 * amounts as int64 minor units (cents), the commission percentage as an
 * integer scaled by 10^4, and the order commission.
 *
 * Commission rounding rule (stated in the README):
 *   commission = round_half_up(total * pct / 100) to the cent.
 *   total is the Back Market Pro order total (tax and shipping included)
 *   in cents; pct is the Toolbox "Commission (%)" with at most 4 decimals,
 *   0 <= pct <= 100.  The product is computed exactly in integer
 *   arithmetic (no binary floating point anywhere); a result exactly half
 *   a cent from two neighbours goes to the one further from zero.
 *   Examples: 2.50 % of 10.10 = 0.2525 -> 0.25; 2.50 % of 10.30 = 0.2575
 *   -> 0.26; 1 % of 0.50 = 0.005 -> 0.01; 1.5 % of 0.33 = 0.00495 -> 0.00.
 *   The commission is recorded as the order's <commission> (added by the
 *   host to the order's total cost); the order's grand total stays what
 *   Back Market Pro charged.
 */
#ifndef BMP_MONEY_H
#define BMP_MONEY_H

#include <stddef.h>
#include <stdint.h>

/* 10^4: the commission percentage is held as pct * BMP_PCT_SCALE. */
#define BMP_PCT_SCALE 10000

/* Largest amount accepted, in minor units (order.xsd allows 12 integer
 * digits). */
#define BMP_MONEY_MAX_MINOR 99999999999999LL

/* Parse a decimal string ("449", "449.5", "-12.30") into minor units
 * (2 decimals).  More than 2 decimals are accepted only when the extra
 * digits are zeros ("1.500").  Returns 0, or -1 for anything else (empty,
 * spaces, exponent, too large). */
int bmp_money_parse(const char *s, int64_t *minor);

/* Format minor units as "-?D+.DD" into buf.  Returns 0, -1 if buflen is too
 * small. */
int bmp_money_format(int64_t minor, char *buf, size_t buflen);

/* Parse a percentage ("2.5", "2.50", "0", "100") with at most 4 decimals,
 * 0 <= pct <= 100, into pct * 10^4.  Empty means 0.  Returns 0 or -1. */
int bmp_pct_parse(const char *s, int64_t *pct_e4);

/* Format pct * 10^4 as a percentage with 2 to 4 decimals ("2.50",
 * "2.125").  Returns 0, -1 if buflen is too small or pct_e4 < 0. */
int bmp_pct_format(int64_t pct_e4, char *buf, size_t buflen);

/* The commission on total_minor at pct_e4, rounded half up (away from
 * zero) to a minor unit, exact for every |total| <= BMP_MONEY_MAX_MINOR. */
int64_t bmp_commission(int64_t total_minor, int64_t pct_e4);

#endif /* BMP_MONEY_H */
