/* The annual sales filing deadline, computed from its rule and the legal calendar. */
#include "filing/filing.h"

#include <stdio.h>
#include <string.h>


enum cr_err filing_deadline(const struct legal_calendar *cal, int year, day_t *due,
                            const struct rule **rule, struct cr_error *e)
{
        char on[DATE_LEN];
        const struct rule *r;
        day_t nominal;

        if (year < 1900 || year > 9998)
                return cr_fail(e, CR_EINVAL, "invalid_value", "year", "%d is not a filing year",
                               year);
        /* The rule in force when the filing falls due is the one that sets it. */
        snprintf(on, sizeof(on), "%04d-01-01", year + 1);
        r = rule_in_force("deadline.sales_filing", on);
        if (!r || r->value < 1 || r->value > 31)
                return cr_fail(e, CR_EINVAL, "invalid_value", "year",
                               "no sales filing rule was in force for the year %d", year);
        nominal = date_from_ymd(year + 1, 1, r->value);
        if (rule)
                *rule = r;
        return calendar_roll_forward(cal, nominal, due, e);
}

enum cr_err filing_is_late(const struct legal_calendar *cal, int year, day_t received, int *late,
                           struct cr_error *e)
{
        day_t due;
        enum cr_err err = filing_deadline(cal, year, &due, NULL, e);

        if (!err)
                *late = received > due;
        return err;
}
