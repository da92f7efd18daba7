/*
 * hw_pages_company.c -- the Toolbox pages of a company: the companies
 * list with their enabled channels, a company's page (Enabled Channels
 * form, links into each channel), each plugin's General Settings (view,
 * Edit, Save) drawn from its settings[] declaration with the host's own
 * validation and messages (secrets write-only: never sent back, not even
 * masked), and the Actions menu drawn from its actions[], whose run
 * becomes a queued job on a worker.  A new plugin needs no code here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hs_audit_trail.h"
#include "hs_config.h"
#include "hw_internal.h"

#define HW_VALUE_MAX 4096

const char *
hw_plugin_title(struct hw_req *r, const char *name)
{
  const struct bmc_plugin_api *a = hs_plugin_find(r->h, name);

  return a && a->display_name ? a->display_name : name;
}

const char *
hw_action_title(struct hw_req *r, const char *plugin, const char *action)
{
  const struct bmc_plugin_api *a = hs_plugin_find(r->h, plugin);
  size_t i;

  for(i = 0; a && i < a->n_actions; i++)
    if(strcmp(a->actions[i].id, action) == 0)
      return a->actions[i].display_name;
  return action;
}

/* Link to a page of the company: /<page>?c=<company>[&p=<plugin>]. */
static void
hw_link(struct hw_req *r, const char *page, const char *company,
        const char *plugin, const char *text)
{
  hw_raw(&r->body, "<a href=\"/");
  hw_raw(&r->body, page);
  hw_raw(&r->body, "?c=");
  hw_url(&r->body, company);
  if(plugin) {
    hw_raw(&r->body, "&amp;p=");
    hw_url(&r->body, plugin);
  }
  hw_raw(&r->body, "\">");
  hw_text(&r->body, text);
  hw_raw(&r->body, "</a>");
}

static int
hw_company_row(void *ud, int64_t id, const char *name)
{
  struct hw_req *r = ud;
  size_t i, n = 0;

  (void)id;
  hw_raw(&r->body, "<tr><td>");
  hw_link(r, "company", name, NULL, name);
  hw_raw(&r->body, "</td><td>");
  for(i = 0; i < hs_plugin_count(r->h); i++) {
    struct hs_plugin_info pi;
    int en = 0;

    if(hs_plugin_get(r->h, i, &pi) ||
       hs_company_plugin_enabled(r->h, name, pi.name, &en) || !en)
      continue;
    if(n++)
      hw_raw(&r->body, ", ");
    hw_link(r, "settings", name, pi.name, pi.display_name);
  }
  if(!n)
    hw_raw(&r->body, "<span class=\"help\">none enabled</span>");
  hw_raw(&r->body, "</td><td>");
  hw_link(r, "products", name, NULL, "Products");
  hw_raw(&r->body, " &middot; ");
  hw_link(r, "orders", name, NULL, "Orders");
  hw_raw(&r->body, " &middot; ");
  hw_link(r, "tasks", name, NULL, "Scheduled Tasks");
  hw_raw(&r->body, " &middot; ");
  hw_link(r, "settlements", name, NULL, "Settlements");
  hw_raw(&r->body, "</td></tr>");
  return 0;
}

int
hw_page_companies(struct hw_req *r)
{
  hw_page_begin(r, "Companies", 0);
  hw_raw(&r->body, "<h1>Companies</h1><div class=\"panel\"><table>"
         "<tr><th>Company</th><th>Enabled channels (General Settings)</th>"
         "<th>Pages</th></tr>");
  if(hs_companies_each(r->h, hw_company_row, r))
    return hw_error_page(r, 500, "Error", "The companies cannot be read.");
  hw_raw(&r->body, "</table></div>");
  hw_page_end(r);
  return 200;
}

/* The company named by ?c= (or the form's c): NULL after writing 404. */
static const char *
hw_company_arg(struct hw_req *r, const char *c)
{
  if(!c || hs_company_find(r->h, c, NULL)) {
    hw_error_page(r, 404, "Unknown company", "There is no company '%s'.",
                  c ? c : "");
    return NULL;
  }
  return c;
}

