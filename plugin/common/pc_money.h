/*
 * pc_money.h -- decimal money as int64 minor units (cents) (plugin/common).
 * No floating point anywhere.
 *
 * Parsing rules (pc_money_parse):
 *   - optional leading '-' (no '+', no spaces, no exponent, no thousands
 *     separators);
 *   - at least one digit before an optional '.', then 0, 1 or 2 digits;
 *     more decimals are accepted only when the extra ones are zeros
 *     ("12.500" -> 1250); "12.505" is refused (BMC_ERR_PROTOCOL), never
 *     rounded silently;
 *   - "-12.5" normalises to -1250 and formats back as "-12.50";
 *   - "-0" and "-0.00" are 0;
 *   - magnitude up to 999,999,999,999.99 (12 integer digits, as order.xsd).
 *
 * Rounding (pc_money_percent, pc_money_div): half away from zero to the
 * cent ("half-up" on magnitudes): 0.125 -> 0.13, -0.125 -> -0.13.
 */
#ifndef PC_MONEY_H
#define PC_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define PC_MONEY_MAX INT64_C(99999999999999) /* 999,999,999,999.99 */

/* Parse s (rules above) into cents.  BMC_OK, BMC_ERR_INVALID_ARG (NULL),
 * BMC_ERR_PROTOCOL (not a money string, too many non-zero decimals, too
 * large). */
int pc_money_parse(const char *s, int64_t *cents);
/* Same, for a counted string (not NUL-terminated). */
int pc_money_parse_n(const char *s, size_t n, int64_t *cents);

/* Format as "[-]D.DD" (always two decimals).  BMC_ERR_TOO_SMALL if buflen
 * is short (24 bytes always suffice). */
int pc_money_format(int64_t cents, char *buf, size_t buflen);

/* Checked arithmetic: BMC_ERR_PROTOCOL when the result leaves
 * [-PC_MONEY_MAX, PC_MONEY_MAX]. */
int pc_money_add(int64_t a, int64_t b, int64_t *out);
int pc_money_sub(int64_t a, int64_t b, int64_t *out);
int pc_money_mul(int64_t a, int64_t qty, int64_t *out);

/* amount * pct / 100, pct a decimal string with up to 4 decimals
 * ("12.5", "7", "0.0125"), rounded half away from zero to the cent. */
int pc_money_percent(int64_t amount, const char *pct, int64_t *out);
/* a / d rounded half away from zero (d != 0). */
int pc_money_div(int64_t a, int64_t d, int64_t *out);

/* -1, 0, 1 */
int pc_money_cmp(int64_t a, int64_t b);

/* amount * rate, rate a positive decimal string with up to 8 decimals
 * ("0.8571", "11.43", "1"), rounded half away from zero to the cent.
 * BMC_ERR_PROTOCOL for a malformed or zero rate or a result out of
 * range.  Exact: no floating point (an exchange-rate conversion). */
int pc_money_convert(int64_t amount, const char *rate, int64_t *out);
/* The smallest amount >= a whose remainder modulo `modulus` is `rest`
 * (0 <= rest < modulus), e.g. (41935, 100, 99) -> 41999 (419.35 up to
 * .99), (41935, 100, 0) -> 42000, (41935, 1000, 900) -> 42900.  a >= 0.
 * BMC_ERR_INVALID_ARG / BMC_ERR_PROTOCOL (out of range). */
int pc_money_round_up_to(int64_t a, int64_t modulus, int64_t rest,
                         int64_t *out);

#endif /* PC_MONEY_H */
