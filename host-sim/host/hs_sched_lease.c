/*
 * hs_sched_lease.c -- one scheduler per store: the scheduler loops hold a
 * lease row (pid + a random nonce per open host) taken in a write
 * transaction.  A second scheduler on the store is told which process
 * holds it; a lease whose process is gone (crash, kill -9) is taken over.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "hs_internal.h"

static void
hs_lease_nonce(struct hs_host *h)
{
  unsigned char raw[16];

  if(h->lease_nonce[0])
    return;
  randombytes_buf(raw, sizeof(raw));
  sodium_bin2hex(h->lease_nonce, sizeof(h->lease_nonce), raw, sizeof(raw));
}

/* Is the lease row held by a live scheduler other than this host?  The
 * holder described in h->last_err when it is. */
static int
hs_lease_other(struct hs_host *h, int *other)
{
  struct hs_dbst *st;
  char since[32];
  int s;

  *other = 0;
  st = hs_stmt(h, "SELECT pid, nonce, since_ms FROM scheduler_lease WHERE"
               " id = 1");
  if(!st)
    return BMC_ERR_INTERNAL;
  s = hs_db_step(st);
  if(s == HS_DB_ROW) {
    pid_t pid = (pid_t)hs_db_col_i64(st, 0);
    int mine = pid == getpid() &&
               strcmp(hs_col_text(st, 1), h->lease_nonce) == 0;

    if(!mine && hs_pid_alive(pid)) {
      hs_iso_time(hs_db_col_i64(st, 2), since, sizeof(since));
      hs_errf(h->last_err, sizeof(h->last_err), "another scheduler (pid %d, "
              "running since %s) holds store %s: one scheduler runs per "
              "store; stop that one first, or leave this one waiting",
              (int)pid, since, h->db_path);
      *other = 1;
    }
  }
  hs_db_reset(st);
  return s == HS_DB_ROW || s == HS_DB_DONE ? BMC_OK : BMC_ERR_INTERNAL;
}

int
hs_sched_lease_take(struct hs_host *h)
{
  struct hs_dbst *st;
  int rc, other = 0;

  if(h->lease_held)
    return BMC_OK;
  hs_lease_nonce(h);
  rc = hs_begin(h);
  if(rc)
    return rc;
  rc = hs_lease_other(h, &other);
  if(!rc && other)
    rc = BMC_ERR_CONFLICT;
  if(!rc) {
    st = hs_stmt(h, "INSERT INTO scheduler_lease(id, pid, nonce, since_ms)"
                 " VALUES(1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET pid ="
                 " excluded.pid, nonce = excluded.nonce, since_ms ="
                 " excluded.since_ms");
    rc = st ? BMC_OK : BMC_ERR_INTERNAL;
    if(st) {
      hs_db_bind_i64(st, 1, (int64_t)getpid());
      hs_bind_text(st, 2, h->lease_nonce);
      hs_db_bind_i64(st, 3, (int64_t)time(NULL) * 1000);
      rc = hs_write_rc(hs_step_write(h, st));
    }
  }
  if(rc) {
    hs_rollback(h);
    return rc;
  }
  rc = hs_commit(h);
  if(!rc)
    h->lease_held = 1;
  return rc;
}

void
hs_sched_lease_drop(struct hs_host *h)
{
  struct hs_dbst *st;

  if(!h->lease_held)
    return;
  h->lease_held = 0;
  st = hs_stmt(h, "DELETE FROM scheduler_lease WHERE id = 1 AND pid = ? AND"
               " nonce = ?");
  if(!st)
    return;
  hs_db_bind_i64(st, 1, (int64_t)getpid());
  hs_bind_text(st, 2, h->lease_nonce);
  if(hs_step_write(h, st) != HS_DB_DONE)
    hs_hostlog(h, BMC_LOG_WARN, "scheduler lease not released: %s",
               h->last_err);
}
