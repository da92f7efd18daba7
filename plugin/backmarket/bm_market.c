/*
 * bm_market.c -- Back Market markets and their currencies (pure): the
 * market table (bm_markets.def), minor units, and an amount written in a
 * currency's own decimals (JPY has none).
 */
#include <stdio.h>
#include <string.h>

#include "bm_catalog_side.h"
#include "pc_money.h"

static const struct {
  const char *market, *currency;
} bm_mkts[] = {
#define BM_MARKET(code, currency) {code, currency},
#include "bm_markets.def"
#undef BM_MARKET
};

const char *
bm_market_currency(const char *market)
{
  size_t i;

  for(i = 0; market && i < sizeof(bm_mkts) / sizeof(bm_mkts[0]); i++)
    if(!strcmp(market, bm_mkts[i].market))
      return bm_mkts[i].currency;
  return NULL;
}

int
bm_currency_decimals(const char *currency)
{
  return currency && !strcmp(currency, "JPY") ? 0 : 2;
}

int
bm_price_text(int64_t cents, const char *currency, char *buf, size_t len)
{
  if(bm_currency_decimals(currency) == 0) {
    if(cents % 100)
      return BMC_ERR_PROTOCOL;
    snprintf(buf, len, "%lld", (long long)(cents / 100));
    return BMC_OK;
  }
  return pc_money_format(cents, buf, len);
}
