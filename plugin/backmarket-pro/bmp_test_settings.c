/*
 * bmp_test_settings.c -- the "Test Settings" action (seed 003: "required to
 * establish the connection"): checks the Website URL and the x-api-key
 * form, makes ONE cheap authenticated call (GET status) and says exactly
 * what is wrong.  On success it stores the fingerprint of (url, key) in the
 * state store; the other actions refuse to run until it matches.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "bmp_check.h"
#include "bmp_contract.h"
#include "bmp_plugin.h"
#include "pc_gate.h"
#include "pc_host.h"
#include "pc_http.h"
#include "pc_json.h"

/* The 2xx body must be the status document; anything else (an HTML
 * portal, another API) means the Website URL points somewhere else. */
static int
bmp_status_ok(const struct pc_http_resp *r, char *seller, size_t sellerlen)
{
  struct json_object *root, *who = NULL;
  const char *st = NULL, *name = NULL, *id = NULL;
  int ok;

  seller[0] = '\0';
  if(!r->body)
    return 0;
  root = pc_json_parse(r->body, r->len, NULL, 0);
  if(!root)
    return 0;
  ok = pc_json_str(root, "status", 1, &st, NULL, 0) == BMC_OK &&
       !strcmp(st, "ok");
  if(ok && pc_json_obj(root, "seller", 0, &who, NULL, 0) == BMC_OK) {
    if(pc_json_str(who, "name", 1, &name, NULL, 0) != BMC_OK)
      name = NULL;
    if(pc_json_str(who, "id", 1, &id, NULL, 0) != BMC_OK)
      id = NULL;
    snprintf(seller, sellerlen, " as seller %.80s (%.40s)",
             name ? name : "?", id ? id : "?");
  }
  json_object_put(root);
  return ok;
}

int
bmp_test_settings(struct bmp_inst *bi, char *errbuf, size_t errlen)
{
  struct pc_http_req req;
  struct pc_http_resp resp;
  char msg[512], fp[17], seller[160], why[512];
  int dry = pc_gate_dry(bi->host, bi->hctx), rc = BMC_OK;

  /* A new test starts from "not established"; it is set again only on
   * success.  A check of a pending key (the host's rotation) leaves the
   * active key's result alone: it stays in use if the pending one fails,
   * and the success stored below is the pending key's, swapped in next.
   * A dry run tests and stores nothing. */
  if(!dry)
    rc = pc_credential_pending(bi->host, bi->hctx)
             ? BMC_OK
             : bi->host->state_del(bi->hctx, BMP_ST_TEST_OK);
  if(rc != BMC_OK && rc != BMC_ERR_NOT_FOUND)
    return bmp_fail(bi, rc, errbuf, errlen,
                    "Test Settings: the state store refused the update");
  rc = bmp_conf_load(bi, msg, sizeof(msg));
  if(rc != BMC_OK)
    return bmp_fail(bi, rc, errbuf, errlen, "Test Settings failed: %s", msg);
  if(bmp_check_url(bi->conf.url, msg, sizeof(msg)))
    return bmp_fail(bi, BMC_ERR_CONFIG, errbuf, errlen,
                    "Test Settings failed: bad Website URL: %s", msg);
  if(bmp_check_key(bi->conf.key, msg, sizeof(msg)))
    return bmp_fail(bi, BMC_ERR_CONFIG, errbuf, errlen,
                    "Test Settings failed: %s", msg);
  rc = bmp_conn_ready(bi, msg, sizeof(msg));
  if(rc != BMC_OK)
    return bmp_fail(bi, rc, errbuf, errlen, "Test Settings failed: %s", msg);

  memset(&req, 0, sizeof(req));
  req.method = "GET";
  req.target = BMP_PATH_STATUS;
  req.max_attempts = 1; /* one cheap call; the answer is reported as is */
  rc = pc_http_send(bi->http, &req, &resp);
  bmp_describe_error(bi, resp.status, resp.body, resp.error, why,
                     sizeof(why));
  switch(rc) {
  case BMC_OK:
    if(!bmp_status_ok(&resp, seller, sizeof(seller))) {
      rc = bmp_fail(bi, BMC_ERR_PROTOCOL, errbuf, errlen,
                    "Test Settings failed: unexpected response: HTTP %ld "
                    "from %s%s is not the Back Market Pro status document; "
                    "check the Website URL",
                    resp.status, bi->conf.url, BMP_PATH_STATUS);
      break;
    }
    if(!dry &&
       (bmp_fingerprint(bi->conf.url, bi->conf.key, fp, sizeof(fp)) ||
        bi->host->state_put(bi->hctx, BMP_ST_TEST_OK, fp, 16) != BMC_OK)) {
      rc = bmp_fail(bi, BMC_ERR_INTERNAL, errbuf, errlen,
                    "Test Settings: connected, but the result could not be "
                    "stored; run it again");
      break;
    }
    bmp_log(bi, BMC_LOG_INFO,
            "Test Settings succeeded: connected to Back Market Pro at %s%s",
            bi->conf.url, seller);
    break;
  case BMC_ERR_UNAUTHORIZED:
    rc = bmp_fail(bi, rc, errbuf, errlen,
                  "Test Settings failed: the x-api-key was refused by Back "
                  "Market Pro (%s); check the key you received from Back "
                  "Market Pro",
                  why);
    break;
  case BMC_ERR_TRANSPORT:
    rc = bmp_fail(bi, rc, errbuf, errlen,
                  "Test Settings failed: Back Market Pro is unreachable at "
                  "%s: %s",
                  bi->conf.url, why);
    break;
  case BMC_ERR_REMOTE_RETRY:
    rc = bmp_fail(bi, rc, errbuf, errlen,
                  "Test Settings failed: Back Market Pro is temporarily "
                  "unavailable (%s); try again in a few minutes",
                  why);
    break;
  case BMC_ERR_BUDGET:
    rc = bmp_fail(bi, rc, errbuf, errlen,
                  "Test Settings failed: the request budget toward Back "
                  "Market Pro is spent; try again in a few seconds");
    break;
  default:
    rc = bmp_fail(bi, rc == BMC_OK ? BMC_ERR_PROTOCOL : rc, errbuf, errlen,
                  "Test Settings failed: unexpected response from %s%s: %s; "
                  "check the Website URL",
                  bi->conf.url, BMP_PATH_STATUS, why);
    break;
  }
  pc_http_resp_clear(&resp);
  return rc;
}