static void hw_dry_run_panel(struct hw_req *r, const char *c);

int
hw_page_company(struct hw_req *r)
{
  const char *c = hw_company_arg(r, hw_arg(r, "c"));
  size_t i;

  if(!c)
    return r->status;
  hw_page_begin(r, c, 0);
  hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/\">Companies</a> &rsaquo; "
         "</p><h1>");
  hw_text(&r->body, c);
  hw_raw(&r->body, "</h1><div class=\"panel\"><h2>Toolbox</h2><div "
         "class=\"body\"><ul>");
  for(i = 0; i < hs_plugin_count(r->h); i++) {
    struct hs_plugin_info pi;
    int en = 0;

    if(hs_plugin_get(r->h, i, &pi) ||
       hs_company_plugin_enabled(r->h, c, pi.name, &en) || !en)
      continue;
    hw_raw(&r->body, "<li>");
    hw_text(&r->body, pi.display_name);
    hw_raw(&r->body, " &rsaquo; ");
    hw_link(r, "settings", c, pi.name, "General Settings");
    hw_raw(&r->body, "</li>");
  }
  hw_raw(&r->body, "<li>");
  hw_link(r, "tasks", c, NULL, "Scheduled Tasks");
  hw_raw(&r->body, "</li><li>");
  hw_link(r, "products", c, NULL, "Products");
  hw_raw(&r->body, "</li><li>");
  hw_link(r, "orders", c, NULL, "Orders");
  hw_raw(&r->body, "</li><li>");
  hw_link(r, "settlements", c, NULL, "Settlements");
  hw_raw(&r->body, "</li><li>");
  hw_link(r, "jobs", c, NULL, "Queued Jobs");
  hw_raw(&r->body, "</li><li>");
  hw_link(r, "errors", c, NULL, "Error Queue");
  hw_raw(&r->body, "</li><li>");
  hw_link(r, "health", c, NULL, "Health");
  hw_raw(&r->body, "</li></ul></div></div>");
  /* Settings > Enabled Channels (seed 001). */
  hw_raw(&r->body, "<div class=\"panel\"><h2>Enabled Channels</h2><div "
         "class=\"body\"><form method=\"post\" action=\"/channels\">");
  hw_csrf_input(r);
  hw_raw(&r->body, "<input type=\"hidden\" name=\"c\" value=\"");
  hw_text(&r->body, c);
  hw_raw(&r->body, "\">");
  for(i = 0; i < hs_plugin_count(r->h); i++) {
    struct hs_plugin_info pi;
    int en = 0;

    if(hs_plugin_get(r->h, i, &pi))
      continue;
    hs_company_plugin_enabled(r->h, c, pi.name, &en);
    hw_raw(&r->body, "<label><input type=\"checkbox\" name=\"ch_");
    hw_text(&r->body, pi.name);
    hw_raw(&r->body, en ? "\" checked> " : "\"> ");
    hw_text(&r->body, pi.display_name);
    hw_raw(&r->body, " <span class=\"help\">");
    hw_text(&r->body, pi.name);
    hw_raw(&r->body, " ");
    hw_text(&r->body, pi.version);
    hw_raw(&r->body, "</span></label><br>");
  }
  hw_raw(&r->body, "<p><button type=\"submit\">Save</button></p></form>"
         "</div></div>");
  hw_dry_run_panel(r, c);
  hw_page_end(r);
  return 200;
}

/* The company's dry-run switch (the host's, for every channel): a form
 * for an admin, the state for a viewer. */
