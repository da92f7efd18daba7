/*
 * bm_ready.c -- Ready To Post (seed 004) for one product (pure): every
 * required Back Market property present and valid, available quantity
 * above zero, and the company's eligibility rules (bm_rules.c); then per
 * market: a price there (own, unsuffixed, site price or the pricing rule)
 * and a warranty of at least 12 months there.  The reasons text lists
 * EVERY missing or failing item.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bm_catalog_side.h"

void
bm_reasons_init(struct bm_reasons *r)
{
  memset(r, 0, sizeof(*r));
}

void
bm_reasons_add(struct bm_reasons *r, const char *fmt, ...)
{
  char item[512];
  const char *sep = r->count ? "; " : "";
  size_t need, room;
  va_list ap;
  int w;

  r->count++;
  if(r->truncated)
    return;
  va_start(ap, fmt);
  w = vsnprintf(item, sizeof(item), fmt, ap);
  va_end(ap);
  if(w < 0)
    return;
  need = strlen(sep) + strlen(item);
  room = sizeof(r->text) - r->len;
  if(need + 6 >= room) { /* keep space for "; ..." */
    memcpy(r->text + r->len, sep, strlen(sep));
    r->len += strlen(sep);
    memcpy(r->text + r->len, "...", 4);
    r->len += 3;
    r->truncated = 1;
    return;
  }
  memcpy(r->text + r->len, sep, strlen(sep));
  memcpy(r->text + r->len + strlen(sep), item, strlen(item) + 1);
  r->len += need;
}

static int
bm_blank(const char *s)
{
  if(!s)
    return 1;
  for(; *s; s++)
    if(*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
      return 0;
  return 1;
}

/* Decimal "123", "123.4", "123.45": returns 1 (positive), 0 (zero) or -1
 * (not a decimal with at most max_dec decimals). */
static int
bm_decimal_sign(const char *s, int max_dec)
{
  int digits = 0, dec = -1, nonzero = 0;

  if(!s || !*s)
    return -1;
  for(; *s; s++) {
    if(*s == '.' && dec < 0) {
      dec = 0;
      continue;
    }
    if(*s < '0' || *s > '9')
      return -1;
    if(dec >= 0 && ++dec > max_dec)
      return -1;
    digits++;
    if(*s != '0')
      nonzero = 1;
  }
  if(!digits)
    return -1;
  return nonzero;
}

static int
bm_http_url(const char *s)
{
  return s && (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7)) &&
         !strchr(s, ' ') && strlen(s) > 10;
}

int
bm_ready_check(const struct bm_view *v, const struct bm_rules *rules,
               struct bm_reasons *out)
{
  const struct bmc_product *p = v->p;
  int sign, w = bm_view_warranty(v, NULL);

  if(bm_blank(v->title))
    bm_reasons_add(out, "Title missing");
  if(bm_blank(v->description))
    bm_reasons_add(out, "Description missing");
  if(bm_blank(p->ean))
    bm_reasons_add(out, "EAN missing");
  else if(!bm_ean_valid(p->ean))
    bm_reasons_add(out, "EAN '%s' invalid (8, 12, 13 or 14 digits with a "
                   "correct check digit)", p->ean);
  sign = bm_decimal_sign(p->weight_lbs, 6);
  if(bm_blank(p->weight_lbs))
    bm_reasons_add(out, "Weight missing");
  else if(sign <= 0)
    bm_reasons_add(out, "Weight '%s' must be a number above 0",
                   p->weight_lbs);
  if(bm_blank(p->image_url))
    bm_reasons_add(out, "Image URL missing");
  else if(!bm_http_url(p->image_url))
    bm_reasons_add(out, "Image URL '%s' is not an http(s) URL",
                   p->image_url);
  if(bm_blank(v->category))
    bm_reasons_add(out, "Category missing");
  if(w < 0)
    bm_reasons_add(out, "Warranty missing (at least 12 months)");
  else if(w < 12)
    bm_reasons_add(out, "Warranty %d months below the 12-month minimum", w);
  if(bm_blank(v->grade))
    bm_reasons_add(out, "Grade missing");
  else if(!bm_grade_normalize(v->grade))
    bm_reasons_add(out, "Grade '%s' invalid (PREMIUM, EXCELLENT, VERY_GOOD, "
                   "GOOD, FAIR, STALLONE or 0-4)", v->grade);
  if(bm_blank(v->bm_product_id))
    bm_reasons_add(out, "Back Market product id missing");
  if(p->available_qty <= 0)
    bm_reasons_add(out, "No available quantity (%lld)",
                   (long long)p->available_qty);
  bm_rules_check(rules, p, out);
  return out->count == 0;
}

int
bm_ready_market(const struct bm_view *v, const struct bm_pricing *r,
                const char *market, struct bm_reasons *out)
{
  struct bm_mprice mp;
  int before = out->count;
  int w = bm_prop_int(v->p, "warranty_months", market);

  if(bm_price_for(r, v->p, market, &mp) != 1)
    bm_reasons_add(out, "%s", mp.why);
  if(bm_prop_raw(v->p, "warranty_months", market) && w >= 0 && w < 12)
    bm_reasons_add(out, "%s: warranty %d months below the 12-month minimum",
                   market, w);
  return out->count == before;
}
