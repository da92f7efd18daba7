/*
 * pc_budget.c -- owns request budgets: a slotted sliding window persisted
 * in the host state store, paced on the host clock (see pc_budget.h).
 */
#include "pc_budget.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PC_SLOTS_PER_WINDOW 20
#define PC_RING (PC_SLOTS_PER_WINDOW + 1)
#define PC_STATE_MAX 1024

struct pc_budget {
  const struct bmc_host_api *host;
  void *hctx;
  char key[64];           /* "budget/<name>" */
  int64_t limit;          /* 0 = off */
  int64_t window_ms;
  int64_t slot_ms;
  int64_t slot_id[PC_RING];
  int64_t count[PC_RING];
  int64_t blocked_until;  /* ms; nothing before this (429) */
  int64_t resv;           /* units recorded in the store ahead of use */
  int64_t resv_slot;      /* slot the reservation was recorded in */
  struct pc_budget_stats st;
};

static int64_t
pc_slot_of(const struct pc_budget *b, int64_t ms)
{
  int64_t q = ms / b->slot_ms;

  if(ms < 0 && ms % b->slot_ms)
    q--;
  return q;
}

static void
pc_budget_add(struct pc_budget *b, int64_t slot, int64_t n)
{
  int64_t i = ((slot % PC_RING) + PC_RING) % PC_RING;

  if(b->slot_id[i] != slot) {
    b->slot_id[i] = slot;
    b->count[i] = 0;
  }
  b->count[i] += n;
}

/* Units counted against a request made at time now. */
static int64_t
pc_budget_used(const struct pc_budget *b, int64_t now)
{
  int64_t cur = pc_slot_of(b, now);
  int64_t used = 0;
  int i;

  for(i = 0; i < PC_RING; i++)
    if(b->count[i] && b->slot_id[i] >= cur - PC_SLOTS_PER_WINDOW &&
       b->slot_id[i] <= cur)
      used += b->count[i];
  return used;
}

static void
pc_budget_load(struct pc_budget *b)
{
  char buf[PC_STATE_MAX];
  size_t len = 0;
  int64_t win = 0;
  int64_t now = b->host->now_ms(b->hctx);
  const char *p;
  char *end;

  if(b->host->state_get(b->hctx, b->key, buf, sizeof(buf) - 1, &len) ||
     len >= sizeof(buf))
    return;
  buf[len] = '\0';
  if(strncmp(buf, "v1 ", 3))
    goto corrupt;
  p = buf + 3;
  win = strtoll(p, &end, 10);
  if(end == p)
    goto corrupt;
  p = end;
  b->blocked_until = strtoll(p, &end, 10);
  if(end == p)
    goto corrupt;
  p = end;
  while(*p == ' ') {
    int64_t s;
    int64_t c;
    p++;
    s = strtoll(p, &end, 10);
    if(end == p || *end != ':')
      goto corrupt;
    p = end + 1;
    c = strtoll(p, &end, 10);
    if(end == p || c < 0)
      goto corrupt;
    p = end;
    if(win == b->window_ms)
      pc_budget_add(b, s, c);
    else /* re-windowed: count everything as spent just now (safe) */
      pc_budget_add(b, pc_slot_of(b, now), c);
  }
  if(*p)
    goto corrupt;
  return;
corrupt:
  b->host->log(b->hctx, BMC_LOG_WARN,
               "request budget %s: stored state unreadable; pausing one "
               "window to stay within the marketplace limit", b->key);
  memset(b->count, 0, sizeof(b->count));
  b->blocked_until = now + b->window_ms;
}

static void
pc_budget_save(struct pc_budget *b)
{
  char buf[PC_STATE_MAX];
  size_t o;
  int n;
  int i;
  int64_t cur = pc_slot_of(b, b->host->now_ms(b->hctx));

  n = snprintf(buf, sizeof(buf), "v1 %" PRId64 " %" PRId64, b->window_ms,
               b->blocked_until);
  if(n < 0)
    return;
  o = (size_t)n;
  for(i = 0; i < PC_RING; i++) {
    int64_t c = b->count[i];
    if(b->resv && b->slot_id[i] == b->resv_slot)
      c += b->resv;
    if(!c || b->slot_id[i] < cur - PC_SLOTS_PER_WINDOW)
      continue;
    n = snprintf(buf + o, sizeof(buf) - o, " %" PRId64 ":%" PRId64,
                 b->slot_id[i], c);
    if(n < 0 || (size_t)n >= sizeof(buf) - o)
      return;
    o += (size_t)n;
  }
  if(b->host->state_put(b->hctx, b->key, buf, o))
    b->host->log(b->hctx, BMC_LOG_WARN,
                 "request budget %s: could not store usage", b->key);
}