static void
hw_dry_run_panel(struct hw_req *r, const char *c)
{
  int on = 0;

  hs_company_dry_run_get(r->h, c, &on);
  hw_raw(&r->body, "<div class=\"panel\"><h2>Dry Run</h2><div class=\"body\">"
         "<p id=\"dry-run-state\">");
  hw_raw(&r->body, on ? "<strong>On</strong>: every action computes what it "
         "would send, records it as a diff in its job log and its dry-run "
         "report, and sends nothing that changes the marketplace."
         : "Off: actions send their changes.");
  hw_raw(&r->body, "</p>");
  if(r->sess.role == HS_ROLE_ADMIN) {
    hw_raw(&r->body, "<form method=\"post\" action=\"/dryrun\">");
    hw_csrf_input(r);
    hw_raw(&r->body, "<input type=\"hidden\" name=\"c\" value=\"");
    hw_text(&r->body, c);
    hw_raw(&r->body, "\"><label><input type=\"checkbox\" name=\"on\"");
    hw_raw(&r->body, on ? " checked" : "");
    hw_raw(&r->body, "> Dry run for this company</label> <button "
           "type=\"submit\">Save</button></form>");
  }
  hw_raw(&r->body, "</div></div>");
}

int
hw_post_dry_run(struct hw_req *r)
{
  const char *c;
  char q[300];
  int rc = hw_auth_post(r, 1), on = 0, want;

  if(rc)
    return rc;
  if(!(c = hw_company_arg(r, hw_field(r, "c"))))
    return r->status;
  want = hw_field(r, "on") != NULL;
  hs_company_dry_run_get(r->h, c, &on);
  if(want != on && (rc = hs_company_dry_run_set(r->h, c, want)))
    return hw_error_page(r, 500, "Not saved", "the dry-run switch was not "
                         "saved: %s", hs_rc_name(rc));
  hw_detail(r, "dry run of '%.100s': %s", c,
            want == on ? "no change" : want ? "on" : "off");
  return hw_redirect(r, "/company?c=%s", hw_urlenc(c, q, sizeof(q)));
}

int
hw_post_channels(struct hw_req *r)
{
  const char *c;
  char field[96], changed[300] = "";
  size_t i, used = 0;
  int rc = hw_auth_post(r, 1);

  if(rc)
    return rc;
  if(!(c = hw_company_arg(r, hw_field(r, "c"))))
    return r->status;
  for(i = 0; i < hs_plugin_count(r->h); i++) {
    struct hs_plugin_info pi;
    char err[256];
    int en = 0, want;

    if(hs_plugin_get(r->h, i, &pi))
      continue;
    snprintf(field, sizeof(field), "ch_%s", pi.name);
    want = hw_field(r, field) != NULL;
    hs_company_plugin_enabled(r->h, c, pi.name, &en);
    if(want == en)
      continue;
    if(hs_company_plugin_enable(r->h, c, pi.name, want, err, sizeof(err)))
      return hw_error_page(r, 500, "Not saved", "%s", err);
    used += (size_t)snprintf(changed + used, sizeof(changed) - used,
                             "%s%s %s", used ? ", " : "",
                             want ? "enabled" : "disabled", pi.name);
    if(used >= sizeof(changed))
      used = sizeof(changed) - 1;
  }
  hw_detail(r, "channels of '%.100s': %s", c, used ? changed : "no change");
  return hw_redirect(r, "/company?c=%s",
                     hw_urlenc(c, field, sizeof(field)));
}

/* ---- General Settings ---- */

struct hw_form_err {
  const char *key;
  char msg[300];
};

/* The value shown in a field of the edit form: the submitted one after a
 * refused save, else the stored one or the default. */
