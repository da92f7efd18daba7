/*
 * mk_main.c -- the market-sim executable: parses options, starts the
 * simulator on 127.0.0.1 (on the wall clock unless --virtual-clock),
 * prints "READY port=N" after listen(), and stops cleanly on
 * SIGTERM/SIGINT.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mk_internal.h"

static volatile sig_atomic_t mk_stop_flag;

static void mk_on_signal(int sig)
{
  (void)sig;
  mk_stop_flag = 1;
}

static void mk_usage(FILE *f)
{
  fprintf(f,
          "usage: market-sim [--port N] [--portfile PATH] [--no-quotas]\n"
          "                  [--ua-refuse] [--threads N] [--virtual-clock]\n"
          "                  [--clock-start RFC3339] [--speed X]\n"
          "                  [--task-delay MS] [--public-url URL]\n"
          "Back Market / Back Market Pro simulator on 127.0.0.1.\n"
          "  --virtual-clock   the clock moves only through POST /_sim/clock\n"
          "                    (default: the wall clock, so quota windows,\n"
          "                    bulk tasks and schedules follow real time)\n"
          "  --clock-start T   start the clock at T (default: now on the wall\n"
          "                    clock, 2026-03-22T12:00:00Z on a virtual one)\n"
          "  --speed X         wall clock: X simulated seconds per real second\n"
          "                    (demos; default 1)\n"
          "  --task-delay MS   a bulk task takes MS ms (default 300000)\n"
          "  --public-url URL  base of next/previous URLs (default: the\n"
          "                    scheme and host the request came by)\n"
          "Control API under /_sim/ (see host-sim/market/CONTROL.md).\n");
}

static int mk_num_arg(const char *s, long max, long *out)
{
  char *end;
  long v;
  errno = 0;
  v = strtol(s, &end, 10);
  if(errno || *end || end == s || v < 0 || v > max)
    return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv)
{
  struct mk_sim_opts o;
  struct mk_sim *s = NULL;
  struct sigaction sa;
  sigset_t mask, old;
  char err[256];
  long v;
  int i;
  memset(&o, 0, sizeof(o));
  o.quotas = 1;
  o.wall_clock = 1;
  for(i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--port") && i + 1 < argc) {
      if(mk_num_arg(argv[++i], 65535, &v)) {
        fprintf(stderr, "market-sim: bad --port %s\n", argv[i]);
        return 2;
      }
      o.port = (uint16_t)v;
    }
    else if(!strcmp(argv[i], "--portfile") && i + 1 < argc)
      o.portfile = argv[++i];
    else if(!strcmp(argv[i], "--threads") && i + 1 < argc) {
      if(mk_num_arg(argv[++i], 64, &v)) {
        fprintf(stderr, "market-sim: bad --threads %s\n", argv[i]);
        return 2;
      }
      o.threads = (unsigned)v;
    }
    else if(!strcmp(argv[i], "--virtual-clock"))
      o.wall_clock = 0;
    else if(!strcmp(argv[i], "--clock-start") && i + 1 < argc) {
      if(mk_time_parse(argv[++i], &o.clock_start_ms) ||
         o.clock_start_ms <= 0) {
        fprintf(stderr, "market-sim: bad --clock-start %s (want RFC 3339, "
                "e.g. 2026-03-22T12:00:00Z)\n", argv[i]);
        return 2;
      }
    }
    else if(!strcmp(argv[i], "--speed") && i + 1 < argc) {
      char *end;
      errno = 0;
      o.speed = strtod(argv[++i], &end);
      if(errno || *end || end == argv[i] || !(o.speed > 0) ||
         o.speed > 100000) {
        fprintf(stderr, "market-sim: bad --speed %s (want a number above 0, "
                "at most 100000)\n", argv[i]);
        return 2;
      }
    }
    else if(!strcmp(argv[i], "--task-delay") && i + 1 < argc) {
      if(mk_num_arg(argv[++i], 86400000L, &v)) {
        fprintf(stderr, "market-sim: bad --task-delay %s (want 0 to 86400000 "
                "ms)\n", argv[i]);
        return 2;
      }
      o.task_delay_ms = v ? v : -1;
    }
    else if(!strcmp(argv[i], "--public-url") && i + 1 < argc) {
      o.public_url = argv[++i];
      if((strncmp(o.public_url, "http://", 7) &&
          strncmp(o.public_url, "https://", 8)) ||
         strlen(o.public_url) > 255 || strpbrk(o.public_url, " \t?#")) {
        fprintf(stderr, "market-sim: bad --public-url %s (want http:// or "
                "https://host[:port][/prefix])\n", o.public_url);
        return 2;
      }
    }
    else if(!strcmp(argv[i], "--no-quotas"))
      o.quotas = 0;
    else if(!strcmp(argv[i], "--ua-refuse"))
      o.ua_refuse = 1;
    else if(!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      mk_usage(stdout);
      return 0;
    }
    else {
      fprintf(stderr, "market-sim: unknown option %s\n", argv[i]);
      mk_usage(stderr);
      return 2;
    }
  }
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = mk_on_signal;
  if(sigemptyset(&sa.sa_mask) || sigaction(SIGTERM, &sa, NULL) ||
     sigaction(SIGINT, &sa, NULL) || sigemptyset(&mask) ||
     sigaddset(&mask, SIGTERM) || sigaddset(&mask, SIGINT)) {
    fprintf(stderr, "market-sim: cannot install signal handlers\n");
    return 1;
  }
  /* Block the signals while the server threads start, so they are
     delivered to this thread only (in sigsuspend below). */
  if(sigprocmask(SIG_BLOCK, &mask, &old)) {
    fprintf(stderr, "market-sim: sigprocmask failed\n");
    return 1;
  }
  if(mk_sim_start(&o, &s, err, sizeof(err))) {
    fprintf(stderr, "market-sim: %s\n", err);
    return 1;
  }
  printf("READY port=%u\n", (unsigned)mk_sim_port(s));
  if(fflush(stdout))
    fprintf(stderr, "market-sim: cannot write to stdout\n");
  while(!mk_stop_flag)
    sigsuspend(&old);
  mk_sim_stop(s);
  return 0;
}
