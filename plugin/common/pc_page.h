/*
 * pc_page.h -- paginated reads from the marketplace (plugin/common): the
 * ONE place that decodes a page envelope ({"count", "next", "results"} on
 * Back Market; {"total", "links": {"next"}, "items"} on Back Market Pro)
 * and decides whether and where to read the next page.  Every paginated
 * read of both plugins (orders, listings, Pro orders) goes through it.
 *
 * What it refuses, so a hostile or broken server cannot keep a run (and
 * the company's lock) forever or send the credential elsewhere:
 *   - a `next` link is followed by its path and query on base_url's origin
 *     (pc_http_link): another scheme, host or port in it does not stop
 *     paging and never receives the credential;
 *   - a `next` leading back to a page already read, or a page whose items
 *     repeat an earlier page's exactly, is a loop: the read ends with a
 *     clear error;
 *   - more pages than `count` promised (plus a margin) end the read with a
 *     clear error; without a usable count a hard cap applies;
 *   - a negative or absurd `count` (over PC_PAGE_MAX_COUNT, or not an
 *     integer) is ignored, with one warning per read, and never becomes a
 *     job total (pc_pager_total()).
 * Memory: one 64-bit hash per page read; pages themselves are released by
 * the caller before the next one is fetched.
 */
#ifndef PC_PAGE_H
#define PC_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "bmc/bmc_plugin.h"
#include "pc_http.h"

struct pc_secrets;

/* Counts beyond this are not believed (no seller has ten million orders
 * or listings in one query). */
#define PC_PAGE_MAX_COUNT INT64_C(10000000)

/* Field names of one API's page envelope (static strings). */
struct pc_page_spec {
  const char *what;      /* "orders", for messages */
  const char *items_key; /* "results" */
  const char *count_key; /* "count"; NULL = the API sends none */
  const char *links_key; /* NULL = next at the top level; "links" */
  const char *next_key;  /* "next" */
};

/* One decoded page; everything is borrowed from the JSON root. */
struct pc_page {
  struct json_object *items; /* the array */
  size_t n_items;
  int64_t count;             /* -1 when absent or refused */
  char count_refused[48];    /* the refused count as sent; "" = none */
  const char *next;          /* NULL or "" = last page */
};

/* Decode the envelope of root (borrowed).  BMC_OK, or BMC_ERR_PROTOCOL
 * with a message naming the field (items missing or not an array, next
 * neither a string nor null, a NUL in next). */
int pc_page_decode(const struct pc_page_spec *spec, struct json_object *root,
                   struct pc_page *pg, char *err, size_t errlen);

struct pc_pager {
  const struct pc_page_spec *spec;
  const struct pc_http *http;
  const struct bmc_host_api *host; /* for the one count warning */
  void *hctx;
  const struct pc_secrets *secrets;
  char target[PC_HTTP_MAX_LINK + 512]; /* the page to read next */
  int64_t pages;        /* pages read so far */
  int64_t max_pages;    /* allowed by count, else hard_cap */
  int64_t hard_cap;
  int64_t page_size;    /* items per page asked for (a hint) */
  int64_t count;        /* the first usable count; -1 none */
  int count_warned;
  struct pc_pager_seen {
    uint64_t hash;
    int64_t page; /* 0 = a free slot */
    int items; /* 1 = hash of a page's items, 0 = of a page's URL */
  } *seen;      /* open-addressing table of cap_seen slots */
  size_t n_seen, cap_seen;
};

/* Start a read at first_target (a base-relative target such as
 * "/ws/orders?page-size=50").  Borrowed: spec, http, host, hctx, secrets
 * (may be NULL); they must outlive the pager.  page_size = items per page
 * asked for; hard_cap = pages at most when no count limits them. */
void pc_pager_init(struct pc_pager *p, const struct pc_page_spec *spec,
                   const struct pc_http *http,
                   const struct bmc_host_api *host, void *hctx,
                   const struct pc_secrets *secrets,
                   const char *first_target, int64_t page_size,
                   int64_t hard_cap);
/* The target of the page to read now (borrowed; valid until the next
 * pc_pager_step). */
const char *pc_pager_target(const struct pc_pager *p);
/* After a page was read and decoded (its items handled or not): *more = 1
 * and pc_pager_target() is the next page, or *more = 0 at the end.
 * BMC_OK; BMC_ERR_PROTOCOL with a message (a loop, more pages than count
 * allows, an unusable next link); BMC_ERR_NOMEM. */
int pc_pager_step(struct pc_pager *p, const struct pc_page *pg, int *more,
                  char *err, size_t errlen);
/* What a job's total may say after `done` items: the count when it was
 * usable and not below done, else done. */
int64_t pc_pager_total(const struct pc_pager *p, int64_t done);
void pc_pager_free(struct pc_pager *p);

#endif /* PC_PAGE_H */
