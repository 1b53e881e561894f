/* Lock-free request metrics: per-route counters by status class and one latency histogram. */
#include "platform/http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "platform/http/route.h"

static const double bucket_ms[] = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000};
#define NBUCKETS (sizeof(bucket_ms) / sizeof(bucket_ms[0]))

struct route_counters {
        atomic_ullong by_class[6]; /* index status/100: 1xx..5xx */
        atomic_ullong duration_us;
};

struct metrics {
        size_t nroutes;
        time_t started;
        atomic_ullong buckets[NBUCKETS + 1]; /* the last is +Inf */
        atomic_ullong count;
        atomic_ullong sum_us;
        struct route_counters routes[]; /* nroutes + 1 */
};

struct metrics *metrics_new(size_t nroutes)
{
        struct metrics *m = calloc(1, sizeof(*m) + (nroutes + 1) * sizeof(struct route_counters));

        if (m) {
                m->nroutes = nroutes;
                m->started = time(NULL);
        }
        return m;
}

void metrics_free(struct metrics *m)
{
        free(m);
}

void metrics_record(struct metrics *m, size_t route, int status, double duration_ms)
{
        unsigned long long us = duration_ms > 0 ? (unsigned long long)(duration_ms * 1000) : 0;
        size_t b = 0;
        int cls = status / 100;

        if (route > m->nroutes)
                route = m->nroutes;
        if (cls < 1 || cls > 5)
                cls = 5;
        atomic_fetch_add_explicit(&m->routes[route].by_class[cls], 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->routes[route].duration_us, us, memory_order_relaxed);
        while (b < NBUCKETS && duration_ms > bucket_ms[b])
                b++;
        atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->sum_us, us, memory_order_relaxed);
}

enum cr_err metrics_text(struct metrics *m, struct buf *out)
{
        enum cr_err err = CR_OK;
        unsigned long long cumulative = 0;

        err = buf_puts(out, "# HELP cryptoreg_http_requests_total HTTP requests by route and "
                            "status class.\n# TYPE cryptoreg_http_requests_total counter\n");
        for (size_t r = 0; !err && r <= m->nroutes; r++) {
                for (int c = 1; !err && c <= 5; c++) {
                        unsigned long long n = atomic_load(&m->routes[r].by_class[c]);
                        if (!n)
                                continue;
                        if (r < m->nroutes)
                                err = buf_printf(out,
                                                 "cryptoreg_http_requests_total{method=\"%s\","
                                                 "route=\"%s\",code=\"%dxx\"} %llu\n",
                                                 route_at(r)->method, route_at(r)->pattern, c, n);
                        else
                                err = buf_printf(out,
                                                 "cryptoreg_http_requests_total{method=\"\","
                                                 "route=\"other\",code=\"%dxx\"} %llu\n",
                                                 c, n);
                }
        }
        if (!err)
                err = buf_puts(out, "# HELP cryptoreg_http_request_duration_seconds Time to "
                                    "answer a request.\n# TYPE "
                                    "cryptoreg_http_request_duration_seconds histogram\n");
        for (size_t b = 0; !err && b <= NBUCKETS; b++) {
                cumulative += atomic_load(&m->buckets[b]);
                if (b < NBUCKETS)
                        err = buf_printf(out,
                                         "cryptoreg_http_request_duration_seconds_bucket{le=\"%g\"}"
                                         " %llu\n",
                                         bucket_ms[b] / 1000.0, cumulative);
                else
                        err =
                            buf_printf(out,
                                       "cryptoreg_http_request_duration_seconds_bucket{le=\"+Inf\"}"
                                       " %llu\n",
                                       cumulative);
        }
        if (!err)
                err = buf_printf(out,
                                 "cryptoreg_http_request_duration_seconds_sum %.6f\n"
                                 "cryptoreg_http_request_duration_seconds_count %llu\n"
                                 "# HELP cryptoreg_start_time_seconds When the server started.\n"
                                 "# TYPE cryptoreg_start_time_seconds gauge\n"
                                 "cryptoreg_start_time_seconds %lld\n",
                                 (double)atomic_load(&m->sum_us) / 1e6, atomic_load(&m->count),
                                 (long long)m->started);
        return err;
}
