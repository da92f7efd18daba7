/*
 * bm_token.c -- owns the validate_token action (DESIGN 3.8): the token's
 * form is checked locally (spaces, line breaks, prefix, characters, length;
 * the token itself is never echoed), then ONE cheap authenticated call
 * tells apart valid / invalid or expired (401) / not a merchant (403 JSON) /
 * blocked by the bot shield (403 HTML or bot-need-challenge, with cf-ray) /
 * unreachable.  The outcome is recorded in state ("token/status"), except
 * when the host checks a pending token (rotation): then the host keeps it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm_order_side.h"
#include "pc_host.h"
#include "pc_time.h"

static void
bm_token_record(struct bm_inst *bi, const char *outcome)
{
  char val[96];
  char when[32];

  if(pc_credential_pending(bi->host, bi->hctx))
    return; /* a pending token's check: the host records the outcome */
  if(pc_time_format(bi->host->now_ms(bi->hctx), when, sizeof(when)))
    when[0] = '\0';
  snprintf(val, sizeof(val), "%s %s", outcome, when);
  if(bm_state_put(bi, "token/status", val))
    bm_log(bi, BMC_LOG_WARN, "could not record the token check outcome");
}

static int
bm_token_fail(struct bm_inst *bi, const char *outcome, int rc, char *errbuf,
              size_t errlen, const char *msg)
{
  bm_log(bi, BMC_LOG_ERROR, "Validate Token: %s", msg);
  snprintf(errbuf, errlen, "%s", msg);
  bm_token_record(bi, outcome);
  return rc;
}

/* The body is a bot-management challenge (HTML page or JSON code). */
static int
bm_is_bot_block(const struct pc_http_resp *r)
{
  if(!strncmp(r->content_type, "text/html", 9))
    return 1;
  return r->body && strstr(r->body, "bot-need-challenge") != NULL;
}

int
bm_validate_token(struct bm_inst *bi, char *errbuf, size_t errlen)
{
  struct pc_http_req req;
  struct pc_http_resp resp;
  char token[600];
  char why[320];
  char msg[640];
  int rc;

  rc = bm_setting(bi, "token", token, sizeof(token));
  if(rc)
    return bm_token_fail(bi, "malformed", BMC_ERR_CONFIG, errbuf, errlen,
                         "the Authentication Token is longer than 512 "
                         "characters: it was not copied correctly");
  rc = bm_token_form(token, why, sizeof(why));
  explicit_bzero(token, sizeof(token));
  if(rc)
    return bm_token_fail(bi, "malformed", BMC_ERR_CONFIG, errbuf, errlen,
                         why);
  rc = bm_client_ready(bi, why, sizeof(why));
  if(rc)
    return bm_token_fail(bi, "misconfigured", rc, errbuf, errlen, why);

  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.target = "/ws/orders?page-size=1";
  req.max_attempts = 2;
  rc = pc_http_send(bi->http, &req, &resp);
  if(!rc) {
    bm_log(bi, BMC_LOG_INFO, "Validate Token: the token is valid; Back "
           "Market answered (market %s)", bm_default_market(bi));
    bm_token_record(bi, "valid");
    pc_http_resp_clear(&resp);
    return BMC_OK;
  }
  bm_error_reason(resp.body, resp.len, why, sizeof(why));
  if(resp.status == 401) {
    snprintf(msg, sizeof(msg), "Back Market refused the token (HTTP 401): "
             "it is invalid or expired.  Tokens stop working when the Back "
             "Office password changes or the integration is deleted: create "
             "a new one under Options > Integrations and paste it here");
    rc = bm_token_fail(bi, "invalid", BMC_ERR_UNAUTHORIZED, errbuf, errlen,
                       msg);
  }
  else if(resp.status == 403 && bm_is_bot_block(&resp)) {
    snprintf(msg, sizeof(msg), "blocked by Back Market's bot protection "
             "(HTTP 403 challenge, not a token problem); contact Back Market "
             "support%s%s%s", resp.cf_ray[0] ? " quoting cf-ray " : "",
             resp.cf_ray, resp.cf_ray[0] ? "" : " with the time of this "
             "check");
    rc = bm_token_fail(bi, "bot_blocked", BMC_ERR_UNAUTHORIZED, errbuf,
                       errlen, msg);
  }
  else if(resp.status == 403) {
    snprintf(msg, sizeof(msg), "the token is valid but its account is not a "
             "Back Market merchant (HTTP 403%s%.200s%s): use a token from a "
             "seller account", why[0] ? ": " : "", why, why[0] ? "" : "");
    rc = bm_token_fail(bi, "not_merchant", BMC_ERR_UNAUTHORIZED, errbuf,
                       errlen, msg);
  }
  else if(rc == BMC_ERR_TRANSPORT || resp.status == 0) {
    snprintf(msg, sizeof(msg), "Back Market could not be reached (%s); the "
             "token was not checked: verify the network and the platform "
             "setting, then try again", resp.error);
    rc = bm_token_fail(bi, "unreachable", BMC_ERR_TRANSPORT, errbuf, errlen,
                       msg);
  }
  else {
    snprintf(msg, sizeof(msg), "Back Market answered HTTP %ld%s%.200s; the "
             "token could not be confirmed, try again later", resp.status,
             why[0] ? ": " : "", why);
    rc = bm_token_fail(bi, "unconfirmed", rc, errbuf, errlen, msg);
  }
  pc_http_resp_clear(&resp);
  return rc;
}
