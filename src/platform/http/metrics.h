/* Request counters and latency histograms per route, exported in the Prometheus text format. */
#ifndef CR_METRICS_H
#define CR_METRICS_H

#include <stddef.h>

#include "core/buf.h"

struct metrics;

struct metrics *metrics_new(size_t nroutes);
void metrics_free(struct metrics *m);

/* Counts one request; route is an index into the route table, or nroutes for anything else. */
void metrics_record(struct metrics *m, size_t route, int status, double duration_ms);

/* Appends the Prometheus text exposition of all counters. */
enum cr_err metrics_text(struct metrics *m, struct buf *out);

#endif