static void
hw_setting_input(struct hw_req *r, const char *c, const char *p,
                 const struct bmc_setting *s, const char *submitted)
{
  char cur[HW_VALUE_MAX] = "";
  const char *v = submitted;
  struct hw_buf *b = &r->body;

  if(!v && !(s->flags & BMC_SETTING_SECRET) &&
     hs_company_setting_get(r->h, c, p, s->key, cur, sizeof(cur)) == BMC_OK)
    v = cur;
  if(s->type == BMC_SET_BOOL) {
    hw_raw(b, "<input type=\"checkbox\" value=\"true\" name=\"");
    hw_text(b, s->key);
    hw_raw(b, "\" id=\"f_");
    hw_text(b, s->key);
    hw_raw(b, v && strcmp(v, "true") == 0 ? "\" checked>" : "\">");
    return;
  }
  if(s->type == BMC_SET_ENUM && s->enum_values) {
    const char *e = s->enum_values;

    hw_raw(b, "<select name=\"");
    hw_text(b, s->key);
    hw_raw(b, "\" id=\"f_");
    hw_text(b, s->key);
    hw_raw(b, "\">");
    while(*e) {
      const char *bar = strchr(e, '|');
      size_t n = bar ? (size_t)(bar - e) : strlen(e);
      char one[128];

      snprintf(one, sizeof(one), "%.*s", (int)n, e);
      hw_raw(b, "<option value=\"");
      hw_text(b, one);
      hw_raw(b, v && strcmp(v, one) == 0 ? "\" selected>" : "\">");
      hw_text(b, one);
      hw_raw(b, "</option>");
      e += n + (bar ? 1 : 0);
    }
    hw_raw(b, "</select>");
    return;
  }
  if(s->flags & BMC_SETTING_SECRET) {
    /* Write-only: the stored secret never goes to the browser. */
    hw_raw(b, "<input type=\"password\" autocomplete=\"new-password\" "
           "placeholder=\"leave empty to keep\" name=\"");
    hw_text(b, s->key);
    hw_raw(b, "\" id=\"f_");
    hw_text(b, s->key);
    hw_raw(b, "\"> <label><input type=\"checkbox\" name=\"clear_");
    hw_text(b, s->key);
    hw_raw(b, "\"> clear</label>");
    return;
  }
  hw_raw(b, "<input type=\"text\" name=\"");
  hw_text(b, s->key);
  hw_raw(b, "\" id=\"f_");
  hw_text(b, s->key);
  hw_raw(b, "\" value=\"");
  hw_text(b, v ? v : "");
  hw_raw(b, "\">");
}

static void
hw_setting_value(struct hw_req *r, const struct hs_setting_view *v)
{
  const struct bmc_setting *s = v->schema;

  if(s->flags & BMC_SETTING_SECRET)
    hw_raw(&r->body, v->value && v->value[0]
                     ? "<span class=\"yes\">set</span>"
                     : "<span class=\"no\">not set</span>");
  else if(s->type == BMC_SET_BOOL)
    hw_raw(&r->body, v->value && strcmp(v->value, "true") == 0
                     ? "<span class=\"yes\">Yes</span>" : "No");
  else
    hw_text(&r->body, v->value && v->value[0] ? v->value : "-");
  if(!v->is_set)
    hw_raw(&r->body, " <span class=\"help\">(default)</span>");
}

struct hw_settings_ctx {
  struct hw_req *r;
  const char *c, *p;
  int edit;
  const struct hw_form_err *errs;
  size_t n_errs;
};

static int
hw_setting_row(void *ud, const struct hs_setting_view *v)
{
  struct hw_settings_ctx *x = ud;
  struct hw_req *r = x->r;
  const struct bmc_setting *s = v->schema;
  size_t i;

  hw_raw(&r->body, "<tr><th><label for=\"f_");
  hw_text(&r->body, s->key);
  hw_raw(&r->body, "\">");
  hw_text(&r->body, s->help ? s->help : s->key);
  hw_raw(&r->body, "</label>");
  if(s->flags & BMC_SETTING_REQUIRED)
    hw_raw(&r->body, " <span class=\"req\">*</span>");
  hw_raw(&r->body, "<br><span class=\"help\">");
  hw_text(&r->body, s->key);
  hw_raw(&r->body, "</span></th><td>");
  if(x->edit) {
    const char *sub = NULL;

    if(x->n_errs && !(s->flags & BMC_SETTING_SECRET))
      sub = hw_field(r, s->key);
    if(x->n_errs && s->type == BMC_SET_BOOL)
      sub = hw_field(r, s->key) ? "true" : "false";
    hw_setting_input(r, x->c, x->p, s, sub);
    for(i = 0; i < x->n_errs; i++)
      if(strcmp(x->errs[i].key, s->key) == 0) {
        hw_raw(&r->body, "<div class=\"errmsg\">");
        hw_text(&r->body, x->errs[i].msg);
        hw_raw(&r->body, "</div>");
      }
  }
  else {
    hw_setting_value(r, v);
  }
  hw_raw(&r->body, "</td></tr>");
  return 0;
}

