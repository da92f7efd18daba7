/*
 * cli_util.c -- argument checks shared by the host-sim commands: times
 * and durations (real calendar dates, no overflow), whole numbers with
 * their range, company / plugin / order names (an unknown one lists the
 * valid names) and getopt_long over a command's own arguments.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

const char *
cli_time(int64_t ms, char *buf, size_t len)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  if(!ms || !gmtime_r(&t, &tm) ||
     !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
    snprintf(buf, len, "-");
  return buf;
}

/* "+N{s,m,h,d}" relative to now, refusing what does not fit in int64. */
static int
cli_parse_rel(const char *s, int64_t now_ms, int64_t *out, char *why,
              size_t whylen)
{
  static const struct { char u; int64_t ms; } units[] = {
    {'s', 1000}, {'m', 60000}, {'h', 3600000}, {'d', 86400000}};
  const int64_t max_ms = 253402300799999LL; /* 9999-12-31T23:59:59.999Z */
  unsigned long long n;
  char *end;
  size_t i;

  if(!isdigit((unsigned char)s[1])) {
    snprintf(why, whylen, "a duration is + then a number and a unit "
             "(+30s, +90m, +2h, +1d)");
    return -1;
  }
  errno = 0;
  n = strtoull(s + 1, &end, 10);
  for(i = 0; i < sizeof(units) / sizeof(units[0]); i++)
    if(*end == units[i].u && !end[1])
      break;
  if(i == sizeof(units) / sizeof(units[0])) {
    snprintf(why, whylen, "the unit must be one of s, m, h, d");
    return -1;
  }
  if(errno == ERANGE || now_ms < 0 || now_ms > max_ms ||
     n > (unsigned long long)((max_ms - now_ms) / units[i].ms)) {
    snprintf(why, whylen, "the duration goes past the year 9999");
    return -1;
  }
  *out = now_ms + (int64_t)n * units[i].ms;
  return 0;
}

int
cli_parse_when(const char *s, int64_t now_ms, int64_t *out, char *why,
               size_t whylen)
{
  if(s[0] == '+')
    return cli_parse_rel(s, now_ms, out, why, whylen);
  if(hs_parse_time(s, out) || *out < 0) {
    snprintf(why, whylen, "not a real date and time (YYYY-MM-DD or "
             "YYYY-MM-DDTHH:MM:SSZ, UTC) nor a duration (+90m, +2h, +1d)");
    return -1;
  }
  return 0;
}

int
cli_num(const char *cmd, const char *what, const char *s, int64_t lo,
        int64_t hi, int64_t *out)
{
  long long v;
  char *end;

  errno = 0;
  v = strtoll(s, &end, 10);
  if(end == s || *end || isspace((unsigned char)*s))
    return cli_fail(cmd, "%s '%.40s' is not a whole number", what, s);
  if(errno == ERANGE || v < lo || v > hi)
    return cli_fail(cmd, "%s %.40s is out of range (%lld..%lld)", what, s,
                    (long long)lo, (long long)hi);
  *out = v;
  return CLI_OK;
}

struct cli_names {
  char buf[1024];
  size_t n;
};

static void
cli_names_add(struct cli_names *nm, const char *name)
{
  size_t len = strlen(nm->buf);

  if(len + 8 >= sizeof(nm->buf))
    return;
  snprintf(nm->buf + len, sizeof(nm->buf) - len, "%s'%s'",
           nm->n++ ? ", " : "", name);
}

static int
cli_company_name_cb(void *ud, int64_t id, const char *name)
{
  (void)id;
  cli_names_add(ud, name);
  return 0;
}

int
cli_company(struct cli *c, const char *cmd, const char *name)
{
  struct cli_names nm;
  int64_t id;

  if(hs_company_find(c->h, name, &id) == BMC_OK)
    return CLI_OK;
  memset(&nm, 0, sizeof(nm));
  hs_companies_each(c->h, cli_company_name_cb, &nm);
  if(!nm.n)
    return cli_fail(cmd, "no company '%s': the store has no company yet "
                    "(host-sim companies add NAME, or init --config)", name);
  return cli_fail(cmd, "no company '%s'; companies: %s", name, nm.buf);
}

int
cli_plugin(struct cli *c, const char *cmd, const char *name)
{
  struct hs_plugin_info pi;
  struct cli_names nm;
  size_t i;

  if(hs_plugin_find(c->h, name))
    return CLI_OK;
  memset(&nm, 0, sizeof(nm));
  for(i = 0; hs_plugin_get(c->h, i, &pi) == BMC_OK; i++)
    cli_names_add(&nm, pi.name);
  if(!nm.n)
    return cli_fail(cmd, "no plugin '%s': no plugin is loaded (--plugin-dir "
                    "DIR)", name);
  return cli_fail(cmd, "no plugin '%s'; plugins: %s", name, nm.buf);
}

struct cli_order_owner {
  const char *company;
  int match;
};

static int
cli_order_owner_cb(void *ud, const struct hs_order_summary *o)
{
  struct cli_order_owner *ow = ud;

  ow->match = strcmp(o->company, ow->company) == 0;
  return 0;
}

int
cli_find_order(struct cli *c, const char *cmd, const char *company,
               const char *arg, int64_t *id)
{
  const char *p;
  int rc;

  if(cli_company(c, cmd, company))
    return CLI_FAIL;
  rc = hs_order_find(c->h, company, arg, id);
  if(rc == BMC_ERR_CONFLICT)
    return cli_fail(cmd, "source order id '%s' exists on two marketplaces; "
                    "use the host id (host-sim orders)", arg);
  if(rc == BMC_OK)
    return CLI_OK;
  for(p = arg; *p && isdigit((unsigned char)*p); p++)
    ;
  if(!*p && p != arg && p - arg < 19) {
    struct cli_order_owner ow = {company, 0};

    *id = strtoll(arg, NULL, 10);
    if(hs_order_summary_get(c->h, *id, cli_order_owner_cb, &ow) == BMC_OK &&
       ow.match)
      return CLI_OK;
  }
  return cli_fail(cmd, "company '%s' has no order '%s'", company, arg);
}

int
cli_opt_flags(void *ud, int idx, const char *arg)
{
  (void)arg;
  *(int *)ud |= 1 << idx;
  return 0;
}

int
cli_getopt(const char *cmd, int argc, char **argv,
           const struct option *longopts,
           int (*on)(void *ud, int idx, const char *arg), void *ud)
{
  int o, idx;

  optind = 0; /* glibc: restart on this argv */
  opterr = 0;
  while((o = getopt_long(argc, argv, ":h", longopts, &idx)) != -1) {
    if(o == '?' || o == ':') {
      fprintf(stderr, "host-sim %s: %s '%s'\n", cmd,
              o == ':' ? "option needs a value:" : "unknown option",
              argv[optind - 1]);
      cli_usage(cmd);
      return -CLI_USAGE;
    }
    if(o != 0) {
      cli_usage(cmd);
      return -CLI_USAGE;
    }
    if(on(ud, idx, optarg))
      return -CLI_FAIL; /* on() said what is wrong with the value */
  }
  return optind;
}
