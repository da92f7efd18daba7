/*
 * hw_auth.c -- logging in and out of the web Toolbox and the gates every
 * request passes: the session cookie (HttpOnly, SameSite=Strict, Secure
 * behind a TLS proxy), the CSRF token every POST must carry (the login
 * form's is a double-submit cookie, the others the session's token), and
 * the role check (admin changes and runs, viewer reads).
 * WARNING: passwords and session ids never reach a page, a log line or
 * the audit.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "hw_internal.h"

void
hw_auth_load(struct hw_req *r)
{
  const char *sid = hw_cookie(r, HW_COOKIE);

  r->has_session = 0;
  if(!sid || strlen(sid) != HS_SESSION_ID_LEN)
    return;
  if(hs_session_get(r->h, sid, &r->sess) == BMC_OK) {
    r->has_session = 1;
    snprintf(r->sid, sizeof(r->sid), "%s", sid);
  }
}

int
hw_auth_post(struct hw_req *r, int need_admin)
{
  if(!r->has_session)
    return hw_error_page(r, 403, "Not logged in",
                         "Your session has ended; log in again.");
  if(!hs_csrf_equal(&r->sess, hw_field(r, "csrf")))
    return hw_error_page(r, 403, "Form refused",
                         "This form has no valid CSRF token, so it was "
                         "refused and nothing was changed. Reload the page "
                         "and submit it again.");
  if(need_admin && r->sess.role != HS_ROLE_ADMIN)
    return hw_error_page(r, 403, "Not allowed",
                         "Your role (viewer) can read every page but cannot "
                         "change settings or run actions. Ask an admin.");
  return 0;
}

int
hw_auth_admin(struct hw_req *r)
{
  if(r->sess.role != HS_ROLE_ADMIN)
    return hw_error_page(r, 403, "Not allowed",
                         "This page is for admins; your role is viewer.");
  return 0;
}

static void
hw_set_cookie(struct hw_req *r, char *out, size_t outlen, const char *name,
              const char *value, int64_t max_age_s)
{
  snprintf(out, outlen, "%s=%s; Path=/; HttpOnly; SameSite=Strict; "
           "Max-Age=%lld%s", name, value, (long long)max_age_s,
           hw_secure_cookie(r->srv) ? "; Secure" : "");
}

static int
hw_login_form(struct hw_req *r, int status, const char *user,
              const char *message)
{
  unsigned char raw[16];
  char tok[33];

  if(sodium_init() < 0)
    return hw_error_page(r, 500, "Error", "libsodium cannot start");
  randombytes_buf(raw, sizeof(raw));
  sodium_bin2hex(tok, sizeof(tok), raw, sizeof(raw));
  hw_set_cookie(r, r->cookie, sizeof(r->cookie), HW_LOGIN_COOKIE, tok, 3600);
  hw_page_begin(r, "Log in", 0);
  hw_raw(&r->body, "<div class=\"login panel\"><h2>Log in to the Toolbox"
         "</h2><div class=\"body\">");
  if(message) {
    hw_raw(&r->body, "<div class=\"bad\" id=\"login-error\">");
    hw_text(&r->body, message);
    hw_raw(&r->body, "</div>");
  }
  hw_raw(&r->body, "<form method=\"post\" action=\"/login\">"
         "<input type=\"hidden\" name=\"lt\" value=\"");
  hw_text(&r->body, tok);
  hw_raw(&r->body, "\"><label for=\"user\">User name</label>"
         "<input type=\"text\" id=\"user\" name=\"user\" "
         "autocomplete=\"username\" value=\"");
  hw_text(&r->body, user ? user : "");
  hw_raw(&r->body, "\" required><label for=\"password\">Password</label>"
         "<input type=\"password\" id=\"password\" name=\"password\" "
         "autocomplete=\"current-password\" required>"
         "<button type=\"submit\" id=\"login\">Log in</button></form>"
         "</div></div>");
  hw_page_end(r);
  return status;
}

int
hw_page_login(struct hw_req *r)
{
  if(r->has_session)
    return hw_redirect(r, "/");
  return hw_login_form(r, 200, NULL, NULL);
}

int
hw_post_login(struct hw_req *r)
{
  const char *user = hw_field(r, "user"), *pw = hw_field(r, "password");
  const char *lt = hw_field(r, "lt"), *lc = hw_cookie(r, HW_LOGIN_COOKIE);
  char sid[HS_SESSION_ID_LEN + 1], err[256];
  int rc;

  if(!lt || !lc || strlen(lt) != 32 || strlen(lc) != 32 ||
     sodium_memcmp(lt, lc, 32) != 0)
    return hw_error_page(r, 403, "Form refused",
                         "The login form has expired or was not sent from "
                         "this site; open the login page again.");
  if(!user || !pw)
    return hw_login_form(r, 400, user, "Enter a user name and a password.");
  rc = hs_user_login(r->h, user, pw, hw_session_ttl(r->srv), sid,
                     sizeof(sid), err, sizeof(err));
  if(rc == BMC_ERR_UNAUTHORIZED || rc == BMC_ERR_CONFLICT) {
    hw_detail(r, "login refused for '%.64s': %s", user, err);
    return hw_login_form(r, rc == BMC_ERR_CONFLICT ? 429 : 401, user, err);
  }
  if(rc)
    return hw_error_page(r, 500, "Error", "%s", err);
  hw_set_cookie(r, r->cookie, sizeof(r->cookie), HW_COOKIE, sid,
                hw_session_ttl(r->srv) / 1000);
  hw_set_cookie(r, r->cookie2, sizeof(r->cookie2), HW_LOGIN_COOKIE, "", 0);
  sodium_memzero(sid, sizeof(sid));
  /* The audit row names the user who just logged in. */
  snprintf(r->sess.user, sizeof(r->sess.user), "%s", user);
  r->has_session = 1;
  hw_detail(r, "logged in");
  return hw_redirect(r, "/");
}

int
hw_post_logout(struct hw_req *r)
{
  int rc = hw_auth_post(r, 0);

  if(rc)
    return rc;
  hs_session_end(r->h, r->sid);
  hw_set_cookie(r, r->cookie, sizeof(r->cookie), HW_COOKIE, "", 0);
  hw_detail(r, "logged out");
  return hw_redirect(r, "/login");
}
