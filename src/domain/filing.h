/*
 * The annual sales registration and filing (Notice 336 item IV): holders of
 * a type certificate file the previous year's sales before 31 January.
 * This part holds the deadline; the filings themselves build on it.
 */
#ifndef CR_FILING_H
#define CR_FILING_H

#include "core/date.h"
#include "core/err.h"
#include "domain/calendar.h"
#include "domain/rules.h"

/*
 * The last day to file the sales of year: the day of January after it that
 * the rule deadline.sales_filing in force names (31), moved to the next
 * working day when it is not one (Civil Code Art 203).  *rule receives the
 * rule applied.  Fails with calendar_year_missing when the calendar lacks
 * the year after, and invalid_value when no rule was in force.
 */
enum cr_err filing_deadline(const struct legal_calendar *cal, int year, day_t *due,
                            const struct rule **rule, struct cr_error *e);

/* Whether a filing received on day (Beijing) for year is late: after its deadline's end. */
enum cr_err filing_is_late(const struct legal_calendar *cal, int year, day_t received, int *late,
                           struct cr_error *e);

#endif
