/* The injected clock: the wall clock for entry points, a fixed one for tests. */
#include "core/clock.h"

static time_t read_wall_clock(const struct clock *c)
{
        (void)c;
        return time(NULL);
}

const struct clock *clock_system(void)
{
        static const struct clock wall = {read_wall_clock, NULL};
        return &wall;
}

void clock_fixed_init(struct clock *c, const time_t *at)
{
        c->read = NULL;
        c->fixed = at;
}

time_t clock_now(const struct clock *c)
{
        return c->read ? c->read(c) : *c->fixed;
}

void clock_now_rfc3339(const struct clock *c, char out[RFC3339_LEN])
{
        time_format_rfc3339(clock_now(c), out);
}

day_t clock_today_day(const struct clock *c)
{
        return date_from_unix_beijing((int64_t)clock_now(c));
}

void clock_today(const struct clock *c, char out[DATE_LEN])
{
        date_format(clock_today_day(c), out);
}
