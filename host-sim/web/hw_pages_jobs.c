/*
 * hw_pages_jobs.c -- Queued Jobs (status, progress, start and end, item
 * errors; a chart of the last 24 hours), one job with its log (error
 * lines flagged), the page a just-submitted action waits on, and
 * Scheduled Tasks as in seed 002's table.  Pages of running work refresh
 * themselves with a meta refresh, so they need no JavaScript.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_internal.h"

#define HW_JOBS_PER_PAGE 50
#define HW_REFRESH_S 1

const char *
hw_status_class(int status)
{
  switch(status) {
  case HS_JOB_SUBMITTED:
  case HS_JOB_PROCESSING: return "running";
  case HS_JOB_COMPLETED: return "ok";
  case HS_JOB_PARTIAL:
  case HS_JOB_SKIPPED: return "partial";
  default: return "failed";
  }
}

static int
hw_running(int status)
{
  return status == HS_JOB_SUBMITTED || status == HS_JOB_PROCESSING;
}

static void
hw_progress(struct hw_req *r, int64_t done, int64_t total)
{
  int tenth = total > 0 ? (int)(done * 10 / total) : 0;

  if(tenth < 0)
    tenth = 0;
  if(tenth > 10)
    tenth = 10;
  hw_rawf(&r->body, "<span class=\"progress\"><i class=\"p%d\"></i></span> "
          "%lld/%lld", tenth, (long long)done, (long long)total);
}

struct hw_jobs_ctx {
  struct hw_req *r;
  int64_t skip, left, seen, running;
  int64_t now, buckets_ok[24], buckets_bad[24], buckets_part[24];
};

static void
hw_job_cells(struct hw_req *r, const struct hs_job *j)
{
  hw_rawf(&r->body, "<td><a href=\"/job?id=%lld\">%lld</a></td><td>",
          (long long)j->id, (long long)j->id);
  hw_text(&r->body, j->company);
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, hw_plugin_title(r, j->plugin));
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, hw_action_title(r, j->plugin, j->action));
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, j->trigger);
  hw_rawf(&r->body, "</td><td><span class=\"st %s\" id=\"status\">",
          hw_status_class(j->status));
  hw_text(&r->body, hs_job_status_name(j->status));
  hw_raw(&r->body, "</span></td><td>");
  hw_progress(r, j->done, j->total);
  hw_raw(&r->body, "</td><td>");
  hw_time(&r->body, j->started_ms);
  hw_raw(&r->body, "</td><td>");
  hw_time(&r->body, j->finished_ms);
  hw_rawf(&r->body, "</td><td class=\"num\">%lld</td>",
          (long long)j->n_item_errors);
}

static int
hw_job_row(void *ud, const struct hs_job *j)
{
  struct hw_jobs_ctx *x = ud;
  int64_t age = x->now - j->created_ms;

  if(age >= 0 && age < 24 * 3600 * 1000LL) {
    int b = 23 - (int)(age / (3600 * 1000LL));

    if(j->status == HS_JOB_COMPLETED)
      x->buckets_ok[b]++;
    else if(j->status == HS_JOB_PARTIAL || j->status == HS_JOB_SKIPPED)
      x->buckets_part[b]++;
    else if(!hw_running(j->status))
      x->buckets_bad[b]++;
  }
  x->seen++;
  if(hw_running(j->status))
    x->running = 1;
  if(x->skip > 0) {
    x->skip--;
    return 0;
  }
  if(x->left <= 0)
    return 0; /* past the page: counted for the pager and the chart */
  x->left--;
  hw_raw(&x->r->body, "<tr>");
  hw_job_cells(x->r, j);
  hw_raw(&x->r->body, "</tr>");
  return 0;
}

