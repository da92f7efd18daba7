/*
 * cli_paths.c -- where host-sim finds its plugins and schemas when no flag,
 * host.cfg entry or environment variable names them: next to its own
 * executable (/proc/self/exe, <prefix>/bin/host-sim -> <prefix>/lib/
 * bmconnector/plugins and <prefix>/share/bmconnector/schemas), so an
 * installed, extracted or relocated tree works as it is; else the build
 * tree it was built in.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* <prefix> of the running executable, or "" when it is not installed as
 * <prefix>/HS_REL_BIN_DIR/<name>. */
static const char *
cli_prefix(void)
{
  static char prefix[PATH_MAX];
  static int done;
  char exe[PATH_MAX];
  const char *bindir = HS_REL_BIN_DIR;
  size_t n, bl = strlen(bindir);
  ssize_t len;
  char *slash;

  if(done)
    return prefix;
  done = 1;
  len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if(len <= 0)
    return prefix;
  exe[len] = '\0';
  slash = strrchr(exe, '/');
  if(!slash)
    return prefix;
  *slash = '\0'; /* the executable's directory */
  n = strlen(exe);
  if(n < bl + 1 || strcmp(exe + n - bl, bindir) ||
     exe[n - bl - 1] != '/')
    return prefix;
  exe[n - bl - 1] = '\0';
  snprintf(prefix, sizeof(prefix), "%s", exe[0] ? exe : "/");
  return prefix;
}

/* <prefix>/rel when it holds `probe`, else the build tree's dir when it
 * holds it, else NULL. */
static const char *
cli_find_dir(char *buf, size_t len, const char *rel, const char *build,
             const char *probe)
{
  const char *prefix = cli_prefix();
  char p[2 * PATH_MAX];

  if(prefix[0]) {
    snprintf(p, sizeof(p), "%s%s%s", prefix,
             strcmp(prefix, "/") ? "/" : "", rel);
    if(strlen(p) < len) {
      memcpy(buf, p, strlen(p) + 1);
      snprintf(p, sizeof(p), "%s/%s", buf, probe);
      if(access(p, R_OK) == 0)
        return buf;
    }
  }
  snprintf(p, sizeof(p), "%s/%s", build, probe);
  if(access(p, R_OK) == 0)
    return build;
  return NULL;
}

const char *
cli_default_plugin_dir(void)
{
  static char dir[PATH_MAX];

  return cli_find_dir(dir, sizeof(dir), HS_REL_PLUGIN_DIR,
                      HS_BUILD_PLUGIN_DIR, ".");
}

const char *
cli_default_schema_dir(void)
{
  static char dir[PATH_MAX];

  return cli_find_dir(dir, sizeof(dir), HS_REL_SCHEMA_DIR,
                      HS_BUILD_SCHEMA_DIR, "order.xsd");
}
