/* The one way the unit tests run a Check suite and turn its result into an exit status. */
#ifndef CR_UNIT_H
#define CR_UNIT_H

#include <check.h>
#include <stdlib.h>

#include "core/clock.h"

/*
 * The time every unit test acts at unless it says otherwise: 2026-03-02
 * 10:00 in Beijing (02:00 UTC), a Monday and a working day.  A test may set
 * unit_time to let time pass; the clock reads it on every call.
 */
#define UNIT_TIME_DEFAULT ((time_t)1772416800)
static time_t unit_time = UNIT_TIME_DEFAULT;

static inline const struct clock *unit_clock(void)
{
        static struct clock c;
        clock_fixed_init(&c, &unit_time);
        return &c;
}

static inline int run_suite(Suite *s)
{
        SRunner *sr = srunner_create(s);
        int failed;

        srunner_run_all(sr, CK_NORMAL);
        failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
