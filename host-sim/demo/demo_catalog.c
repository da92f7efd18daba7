/*
 * demo_catalog.c -- the demo catalog: 220 refurbished phones, tablets,
 * laptops, desktops, Chromebooks and 2-in-1s generated deterministically,
 * about one in eight deliberately not ready to post (missing EAN, short
 * warranty, old or under-specified computers, no image, no stock), loaded
 * into the host (generic data, then the Back Market properties as a seller
 * would set them) and registered as products in the simulator's catalog.
 * Every tenth product has its own en-gb price; the others get the
 * company's pricing rule there.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define DEMO_N_PRODUCTS 220

struct demo_model {
  const char *name, *brand, *device_type, *category;
  const char *cpu, *storage_type;
  int storage_gb, ram_gb, year;
  int base_price; /* whole euros */
  const char *weight_lbs;
};

static const struct demo_model demo_models[] = {
  {"iPhone 13 128GB", "Apple", "phone", "Smartphones", NULL, NULL, 128, -1,
   2021, 389, "0.4"},
  {"iPhone 14 Pro 256GB", "Apple", "phone", "Smartphones", NULL, NULL, 256,
   -1, 2022, 699, "0.5"},
  {"Galaxy S22 128GB", "Samsung", "phone", "Smartphones", NULL, NULL, 128,
   -1, 2022, 329, "0.4"},
  {"Pixel 7 128GB", "Google", "phone", "Smartphones", NULL, NULL, 128, -1,
   2022, 279, "0.4"},
  {"iPad Air 5 64GB", "Apple", "tablet", "Tablets", NULL, NULL, 64, -1, 2022,
   449, "1.0"},
  {"Galaxy Tab S8 128GB", "Samsung", "tablet", "Tablets", NULL, NULL, 128, -1,
   2022, 399, "1.1"},
  {"MacBook Air 13 M1 8GB 256GB", "Apple", "laptop", "Laptops", "Apple M1",
   "SSD", 256, 8, 2020, 639, "2.8"},
  {"ThinkPad T14 Gen 2", "Lenovo", "laptop", "Laptops",
   "Intel Core i5-1145G7", "SSD", 256, 16, 2021, 489, "3.2"},
  {"Dell XPS 13 9310", "Dell", "laptop", "Laptops", "Intel Core i7-1185G7",
   "SSD", 512, 16, 2020, 699, "2.8"},
  {"HP EliteBook 840 G5", "HP", "laptop", "Laptops", "Intel Core i5-8350U",
   "SSD", 256, 8, 2018, 329, "3.3"},
  {"iMac 24 M1", "Apple", "all_in_one", "Desktops", "Apple M1", "SSD", 256, 8,
   2021, 999, "9.8"},
  {"OptiPlex 7070 SFF", "Dell", "desktop", "Desktops", "Intel Core i5-9500",
   "SSD", 256, 16, 2019, 299, "12.0"},
  {"Chromebook 314", "HP", "chromebook", "Laptops", "Intel Celeron N4000",
   "eMMC", 64, 4, 2019, 149, "3.2"},
  {"Surface Pro 7", "Microsoft", "2in1", "Laptops", "Intel Core i5-1035G4",
   "SSD", 128, 4, 2019, 449, "1.7"},
};
#define DEMO_N_MODELS (sizeof(demo_models) / sizeof(demo_models[0]))

static const char *const demo_grades[] = {"EXCELLENT", "VERY_GOOD", "GOOD",
                                          "FAIR", "2", "1"};

const char *
demo_catalog_sku(int i, char *buf, size_t buflen)
{
  snprintf(buf, buflen, "DEMO-%04d", i);
  return buf;
}

/* EAN-13 with a valid check digit from a 12-digit body. */
static void
demo_ean13(int i, char out[14])
{
  int sum = 0, k;

  snprintf(out, 14, "3760%08u", (unsigned)(10000 + i) % 100000000u);
  for(k = 0; k < 12; k++)
    sum += (out[k] - '0') * ((k % 2) ? 3 : 1);
  out[12] = (char)('0' + (10 - sum % 10) % 10);
  out[13] = '\0';
}

/* The defect that keeps product i from being ready to post, if any. */
static const char *
demo_defect(int i)
{
  switch(i % 16) {
  case 3: return "no_ean";
  case 7: return (i % 32 == 7) ? "warranty_6" : NULL;
  case 11: return (i % 48 == 11) ? "no_image" : NULL;
  default: return NULL;
  }
}

