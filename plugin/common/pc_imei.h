/*
 * pc_imei.h -- checks done BEFORE anything irreversible is sent
 * (plugin/common): IMEI (15 digits, Luhn check digit) and tracking numbers.
 * Back Market cannot correct an IMEI once set, so a bad one must never
 * leave the plugin.
 */
#ifndef PC_IMEI_H
#define PC_IMEI_H

#include <stddef.h>

/* Non-zero when the digit string s (any length >= 2, digits only) passes
 * the Luhn check. */
int pc_luhn_ok(const char *s);

/* BMC_OK when s is exactly 15 ASCII digits with a valid Luhn check digit;
 * otherwise BMC_ERR_INVALID_ARG and why says exactly what is wrong
 * ("has 14 characters, expected 15 digits", "contains a non-digit 'A' at
 * position 3", "fails the Luhn check (last digit should be 5)"). */
int pc_imei_check(const char *s, char *why, size_t whylen);

/* Normalise and check a tracking number: leading/trailing whitespace is
 * trimmed into out; then it must be non-empty, contain no whitespace or
 * control characters, and be at most 200 characters.  BMC_OK, or
 * BMC_ERR_INVALID_ARG with why; BMC_ERR_TOO_SMALL if out is short. */
int pc_tracking_check(const char *in, char *out, size_t outlen, char *why,
                      size_t whylen);

#endif /* PC_IMEI_H */
