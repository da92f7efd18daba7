/*
 * hw_layout.c -- the page chrome of the web Toolbox: the head (one
 * stylesheet served from /static, no external fonts, scripts or CDNs),
 * the top bar with the user and the Logout form, error pages, the pager,
 * detail-page panels and the hidden CSRF input of every form.
 */
#include <stdio.h>
#include <string.h>

#include "hw_internal.h"

static const char hw_css[] =
  "*{box-sizing:border-box}"
  "body{margin:0;font:14px/1.45 'DejaVu Sans',Arial,sans-serif;"
  "color:#1f2a37;background:#eef1f5}"
  "a{color:#1a5fb4;text-decoration:none}a:hover{text-decoration:underline}"
  ".top{display:flex;align-items:center;gap:18px;background:#1b3a5c;"
  "color:#fff;padding:0 20px;height:46px}"
  ".top .brand{font-weight:bold;font-size:16px;margin-right:12px}"
  ".top a{color:#dbe7f5}.top .me{margin-left:auto;display:flex;gap:10px;"
  "align-items:center}"
  ".top form{margin:0}.top button{background:#2f5d8a;border-color:#4a79a8}"
  "main{padding:16px 22px;max-width:1280px}"
  ".crumbs{color:#5b6b7c;margin:0 0 8px}.crumbs a{color:#5b6b7c}"
  "h1{font-size:20px;margin:4px 0 14px}"
  "h2{font-size:15px;margin:0;padding:8px 12px;background:#f6f8fa;"
  "border-bottom:1px solid #d8dee6}"
  ".panel{background:#fff;border:1px solid #d8dee6;border-radius:4px;"
  "margin:0 0 16px}"
  ".panel .body{padding:10px 12px}"
  "table{border-collapse:collapse;width:100%;background:#fff}"
  "th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e5e9ef;"
  "vertical-align:top}"
  "th{background:#f6f8fa;font-weight:600;color:#3b4b5c;white-space:nowrap}"
  "tr:nth-child(even) td{background:#fafbfc}"
  "td.num,th.num{text-align:right}"
  ".kv th{width:260px;background:#fff;font-weight:normal;color:#5b6b7c}"
  ".help{color:#6b7a8a;font-size:12px}"
  ".req{color:#b42318}"
  ".errmsg{color:#b42318;font-weight:600}"
  ".note{background:#fff8e1;border:1px solid #f0d98c;padding:8px 12px;"
  "border-radius:4px;margin:0 0 12px}"
  ".bad{background:#fdecea;border:1px solid #f5b5ae;padding:8px 12px;"
  "border-radius:4px;margin:0 0 12px}"
  ".saved{background:#e8f5e9;border:1px solid #a5d6a7;padding:8px 12px;"
  "border-radius:4px;margin:0 0 12px}"
  "input[type=text],input[type=password],input[type=search],select{"
  "font:inherit;padding:4px 6px;border:1px solid #b8c2cc;border-radius:3px;"
  "min-width:260px}"
  "button,.btn{font:inherit;background:#1a5fb4;color:#fff;border:1px solid "
  "#15508f;border-radius:3px;padding:4px 14px;cursor:pointer}"
  ".btn{display:inline-block}.btn:hover{text-decoration:none}"
  ".bar{display:flex;gap:10px;align-items:center;margin:0 0 12px;"
  "flex-wrap:wrap}"
  ".st{padding:1px 8px;border-radius:10px;font-size:12px;white-space:nowrap}"
  ".st.running{background:#e3f0ff;color:#15508f}"
  ".st.ok{background:#e8f5e9;color:#1e6b2a}"
  ".st.partial{background:#fff4d6;color:#8a5a00}"
  ".st.failed{background:#fdecea;color:#b42318}"
  ".yes{color:#1e7b34;font-weight:bold}.no{color:#c62828;font-weight:bold}"
  ".tip{position:relative;cursor:help;border-bottom:1px dotted}"
  ".tip .tipbox{display:none;position:absolute;left:0;top:100%;z-index:5;"
  "background:#fff;color:#1f2a37;border:1px solid #c9d1da;padding:6px 10px;"
  "width:360px;font-weight:normal;box-shadow:0 2px 6px rgba(0,0,0,.15)}"
  ".tip:hover .tipbox{display:block}"
  "ul.reasons{margin:4px 0 0;padding-left:18px;color:#b42318}"
  "textarea{font:inherit;border:1px solid #b8c2cc;border-radius:3px}"
  "tr.logerr td{background:#fdecea}"
  ".flag{color:#c62828;font-weight:bold}"
  ".progress{background:#e5e9ef;height:8px;width:120px;display:inline-block;"
  "border-radius:4px;overflow:hidden;vertical-align:middle}"
  ".progress i{display:block;height:8px;background:#1a5fb4}"
  ".pager{margin:8px 0;color:#5b6b7c}"
  ".login{max-width:380px;margin:70px auto}"
  ".login input{width:100%;margin:2px 0 10px}"
  "svg .ok{fill:#43a047}svg .failed{fill:#e53935}svg .partial{fill:#f6a821}"
  ".cols{display:grid;grid-template-columns:1fr 1fr;gap:0 20px}"
  ".charts{display:grid;grid-template-columns:repeat(auto-fill,600px);"
  "gap:0 20px}.cols h3,.charts h3{margin-top:6px}"
  "svg .use{fill:#1a5fb4}svg .q50{fill:#43a047}svg .q99{fill:#f6a821}"
  "svg .axis{stroke:#b8c2cc}svg text{font-size:10px;fill:#5b6b7c}"
  ".p0{width:0}.p1{width:10%}.p2{width:20%}.p3{width:30%}.p4{width:40%}"
  ".p5{width:50%}.p6{width:60%}.p7{width:70%}.p8{width:80%}.p9{width:90%}"
  ".p10{width:100%}";