int
hw_page_jobs(struct hw_req *r)
{
  const char *c = hw_arg(r, "c");
  int64_t page = hw_arg_int(r, "page", 1);
  struct hw_jobs_ctx *x = calloc(1, sizeof(*x));
  struct hw_buf rows = {0}, saved;
  char base[700], ec[600];
  const char *labels[24];
  char lab[24][8];
  struct hw_series ser[3];
  int i;

  if(!x)
    return hw_error_page(r, 500, "Error", "out of memory");
  if(c && hs_company_find(r->h, c, NULL)) {
    free(x);
    return hw_error_page(r, 404, "Unknown company",
                         "There is no company '%s'.", c);
  }
  if(page < 1)
    page = 1;
  x->r = r;
  x->skip = (page - 1) * HW_JOBS_PER_PAGE;
  x->left = HW_JOBS_PER_PAGE;
  x->now = hs_clock_now(r->h);
  /* Rows first (into their own buffer): the chart above needs them. */
  saved = r->body;
  r->body = rows;
  hs_jobs_each(r->h, c, hw_job_row, x);
  rows = r->body;
  r->body = saved;
  hw_page_begin(r, "Queued Jobs", x->running ? HW_REFRESH_S * 2 : 0);
  hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/\">Companies</a> &rsaquo; "
         "</p><h1>Queued Jobs");
  if(c) {
    hw_raw(&r->body, " of ");
    hw_text(&r->body, c);
  }
  hw_raw(&r->body, "</h1><div class=\"panel\"><h2>Jobs in the last 24 hours"
         "</h2><div class=\"body\">");
  for(i = 0; i < 24; i++) {
    int64_t at = x->now - (23 - i) * 3600 * 1000LL;
    int hh = (int)((at / (3600 * 1000LL)) % 24);

    snprintf(lab[i], sizeof(lab[i]), "%02d", hh);
    labels[i] = i % 3 == 2 ? lab[i] : NULL;
  }
  ser[0] = (struct hw_series){"Completed", "ok", x->buckets_ok};
  ser[1] = (struct hw_series){"Partial / Skipped", "partial",
                              x->buckets_part};
  ser[2] = (struct hw_series){"Failed / Interrupted", "failed",
                              x->buckets_bad};
  hw_svg_bars(&r->body, "Jobs per hour (UTC)", 720, 140, labels, 24, ser, 3);
  hw_raw(&r->body, "</div></div><div class=\"panel\"><table><tr><th>Job ID"
         "</th><th>Company</th><th>Channel</th><th>Action</th><th>Trigger</th>"
         "<th>Status</th><th>Progress</th><th>Started</th><th>Finished</th>"
         "<th class=\"num\">Item errors</th></tr>");
  hw_raw(&r->body, rows.p ? rows.p : "");
  if(rows.oom)
    r->body.oom = 1;
  hw_buf_free(&rows);
  hw_raw(&r->body, "</table></div>");
  snprintf(base, sizeof(base), "/jobs%s%s", c ? "?c=" : "",
           c ? hw_urlenc(c, ec, sizeof(ec)) : "");
  hw_pager(r, base, page, HW_JOBS_PER_PAGE, x->seen);
  hw_page_end(r);
  free(x);
  return 200;
}

/* ---- one job ---- */

static int
hw_job_head(void *ud, const struct hs_job *j)
{
  struct hs_job *out = ud;

  *out = *j;
  /* Strings die with the statement: keep only what the page needs. */
  out->company = out->plugin = out->action = out->trigger = NULL;
  return 0;
}

static int
hw_log_row(void *ud, const struct hs_job_line *l)
{
  static const char *const lv[] = {"ERROR", "WARN", "INFO", "DEBUG"};
  struct hw_req *r = ud;

  hw_raw(&r->body, l->is_error ? "<tr class=\"logerr\"><td>" : "<tr><td>");
  hw_time(&r->body, l->ts_ms);
  hw_raw(&r->body, "</td><td>");
  hw_raw(&r->body, l->level >= 0 && l->level <= 3 ? lv[l->level] : "?");
  hw_raw(&r->body, l->is_error ? "</td><td class=\"flag\">!</td><td>"
                               : "</td><td></td><td>");
  hw_text(&r->body, l->text);
  hw_raw(&r->body, "</td></tr>");
  return 0;
}