static int
hw_recent_job(void *ud, const struct hs_job *j)
{
  struct hw_settings_ctx *x = ud;
  struct hw_req *r = x->r;

  if(strcmp(j->plugin, x->p))
    return 0;
  hw_rawf(&r->body, "<tr><td><a href=\"/job?id=%lld\">%lld</a></td><td>",
          (long long)j->id, (long long)j->id);
  hw_text(&r->body, hw_action_title(r, j->plugin, j->action));
  hw_rawf(&r->body, "</td><td><span class=\"st %s\">",
          hw_status_class(j->status));
  hw_text(&r->body, hs_job_status_name(j->status));
  hw_raw(&r->body, "</span></td><td>");
  hw_time(&r->body, j->created_ms);
  hw_raw(&r->body, "</td></tr>");
  return ++x->n_errs >= 8;
}

/* The General Settings page: view, edit (edit = 1) or a refused save
 * (errs: the messages, shown next to their fields). */
static int
hw_settings_render(struct hw_req *r, const char *c, const char *p, int edit,
                   const struct hw_form_err *errs, size_t n_errs, int status)
{
  const struct bmc_plugin_api *api = hs_plugin_find(r->h, p);
  struct hw_settings_ctx x = {r, c, p, edit, errs, n_errs};
  char title[200];
  size_t i;
  int en = 0;

  hs_company_plugin_enabled(r->h, c, p, &en);
  snprintf(title, sizeof(title), "%s General Settings", api->display_name);
  hw_page_begin(r, title, 0);
  hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/\">Companies</a> &rsaquo; "
         "<a href=\"/company?c=");
  hw_url(&r->body, c);
  hw_raw(&r->body, "\">");
  hw_text(&r->body, c);
  hw_raw(&r->body, "</a> &rsaquo; Toolbox &rsaquo; ");
  hw_text(&r->body, api->display_name);
  hw_raw(&r->body, "</p><h1>");
  hw_text(&r->body, title);
  hw_raw(&r->body, "</h1>");
  if(!en)
    hw_raw(&r->body, "<div class=\"note\">This channel is not enabled for "
           "the company: enable it under Enabled Channels before running "
           "actions.</div>");
  if(n_errs) {
    hw_rawf(&r->body, "<div class=\"bad\" id=\"save-error\">Not saved: %zu "
            "value(s) refused; nothing was changed.</div>", n_errs);
  }
  else if(hw_arg(r, "saved")) {
    hw_raw(&r->body, "<div class=\"saved\" id=\"saved\">Saved: ");
    hw_text(&r->body, hw_arg(r, "saved"));
    hw_raw(&r->body, " setting(s) changed.</div>");
  }
  hw_raw(&r->body, "<div class=\"bar\">");
  if(!edit) {
    hw_raw(&r->body, "<a class=\"btn\" id=\"edit\" href=\"/settings?c=");
    hw_url(&r->body, c);
    hw_raw(&r->body, "&amp;p=");
    hw_url(&r->body, p);
    hw_raw(&r->body, "&amp;edit=1\">Edit</a>");
    /* The Actions menu: every manual action of the plugin. */
    hw_raw(&r->body, "<form method=\"post\" action=\"/run\" class=\"bar\" "
           "id=\"actions\">");
    hw_csrf_input(r);
    hw_raw(&r->body, "<input type=\"hidden\" name=\"c\" value=\"");
    hw_text(&r->body, c);
    hw_raw(&r->body, "\"><input type=\"hidden\" name=\"p\" value=\"");
    hw_text(&r->body, p);
    hw_raw(&r->body, "\"><label for=\"action\">Actions</label>"
           "<select name=\"action\" id=\"action\">");
    for(i = 0; i < api->n_actions; i++) {
      if(!(api->actions[i].flags & BMC_ACTION_MANUAL))
        continue;
      hw_raw(&r->body, "<option value=\"");
      hw_text(&r->body, api->actions[i].id);
      hw_raw(&r->body, "\">");
      hw_text(&r->body, api->actions[i].display_name);
      hw_raw(&r->body, "</option>");
    }
    hw_raw(&r->body, "</select><button type=\"submit\" id=\"go\">Go</button>");
    if(r->sess.role != HS_ROLE_ADMIN)
      hw_raw(&r->body, "<span class=\"help\">(admins only)</span>");
    hw_raw(&r->body, "</form>");
  }
  hw_raw(&r->body, "</div>");
  if(edit) {
    hw_raw(&r->body, "<form method=\"post\" action=\"/settings\" "
           "id=\"settings-form\">");
    hw_csrf_input(r);
    hw_raw(&r->body, "<input type=\"hidden\" name=\"c\" value=\"");
    hw_text(&r->body, c);
    hw_raw(&r->body, "\"><input type=\"hidden\" name=\"p\" value=\"");
    hw_text(&r->body, p);
    hw_raw(&r->body, "\">");
  }
  hw_raw(&r->body, "<div class=\"panel\"><h2>Options</h2><table "
         "class=\"kv\">");
  if(hs_company_settings_each(r->h, c, p, hw_setting_row, &x))
    return hw_error_page(r, 500, "Error", "The settings cannot be read.");
  hw_raw(&r->body, "</table></div>");
  if(edit) {
    hw_raw(&r->body, "<div class=\"bar\"><button type=\"submit\" id=\"save\">"
           "Save</button><a href=\"/settings?c=");
    hw_url(&r->body, c);
    hw_raw(&r->body, "&amp;p=");
    hw_url(&r->body, p);
    hw_raw(&r->body, "\">Cancel</a></div></form>");
  }
  else {
    x.n_errs = 0;
    hw_raw(&r->body, "<div class=\"panel\"><h2>Recent jobs</h2><table><tr>"
           "<th>Job</th><th>Action</th><th>Status</th><th>Created</th></tr>");
    hs_jobs_each(r->h, c, hw_recent_job, &x);
    hw_raw(&r->body, "</table></div>");
  }
  hw_page_end(r);
  return status;
}

