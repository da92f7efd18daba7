/*
 * bm_pricing.c -- the price and min price of a product in one market
 * (pure apart from bm_pricing_load): the market's own value; in a market
 * with the first market's currency the product's unsuffixed price, else
 * its site price; in another currency a company pricing rule (the source
 * market's price times the exchange rate FROM:TO, rounded as configured,
 * exact decimal arithmetic in pc_money) -- or the market is not published
 * and the reason says why.  Never the same number in another currency.
 * (The settings are read by bm_pricing_load() in bm_catalog.c.)
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_money.h"

static const struct {
  const char *name;
  int64_t modulus, rest; /* round up to the next amount ending so */
} bm_roundings[] = {
  {"none", 0, 0}, {".99", 100, 99}, {".90", 100, 90}, {".00", 100, 0},
  {"9.00", 1000, 900},
};

/* "EUR:GBP=0.8571, EUR:SEK=11.43" into r->rates. */
static int
bm_rates_parse(struct bm_pricing *r, const char *text, char *err,
               size_t errlen)
{
  const char *p = text, *e;
  char item[64];
  size_t n;
  int64_t probe;

  r->n_rates = 0;
  while(p && *p) {
    while(*p == ',' || *p == ';' || isspace((unsigned char)*p))
      p++;
    if(!*p)
      break;
    for(e = p; *e && *e != ',' && *e != ';'; e++)
      ;
    n = (size_t)(e - p);
    while(n && isspace((unsigned char)p[n - 1]))
      n--;
    snprintf(item, sizeof(item), "%.*s", (int)n, p);
    if(r->n_rates == BM_MAX_RATES || n < 9 || n >= sizeof(item) ||
       item[3] != ':' || item[7] != '=' ||
       pc_money_convert(100, item + 8, &probe) != BMC_OK) {
      snprintf(err, errlen, "setting exchange_rates: '%.40s' is not "
               "FROM:TO=RATE (e.g. EUR:GBP=0.8571, at most %d, up to 8 "
               "decimals)", item, BM_MAX_RATES);
      return BMC_ERR_CONFIG;
    }
    memcpy(r->rates[r->n_rates].from, item, 3);
    r->rates[r->n_rates].from[3] = '\0';
    memcpy(r->rates[r->n_rates].to, item + 4, 3);
    r->rates[r->n_rates].to[3] = '\0';
    snprintf(r->rates[r->n_rates].rate, sizeof(r->rates[0].rate), "%.31s",
             item + 8);
    r->n_rates++;
    p = e;
  }
  return BMC_OK;
}

int
bm_pricing_parse(const char *primary, const char *source, const char *rates,
                 const char *rounding, struct bm_pricing *r, char *err,
                 size_t errlen)
{
  size_t i;

  memset(r, 0, sizeof(*r));
  if(!primary || !bm_market_currency(primary)) {
    snprintf(err, errlen, "no Back Market market to price in");
    return BMC_ERR_CONFIG;
  }
  snprintf(r->primary, sizeof(r->primary), "%s", primary);
  snprintf(r->source, sizeof(r->source), "%s",
           source && *source ? source : primary);
  if(!bm_market_currency(r->source)) {
    snprintf(err, errlen, "setting price_source_market: '%.16s' is not a "
             "Back Market market", source);
    return BMC_ERR_CONFIG;
  }
  for(i = 0; i < sizeof(bm_roundings) / sizeof(bm_roundings[0]); i++)
    if(rounding && !strcmp(rounding, bm_roundings[i].name))
      r->rounding = (int)i;
  return bm_rates_parse(r, rates, err, errlen);
}

static const char *
bm_rate(const struct bm_pricing *r, const char *from, const char *to)
{
  int i;

  for(i = 0; i < r->n_rates; i++)
    if(!strcmp(r->rates[i].from, from) && !strcmp(r->rates[i].to, to))
      return r->rates[i].rate;
  return NULL;
}