int
hw_static(struct hw_req *r)
{
  if(strcmp(r->path, "/static/app.css") == 0) {
    r->ctype = "text/css; charset=utf-8";
    hw_raw(&r->body, hw_css);
    return 200;
  }
  r->ctype = "text/plain; charset=utf-8";
  hw_raw(&r->body, "not found\n");
  return 404;
}

void
hw_csrf_input(struct hw_req *r)
{
  hw_raw(&r->body, "<input type=\"hidden\" name=\"csrf\" value=\"");
  hw_text(&r->body, r->has_session ? r->sess.csrf : "");
  hw_raw(&r->body, "\">");
}

void
hw_page_begin(struct hw_req *r, const char *title, int refresh_s)
{
  struct hw_buf *b = &r->body;

  hw_raw(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width\">");
  if(refresh_s > 0)
    hw_rawf(b, "<meta http-equiv=\"refresh\" content=\"%d\">", refresh_s);
  hw_raw(b, "<title>");
  hw_text(b, title);
  hw_raw(b, " - Toolbox</title><link rel=\"stylesheet\" "
         "href=\"/static/app.css\"></head><body><div class=\"top\">"
         "<span class=\"brand\">Toolbox</span>");
  if(r->has_session) {
    hw_raw(b, "<a href=\"/\">Companies</a><a href=\"/jobs\">Queued Jobs</a>"
           "<a href=\"/errors\">Error Queue</a><a href=\"/health\">Health</a>");
    if(r->sess.role == HS_ROLE_ADMIN)
      hw_raw(b, "<a href=\"/audit\">Audit</a>");
    hw_raw(b, "<span class=\"me\"><span>");
    hw_text(b, r->sess.user);
    hw_raw(b, " (");
    hw_text(b, hs_role_name(r->sess.role));
    hw_raw(b, ")</span><form method=\"post\" action=\"/logout\">");
    hw_csrf_input(r);
    hw_raw(b, "<button type=\"submit\">Log out</button></form></span>");
  }
  hw_raw(b, "</div><main>");
}

void
hw_page_end(struct hw_req *r)
{
  hw_raw(&r->body, "</main></body></html>\n");
}

