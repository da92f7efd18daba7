/*
 * pc_tzif.h -- time zones from the system tz database without touching
 * the process environment (no setenv("TZ"), no localtime races): a TZif
 * decoder (RFC 8536, versions 1-4, 64-bit data of v2+) with the POSIX TZ
 * footer rule for times after the last transition, UTC offsets at an
 * instant, and local wall-clock time back to UTC (plugin/common).
 */
#ifndef PC_TZIF_H
#define PC_TZIF_H

#include <stddef.h>
#include <stdint.h>

#define PC_TZ_DIR "/usr/share/zoneinfo" /* Debian package tzdata */

struct pc_tz;

/* Decode a TZif file.  BMC_OK, or BMC_ERR_PROTOCOL with why (what and
 * where: "TZif: transition 3 is not after transition 2"), BMC_ERR_NOMEM. */
int pc_tz_parse(const unsigned char *buf, size_t len, struct pc_tz **out,
                char *why, size_t whylen);
/* Load zone ("Europe/Paris") from dir (NULL = PC_TZ_DIR).  The name must
 * be a tz name ([A-Za-z0-9_+-] parts joined by '/', no "." part):
 * BMC_ERR_CONFIG otherwise or when the file is missing; decode errors as
 * pc_tz_parse. */
int pc_tz_load(const char *dir, const char *zone, struct pc_tz **out,
               char *why, size_t whylen);
void pc_tz_free(struct pc_tz *tz); /* accepts NULL */

/* Seconds east of UTC in force at utc_s (seconds since the epoch). */
int32_t pc_tz_offset(const struct pc_tz *tz, int64_t utc_s);
/* The UTC instant of local wall-clock time local_s (the local time's
 * fields counted as if they were UTC seconds since the epoch).  A time
 * the clocks skipped (spring forward) maps to the instant after the gap;
 * a repeated time (fall back) to its first occurrence. */
int64_t pc_tz_to_utc(const struct pc_tz *tz, int64_t local_s);

#endif /* PC_TZIF_H */
