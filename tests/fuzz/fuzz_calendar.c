/*
 * Fuzz target: the legal calendar's file parser reads administrators' uploads.
 * It must never read past its input, and whatever it accepts must be a
 * consistent year: every date within the year, moved working days on
 * weekends, no date twice, and the table usable for counting.
 */
#include <stdint.h>
#include <stdlib.h>

#include "kernel/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static struct calendar_year y;
        static struct legal_calendar cal;
        struct cr_error e = CR_ERROR_INIT;

        if (calendar_year_parse((const char *)data, size, &y, &e) == CR_OK) {
                day_t first = date_from_ymd(y.year, 1, 1), last = date_from_ymd(y.year, 12, 31);
                day_t due;
                for (size_t i = 0; i < y.count; i++) {
                        const struct cal_entry *x = &y.entries[i];
                        if (x->day < first || x->day > last)
                                abort();
                        if (x->kind == CAL_WORKDAY && !date_is_weekend(x->day))
                                abort();
                        for (size_t j = 0; j < i; j++)
                                if (y.entries[j].day == x->day)
                                        abort();
                }
                cal.count = 0;
                if (calendar_add_year(&cal, &y, &e) != CR_OK || !calendar_has_year(&cal, y.year))
                        abort();
                /* A period inside the year either ends inside it or runs into a missing year. */
                if (calendar_deadline(&cal, first, 5, NULL, 0, &due, &e) == CR_OK &&
                    (due <= first || due > last))
                        abort();
        }
        cr_error_clear(&e);
        return 0;
}
