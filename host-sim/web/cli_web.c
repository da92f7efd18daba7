/*
 * cli_web.c -- the host-sim commands of the web Toolbox: `web` (serve the
 * Toolbox until SIGINT/SIGTERM, READY line after listen) and `users`
 * (add, passwd, remove, list, audit).  Passwords are read from standard
 * input, never from argv: without echo from a terminal (asked twice), else
 * the first line.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "hw.h"

#define CLI_PW_MAX 1100

struct cli_web_open {
  struct cli *c;
};

/* A worker's host: the same store, schemas and plugin files as the
 * page host of the CLI. */
static int
cli_web_open_host(void *ud, struct hs_host **out, char *err, size_t errlen)
{
  struct cli_web_open *w = ud;
  struct hs_options o;
  size_t i;
  int rc;

  memset(&o, 0, sizeof(o));
  o.db_path = w->c->db;
  o.schema_dir = w->c->schema_dir;
  rc = hs_host_open(&o, out, err, errlen);
  for(i = 0; !rc && i < hs_plugin_count(w->c->h); i++) {
    struct hs_plugin_info pi;

    if(hs_plugin_get(w->c->h, i, &pi) == BMC_OK)
      rc = hs_host_load_plugin(*out, pi.origin, err, errlen);
  }
  if(rc && *out) {
    hs_host_close(*out);
    *out = NULL;
  }
  return rc;
}

static void
cli_web_log(void *ud, int level, const char *line)
{
  static const char *const lv[] = {"ERROR", "WARN", "INFO", "DEBUG"};

  (void)ud;
  if(level <= BMC_LOG_WARN)
    fprintf(stderr, "[%s] %s\n", level >= 0 && level <= 3 ? lv[level] : "?",
            line);
}

static int
cli_uint_opt(const char *cmd, const char *name, const char *v, long max,
             long *out)
{
  char *end;
  long n;

  errno = 0;
  n = strtol(v, &end, 10);
  if(errno || *end || end == v || n < 1 || n > max)
    return cli_fail(cmd, "%s %s: expected a number from 1 to %ld", name, v,
                    max);
  *out = n;
  return CLI_OK;
}

int
cli_cmd_web(struct cli *c, int argc, char **argv)
{
  struct cli_web_open wo = {c};
  struct hw_server *s = NULL;
  struct hw_opts o;
  sigset_t mask, old;
  char err[1024];
  long n;
  int i, sig = 0;

  memset(&o, 0, sizeof(o));
  o.host = c->h;
  o.open_worker_host = cli_web_open_host;
  o.open_ud = &wo;
  o.log = cli_web_log;
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--listen") && i + 1 < argc)
      o.listen = argv[++i];
    else if(!strcmp(argv[i], "--portfile") && i + 1 < argc)
      o.portfile = argv[++i];
    else if(!strcmp(argv[i], "--workers") && i + 1 < argc) {
      if(cli_uint_opt("web", "--workers", argv[++i], 16, &n))
        return CLI_USAGE;
      o.workers = (unsigned)n;
    }
    else if(!strcmp(argv[i], "--session-hours") && i + 1 < argc) {
      if(cli_uint_opt("web", "--session-hours", argv[++i], 24 * 30, &n))
        return CLI_USAGE;
      o.session_ttl_ms = n * 3600 * 1000LL;
    }
    else if(!strcmp(argv[i], "--secure-cookie"))
      o.secure_cookie = 1;
    else
      return cli_usage("web");
  }
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  /* Blocked before any thread starts: only sigwait() below sees them. */
  if(pthread_sigmask(SIG_BLOCK, &mask, &old))
    return cli_fail("web", "cannot block signals");
  if(hw_start(&o, &s, err, sizeof(err))) {
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return cli_fail("web", "%s", err);
  }
  printf("READY port=%u\n", (unsigned)hw_port(s));
  fflush(stdout);
  if(sigwait(&mask, &sig))
    sig = 0;
  hw_stop(s);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  printf("web: stopped (signal %d)\n", sig);
  return CLI_OK;
}

/* ---- users ---- */

