/*
 * The daily sweep of overdue filings: once a day (and at start) it records
 * an overdue-filing event for every enterprise that has not filed last
 * year's sales once their deadline has passed; before the deadline the
 * service says deadline_not_passed and nothing happens.
 */
#include <string.h>

#include "core/buf.h"
#include "core/diag.h"
#include "filing/filing.h"
#include "filing/filing_int.h"

enum cr_err filing_overdue_job(const struct job_env *env, void *state, struct cr_error *e)
{
        struct filing_overdue_state *st = state;
        char today[DATE_LEN], due[DATE_LEN];
        struct caller system;
        int recorded = 0, already = 0, year, month, mday;
        enum cr_err err;

        clock_today(env->clock, today);
        if (strcmp(today, st->swept_on) == 0)
                return CR_OK;
        date_to_ymd(clock_today_day(env->clock), &year, &month, &mday);
        memset(&system, 0, sizeof(system));
        system.role = ROLE_NATIONAL_ADMIN;
        system.clock = env->clock;
        str_copy(system.username, sizeof(system.username), "system:overdue-filings");
        str_copy(system.ip, sizeof(system.ip), "local");
        err = filing_record_overdue(env->store, &system, year - 1, &recorded, &already, due, e);
        if (err && !(e->code && strcmp(e->code, "deadline_not_passed") == 0))
                return err; /* tried again on the next round */
        if (!err && recorded)
                diag_msg("info", "recorded %d overdue filings of %d (due %s)", recorded, year - 1,
                         due);
        cr_error_clear(e);
        str_copy(st->swept_on, sizeof(st->swept_on), today);
        return CR_OK;
}
