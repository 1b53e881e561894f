/*
 * The legal working-day calendar.  Administrative periods are counted in
 * working days (Administrative Licensing Law Art 82): weekends and statutory
 * holidays are skipped, and the State Council moves some weekend days to
 * working days each year, so each year is loaded as data (a table of
 * holidays and moved working days, with its source) and never guessed.
 *
 * Counting follows Civil Code Art 200-203: the starting day is not counted,
 * and a period that ends on a day that is not a working day ends on the next
 * working day.  Clock stops (Licensing Law Art 45) are honoured.
 */
#ifndef CR_CALENDAR_H
#define CR_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "core/date.h"
#include "core/err.h"

#define CAL_MAX_YEARS   64  /* years one calendar holds */
#define CAL_MAX_ENTRIES 64  /* listed days in one year's table */
#define CAL_NAME_MAX    96  /* bytes of a listed day's name */
#define CAL_SOURCE_MAX  512 /* bytes of a year's source citation */
#define CAL_FILE_MAX    (64 * 1024)

enum cal_kind {
        CAL_HOLIDAY, /* a day off: a statutory holiday or a day of its break */
        CAL_WORKDAY, /* a Saturday or Sunday moved to a working day */
};

struct cal_entry {
        day_t day;
        enum cal_kind kind;
        char name[CAL_NAME_MAX];
};

/* One year's table as loaded from its file. */
struct calendar_year {
        int year;
        char source[CAL_SOURCE_MAX];
        size_t count;
        struct cal_entry entries[CAL_MAX_ENTRIES];
};

struct legal_calendar {
        size_t count;
        struct {
                int year;
                uint8_t off[46]; /* bit per day of the year: 1 = not a working day */
        } years[CAL_MAX_YEARS];
};

/*
 * Parses a year's file (format in docs/domain.md, "Legal calendar").  Every
 * problem is reported at once: e->rows gets one {line, column, message}
 * object per bad line, and e names the first.  Checks: the year line and a
 * source are present; dates are real and within the year; kinds are
 * "holiday" or "workday"; a workday falls on a Saturday or Sunday; no date
 * is listed twice.
 */
enum cr_err calendar_year_parse(const char *data, size_t len, struct calendar_year *out,
                                struct cr_error *e);

/* Adds (or replaces) a year in cal. */
enum cr_err calendar_add_year(struct legal_calendar *cal, const struct calendar_year *y,
                              struct cr_error *e);
int calendar_has_year(const struct legal_calendar *cal, int year);

/*
 * Whether d is a working day.  CR_EINVAL with code calendar_year_missing
 * when d's year has no table: the calendar never guesses.
 */
enum cr_err calendar_is_working_day(const struct legal_calendar *cal, day_t d, int *working,
                                    struct cr_error *e);

/*
 * A period during which the clock is stopped: the days after `from` up to
 * and including `to` are not counted.  An open stop has to == CLOCK_OPEN.
 */
#define CLOCK_OPEN INT32_MAX
struct clock_stop {
        day_t from, to;
};

/*
 * The last day of a period of n working days that starts on `start` (not
 * counted), skipping days inside stops.  n >= 1.  Fails with
 * calendar_year_missing if any year it needs has no table, and with
 * clock_stopped if an open stop begins before the period would end.
 */
enum cr_err calendar_deadline(const struct legal_calendar *cal, day_t start, int n,
                              const struct clock_stop *stops, size_t nstops, day_t *due,
                              struct cr_error *e);

/*
 * Working days counted after `start` up to and including `until`, skipping
 * stops; 0 when until <= start.  Used to show how much of a period is used.
 */
enum cr_err calendar_working_days_used(const struct legal_calendar *cal, day_t start, day_t until,
                                       const struct clock_stop *stops, size_t nstops, int *used,
                                       struct cr_error *e);

/*
 * For periods set in calendar days (a date in law, such as 31 January):
 * d itself when it is a working day, else the next working day
 * (Civil Code Art 203).
 */
enum cr_err calendar_roll_forward(const struct legal_calendar *cal, day_t d, day_t *out,
                                  struct cr_error *e);

#endif