/* One Back Market property (market NULL = the global value). */
static int
demo_prop(struct demo *d, const char *sku, const char *key,
          const char *market, const char *value)
{
  char err[512];

  if(!value)
    return 0;
  if(hs_product_prop_set(d->host, DEMO_COMPANY, "backmarket", sku, key,
                         market, value, err, sizeof(err))) {
    fprintf(stderr, "demo: product %s: %s\n", sku, err);
    return -1;
  }
  return 0;
}

static int
demo_product(struct demo *d, int i)
{
  const struct demo_model *m = &demo_models[i % DEMO_N_MODELS];
  const char *defect = demo_defect(i);
  struct hs_product p;
  char sku[32], title[160], desc[256], ean[14], image[160], pid[40];
  char price[24], site[24], minp[24], gbp[24], err[512];
  const char *warranty = "12";
  int euros = m->base_price + (i % 7) * 5;

  hs_product_init(&p);
  p.sku = demo_catalog_sku(i, sku, sizeof(sku));
  snprintf(title, sizeof(title), "%s %s - Refurbished", m->brand, m->name);
  snprintf(desc, sizeof(desc),
           "Professionally refurbished %s %s, tested, 12-month warranty.",
           m->brand, m->name);
  demo_ean13(i, ean);
  snprintf(image, sizeof(image), "https://img.demo.test/%s.jpg", sku);
  snprintf(pid, sizeof(pid), "6d4ad966-0000-4000-8000-%012d", i);
  snprintf(price, sizeof(price), "%d.00", euros);
  snprintf(site, sizeof(site), "%d.00", euros + 20);
  snprintf(minp, sizeof(minp), "%d.00", euros - 25);
  snprintf(gbp, sizeof(gbp), "%d.00", euros * 6 / 7);
  p.title = title;
  p.description = desc;
  p.ean = ean;
  p.image_url = image;
  p.weight_lbs = m->weight_lbs;
  p.site_price = site;
  p.available_qty = (i % 25 == 24) ? 0 : 1 + (i % 5);
  p.device_type = m->device_type;
  p.cpu = m->cpu;
  p.storage_type = m->storage_type;
  p.storage_gb = m->storage_gb;
  p.ram_gb = m->ram_gb;
  p.release_year = m->year;
  /* Computers that fail the eligibility rules of seed 000. */
  if(!strcmp(m->device_type, "laptop") && i % 19 == 0) {
    p.release_year = 2015;
    p.cpu = "Intel Core i5-5200U";
  }
  if(!strcmp(m->device_type, "desktop") && i % 3 == 0)
    p.storage_type = "HDD";
  if(!strcmp(m->device_type, "laptop") && i % 17 == 1)
    p.ram_gb = 4;
  if(defect && !strcmp(defect, "no_ean"))
    p.ean = NULL;
  if(defect && !strcmp(defect, "warranty_6"))
    warranty = "6";
  if(defect && !strcmp(defect, "no_image"))
    p.image_url = NULL;
  if(hs_product_upsert(d->host, DEMO_COMPANY, &p, NULL, err, sizeof(err))) {
    fprintf(stderr, "demo: product %s: %s\n", sku, err);
    return -1;
  }
  if(demo_prop(d, sku, "enabled", NULL, "true") ||
     demo_prop(d, sku, "category", NULL, m->category) ||
     demo_prop(d, sku, "warranty_months", NULL, warranty) ||
     demo_prop(d, sku, "grade", NULL, demo_grades[i % 6]) ||
     demo_prop(d, sku, "bm_product_id", NULL, pid) ||
     /* every tenth falls back to the site price */
     demo_prop(d, sku, "price", NULL, (i % 10 == 9) ? NULL : price) ||
     demo_prop(d, sku, "price", "en-gb", (i % 10 == 5) ? gbp : NULL) ||
     demo_prop(d, sku, "min_price", NULL, minp) ||
     demo_prop(d, sku, "repricing", NULL, (i % 4 == 0) ? "true" : NULL) ||
     demo_prop(d, sku, "safety_qty", NULL, (i % 9 == 0) ? "1" : NULL) ||
     demo_prop(d, sku, "max_qty", NULL, (i % 13 == 0) ? "2" : NULL))
    return -1;
  if(demo_sim(d, "POST", "/_sim/products", NULL,
              "{\"product_id\": \"%s\", \"backmarket_id\": %d, "
              "\"title\": \"%s\"}", pid, 3000000 + i, title) >= 400)
    return -1;
  return 0;
}

int
demo_catalog_load(struct demo *d)
{
  int i;

  for(i = 0; i < DEMO_N_PRODUCTS; i++)
    if(demo_product(d, i))
      return -1;
  d->n_products = DEMO_N_PRODUCTS;
  return 0;
}