int
hw_error_page(struct hw_req *r, int status, const char *title,
              const char *fmt, ...)
{
  va_list ap;
  char msg[1024];

  va_start(ap, fmt);
  if(vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
    msg[0] = '\0';
  va_end(ap);
  hw_buf_free(&r->body);
  r->location[0] = '\0';
  hw_page_begin(r, title, 0);
  hw_rawf(&r->body, "<h1>%d ", status);
  hw_text(&r->body, title);
  hw_raw(&r->body, "</h1><div class=\"bad\">");
  hw_text(&r->body, msg);
  hw_raw(&r->body, "</div><p><a href=\"/\">Back to the Toolbox</a></p>");
  hw_page_end(r);
  if(!r->detail[0])
    hw_detail(r, "%s", msg);
  r->status = status;
  return status;
}

/* A "Previous" / "Next" link to page n of base. */
static void
hw_pager_link(struct hw_buf *b, const char *base, int64_t n,
              const char *label)
{
  hw_raw(b, "<a href=\"");
  hw_raw(b, base);
  hw_rawf(b, "%spage=%lld\">", strchr(base, '?') ? "&amp;" : "?",
          (long long)n);
  hw_raw(b, label);
  hw_raw(b, "</a> ");
}

void
hw_pager(struct hw_req *r, const char *base, int64_t page, int64_t per_page,
         int64_t total)
{
  int64_t pages = total ? (total + per_page - 1) / per_page : 1;
  struct hw_buf *b = &r->body;

  hw_raw(b, "<div class=\"pager\">");
  if(page > 1)
    hw_pager_link(b, base, page - 1, "&laquo; Previous");
  hw_rawf(b, "Page %lld of %lld, %lld items ", (long long)page,
          (long long)pages, (long long)total);
  if(page < pages)
    hw_pager_link(b, base, page + 1, "Next &raquo;");
  hw_raw(b, "</div>");
}

void
hw_pager_more(struct hw_req *r, const char *base, int64_t page, int has_next,
              int64_t at_least)
{
  struct hw_buf *b = &r->body;

  hw_raw(b, "<div class=\"pager\">");
  if(page > 1)
    hw_pager_link(b, base, page - 1, "&laquo; Previous");
  hw_rawf(b, "Page %lld, <span id=\"many\">%lld+ matches</span> (search "
          "more precisely to count them) ", (long long)page,
          (long long)at_least);
  if(has_next)
    hw_pager_link(b, base, page + 1, "Next &raquo;");
  hw_raw(b, "</div>");
}

void
hw_panel_begin(struct hw_req *r, const char *title)
{
  hw_raw(&r->body, "<div class=\"panel\"><h2>");
  hw_text(&r->body, title);
  hw_raw(&r->body, "</h2><table class=\"kv\">");
}

void
hw_panel_row(struct hw_req *r, const char *label, const char *value)
{
  hw_raw(&r->body, "<tr><th>");
  hw_text(&r->body, label);
  hw_raw(&r->body, "</th><td>");
  hw_text(&r->body, value && value[0] ? value : "-");
  hw_raw(&r->body, "</td></tr>");
}

void
hw_panel_end(struct hw_req *r)
{
  hw_raw(&r->body, "</table></div>");
}

void
hw_company_head(struct hw_req *r, const char *c, const char *leaf,
                const char *h1)
{
  hw_raw(&r->body, "<p class=\"crumbs\"><a href=\"/\">Companies</a> "
         "&rsaquo; <a href=\"/company?c=");
  hw_url(&r->body, c);
  hw_raw(&r->body, "\">");
  hw_text(&r->body, c);
  hw_raw(&r->body, "</a> &rsaquo; ");
  hw_text(&r->body, leaf);
  hw_raw(&r->body, "</p><h1>");
  hw_text(&r->body, h1);
  hw_raw(&r->body, "</h1>");
}

void
hw_search_form(struct hw_req *r, const char *action, const char *c,
               const char *q, const char *placeholder)
{
  hw_raw(&r->body, "<form method=\"get\" action=\"");
  hw_raw(&r->body, action);
  hw_raw(&r->body, "\" class=\"bar\"><input type=\"hidden\" name=\"c\" "
         "value=\"");
  hw_text(&r->body, c);
  hw_raw(&r->body, "\"><input type=\"search\" name=\"q\" id=\"q\" "
         "placeholder=\"");
  hw_text(&r->body, placeholder);
  hw_raw(&r->body, "\" value=\"");
  hw_text(&r->body, q ? q : "");
  hw_raw(&r->body, "\"><button type=\"submit\" id=\"search\">Search"
         "</button></form>");
}
