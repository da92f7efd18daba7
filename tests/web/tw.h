/*
 * tw.h -- fixture of the web Toolbox tests: a temporary store with the
 * in-memory plugin "wplug" (a required secret, an int with a range, an
 * enum, a bool; a quick action, one that blocks until the test releases
 * it, one that cannot be run by hand, and "check" on selected SKUs, where
 * an item "FAIL-..." becomes an error-queue entry), company "Acme <b>" with it
 * enabled, users admin/viewer, and the web server on 127.0.0.1:0 with its
 * workers on their own hosts.  A libcurl "browser" keeps its cookies.
 */
#ifndef TW_H
#define TW_H

#include <stddef.h>
#include <stdint.h>

#include "hs_host.h"
#include "hw.h"

#define TW_COMPANY "Acme <b>"
#define TW_COMPANY_Q "Acme%20%3Cb%3E"
#define TW_PLUGIN "wplug"
#define TW_ADMIN_PW "admin-pass-123"
#define TW_VIEWER_PW "viewer-pass-456"
#define TW_SECRET "sk-LIVE-web-7777"

struct tw_env {
  char dir[256], db[300];
  struct hs_host *h;
  struct hw_server *srv;
  uint16_t port;
};

struct tw_resp {
  long status;
  char *body;          /* NUL-terminated, malloc'd */
  char location[512];
  char cookies[1024];  /* every Set-Cookie line, '\n' separated */
};

struct tw_browser {
  void *curl;          /* CURL *, cookie engine on */
};

int tw_start(struct tw_env *e);
/* curl_global_init, tw_start and two browsers logged in as admin and
 * viewer; tw_close_logged_in() undoes it all. */
int tw_start_logged_in(struct tw_env *e, struct tw_browser *admin,
                       struct tw_browser *viewer);
void tw_close_logged_in(struct tw_env *e, struct tw_browser *admin,
                        struct tw_browser *viewer);
/* Stop the server (running jobs finish) and start a new one on the same
 * page host. */
int tw_restart(struct tw_env *e);
void tw_stop(struct tw_env *e);

int tw_browser_open(struct tw_browser *b);
void tw_browser_close(struct tw_browser *b);
/* GET path or POST an urlencoded body; no redirect is followed. */
long tw_get(struct tw_env *e, struct tw_browser *b, const char *path,
            struct tw_resp *r);
long tw_post(struct tw_env *e, struct tw_browser *b, const char *path,
             const char *body, struct tw_resp *r);
void tw_resp_free(struct tw_resp *r);
/* 1 when the response body contains s. */
int tw_has(const struct tw_resp *r, const char *s);
/* Log in (status of the POST: 303 on success). */
long tw_login(struct tw_env *e, struct tw_browser *b, const char *user,
              const char *pw);
/* The CSRF token in a page (static buffer, "" when none). */
const char *tw_csrf(const struct tw_resp *r);
/* A logged-in browser's CSRF token (GETs / first). */
const char *tw_csrf_of(struct tw_env *e, struct tw_browser *b);

/* An order.xsd document of the fixture's channel: order id, one line of
 * SKU-A, and dispatch_deadline (ISO 8601) when deadline is not NULL. */
void tw_order_xml(char *buf, size_t len, const char *id,
                  const char *deadline);

/* The blocking action: wait until a run of "block" has entered the
 * plugin (1, or 0 after 10 s), and let it return. */
int tw_block_wait_entered(void);
void tw_block_release(void);

#endif /* TW_H */
