/* Wall-clock timestamps in RFC 3339 UTC and a monotonic clock for durations. */
#include "core/timeutil.h"

#include <stdio.h>


void time_format_rfc3339(time_t t, char out[RFC3339_LEN])
{
        struct tm tm;

        gmtime_r(&t, &tm);
        strftime(out, RFC3339_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void time_now_rfc3339(char out[RFC3339_LEN])
{
        time_format_rfc3339(time(NULL), out);
}

double time_monotonic_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}