static int
hw_job_full(void *ud, const struct hs_job *j)
{
  struct hw_req *r = ud;

  hw_page_begin(r, "Queued Job", hw_running(j->status) ? HW_REFRESH_S : 0);
  hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/jobs\">Queued Jobs</a> "
         "&rsaquo; <a href=\"/settings?c=");
  hw_url(&r->body, j->company);
  hw_raw(&r->body, "&amp;p=");
  hw_url(&r->body, j->plugin);
  hw_raw(&r->body, "\">");
  hw_text(&r->body, j->company);
  hw_raw(&r->body, " / ");
  hw_text(&r->body, hw_plugin_title(r, j->plugin));
  hw_rawf(&r->body, "</a></p><h1>Job %lld: ", (long long)j->id);
  hw_text(&r->body, hw_action_title(r, j->plugin, j->action));
  hw_raw(&r->body, "</h1><div class=\"panel\"><table><tr><th>Job ID</th>"
         "<th>Company</th><th>Channel</th><th>Action</th><th>Trigger</th>"
         "<th>Status</th><th>Progress</th><th>Started</th><th>Finished</th>"
         "<th class=\"num\">Item errors</th></tr><tr>");
  hw_job_cells(r, j);
  hw_raw(&r->body, "</tr></table></div>");
  if(hw_running(j->status))
    hw_raw(&r->body, "<p class=\"help\">This page refreshes while the job "
           "runs.</p>");
  else if(j->n_item_errors > 0 && r->sess.role == HS_ROLE_ADMIN) {
    /* The failed items again, as a new job (hw_pages_ops.c). */
    hw_raw(&r->body, "<form method=\"post\" action=\"/errors/retry\" "
           "class=\"bar\">");
    hw_csrf_input(r);
    hw_rawf(&r->body, "<input type=\"hidden\" name=\"job\" value=\"%lld\">"
            "<button type=\"submit\" id=\"retry\">Retry the %lld failed "
            "item(s)</button></form>", (long long)j->id,
            (long long)j->n_item_errors);
  }
  return 0;
}

int
hw_page_job(struct hw_req *r)
{
  int64_t id = hw_arg_int(r, "id", 0);
  struct hs_job head;
  int rc;

  rc = hs_job_get(r->h, id, hw_job_head, &head);
  if(rc == BMC_ERR_NOT_FOUND)
    return hw_error_page(r, 404, "Unknown job", "There is no job %lld.",
                         (long long)id);
  if(rc)
    return hw_error_page(r, 500, "Error", "The job cannot be read.");
  hs_job_get(r->h, id, hw_job_full, r);
  hw_raw(&r->body, "<div class=\"panel\"><h2>Log</h2><table id=\"log\"><tr>"
         "<th>Time</th><th>Level</th><th></th><th>Message</th></tr>");
  hs_job_log_each(r->h, id, hw_log_row, r);
  hw_raw(&r->body, "</table></div>");
  hw_page_end(r);
  return 200;
}

/* ---- a submitted action ---- */

