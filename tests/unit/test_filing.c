/*
 * Unit tests of the annual sales filing deadline: the end of 31 January
 * after the filing year, moved to the next working day when 31 January is
 * not one, on the shipped legal calendar.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "filing/filing.h"
#include "shipped_calendar.h"
#include "unit.h"

static day_t due_for(const struct legal_calendar *cal, int year)
{
        struct cr_error e = CR_ERROR_INIT;
        const struct rule *r = NULL;
        day_t due = 0;

        ck_assert_msg(filing_deadline(cal, year, &due, &r, &e) == CR_OK, "%d: %s", year, e.detail);
        ck_assert_ptr_nonnull(r);
        ck_assert_str_eq(r->id, "deadline.sales_filing");
        ck_assert_ptr_nonnull(strstr(r->citation, "No.336 item IV"));
        return due;
}

static day_t d(const char *text)
{
        day_t v;

        ck_assert_int_eq(date_parse(text, strlen(text), &v), 0);
        return v;
}

START_TEST(test_ordinary_year)
{
        struct legal_calendar *cal = shipped_calendar();

        /* 2019-01-31 was a Thursday and a working day: the deadline stays. */
        ck_assert_int_eq(due_for(cal, 2018), d("2019-01-31"));
        /* 2024-01-31 was a Wednesday and a working day. */
        ck_assert_int_eq(due_for(cal, 2023), d("2024-01-31"));
        free(cal);
}
END_TEST

START_TEST(test_spring_festival)
{
        struct legal_calendar *cal = shipped_calendar();

        /*
         * 31 January 2022 opened the Spring Festival break (31 January to 6
         * February 2022; the Saturday and Sunday before were working days),
         * so the filings for 2021 were due on Monday 7 February 2022.
         */
        ck_assert_int_eq(due_for(cal, 2021), d("2022-02-07"));
        /* 2025: the break ran from 28 January to 4 February; the next working day was the 5th. */
        ck_assert_int_eq(due_for(cal, 2024), d("2025-02-05"));
        /* The first filings under Notice 336 (for 2017) fell due on Wednesday 31 January 2018. */
        ck_assert_int_eq(due_for(cal, 2017), d("2018-01-31"));
        free(cal);
}
END_TEST

START_TEST(test_weekend)
{
        struct legal_calendar *cal = shipped_calendar();

        /* 31 January 2026 is a Saturday: the filings for 2025 are due on Monday 2 February. */
        ck_assert_int_eq(due_for(cal, 2025), d("2026-02-02"));
        /* 31 January 2021 was a Sunday: due Monday 1 February 2021. */
        ck_assert_int_eq(due_for(cal, 2020), d("2021-02-01"));
        free(cal);
}
END_TEST

START_TEST(test_late_and_missing_year)
{
        struct legal_calendar *cal = shipped_calendar();
        struct cr_error e = CR_ERROR_INIT;
        day_t due;
        int late = -1;

        ck_assert_int_eq(filing_is_late(cal, 2021, d("2022-02-07"), &late, &e), CR_OK);
        ck_assert_int_eq(late, 0); /* the last day counts to its end */
        ck_assert_int_eq(filing_is_late(cal, 2021, d("2022-02-08"), &late, &e), CR_OK);
        ck_assert_int_eq(late, 1);
        /* The filings for 2026 fall due in 2027, whose table is not shipped: an error, not a guess.
         */
        ck_assert_int_eq(filing_deadline(cal, 2026, &due, NULL, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "calendar_year_missing");
        ck_assert_ptr_nonnull(strstr(e.detail, "2027"));
        cr_error_clear(&e);
        /* The rule in this table starts with Notice 336: the filings for 2016 fell due before it.
         */
        ck_assert_int_eq(filing_deadline(cal, 2016, &due, NULL, &e), CR_EINVAL);
        cr_error_clear(&e);
        free(cal);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("filing");
        TCase *tc = tcase_create("deadline");

        tcase_add_test(tc, test_ordinary_year);
        tcase_add_test(tc, test_spring_festival);
        tcase_add_test(tc, test_weekend);
        tcase_add_test(tc, test_late_and_missing_year);
        suite_add_tcase(s, tc);
        return run_suite(s);
}
