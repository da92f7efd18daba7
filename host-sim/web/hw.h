/*
 * hw.h -- the web Toolbox library (libhostweb): an HTTP server on
 * libmicrohttpd that serves the host's pages -- companies and channels,
 * each plugin's General Settings and Actions menu drawn from its
 * declarations, Queued Jobs, Scheduled Tasks, products, orders, the error
 * queue, settlements and the audit -- with logins, sessions, CSRF tokens
 * and two roles.  Used by `host-sim web`, the web tests and the benchmark.
 *
 * Threading.  Pages are rendered under one mutex on the page host handle
 * (opts.host); actions run on worker threads, each with its own host
 * handle on the same store (opts.open_worker_host), so a long job never
 * blocks a page view and the busy lock of hs_run_action() applies across
 * threads and processes alike.
 */
#ifndef HW_H
#define HW_H

#include <stddef.h>
#include <stdint.h>

#include "hs_host.h"

struct hw_server;

struct hw_opts {
  struct hs_host *host;    /* page handle; borrowed, outlives the server */
  const char *listen;      /* "ADDR:PORT" ("[::1]:0"); NULL =
                              "127.0.0.1:8080"; port 0 = any free port */
  const char *portfile;    /* the bound port is written here after
                              listen(); NULL = none */
  /* Open one more host on the same store for a worker thread; the server
   * closes it with hs_host_close().  0 or an rc with a message. */
  int (*open_worker_host)(void *ud, struct hs_host **out, char *err,
                          size_t errlen);
  void *open_ud;
  unsigned workers;        /* action worker threads; 0 = 2 */
  unsigned http_threads;   /* 0 = 4 */
  int64_t session_ttl_ms;  /* 0 = 8 hours */
  int secure_cookie;       /* 1 = cookies marked Secure (TLS proxy) */
  hs_log_fn log;           /* host log lines of the workers; may be NULL */
  void *log_ud;
};

/* Start listening and the workers.  0, or an rc with a message that names
 * the address or the worker that failed. */
int hw_start(const struct hw_opts *o, struct hw_server **out, char *err,
             size_t errlen);
/* The port listened on. */
uint16_t hw_port(const struct hw_server *s);
/* Stop accepting, let running jobs finish, join the workers and close
 * their hosts.  Accepts NULL. */
void hw_stop(struct hw_server *s);

#endif /* HW_H */