int
hw_page_run(struct hw_req *r)
{
  struct hw_run_view v;
  int64_t id = hw_arg_int(r, "id", 0);

  if(hw_workers_get(hw_server_workers(r->srv), r->h, id, &v))
    return hw_error_page(r, 404, "Unknown request",
                         "There is no action request %lld; see Queued Jobs.",
                         (long long)id);
  if(v.state == HW_RUN_STARTED || v.state == HW_RUN_DONE)
    return hw_redirect(r, "/job?id=%lld", (long long)v.job_id);
  hw_page_begin(r, "Action", v.state == HW_RUN_QUEUED ? HW_REFRESH_S : 0);
  if(v.retry_of) {
    hw_rawf(&r->body, "<h1>Retry of the failed items of job %lld</h1>",
            (long long)v.retry_of);
  }
  else {
    hw_raw(&r->body, "<h1>");
    hw_text(&r->body, hw_action_title(r, v.plugin, v.action));
    hw_raw(&r->body, " for ");
    hw_text(&r->body, v.company);
    hw_raw(&r->body, "</h1>");
  }
  if(v.state == HW_RUN_QUEUED) {
    hw_raw(&r->body, "<p>Status: <span class=\"st running\" id=\"status\">"
           "Submitted</span> (waiting for a worker; this page refreshes)"
           "</p>");
  }
  else {
    hw_raw(&r->body, "<div class=\"bad\" id=\"refused\">Not started: ");
    hw_text(&r->body, v.msg);
    hw_raw(&r->body, "</div>");
    r->status = 409;
  }
  if(v.retry_of) {
    hw_rawf(&r->body, "<p><a href=\"/job?id=%lld\">Back to job %lld</a>"
            "</p>", (long long)v.retry_of, (long long)v.retry_of);
  }
  else {
    hw_raw(&r->body, "<p><a href=\"/settings?c=");
    hw_url(&r->body, v.company);
    hw_raw(&r->body, "&amp;p=");
    hw_url(&r->body, v.plugin);
    hw_raw(&r->body, "\">Back to General Settings</a></p>");
  }
  hw_page_end(r);
  return v.state == HW_RUN_QUEUED ? 200 : 409;
}

/* ---- Scheduled Tasks ---- */

static void
hw_recurrence(struct hw_req *r, uint32_t s)
{
  if(s % 86400 == 0)
    hw_rawf(&r->body, "Daily%s", s == 86400 ? "" : " (multi)");
  else if(s % 3600 == 0)
    hw_rawf(&r->body, "Hourly (every %u h)", s / 3600);
  else if(s % 60 == 0)
    hw_rawf(&r->body, "Minutes (every %u min)", s / 60);
  else
    hw_rawf(&r->body, "Seconds (every %u s)", s);
}

static int
hw_task_row(void *ud, const struct hs_task *t)
{
  struct hw_req *r = ud;

  hw_raw(&r->body, "<tr><td>");
  hw_text(&r->body, hw_plugin_title(r, t->plugin));
  hw_raw(&r->body, " ");
  hw_text(&r->body, hw_action_title(r, t->plugin, t->action));
  hw_raw(&r->body, "</td><td>");
  hw_raw(&r->body, t->enabled ? "<span class=\"yes\">&#10003;</span>"
                              : "<span class=\"no\">&#10007;</span>");
  hw_raw(&r->body, "</td><td>");
  hw_recurrence(r, t->interval_s);
  hw_raw(&r->body, "</td><td>");
  hw_time(&r->body, t->last_executed_ms);
  hw_raw(&r->body, "</td><td>");
  hw_time(&r->body, t->next_due_ms);
  hw_raw(&r->body, "</td><td>");
  hw_text(&r->body, t->action);
  hw_rawf(&r->body, "</td><td class=\"num\">%lld times</td></tr>",
          (long long)t->run_count);
  return 0;
}

int
hw_page_tasks(struct hw_req *r)
{
  const char *c = hw_arg(r, "c");

  if(!c || hs_company_find(r->h, c, NULL))
    return hw_error_page(r, 404, "Unknown company",
                         "There is no company '%s'.", c ? c : "");
  hw_page_begin(r, "Scheduled Tasks", 0);
  hw_company_head(r, c, "Scheduled Tasks", "Scheduled Tasks");
  hw_raw(&r->body, "<div class=\"panel\"><table><tr><th>Task Name</th>"
         "<th>Enabled</th><th>Recurrence</th><th>Last Executed On</th>"
         "<th>Next Run</th><th>Task Type</th><th class=\"num\">History</th>"
         "</tr>");
  if(hs_tasks_each(r->h, c, hw_task_row, r))
    return hw_error_page(r, 500, "Error", "The tasks cannot be read.");
  hw_raw(&r->body, "</table></div><p class=\"help\">A task runs when its "
         "switch in General Settings is on; times are UTC.</p>");
  hw_page_end(r);
  return 200;
}
