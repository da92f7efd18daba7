/*
 * pc_page.c -- owns paginated reads: the page envelope decoder and the
 * pager that follows `next` on base_url's origin, detects loops and caps
 * the pages by what `count` promised (see pc_page.h).
 */
#include "pc_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_json.h"
#include "pc_redact.h"
#include "pc_text.h"

/* Pages allowed beyond what count promised: orders arriving while the
 * pages are read, a server that fills pages unevenly. */
#define PC_PAGE_MARGIN_MIN 2
#define PC_PAGE_MARGIN_DIV 10

/* The count member: usable (0..PC_PAGE_MAX_COUNT), else -1 and its text
 * in refused ("" when absent or null). */
static void
pc_page_count(const struct pc_page_spec *spec, struct json_object *root,
              struct pc_page *pg)
{
  struct json_object *v;
  int64_t n;

  pg->count = -1;
  pg->count_refused[0] = '\0';
  if(!spec->count_key ||
     !json_object_object_get_ex(root, spec->count_key, &v) || !v)
    return;
  if(json_object_is_type(v, json_type_int) && pc_json_int_in_range(v)) {
    n = json_object_get_int64(v);
    if(n >= 0 && n <= PC_PAGE_MAX_COUNT) {
      pg->count = n;
      return;
    }
  }
  snprintf(pg->count_refused, sizeof(pg->count_refused), "%.40s",
           json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

int
pc_page_decode(const struct pc_page_spec *spec, struct json_object *root,
               struct pc_page *pg, char *err, size_t errlen)
{
  struct json_object *links = root;
  struct json_object *v;
  char sub[200];

  memset(pg, 0, sizeof(*pg));
  pg->count = -1;
  if(!root || !json_object_is_type(root, json_type_object)) {
    snprintf(err, errlen, "%s page: expected a JSON object, found %s",
             spec->what, pc_json_type_name(root));
    return BMC_ERR_PROTOCOL;
  }
  if(pc_json_arr(root, spec->items_key, 1, &pg->items, sub, sizeof(sub))) {
    snprintf(err, errlen, "%s page: %s", spec->what, sub);
    return BMC_ERR_PROTOCOL;
  }
  pg->n_items = json_object_array_length(pg->items);
  pc_page_count(spec, root, pg);
  if(spec->links_key) {
    if(!json_object_object_get_ex(root, spec->links_key, &links) || !links)
      return BMC_OK; /* no links: the last page */
    if(!json_object_is_type(links, json_type_object)) {
      snprintf(err, errlen, "%s page: field %s: expected object, found %s",
               spec->what, spec->links_key, pc_json_type_name(links));
      return BMC_ERR_PROTOCOL;
    }
  }
  if(!json_object_object_get_ex(links, spec->next_key, &v) || !v)
    return BMC_OK;
  pg->next = pc_json_text(v);
  if(!pg->next) {
    snprintf(err, errlen, "%s page: field %s: expected a URL or null, "
             "found %s%s", spec->what, spec->next_key,
             pc_json_type_name(v),
             json_object_is_type(v, json_type_string) ? " with a NUL "
                                                        "character" : "");
    return BMC_ERR_PROTOCOL;
  }
  return BMC_OK;
}

void
pc_pager_init(struct pc_pager *p, const struct pc_page_spec *spec,
              const struct pc_http *http, const struct bmc_host_api *host,
              void *hctx, const struct pc_secrets *secrets,
              const char *first_target, int64_t page_size, int64_t hard_cap)
{
  memset(p, 0, sizeof(*p));
  p->spec = spec;
  p->http = http;
  p->host = host;
  p->hctx = hctx;
  p->secrets = secrets;
  snprintf(p->target, sizeof(p->target), "%s", first_target);
  p->page_size = page_size > 0 ? page_size : 1;
  p->hard_cap = hard_cap > 0 ? hard_cap : 1;
  p->max_pages = p->hard_cap;
  p->count = -1;
}

const char *
pc_pager_target(const struct pc_pager *p)
{
  return p->target;
}

void
pc_pager_free(struct pc_pager *p)
{
  if(!p)
    return;
  free(p->seen);
  p->seen = NULL;
  p->n_seen = p->cap_seen = 0;
}

int64_t
pc_pager_total(const struct pc_pager *p, int64_t done)
{
  return p->count >= done ? p->count : done;
}

/* The table slot for (hash, items): the hashes are already well mixed
 * (pc_text_hash), so the low bits place them. */
static size_t
pc_pager_slot(const struct pc_pager *p, uint64_t hash, int items)
{
  size_t k = (size_t)(hash ^ (uint64_t)items) & (p->cap_seen - 1);

  while(p->seen[k].page &&
        (p->seen[k].hash != hash || p->seen[k].items != items))
    k = (k + 1) & (p->cap_seen - 1);
  return k;
}

/* Double the table of what was seen (open addressing: page 0 = free). */
static int
pc_pager_grow(struct pc_pager *p)
{
  size_t ncap = p->cap_seen ? p->cap_seen * 2 : 64;
  struct pc_pager_seen *old = p->seen;
  size_t ocap = p->cap_seen;
  size_t i;

  p->seen = calloc(ncap, sizeof(*p->seen));
  if(!p->seen) {
    p->seen = old;
    return BMC_ERR_NOMEM;
  }
  p->cap_seen = ncap;
  for(i = 0; i < ocap; i++)
    if(old[i].page)
      p->seen[pc_pager_slot(p, old[i].hash, old[i].items)] = old[i];
  free(old);
  return BMC_OK;
}

/* Page number that already had this hash (0 = none), then remember it:
 * a hash table, so a read of thousands of pages costs each page the
 * same. */
static int
pc_pager_seen(struct pc_pager *p, uint64_t hash, int items, int64_t *page)
{
  size_t k;

  *page = 0;
  if((p->n_seen + 1) * 2 > p->cap_seen && pc_pager_grow(p))
    return BMC_ERR_NOMEM;
  k = pc_pager_slot(p, hash, items);
  if(p->seen[k].page) {
    *page = p->seen[k].page;
    return BMC_OK;
  }
  p->seen[k].hash = hash;
  p->seen[k].items = items;
  p->seen[k].page = items ? p->pages : p->pages + 1;
  p->n_seen++;
  return BMC_OK;
}

/* The first usable count fixes how many pages the read may take. */
static void
pc_pager_count(struct pc_pager *p, const struct pc_page *pg)
{
  int64_t per_page;
  int64_t expected;
  int64_t margin;

  if(pg->count_refused[0] && !p->count_warned) {
    p->count_warned = 1;
    pc_log(p->host, p->hctx, p->secrets, BMC_LOG_WARN,
           "%s page %lld: the count %s is not a plausible number of %s "
           "(expected 0 to %lld); it is ignored for the job's total and the "
           "page limit", p->spec->what, (long long)p->pages,
           pg->count_refused, p->spec->what,
           (long long)PC_PAGE_MAX_COUNT);
  }
  if(p->count >= 0 || pg->count < 0)
    return;
  p->count = pg->count;
  per_page = pg->n_items > 0 ? (int64_t)pg->n_items : p->page_size;
  expected = (p->count + per_page - 1) / per_page;
  if(expected < 1)
    expected = 1;
  margin = expected / PC_PAGE_MARGIN_DIV;
  if(margin < PC_PAGE_MARGIN_MIN)
    margin = PC_PAGE_MARGIN_MIN;
  if(expected + margin < p->max_pages)
    p->max_pages = expected + margin;
}

int
pc_pager_step(struct pc_pager *p, const struct pc_page *pg, int *more,
              char *err, size_t errlen)
{
  char next[sizeof(p->target)];
  char why[200];
  int64_t page;
  int rc;

  *more = 0;
  if(!p->pages) {
    /* the first page's own URL, so a link back to it is a loop too */
    if(pc_http_url_of(p->http, p->target, next, sizeof(next)))
      snprintf(next, sizeof(next), "%s", p->target);
    if((rc = pc_pager_seen(p, pc_text_hash(next), 0, &page)))
      return rc;
  }
  p->pages++;
  pc_pager_count(p, pg);
  if(pg->n_items) {
    const char *txt = json_object_to_json_string_ext(pg->items,
                                                     JSON_C_TO_STRING_PLAIN);
    if((rc = pc_pager_seen(p, pc_text_hash(txt ? txt : ""), 1, &page)))
      return rc;
    if(page) {
      snprintf(err, errlen, "%s page %lld repeats page %lld item for item: "
               "the marketplace's next links loop; stopped (nothing after "
               "page %lld was read)", p->spec->what, (long long)p->pages,
               (long long)page, (long long)p->pages);
      return BMC_ERR_PROTOCOL;
    }
  }
  if(!pg->next || !*pg->next)
    return BMC_OK;
  if(p->pages >= p->max_pages) {
    if(p->count >= 0)
      snprintf(err, errlen, "%s: page %lld still links to a next page, but "
               "the count of %lld %s allows at most %lld page(s); stopped "
               "(the marketplace keeps sending pages)", p->spec->what,
               (long long)p->pages, (long long)p->count, p->spec->what,
               (long long)p->max_pages);
    else
      snprintf(err, errlen, "%s: more than %lld pages without a usable "
               "count; stopped", p->spec->what, (long long)p->max_pages);
    return BMC_ERR_PROTOCOL;
  }
  why[0] = '\0';
  rc = pc_http_link(p->http, pg->next, p->target, next, sizeof(next), why,
                    sizeof(why));
  if(rc) {
    snprintf(err, errlen, "%s page %lld: unusable next link: %s; stopped",
             p->spec->what, (long long)p->pages, why);
    return BMC_ERR_PROTOCOL;
  }
  if((rc = pc_pager_seen(p, pc_text_hash(next), 0, &page)))
    return rc;
  if(page) {
    snprintf(err, errlen, "%s page %lld: the next link leads back to page "
             "%lld, already read: the marketplace's next links loop; "
             "stopped", p->spec->what, (long long)p->pages, (long long)page);
    return BMC_ERR_PROTOCOL;
  }
  memcpy(p->target, next, sizeof(p->target));
  *more = 1;
  return BMC_OK;
}