/* A decimal amount of key in market (exact, own value only when own):
 * 1 found (*cents), 0 unset, -1 invalid in currency. */
static int
bm_amount(const struct bmc_product *p, const char *key, const char *market,
          int own, const char *currency, int64_t *cents)
{
  const char *v = own ? bm_prop_raw(p, key, market) : bm_prop(p, key, NULL);
  char t[32];

  if(!v || !*v)
    return 0;
  if(pc_money_parse(v, cents) != BMC_OK || *cents < 0 ||
     bm_price_text(*cents, currency, t, sizeof(t)) != BMC_OK)
    return -1;
  return 1;
}

/* The price of a market without the rule: own value; in the primary's
 * currency the unsuffixed price, else the site price. */
static int
bm_base_price(const struct bm_pricing *r, const struct bmc_product *p,
              const char *market, int64_t *cents, const char **how)
{
  const char *cur = bm_market_currency(market);
  int got = bm_amount(p, "price", market, 1, cur, cents);

  *how = "its own price";
  if(got || strcmp(cur, bm_market_currency(r->primary)))
    return got;
  *how = "the product's price";
  got = bm_amount(p, "price", NULL, 0, cur, cents);
  if(got)
    return got;
  *how = "the site price";
  if(!p->site_price || !*p->site_price)
    return 0;
  if(pc_money_parse(p->site_price, cents) != BMC_OK || *cents < 0)
    return -1;
  return 1;
}

/* Round a converted amount for currency as the rule says. */
static int
bm_round(const struct bm_pricing *r, const char *currency, int64_t cents,
         int round_rule, int64_t *out)
{
  int64_t whole;

  if(bm_currency_decimals(currency) == 0) {
    if(pc_money_div(cents, 100, &whole) != BMC_OK)
      return BMC_ERR_PROTOCOL;
    cents = whole * 100;
    /* endings below a whole unit mean nothing without a minor unit */
    if(round_rule && bm_roundings[r->rounding].modulus < 1000) {
      *out = cents;
      return BMC_OK;
    }
  }
  if(!round_rule || !bm_roundings[r->rounding].modulus) {
    *out = cents;
    return BMC_OK;
  }
  return pc_money_round_up_to(cents, bm_roundings[r->rounding].modulus,
                              bm_roundings[r->rounding].rest, out);
}

/* The rule for market: *cents from the source market's base (key
 * "price": rounded; "min_price": to the minor unit only). */
static int
bm_rule(const struct bm_pricing *r, const struct bmc_product *p,
        const char *market, int64_t base, int round_rule, int64_t *cents,
        char *why, size_t wlen)
{
  const char *from = bm_market_currency(r->source);
  const char *to = bm_market_currency(market);
  const char *rate = bm_rate(r, from, to);
  int64_t conv;

  (void)p;
  if(!rate) {
    snprintf(why, wlen, "%s: no price of its own (%s) and %s", market, to,
             r->n_rates ? "no exchange rate for it in exchange_rates"
                        : "no pricing rule (exchange_rates)");
    return 0;
  }
  if(pc_money_convert(base, rate, &conv) != BMC_OK ||
     bm_round(r, to, conv, round_rule, cents) != BMC_OK) {
    snprintf(why, wlen, "%s: the derived price is out of range", market);
    return 0;
  }
  snprintf(why, wlen, "%s price x %s:%s=%s%s%s", r->source, from, to, rate,
           round_rule && r->rounding ? ", rounded up to " : "",
           round_rule && r->rounding ? bm_roundings[r->rounding].name : "");
  return 1;
}

/* The min price of a market without the rule: own value; in the
 * primary's currency the unsuffixed one.  1, 0 (none), -1 (invalid). */
static int
bm_base_min(const struct bm_pricing *r, const struct bmc_product *p,
            const char *market, int64_t *cents)
{
  const char *cur = bm_market_currency(market);
  int got = bm_amount(p, "min_price", market, 1, cur, cents);

  if(got || strcmp(cur, bm_market_currency(r->primary)))
    return got;
  return bm_amount(p, "min_price", NULL, 0, cur, cents);
}

