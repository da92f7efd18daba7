/*
 * cli_ops.c -- host-sim commands that act on what the plugins report: the
 * error queue (open entries, --all with resolutions), resolve an entry
 * with a note, release an order held for review, correct a line's
 * serial/IMEI before it is sent, and Ready To Post with every reason.
 * The logic is in hs_ops.c; each action prints the job that records it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int
cli_err_cb(void *ud, const struct hs_item_error *e)
{
  char t[32];

  if(ud) {
    struct json_object *o = json_object_new_object();

    if(!o)
      return BMC_ERR_NOMEM;
    cli_json_int(o, "id", e->id);
    cli_json_time(o, "ts", e->ts_ms);
    cli_json_str(o, "company", e->company);
    cli_json_str(o, "plugin", e->plugin);
    cli_json_int(o, "job", e->job_id);
    cli_json_str(o, "item", e->item);
    cli_json_str(o, "code", e->code);
    cli_json_str(o, "message", e->message);
    cli_json_time(o, "resolved", e->resolved_ms);
    cli_json_str(o, "resolved_note", e->resolved_note);
    json_object_array_add(ud, o);
    return 0;
  }
  printf("%5lld %s  %-16s %-14s job %-6lld %-20s %-16s %s\n",
         (long long)e->id, cli_time(e->ts_ms, t, sizeof(t)), e->company,
         e->plugin, (long long)e->job_id, e->item, e->code, e->message);
  if(e->resolved_ms)
    printf("      resolved %s: %s\n", cli_time(e->resolved_ms, t, sizeof(t)),
           e->resolved_note ? e->resolved_note : "");
  return 0;
}

static int
cli_err_count_cb(void *ud, const struct hs_item_error *e)
{
  (void)e;
  (*(int *)ud)++;
  return 0;
}

int
cli_cmd_errors(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"all", no_argument, NULL, 0},
                                     {"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct json_object *arr = NULL;
  const char *company = NULL, *plugin = NULL;
  int flags = 0, first, n = 0;

  first = cli_getopt("errors", argc, argv, lo, cli_opt_flags, &flags);
  if(first < 0)
    return -first;
  if(argc - first > 2)
    return cli_usage("errors");
  if(first < argc)
    company = argv[first];
  if(first + 1 < argc)
    plugin = argv[first + 1];
  if((company && cli_company(c, "errors", company)) ||
     (plugin && cli_plugin(c, "errors", plugin)))
    return CLI_FAIL;
  if((flags & 2) && !(arr = json_object_new_array()))
    return cli_fail("errors", "out of memory");
  if(hs_errors_list(c->h, company, plugin, flags & 1, cli_err_cb, arr) ||
     hs_errors_list(c->h, company, plugin, flags & 1, cli_err_count_cb,
                    &n)) {
    json_object_put(arr);
    return cli_fail("errors", "cannot read the error queue");
  }
  if(arr)
    return cli_json_print(arr);
  if(!n)
    printf("error queue is empty%s\n", flags & 1 ? "" : " (no open entry)");
  else
    printf("%d %s entr%s; act on one (host-sim release / serial / ship), "
           "then: host-sim resolve ID --note TEXT\n", n,
           flags & 1 ? "" : "open", n == 1 ? "y" : "ies");
  return CLI_OK;
}

static int
cli_note_opt(void *ud, int idx, const char *arg)
{
  (void)idx;
  *(const char **)ud = arg;
  return 0;
}

static int
cli_done(const char *what, int64_t job_id)
{
  printf("%s (logged as job %lld: host-sim job %lld)\n", what,
         (long long)job_id, (long long)job_id);
  return CLI_OK;
}

int
cli_cmd_resolve(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"note", required_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  const char *note = NULL;
  char err[512], what[64];
  int64_t id, job = 0;
  int first;

  first = cli_getopt("resolve", argc, argv, lo, cli_note_opt, &note);
  if(first < 0)
    return -first;
  if(argc - first != 1)
    return cli_usage("resolve");
  if(cli_num("resolve", "error id", argv[first], 1, INT64_MAX, &id))
    return CLI_FAIL;
  if(hs_error_resolve(c->h, id, note, &job, err, sizeof(err)))
    return cli_fail("resolve", "%s", err);
  snprintf(what, sizeof(what), "error %lld resolved", (long long)id);
  return cli_done(what, job);
}

int
cli_cmd_release(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"note", required_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  const char *note = NULL;
  char err[512], what[300];
  int64_t id, job = 0;
  int first;

  first = cli_getopt("release", argc, argv, lo, cli_note_opt, &note);
  if(first < 0)
    return -first;
  if(argc - first != 2)
    return cli_usage("release");
  argv += first;
  if(cli_find_order(c, "release", argv[0], argv[1], &id))
    return CLI_FAIL;
  if(hs_order_release(c->h, id, note, &job, err, sizeof(err)))
    return cli_fail("release", "%s", err);
  snprintf(what, sizeof(what), "order %.200s released (In Process); the "
           "next order download accepts it", argv[1]);
  return cli_done(what, job);
}

int
cli_cmd_serial(struct cli *c, int argc, char **argv)
{
  char err[512], what[400];
  int64_t id, job = 0;

  if(argc != 5)
    return cli_usage("serial");
  if(cli_find_order(c, "serial", argv[1], argv[2], &id))
    return CLI_FAIL;
  if(hs_order_line_serial_set(c->h, id, argv[3], argv[4], &job, err,
                              sizeof(err)))
    return cli_fail("serial", "%s", err);
  snprintf(what, sizeof(what), "order %.100s line %.100s: serial set to "
           "%.60s; the next tracking upload sends it", argv[2], argv[3],
           argv[4]);
  return cli_done(what, job);
}

struct cli_ready_out {
  struct json_object *arr;
  int n, n_no, n_unchecked;
};

static int
cli_ready_cb(void *ud, const struct hs_ready *r)
{
  struct cli_ready_out *out = ud;
  const char *p, *sep;
  char t[32];

  if(!r->market[0]) { /* the summary counts products, not markets */
    out->n++;
    out->n_no += r->ready && strcmp(r->ready, "Yes");
    out->n_unchecked += !r->ready;
  }
  if(out->arr) {
    struct json_object *o = json_object_new_object(), *rs;

    if(!o || !(rs = json_object_new_array())) {
      json_object_put(o);
      return BMC_ERR_NOMEM;
    }
    cli_json_str(o, "sku", r->sku);
    cli_json_str(o, "title", r->title);
    json_object_object_add(o, "enabled", json_object_new_boolean(
                               r->enabled));
    cli_json_str(o, "plugin", r->plugin);
    cli_json_str(o, "market", r->market);
    cli_json_str(o, "ready", r->ready);
    for(p = r->reasons; *p; p = sep ? sep + 2 : p + strlen(p)) {
      sep = strstr(p, "; ");
      json_object_array_add(rs, json_object_new_string_len(
                                    p, sep ? (int)(sep - p)
                                           : (int)strlen(p)));
    }
    json_object_object_add(o, "reasons", rs);
    cli_json_time(o, "checked", r->checked_ms);
    json_object_array_add(out->arr, o);
    return 0;
  }
  if(!r->ready) {
    printf("%-20s %-3s  not checked yet (run the plugin's Ready To Post "
           "check)\n", r->sku, "-");
    return 0;
  }
  printf("%-20s %-3s  %-14s %-6s checked %s\n", r->sku, r->ready,
         r->plugin, r->market[0] ? r->market : "all",
         cli_time(r->checked_ms, t, sizeof(t)));
  for(p = r->reasons; *p; p = sep ? sep + 2 : p + strlen(p)) {
    sep = strstr(p, "; ");
    printf("    - %.*s\n", sep ? (int)(sep - p) : (int)strlen(p), p);
  }
  return 0;
}

