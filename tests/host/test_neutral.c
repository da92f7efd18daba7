/*
 * test_neutral.c -- the host knows no channel: host-sim/host's sources (and
 * the web Toolbox's, host-sim/web) name
 * no Back Market property key, Bulk Update column, enum value (grades),
 * setting, action, "backmarket"/"Back Market" or eligibility-rule word
 * (read from the real backmarket.so and the shipped rules file); the
 * frozen historical migration steps of hs_store.c are the one exemption.
 * The live schema (a new store, and the store saved before ABI 2.0 after
 * its upgrade) has no such table or column either.  Fails the day someone
 * adds Back Market knowledge to the host.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/Basic.h>

#include "hs_loader.h"
#include "th.h"
#include "cu_main.h"

#define HOST_SRC BMC_SOURCE_DIR "/host-sim/host"
#define WEB_SRC BMC_SOURCE_DIR "/host-sim/web"
#define SAVED_STORE BMC_SOURCE_DIR "/tests/fixtures/stores/store_v3.db"

/* Plain words the host uses for its own things: "enabled" is the Toolbox
 * switch of a plugin, "price" the site price, "yes" a bool in a CSV cell
 * (the plugin's Ready To Post enum is Yes|No), "comment" a line of the
 * store key file.  The first two stay checked against the schema below. */
static const char *const generic_words[] = {"enabled", "price", "yes",
                                            "comment"};

/* Words that are Back Market's whatever the descriptor says. */
static const char *const bm_words[] = {
  "backmarket", "back market", "back_market", "bm_", "windows 11",
  "chromebook", "eligibility", "2-in-1", "backbox", "back box"};

struct needles {
  char *w[512];
  size_t n;
};

static void
add(struct needles *nd, const char *w, size_t len)
{
  size_t i;

  if(len < 3 || nd->n == 512)
    return;
  for(i = 0; i < sizeof(generic_words) / sizeof(generic_words[0]); i++)
    if(strlen(generic_words[i]) == len &&
       !strncasecmp(generic_words[i], w, len))
      return;
  for(i = 0; i < nd->n; i++)
    if(strlen(nd->w[i]) == len && !strncasecmp(nd->w[i], w, len))
      return;
  nd->w[nd->n] = strndup(w, len);
  if(nd->w[nd->n])
    nd->n++;
}

/* Each '|' item of list. */
static void
add_list(struct needles *nd, const char *list)
{
  const char *bar;

  while(list && *list) {
    bar = strchr(list, '|');
    add(nd, list, bar ? (size_t)(bar - list) : strlen(list));
    list = bar ? bar + 1 : NULL;
  }
}

/* The words of backmarket.so's declarations and of the rules file. */
static void
collect(struct needles *nd, const struct bmc_plugin_api *api)
{
  size_t i;

  for(i = 0; i < sizeof(bm_words) / sizeof(bm_words[0]); i++)
    add(nd, bm_words[i], strlen(bm_words[i]));
  add(nd, api->name, strlen(api->name));
  for(i = 0; i < api->n_properties; i++) {
    const struct bmc_property *p = &api->properties[i];

    add(nd, p->key, strlen(p->key));
    add_list(nd, p->column);
    if(p->type == BMC_SET_ENUM)
      add_list(nd, p->enum_values); /* grade names; short ones skipped */
  }
  for(i = 0; i < api->n_settings; i++)
    if(strchr(api->settings[i].key, '_'))
      add(nd, api->settings[i].key, strlen(api->settings[i].key));
  for(i = 0; i < api->n_actions; i++)
    if(strchr(api->actions[i].id, '_'))
      add(nd, api->actions[i].id, strlen(api->actions[i].id));
}

static int
word_char(int c)
{
  return isalnum(c) || c == '_';
}

/* Needle w in text as a word (case-insensitive; "bm_" as a prefix). */
static const char *
find_word(const char *text, const char *w)
{
  size_t n = strlen(w);
  const char *p;

  for(p = text; (p = strcasestr(p, w)) != NULL; p++) {
    int before = p > text && word_char((unsigned char)p[-1]);
    int after = word_char((unsigned char)p[n]) && w[n - 1] != '_';

    if(!before && !after)
      return p;
  }
  return NULL;
}

static char *
slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  char *buf = NULL;
  long n;

  if(!f)
    return NULL;
  if(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
     fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
    if(fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    }
    else
      buf[n] = '\0';
  }
  fclose(f);
  return buf;
}

/* Blank out hs_store.c's frozen steps (the one exemption). */
static void
drop_frozen(char *text)
{
  char *b = strstr(text, "BEGIN FROZEN STEPS"), *e;

  if(!b)
    return;
  e = strstr(b, "END FROZEN STEPS");
  CU_ASSERT_PTR_NOT_NULL(e);
  if(e)
    memset(b, ' ', (size_t)(e - b));
}