/* Company and plugin of a settings request, else the 404 written. */
static int
hw_cp(struct hw_req *r, const char *c, const char *p)
{
  if(!hw_company_arg(r, c))
    return r->status;
  if(!p || !hs_plugin_find(r->h, p))
    return hw_error_page(r, 404, "Unknown channel",
                         "No plugin '%s' is loaded.", p ? p : "");
  return 0;
}

int
hw_page_settings(struct hw_req *r)
{
  const char *c = hw_arg(r, "c"), *p = hw_arg(r, "p");
  int edit = hw_arg(r, "edit") != NULL, rc;

  if((rc = hw_cp(r, c, p)))
    return rc;
  if(edit && (rc = hw_auth_admin(r)))
    return rc;
  return hw_settings_render(r, c, p, edit, NULL, 0, 200);
}

/* The value the form asks for setting s, or NULL when it leaves the
 * setting as it is (same value, empty secret, no field). */
static const char *
hw_wanted(struct hw_req *r, const char *c, const char *p,
          const struct bmc_setting *s)
{
  const char *v = hw_field(r, s->key);
  char cur[HW_VALUE_MAX];
  int rc;

  if(s->type == BMC_SET_BOOL)
    v = v ? "true" : "false";
  if(!v)
    return NULL;
  if(s->flags & BMC_SETTING_SECRET)
    return v[0] ? v : NULL;
  rc = hs_company_setting_get(r->h, c, p, s->key, cur, sizeof(cur));
  if((rc == BMC_OK && strcmp(cur, v) == 0) ||
     (rc == BMC_ERR_NOT_FOUND && !v[0]))
    return NULL;
  return v;
}