int
pc_budget_open(const struct bmc_host_api *host, void *hctx, const char *name,
               int64_t limit, int64_t window_ms, struct pc_budget **out)
{
  struct pc_budget *b;
  const char *p;

  if(!host || !name || !*name || !out || limit < 0 || window_ms <= 0 ||
     strlen(name) > 40)
    return BMC_ERR_INVALID_ARG;
  for(p = name; *p; p++)
    if(!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
      return BMC_ERR_INVALID_ARG;
  b = calloc(1, sizeof(*b));
  if(!b)
    return BMC_ERR_NOMEM;
  b->host = host;
  b->hctx = hctx;
  snprintf(b->key, sizeof(b->key), "budget/%s", name);
  b->limit = limit;
  b->window_ms = window_ms;
  b->slot_ms = (window_ms + PC_SLOTS_PER_WINDOW - 1) / PC_SLOTS_PER_WINDOW;
  if(limit)
    pc_budget_load(b);
  *out = b;
  return BMC_OK;
}

void
pc_budget_free(struct pc_budget *b)
{
  if(!b)
    return;
  if(b->limit && b->resv) {
    b->resv = 0; /* hand back what was recorded ahead of use */
    pc_budget_save(b);
  }
  free(b);
}

int64_t
pc_budget_wait_needed(struct pc_budget *b, int64_t n)
{
  int64_t now;
  int64_t used;
  int64_t cur;
  int64_t wait = 0;
  int64_t s;

  if(!b || !b->limit)
    return 0;
  if(n > b->limit)
    return -1;
  now = b->host->now_ms(b->hctx);
  if(b->blocked_until > now)
    wait = b->blocked_until - now;
  used = pc_budget_used(b, now + wait);
  if(used + n <= b->limit)
    return wait;
  /* drop the oldest slots one by one until n fits */
  cur = pc_slot_of(b, now + wait);
  for(s = cur - PC_SLOTS_PER_WINDOW; s <= cur; s++) {
    int64_t i = ((s % PC_RING) + PC_RING) % PC_RING;
    if(b->slot_id[i] == s)
      used -= b->count[i];
    if(used + n <= b->limit) {
      /* slot s stops counting once the current slot is s + 21 */
      int64_t t = (s + PC_SLOTS_PER_WINDOW + 1) * b->slot_ms;
      return t > now ? t - now : 0;
    }
  }
  return (cur + PC_SLOTS_PER_WINDOW + 1) * b->slot_ms - now;
}

int64_t
pc_budget_available(struct pc_budget *b)
{
  int64_t now;
  int64_t used;

  if(!b || !b->limit)
    return INT64_MAX;
  now = b->host->now_ms(b->hctx);
  if(b->blocked_until > now)
    return 0;
  used = pc_budget_used(b, now);
  return used >= b->limit ? 0 : b->limit - used;
}

int
pc_budget_take(struct pc_budget *b, int64_t n, int64_t max_wait_ms)
{
  int64_t waited = 0;
  int64_t slot;
  int guard;

  if(!b || n < 0)
    return BMC_ERR_INVALID_ARG;
  if(!b->limit || !n)
    return BMC_OK;
  if(n > b->limit)
    return BMC_ERR_INVALID_ARG;
  for(guard = 0; guard < 64; guard++) {
    int64_t w = pc_budget_wait_needed(b, n);
    if(w <= 0)
      break;
    if(waited + w > max_wait_ms) {
      b->st.refused++;
      return BMC_ERR_BUDGET;
    }
    b->host->wait_ms(b->hctx, w);
    waited += w;
    b->st.waited_ms += w;
  }
  if(guard == 64) {
    b->st.refused++;
    return BMC_ERR_BUDGET;
  }
  slot = pc_slot_of(b, b->host->now_ms(b->hctx));
  pc_budget_add(b, slot, n);
  b->st.taken += n;
  /* WARNING: the store must never hold less than what was spent.  Units
   * are recorded ahead of use (a reservation of ~limit/20): takes that fit
   * in it need no write; a crash leaves an over-count, which is safe. */
  if(b->resv_slot == slot && b->resv >= n) {
    b->resv -= n;
    return BMC_OK;
  }
  {
    int64_t used = pc_budget_used(b, b->host->now_ms(b->hctx));
    int64_t k = b->limit / 20;
    b->resv_slot = slot;
    b->resv = used < b->limit ? (k < b->limit - used ? k : b->limit - used)
                              : 0;
  }
  pc_budget_save(b);
  return BMC_OK;
}

void
pc_budget_block_until(struct pc_budget *b, int64_t until_ms)
{
  if(!b || !b->limit)
    return;
  b->st.blocks++;
  if(until_ms > b->blocked_until) {
    b->blocked_until = until_ms;
    pc_budget_save(b);
  }
}

void
pc_budget_get_stats(const struct pc_budget *b, struct pc_budget_stats *out)
{
  if(!out)
    return;
  if(!b) {
    memset(out, 0, sizeof(*out));
    return;
  }
  *out = b->st;
}

int64_t
pc_budget_limit(const struct pc_budget *b)
{
  return b ? b->limit : 0;
}
