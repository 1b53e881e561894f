/* Wall-clock timestamps in RFC 3339 UTC and a monotonic clock for durations. */
#ifndef CR_TIMEUTIL_H
#define CR_TIMEUTIL_H

#include <stdint.h>
#include <time.h>

#define RFC3339_LEN 21 /* "2026-11-21T09:30:00Z" plus NUL */

/* Writes t as "YYYY-MM-DDTHH:MM:SSZ". */
void time_format_rfc3339(time_t t, char out[RFC3339_LEN]);
/* The current time, formatted as above. */
void time_now_rfc3339(char out[RFC3339_LEN]);
/* Milliseconds from an arbitrary fixed point, never going backwards. */
double time_monotonic_ms(void);

#endif