int
hw_post_settings(struct hw_req *r)
{
  const char *c = hw_field(r, "c"), *p = hw_field(r, "p");
  const struct bmc_plugin_api *api;
  struct hw_form_err *errs;
  char changed[300] = "", field[96];
  size_t i, n_errs = 0, n_changed = 0, used = 0;
  int rc = hw_auth_post(r, 1);

  if(rc || (rc = hw_cp(r, c, p)))
    return rc;
  api = hs_plugin_find(r->h, p);
  errs = calloc(api->n_settings ? api->n_settings : 1, sizeof(*errs));
  if(!errs)
    return hw_error_page(r, 500, "Error", "out of memory");
  /* Pass 1: the host's own check of every changed value; nothing is
   * stored unless all pass (as with host.cfg). */
  for(i = 0; i < api->n_settings; i++) {
    const struct bmc_setting *s = &api->settings[i];
    const char *v = hw_wanted(r, c, p, s);

    if(v && hs_setting_validate(s, v, errs[n_errs].msg,
                                sizeof(errs[n_errs].msg)))
      errs[n_errs++].key = s->key;
  }
  if(n_errs) {
    hw_detail(r, "settings of '%.80s'/%s refused: %zu value(s)", c, p,
              n_errs);
    rc = hw_settings_render(r, c, p, 1, errs, n_errs, 400);
    free(errs);
    return rc;
  }
  free(errs);
  /* Pass 2: store them through hs_company_setting_set. */
  for(i = 0; i < api->n_settings; i++) {
    const struct bmc_setting *s = &api->settings[i];
    const char *v = hw_wanted(r, c, p, s);
    char err[512];

    snprintf(field, sizeof(field), "clear_%s", s->key);
    if(!v && (s->flags & BMC_SETTING_SECRET) && hw_field(r, field)) {
      if(hs_company_setting_unset(r->h, c, p, s->key))
        return hw_error_page(r, 500, "Not saved", "%s: cannot clear",
                             s->key);
    }
    else if(!v) {
      continue;
    }
    else if(hs_company_setting_set(r->h, c, p, s->key, v, err,
                                   sizeof(err))) {
      return hw_error_page(r, 400, "Not saved", "%s", err);
    }
    n_changed++;
    used += (size_t)snprintf(changed + used, sizeof(changed) - used, "%s%s",
                             used ? ", " : "", s->key);
    if(used >= sizeof(changed))
      used = sizeof(changed) - 1;
  }
  hw_detail(r, "settings of '%.80s'/%s saved: %s", c, p,
            n_changed ? changed : "no change");
  {
    char ec[600], ep[200];

    return hw_redirect(r, "/settings?c=%s&p=%s&saved=%zu",
                       hw_urlenc(c, ec, sizeof(ec)),
                       hw_urlenc(p, ep, sizeof(ep)), n_changed);
  }
}

/* ---- the Actions menu ---- */

int
hw_post_run(struct hw_req *r)
{
  const char *c = hw_field(r, "c"), *p = hw_field(r, "p");
  const char *a = hw_field(r, "action");
  const struct bmc_plugin_api *api;
  char err[300];
  int64_t run_id;
  size_t i;
  int rc = hw_auth_post(r, 1);

  if(rc || (rc = hw_cp(r, c, p)))
    return rc;
  api = hs_plugin_find(r->h, p);
  for(i = 0; a && i < api->n_actions; i++)
    if(strcmp(api->actions[i].id, a) == 0)
      break;
  if(!a || i == api->n_actions || !(api->actions[i].flags &
                                    BMC_ACTION_MANUAL))
    return hw_error_page(r, 400, "Unknown action",
                         "%s has no action '%s' that can be run by hand.",
                         api->display_name, a ? a : "");
  rc = hw_workers_submit(hw_server_workers(r->srv), r->h, c, p, a, 0,
                         r->sess.user, &run_id, err, sizeof(err));
  if(rc)
    return hw_error_page(r, 503, "Busy", "%s", err);
  hw_detail(r, "run %s/%s/%s (request %lld)", c, p, a, (long long)run_id);
  r->wait_run = run_id;
  return hw_redirect(r, "/run?id=%lld", (long long)run_id);
}
