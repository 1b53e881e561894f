/* The shipped legal calendar, built for a test the way the binary builds it from its tables. */
#ifndef CR_TEST_SHIPPED_CALENDAR_H
#define CR_TEST_SHIPPED_CALENDAR_H

#include <check.h>
#include <stdlib.h>

#include "kernel/calendar.h"
#include "kernel/calendar_data.h"

static inline struct legal_calendar *shipped_calendar(void)
{
        struct legal_calendar *cal = calloc(1, sizeof(*cal));
        struct calendar_year *y = malloc(sizeof(*y));

        ck_assert_ptr_nonnull(cal);
        ck_assert_ptr_nonnull(y);
        for (size_t i = 0; i < calendar_shipped_len; i++) {
                struct cr_error e = CR_ERROR_INIT;
                const struct calendar_file *f = &calendar_shipped[i];
                ck_assert_msg(calendar_year_parse(f->text, f->len, y, &e) == CR_OK,
                              "shipped %d.csv: %s", f->year, e.detail);
                ck_assert_int_eq(y->year, f->year);
                ck_assert_int_eq(calendar_add_year(cal, y, &e), CR_OK);
                cr_error_clear(&e);
        }
        free(y);
        return cal;
}

#endif
