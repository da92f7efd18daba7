/*
 * pc_time.h -- calendar arithmetic on ms-since-epoch timestamps, UTC only
 * (plugin/common).  No timegm/TZ dependency: civil-from-days and
 * days-from-civil (Howard Hinnant's algorithms).
 */
#ifndef PC_TIME_H
#define PC_TIME_H

#include <stddef.h>
#include <stdint.h>

struct pc_date {
  int y, m, d; /* 1-based month and day */
};

/* Parse RFC 3339 ("2026-03-22T19:14:18Z", "...+01:00", fractional seconds
 * allowed and truncated to ms), and the tolerated "YYYY-MM-DD HH:MM:SS"
 * (UTC) and "YYYY-MM-DD" forms.  BMC_OK or BMC_ERR_PROTOCOL. */
int pc_time_parse(const char *s, int64_t *ms);
/* Parse an HTTP date (IMF-fixdate, RFC 9110: "Sun, 06 Nov 1994 08:49:37
 * GMT"), as sent in Date and Retry-After.  BMC_OK or BMC_ERR_PROTOCOL. */
int pc_time_parse_http(const char *s, int64_t *ms);
/* "YYYY-MM-DDTHH:MM:SSZ" (seconds precision).  BMC_ERR_TOO_SMALL under 21. */
int pc_time_format(int64_t ms, char *buf, size_t buflen);
/* "YYYY-MM-DD" */
int pc_date_format(struct pc_date d, char *buf, size_t buflen);

/* Date of a timestamp (UTC). */
struct pc_date pc_date_of(int64_t ms);
/* Midnight UTC of a date, in ms. */
int64_t pc_date_ms(struct pc_date d);
/* d plus n days (n may be negative). */
struct pc_date pc_date_add_days(struct pc_date d, int n);
/* Days in a month. */
int pc_days_in_month(int y, int m);
/* -1, 0, 1 */
int pc_date_cmp(struct pc_date a, struct pc_date b);

#endif /* PC_TIME_H */