int
cli_cmd_ready(struct cli *c, int argc, char **argv)
{
  static const struct option lo[] = {{"json", no_argument, NULL, 0},
                                     {NULL, 0, NULL, 0}};
  struct cli_ready_out out;
  const char *sku;
  int flags = 0, first, rc;

  memset(&out, 0, sizeof(out));
  first = cli_getopt("ready", argc, argv, lo, cli_opt_flags, &flags);
  if(first < 0)
    return -first;
  if(argc - first < 1 || argc - first > 2)
    return cli_usage("ready");
  sku = argc - first == 2 ? argv[first + 1] : NULL;
  if(cli_company(c, "ready", argv[first]))
    return CLI_FAIL;
  if(flags && !(out.arr = json_object_new_array()))
    return cli_fail("ready", "out of memory");
  rc = hs_ready_each(c->h, argv[first], sku, cli_ready_cb, &out);
  if(rc) {
    json_object_put(out.arr);
    if(rc == BMC_ERR_NOT_FOUND)
      return cli_fail("ready", "company '%s' has no product '%s'",
                      argv[first], sku);
    return cli_fail("ready", "%s", hs_rc_name(rc));
  }
  if(out.arr)
    return cli_json_print(out.arr);
  if(!sku)
    printf("%d product(s): %d Ready To Post, %d not, %d not checked yet\n",
           out.n, out.n - out.n_no - out.n_unchecked, out.n_no,
           out.n_unchecked);
  return CLI_OK;
}