/* The repricer floor of market (-1 none), derived by the rule (converted,
 * not rounded up: it is a floor) when the market has none.  -1 when the
 * stored value is invalid. */
static int
bm_min_for(const struct bm_pricing *r, const struct bmc_product *p,
           const char *market, struct bm_mprice *out)
{
  const char *cur = bm_market_currency(market);
  const char *scur = bm_market_currency(r->source);
  char why[sizeof(out->why)];
  int64_t base;
  int got = bm_base_min(r, p, market, &out->min_cents);

  if(got < 0) {
    snprintf(out->why, sizeof(out->why), "%s: min price '%s' is not a valid "
             "%s amount", market, bm_prop(p, "min_price", market), cur);
    out->min_cents = -1;
    return -1;
  }
  if(got)
    return 1;
  out->min_cents = -1;
  if(strcmp(r->source, market) && strcmp(scur, cur) &&
     bm_base_min(r, p, r->source, &base) == 1 &&
     !bm_rule(r, p, market, base, 0, &out->min_cents, why, sizeof(why)))
    out->min_cents = -1;
  return 0;
}

int
bm_price_for(const struct bm_pricing *r, const struct bmc_product *p,
             const char *market, struct bm_mprice *out)
{
  const char *cur = bm_market_currency(market), *how = NULL;
  const char *scur = bm_market_currency(r->source);
  int64_t base = 0;
  int got;

  memset(out, 0, sizeof(*out));
  out->cents = out->min_cents = -1;
  if(!cur) {
    snprintf(out->why, sizeof(out->why), "%s is not a Back Market market",
             market);
    return 0;
  }
  if(bm_min_for(r, p, market, out) < 0)
    return -1;
  got = bm_base_price(r, p, market, &out->cents, &how);
  if(got < 0) {
    snprintf(out->why, sizeof(out->why), "%s: price '%s' is not a valid %s "
             "amount (2 decimals, JPY none)", market,
             strcmp(how, "the site price") ? bm_prop(p, "price", market)
                                           : p->site_price, cur);
    out->cents = -1;
    return -1;
  }
  if(got && out->cents == 0) {
    snprintf(out->why, sizeof(out->why), "%s: price 0 is not a price",
             market);
    out->cents = -1;
    return -1;
  }
  if(got) {
    snprintf(out->how, sizeof(out->how), "%s", how);
    return 1;
  }
  if(!strcmp(cur, bm_market_currency(r->primary))) {
    snprintf(out->why, sizeof(out->why), "%s: no price (no Back Market "
             "price or site price)", market);
    return 0;
  }
  /* another currency: the rule, from the source market's price */
  if(!r->n_rates) {
    snprintf(out->why, sizeof(out->why), "%s: no price of its own (%s) and "
             "no pricing rule (exchange_rates)", market, cur);
    return 0;
  }
  if(!strcmp(r->source, market) ||
     bm_base_price(r, p, r->source, &base, &how) != 1 || base <= 0) {
    snprintf(out->why, sizeof(out->why), "%s: no price of its own (%s) and "
             "no price in the pricing rule's source market %s", market, cur,
             r->source);
    return 0;
  }
  if(!strcmp(scur, cur)) { /* same currency: the same number */
    out->cents = base;
    snprintf(out->how, sizeof(out->how), "the %s price (same currency)",
             r->source);
    return 1;
  }
  if(!bm_rule(r, p, market, base, 1, &out->cents, out->why,
              sizeof(out->why)) || out->cents <= 0) {
    if(out->cents == 0)
      snprintf(out->why, sizeof(out->why), "%s: the derived price is 0",
               market);
    out->cents = -1;
    return 0;
  }
  snprintf(out->how, sizeof(out->how), "%.159s", out->why);
  out->why[0] = '\0';
  return 1;
}
