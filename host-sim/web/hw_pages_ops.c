/*
 * hw_pages_ops.c -- the operator actions of the web Toolbox on what the
 * plugins reported (issue 11's host operations, the same functions the
 * CLI calls): resolve an error-queue entry with a note, retry the failed
 * items of a job (on a worker, like any action), release an order held
 * for review and correct a line's serial/IMEI.  Each is a POST form with
 * the session's CSRF token, admin only, written to the web audit with the
 * user; a refusal shows the host's own message.  hw_done_note() shows the
 * operator job that logged the change on the page redirected to.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_internal.h"

/* A positive integer form field, else 0. */
static int64_t
hw_field_id(struct hw_req *r, const char *name)
{
  const char *s = hw_field(r, name);
  char *end;
  long long v;

  if(!s || !*s)
    return 0;
  errno = 0;
  v = strtoll(s, &end, 10);
  return errno || *end || v <= 0 ? 0 : (int64_t)v;
}

/* The HTTP status of a host refusal. */
static int
hw_rc_status(int rc)
{
  switch(rc) {
  case BMC_ERR_NOT_FOUND: return 404;
  case BMC_ERR_CONFLICT: return 409;
  case BMC_ERR_INVALID_ARG: return 400;
  default: return 500;
  }
}

struct hw_job_line_ctx {
  struct hw_req *r;
  int shown;
};

static int
hw_done_line(void *ud, const struct hs_job_line *l)
{
  struct hw_job_line_ctx *x = ud;

  if(x->shown++)
    return 1;
  hw_raw(&x->r->body, ": ");
  hw_text(&x->r->body, l->text);
  return 0;
}

void
hw_done_note(struct hw_req *r)
{
  int64_t job = hw_arg_int(r, "done", 0);
  struct hw_job_line_ctx x = {r, 0};

  if(!job)
    return;
  hw_rawf(&r->body, "<div class=\"saved\" id=\"done\">Done, logged as "
          "<a href=\"/job?id=%lld\">job %lld</a>", (long long)job,
          (long long)job);
  hs_job_log_each(r->h, job, hw_done_line, &x);
  hw_raw(&r->body, "</div>");
}

int
hw_post_error_resolve(struct hw_req *r)
{
  int64_t id = hw_field_id(r, "id"), job = 0;
  const char *note = hw_field(r, "note"), *c = hw_field(r, "c");
  char err[512] = "", ec[600];
  int rc = hw_auth_post(r, 1);

  if(rc)
    return rc;
  if(!id)
    return hw_error_page(r, 400, "Bad form", "Give the error entry's id.");
  rc = hs_error_resolve(r->h, id, note, &job, err, sizeof(err));
  if(rc)
    return hw_error_page(r, hw_rc_status(rc), "Not resolved",
                         "Error %lld: %s", (long long)id,
                         err[0] ? err : hs_rc_name(rc));
  hw_detail(r, "resolved error %lld (job %lld)", (long long)id,
            (long long)job);
  if(c && *c)
    return hw_redirect(r, "/errors?c=%s&done=%lld",
                       hw_urlenc(c, ec, sizeof(ec)), (long long)job);
  return hw_redirect(r, "/errors?done=%lld", (long long)job);
}

int
hw_post_error_retry(struct hw_req *r)
{
  int64_t job = hw_field_id(r, "job"), run_id;
  char err[300];
  int rc = hw_auth_post(r, 1);

  if(rc)
    return rc;
  if(!job)
    return hw_error_page(r, 400, "Bad form", "Give the job to retry.");
  rc = hw_workers_submit(hw_server_workers(r->srv), r->h, "", "", "",
                         job, r->sess.user, &run_id, err, sizeof(err));
  if(rc)
    return hw_error_page(r, 503, "Busy", "%s", err);
  hw_detail(r, "retry failed items of job %lld (request %lld)",
            (long long)job, (long long)run_id);
  r->wait_run = run_id;
  return hw_redirect(r, "/run?id=%lld", (long long)run_id);
}

int
hw_post_order_release(struct hw_req *r)
{
  int64_t id = hw_field_id(r, "id"), job = 0;
  char err[512] = "";
  int rc = hw_auth_post(r, 1);

  if(rc)
    return rc;
  if(!id)
    return hw_error_page(r, 400, "Bad form", "Give the order's host id.");
  rc = hs_order_release(r->h, id, hw_field(r, "note"), &job, err,
                        sizeof(err));
  if(rc)
    return hw_error_page(r, hw_rc_status(rc), "Not released",
                         "Order %lld: %s", (long long)id,
                         err[0] ? err : hs_rc_name(rc));
  hw_detail(r, "released order %lld (job %lld)", (long long)id,
            (long long)job);
  return hw_redirect(r, "/order?id=%lld&done=%lld", (long long)id,
                     (long long)job);
}

int
hw_post_order_serial(struct hw_req *r)
{
  int64_t id = hw_field_id(r, "id"), job = 0;
  const char *line = hw_field(r, "line"), *serial = hw_field(r, "serial");
  char err[512] = "";
  int rc = hw_auth_post(r, 1);

  if(rc)
    return rc;
  if(!id || !line || !*line)
    return hw_error_page(r, 400, "Bad form",
                         "Give the order's host id and the line.");
  rc = hs_order_line_serial_set(r->h, id, line, serial ? serial : "", &job,
                                err, sizeof(err));
  if(rc)
    return hw_error_page(r, hw_rc_status(rc), "Serial not changed",
                         "Order %lld line %.100s: %s", (long long)id, line,
                         err[0] ? err : hs_rc_name(rc));
  hw_detail(r, "order %lld line %.100s: serial corrected (job %lld)",
            (long long)id, line, (long long)job);
  return hw_redirect(r, "/order?id=%lld&done=%lld", (long long)id,
                     (long long)job);
}