/* One line of stdin into buf without its line end; 0 or -1. */
static int
cli_read_line(char *buf, size_t len)
{
  size_t n;

  if(!fgets(buf, (int)len, stdin))
    return -1;
  n = strlen(buf);
  if(n && buf[n - 1] != '\n' && !feof(stdin))
    return -1; /* longer than the buffer */
  while(n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    buf[--n] = '\0';
  return 0;
}

static int
cli_read_password(const char *cmd, const char *user, char *pw, size_t len)
{
  struct termios t, quiet;
  char again[CLI_PW_MAX];
  int tty = isatty(STDIN_FILENO), rc;

  if(!tty) {
    if(cli_read_line(pw, len))
      return cli_fail(cmd, "no password on standard input (one line, at "
                      "most %zu characters)", len - 2);
    return CLI_OK;
  }
  if(tcgetattr(STDIN_FILENO, &t))
    return cli_fail(cmd, "cannot read the terminal settings");
  quiet = t;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  fprintf(stderr, "Password for %s: ", user);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  rc = cli_read_line(pw, len);
  fprintf(stderr, "\nRepeat it: ");
  if(!rc)
    rc = cli_read_line(again, sizeof(again));
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
  fprintf(stderr, "\n");
  if(rc)
    return cli_fail(cmd, "no password read");
  rc = strcmp(pw, again) ? cli_fail(cmd, "the two passwords differ")
                         : CLI_OK;
  memset(again, 0, sizeof(again));
  return rc;
}

static int
cli_user_cb(void *ud, const struct hs_user *u)
{
  char t[32];

  (void)ud;
  printf("%-24s %-7s created %s  %lld session(s)%s\n", u->name,
         hs_role_name(u->role), cli_time(u->created_ms, t, sizeof(t)),
         (long long)u->n_sessions, u->locked_until_ms ? "  locked" : "");
  return 0;
}

static int
cli_audit_cb(void *ud, const struct hs_audit_row *a)
{
  char t[32];

  (void)ud;
  printf("%s  %-16s %-4s %3d %s%s%s\n", cli_time(a->ts_ms, t, sizeof(t)),
         a->user, a->method, a->status, a->path, a->detail ? "  " : "",
         a->detail ? a->detail : "");
  return 0;
}

static int
cli_users_audit(struct cli *c, int argc, char **argv)
{
  const char *user = NULL;
  long limit = 100;
  int i;

  for(i = 2; i < argc; i++) {
    if(!strcmp(argv[i], "--user") && i + 1 < argc)
      user = argv[++i];
    else if(!strcmp(argv[i], "--limit") && i + 1 < argc) {
      if(cli_uint_opt("users", "--limit", argv[++i], 1000000, &limit))
        return CLI_USAGE;
    }
    else
      return cli_usage("users");
  }
  if(hs_audit_each(c->h, user, (int)limit, cli_audit_cb, NULL))
    return cli_fail("users", "cannot read the audit");
  return CLI_OK;
}

int
cli_cmd_users(struct cli *c, int argc, char **argv)
{
  char pw[CLI_PW_MAX], err[512];
  int role = -1, rc;

  if(argc >= 2 && !strcmp(argv[1], "list") && argc == 2)
    return hs_users_each(c->h, cli_user_cb, NULL)
           ? cli_fail("users", "cannot read users") : CLI_OK;
  if(argc >= 2 && !strcmp(argv[1], "audit"))
    return cli_users_audit(c, argc, argv);
  if(argc == 3 && !strcmp(argv[1], "remove")) {
    rc = hs_user_remove(c->h, argv[2]);
    if(rc == BMC_ERR_NOT_FOUND)
      return cli_fail("users", "no user '%s'", argv[2]);
    if(rc)
      return cli_fail("users", "%s", hs_rc_name(rc));
    printf("user %s removed (and their sessions)\n", argv[2]);
    return CLI_OK;
  }
  if(argc == 3 && !strcmp(argv[1], "passwd")) {
    if(cli_read_password("users", argv[2], pw, sizeof(pw)))
      return CLI_FAIL;
    rc = hs_user_set_password(c->h, argv[2], pw, err, sizeof(err));
    memset(pw, 0, sizeof(pw));
    if(rc)
      return cli_fail("users", "%s", err);
    printf("password of %s changed; their sessions ended\n", argv[2]);
    return CLI_OK;
  }
  if(argc == 5 && !strcmp(argv[1], "add") && !strcmp(argv[3], "--role")) {
    if(hs_role_parse(argv[4], &role))
      return cli_fail("users", "--role %s: expected admin or viewer",
                      argv[4]);
    if(cli_read_password("users", argv[2], pw, sizeof(pw)))
      return CLI_FAIL;
    rc = hs_user_add(c->h, argv[2], role, pw, err, sizeof(err));
    memset(pw, 0, sizeof(pw));
    if(rc)
      return cli_fail("users", "%s", err);
    printf("user %s added (%s)\n", argv[2], hs_role_name(role));
    return CLI_OK;
  }
  return cli_usage("users");
}
