/*
 * The clock that every operation takes its time from.  Only the programs'
 * entry points (the server, the CLI) read the wall clock, through
 * clock_system(); domain code is handed a struct clock and never asks the
 * system, so a test can fix the date and walk a state machine through the
 * Spring Festival without waiting for it.
 */
#ifndef CR_CLOCK_H
#define CR_CLOCK_H

#include <time.h>

#include "core/date.h"
#include "core/timeutil.h"

struct clock {
        /* Seconds since the epoch (UTC); NULL reads *fixed instead. */
        time_t (*read)(const struct clock *c);
        const time_t *fixed;
};

/* The wall clock: for entry points only (a static object; never freed). */
const struct clock *clock_system(void);

/*
 * A clock that always says *at, which the caller owns and may change (to
 * let time pass in a test).  c lives as long as the caller keeps it.
 */
void clock_fixed_init(struct clock *c, const time_t *at);

/* The time as c says it is. */
time_t clock_now(const struct clock *c);
/* The time as "YYYY-MM-DDTHH:MM:SSZ". */
void clock_now_rfc3339(const struct clock *c, char out[RFC3339_LEN]);
/* The date in Beijing (UTC+8, no daylight saving), the date every legal period counts from. */
void clock_today(const struct clock *c, char out[DATE_LEN]);
/* The same as a day number. */
day_t clock_today_day(const struct clock *c);

#endif