static int
hits_in_dir(const struct needles *nd, const char *dir, int *files)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  char path[512], *text;
  const char *at;
  size_t i, len;
  int hits = 0;

  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  while((de = readdir(d)) != NULL) {
    len = strlen(de->d_name);
    if(len < 3 || (strcmp(de->d_name + len - 2, ".c") &&
                   strcmp(de->d_name + len - 2, ".h")))
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    text = slurp(path);
    CU_ASSERT_PTR_NOT_NULL(text);
    if(!text)
      continue;
    (*files)++;
    if(!strcmp(de->d_name, "hs_store.c"))
      drop_frozen(text);
    for(i = 0; i < nd->n; i++)
      if((at = find_word(text, nd->w[i])) != NULL) {
        fprintf(stderr, "\n  %s names '%s': ...%.60s...", de->d_name,
                nd->w[i], at);
        hits++;
      }
    free(text);
  }
  closedir(d);
  return hits;
}

/* host-sim/host and the web Toolbox's pages (host-sim/web). */
static int
hits_in_sources(const struct needles *nd)
{
  int files = 0, hits = hits_in_dir(nd, HOST_SRC, &files);

  CU_ASSERT(files >= 20);
  files = 0;
  hits += hits_in_dir(nd, WEB_SRC, &files);
  CU_ASSERT(files >= 10);
  return hits;
}

static void
needles_free(struct needles *nd)
{
  size_t i;

  for(i = 0; i < nd->n; i++)
    free(nd->w[i]);
  nd->n = 0;
}

static struct hs_plugin *
load_bm(void)
{
  struct hs_plugin *p = NULL;
  char err[512];

  if(hs_plugin_open(BMC_PLUGIN_DIR "/backmarket.so", &p, err, sizeof(err)))
    fprintf(stderr, "\n  %s\n", err);
  return p;
}

static void
test_sources(void)
{
  struct hs_plugin *p = load_bm();
  struct needles nd = {{0}, 0};

  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  collect(&nd, p->api);
  CU_ASSERT(nd.n > 40); /* keys, columns, grades, settings, words */
  CU_ASSERT_EQUAL(hits_in_sources(&nd), 0);
  /* the check can fail: the frozen steps do name the old columns */
  {
    char *text = slurp(HOST_SRC "/hs_store.c");

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_PTR_NOT_NULL(find_word(text, "merchant_sku"));
    drop_frozen(text);
    CU_ASSERT_PTR_NULL(find_word(text, "merchant_sku"));
    free(text);
  }
  needles_free(&nd);
  hs_plugin_close(p);
}

/* No table or column of the store is named after a needle; products has
 * none of the plugin's keys (the generic words included). */
static int
hits_in_schema(const char *db, const struct bmc_plugin_api *api,
               const struct needles *nd)
{
  sqlite3 *s = NULL;
  sqlite3_stmt *st = NULL;
  size_t i;
  int hits = 0;

  CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &s), SQLITE_OK);
  CU_ASSERT_EQUAL_FATAL(sqlite3_prepare_v2(s, "SELECT m.name, c.name FROM"
                                           " sqlite_master m,"
                                           " pragma_table_info(m.name) c"
                                           " WHERE m.type = 'table'", -1,
                                           &st, NULL), SQLITE_OK);
  while(sqlite3_step(st) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    const char *c = (const char *)sqlite3_column_text(st, 1);

    for(i = 0; i < nd->n; i++)
      if(find_word(t, nd->w[i]) || find_word(c, nd->w[i])) {
        fprintf(stderr, "\n  %s.%s is named after '%s'", t, c, nd->w[i]);
        hits++;
      }
    for(i = 0; !strcmp(t, "products") && i < api->n_properties; i++)
      if(!strcmp(c, api->properties[i].key)) {
        fprintf(stderr, "\n  products.%s is a property of %s", c,
                api->name);
        hits++;
      }
  }
  sqlite3_finalize(st);
  sqlite3_close(s);
  return hits;
}

static void
test_schema(void)
{
  struct hs_plugin *p = load_bm();
  struct needles nd = {{0}, 0};
  struct hs_options o;
  struct hs_host *h = NULL;
  char dir[256], db[512], err[512];

  CU_ASSERT_PTR_NOT_NULL_FATAL(p);
  collect(&nd, p->api);
  th_tmpdir(dir, sizeof(dir));
  /* a new store */
  h = th_open(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(h);
  hs_host_close(h);
  snprintf(db, sizeof(db), "%s/host.db", dir);
  CU_ASSERT_EQUAL(hits_in_schema(db, p->api, &nd), 0);
  /* the saved store before its upgrade does have them (the check works),
   * after it none */
  CU_ASSERT_FATAL(th_copy_file(SAVED_STORE, db));
  CU_ASSERT(hits_in_schema(db, p->api, &nd) > 0);
  memset(&o, 0, sizeof(o));
  o.db_path = db;
  o.schema_dir = BMC_SCHEMA_DIR;
  o.virtual_clock = 1;
  CU_ASSERT_EQUAL_FATAL(hs_host_open(&o, &h, err, sizeof(err)), BMC_OK);
  hs_host_close(h);
  CU_ASSERT_EQUAL(hits_in_schema(db, p->api, &nd), 0);
  th_rmdir(dir);
  needles_free(&nd);
  hs_plugin_close(p);
}

int
main(int argc, char **argv)
{
  static const struct cu_case cases[] = {
    {"host_neutral", "host-sim/host names nothing of Back Market",
     test_sources},
    {"host_neutral", "the live schema has no Back Market column",
     test_schema},
  };

  return cu_main(cases, CU_CASES_N(cases), NULL, NULL, argc, argv);
}
