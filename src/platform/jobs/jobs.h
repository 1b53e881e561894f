/*
 * The background thread of a server: about once per interval it runs every
 * job of every capability (struct capability.jobs) with a connection from
 * the pool, the signing keys and the clock.  Jobs do what is due and
 * return; a failing job is logged and tried again next round.
 */
#ifndef CR_JOBS_H
#define CR_JOBS_H

#include "platform/capability.h"

struct store_pool;
struct jobs;

/* Starts the thread.  base's store is ignored: each round takes one from pool. */
enum cr_err jobs_start(struct store_pool *pool, const struct job_env *base, long interval_ms,
                       struct jobs **out, struct cr_error *e);
/* Stops the thread after its current round and frees everything; NULL is fine. */
void jobs_stop(struct jobs *j);

#endif
