/*
 * Unit tests of date arithmetic and the legal working-day calendar, counted
 * over the tables shipped in the binary.  Each expected date is worked out by
 * hand from the State Council notices; the reasoning sits beside the case.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "kernel/calendar.h"
#include "kernel/calendar_data.h"
#include "shipped_calendar.h"
#include "unit.h"

static day_t D(const char *text)
{
        day_t d = 0;

        ck_assert_msg(date_parse(text, strlen(text), &d) == 0, "bad date in a test: %s", text);
        return d;
}

/* The due day of n working days from start, or fails the test. */
static void assert_deadline(const struct legal_calendar *cal, const char *start, int n,
                            const struct clock_stop *stops, size_t nstops, const char *want)
{
        struct cr_error e = CR_ERROR_INIT;
        day_t due = 0;
        char got[DATE_LEN];

        ck_assert_msg(calendar_deadline(cal, D(start), n, stops, nstops, &due, &e) == CR_OK,
                      "deadline from %s: %s", start, e.detail);
        date_format(due, got);
        ck_assert_str_eq(got, want);
        cr_error_clear(&e);
}

static void assert_roll(const struct legal_calendar *cal, const char *d, const char *want)
{
        struct cr_error e = CR_ERROR_INIT;
        day_t out = 0;
        char got[DATE_LEN];

        ck_assert_msg(calendar_roll_forward(cal, D(d), &out, &e) == CR_OK, "roll %s: %s", d,
                      e.detail);
        date_format(out, got);
        ck_assert_str_eq(got, want);
        cr_error_clear(&e);
}

static int working(const struct legal_calendar *cal, const char *d)
{
        struct cr_error e = CR_ERROR_INIT;
        int w = -1;

        ck_assert_int_eq(calendar_is_working_day(cal, D(d), &w, &e), CR_OK);
        return w;
}

START_TEST(test_civil_arithmetic)
{
        int y, m, d;

        ck_assert_int_eq(date_from_ymd(1970, 1, 1), 0);
        /* 30 years of 365 days plus the 7 leap days 1972..1996 is 10957; then 31 + 29 days. */
        ck_assert_int_eq(date_from_ymd(2000, 3, 1), 10957 + 31 + 29);
        ck_assert_int_eq(date_from_ymd(1969, 12, 31), -1);
        /* Every day from 1600 to 2400 survives the round trip and follows its predecessor. */
        for (day_t x = date_from_ymd(1600, 1, 1); x <= date_from_ymd(2400, 12, 31); x++) {
                date_to_ymd(x, &y, &m, &d);
                ck_assert_int_eq(date_from_ymd(y, m, d), x);
        }
        date_to_ymd(date_from_ymd(2024, 2, 29) + 1, &y, &m, &d);
        ck_assert(y == 2024 && m == 3 && d == 1);
        ck_assert(date_is_leap_year(2000) && date_is_leap_year(2024));
        ck_assert(!date_is_leap_year(1900) && !date_is_leap_year(2025));
        ck_assert_int_eq(date_day_of_year(D("2025-01-01")), 0);
        ck_assert_int_eq(date_day_of_year(D("2024-12-31")), 365); /* leap year */
        ck_assert_int_eq(date_day_of_year(D("2025-12-31")), 364);
}
END_TEST

START_TEST(test_weekday)
{
        /* Notice 336 took effect on Wednesday 11 October 2017. */
        ck_assert_int_eq(date_weekday(D("2017-10-11")), 3);
        ck_assert_int_eq(date_weekday(0), 4);               /* 1970-01-01, a Thursday */
        ck_assert_int_eq(date_weekday(-1), 3);              /* 1969-12-31, a Wednesday */
        ck_assert_int_eq(date_weekday(D("2025-10-01")), 3); /* the 2025 notice: 10月1日（周三） */
        ck_assert_int_eq(date_weekday(D("2026-01-01")), 4); /* the 2026 notice: 1月1日（周四） */
        ck_assert_int_eq(date_weekday(D("2025-09-28")), 7); /* 9月28日（周日）上班 */
        ck_assert_int_eq(date_weekday(D("2025-10-11")), 6); /* 10月11日（周六）上班 */
        ck_assert(date_is_weekend(D("2026-01-31")));        /* a Saturday */
        ck_assert(!date_is_weekend(D("2026-02-02")));       /* a Monday */
}
END_TEST

START_TEST(test_parse_and_format)
{
        static const char *const bad[] = {
            "2026-02-30", "2025-02-29",  "1900-02-29", "2026-04-31", "2026-13-01",
            "2026-00-10", "2026-01-00",  "2026-1-01",  "2026/01/01", "20260101",
            "2026-01-1a", " 2026-01-01", "0000-01-01", "-026-01-01", "",
        };
        day_t d;
        char out[DATE_LEN];

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(date_parse(bad[i], strlen(bad[i]), &d) == -1, "accepted %s", bad[i]);
        /* The length is the caller's: trailing bytes beyond len are not read, extra ones refuse. */
        ck_assert_int_eq(date_parse("2026-01-011", 11, &d), -1);
        ck_assert_int_eq(date_parse("2026-01-011", 10, &d), 0);
        ck_assert_int_eq(date_parse("2024-02-29", 10, &d), 0);
        ck_assert_int_eq(date_parse("2000-02-29", 10, &d), 0);
        ck_assert_int_eq(date_parse("9999-12-31", 10, &d), 0);
        date_format(D("2026-11-21"), out);
        ck_assert_str_eq(out, "2026-11-21");
        date_format(D("0001-01-01"), out);
        ck_assert_str_eq(out, "0001-01-01");
}
END_TEST

START_TEST(test_beijing_date)
{
        /* 1970-01-01T00:00Z is 08:00 in Beijing; the date changes at 16:00Z. */
        ck_assert_int_eq(date_from_unix_beijing(0), 0);
        ck_assert_int_eq(date_from_unix_beijing(16 * 3600 - 1), 0);
        ck_assert_int_eq(date_from_unix_beijing(16 * 3600), 1);
        ck_assert_int_eq(date_from_unix_beijing(-8 * 3600), 0);
        ck_assert_int_eq(date_from_unix_beijing(-8 * 3600 - 1), -1);
        /* 1735689600 is 2025-01-01T00:00Z; eight hours earlier it is already 1 January in Beijing.
         */
        ck_assert_int_eq(date_from_unix_beijing(1735689600 - 8 * 3600), D("2025-01-01"));
        ck_assert_int_eq(date_from_unix_beijing(1735689600 - 8 * 3600 - 1), D("2024-12-31"));
        /* Extreme inputs neither overflow nor trap. */
        (void)date_from_unix_beijing(INT64_MAX);
        (void)date_from_unix_beijing(INT64_MIN);
}
END_TEST

START_TEST(test_shipped_tables)
{
        struct legal_calendar *cal;

        /* 2017 (Notice 336) to 2026, one file per year, each citing its notice. */
        ck_assert_int_ge((int)calendar_shipped_len, 10);
        for (size_t i = 0; i < calendar_shipped_len; i++) {
                struct calendar_year *y = malloc(sizeof(*y));
                struct cr_error e = CR_ERROR_INIT;

                ck_assert_int_eq(calendar_shipped[i].year, 2017 + (int)i);
                ck_assert_int_eq(
                    calendar_year_parse(calendar_shipped[i].text, calendar_shipped[i].len, y, &e),
                    CR_OK);
                ck_assert_ptr_nonnull(strstr(y->source, "国办发明电"));
                ck_assert_ptr_nonnull(strstr(y->source, "https://www.gov.cn/"));
                ck_assert_int_gt((int)y->count, 20);
                free(y);
        }
        cal = shipped_calendar();
        for (int year = 2017; year <= 2026; year++)
                ck_assert(calendar_has_year(cal, year));
        ck_assert(!calendar_has_year(cal, 2016));
        /* Spot checks straight from the notices. */
        ck_assert_int_eq(working(cal, "2025-01-26"), 1); /* Sunday moved to a working day */
        ck_assert_int_eq(working(cal, "2025-01-25"), 0); /* an ordinary Saturday */
        ck_assert_int_eq(working(cal, "2025-01-28"), 0); /* 除夕, first day of the break */
        ck_assert_int_eq(working(cal, "2025-02-08"), 1); /* Saturday moved to a working day */
        ck_assert_int_eq(working(cal, "2025-10-08"), 0); /* last day of the National Day break */
        ck_assert_int_eq(working(cal, "2020-01-19"), 1); /* Sunday moved, kept by the extension */
        ck_assert_int_eq(working(cal, "2020-02-01"), 0); /* Saturday no longer worked (2020 No.1) */
        ck_assert_int_eq(working(cal, "2019-05-05"), 1); /* moved by the 2019 Labour Day change */
        ck_assert_int_eq(working(cal, "2019-05-03"), 0);
        ck_assert_int_eq(working(cal, "2018-12-29"), 1); /* moved by the 2019 notice */
        ck_assert_int_eq(working(cal, "2026-01-04"), 1); /* Sunday moved to a working day */
        ck_assert_int_eq(working(cal, "2026-02-23"), 0); /* 正月初七, last day of the break */
        ck_assert_int_eq(working(cal, "2026-11-20"), 1); /* an ordinary Friday */
        free(cal);
}
END_TEST

START_TEST(test_spring_festival_2025)
{
        struct legal_calendar *cal = shipped_calendar();

        /*
         * Start Monday 2025-01-20 (not counted), 20 working days:
         * Jan 21-24 Tue-Fri = 4; Sat 25 off; Sun 26 moved working day = 5;
         * Mon 27 = 6; Jan 28 - Feb 4 the break; Feb 5-7 Wed-Fri = 9;
         * Sat Feb 8 moved working day = 10; Sun 9 off; Feb 10-14 = 15;
         * Feb 17-21 = 20.  Due Friday 2025-02-21.
         */
        assert_deadline(cal, "2025-01-20", 20, NULL, 0, "2025-02-21");
        /* Five working days from Friday 2025-01-24: 26, 27, Feb 5, 6, 7 -> 2025-02-07. */
        assert_deadline(cal, "2025-01-24", 5, NULL, 0, "2025-02-07");
        /* One working day from the Sunday before the break is its Monday, 2025-01-27. */
        assert_deadline(cal, "2025-01-26", 1, NULL, 0, "2025-01-27");
        free(cal);
}
END_TEST

START_TEST(test_national_day_2025)
{
        struct legal_calendar *cal = shipped_calendar();

        /*
         * Start Thursday 2025-09-25, 20 working days: Fri 26 = 1; Sat 27 off;
         * Sun 28 moved working day = 2; Mon 29, Tue 30 = 4; Oct 1-8 the
         * break; Thu 9, Fri 10 = 6; Sat Oct 11 moved working day = 7; Sun 12
         * off; Oct 13-17 = 12; Oct 20-24 = 17; Mon 27, Tue 28, Wed 29 = 20.
         * Due Wednesday 2025-10-29.
         */
        assert_deadline(cal, "2025-09-25", 20, NULL, 0, "2025-10-29");
        /* Ten working days from 2025-09-25: 26, 28, 29, 30, Oct 9, 10, 11, 13, 14, 15. */
        assert_deadline(cal, "2025-09-25", 10, NULL, 0, "2025-10-15");
        free(cal);
}
END_TEST

START_TEST(test_roll_forward)
{
        struct legal_calendar *cal = shipped_calendar();

        /* 2026-01-01 is a Thursday, so 31 January 2026 is a Saturday: Monday 2 February. */
        assert_roll(cal, "2026-01-31", "2026-02-02");
        /* 2021-01-31 is a Sunday; Monday 1 February is an ordinary working day. */
        assert_roll(cal, "2021-01-31", "2021-02-01");
        /* 2022-01-31 is a Monday inside the break of 31 Jan - 6 Feb: Monday 7 February. */
        assert_roll(cal, "2022-01-31", "2022-02-07");
        /* 2020-01-31 is a Friday inside the break as extended to Sunday 2 Feb: Monday 3 Feb. */
        assert_roll(cal, "2020-01-31", "2020-02-03");
        /* 2025-01-31 is a Friday inside the break of 28 Jan - 4 Feb: Wednesday 5 Feb. */
        assert_roll(cal, "2025-01-31", "2025-02-05");
        /* A working day stays, even a Sunday moved to a working day. */
        assert_roll(cal, "2024-01-31", "2024-01-31");
        assert_roll(cal, "2025-01-26", "2025-01-26");
        free(cal);
}
END_TEST

START_TEST(test_clock_stops)
{
        struct legal_calendar *cal = shipped_calendar();
        struct clock_stop week = {D("2025-02-10"), D("2025-02-14")};
        struct clock_stop in_break = {D("2025-01-27"), D("2025-02-04")};
        struct clock_stop moved = {D("2025-02-07"), D("2025-02-09")};
        struct clock_stop both[2];
        struct cr_error e = CR_ERROR_INIT;
        int used = -1;

        /*
         * Without stops the period from 2025-01-20 ends 2025-02-21 (see
         * test_spring_festival_2025).  A stop from Mon Feb 10 to Fri Feb 14
         * takes Feb 11-14, four working days, so the end moves four working
         * days on: Feb 24, 25, 26, 27 -> 2025-02-27.
         */
        assert_deadline(cal, "2025-01-20", 20, &week, 1, "2025-02-27");
        /* A stop over the break (Jan 28 - Feb 4) holds no working day and moves nothing. */
        assert_deadline(cal, "2025-01-20", 20, &in_break, 1, "2025-02-21");
        /* A stop over Sat Feb 8 (a moved working day) and Sun Feb 9 takes one: Monday Feb 24. */
        assert_deadline(cal, "2025-01-20", 20, &moved, 1, "2025-02-24");
        /* Two stops add up: 4 + 1 working days after Feb 21 -> Feb 24-28 -> 2025-02-28. */
        both[0] = week;
        both[1] = moved;
        assert_deadline(cal, "2025-01-20", 20, both, 2, "2025-02-28");

        /* Used days agree with the deadline: the whole period, then part of it. */
        ck_assert_int_eq(
            calendar_working_days_used(cal, D("2025-01-20"), D("2025-02-21"), NULL, 0, &used, &e),
            CR_OK);
        ck_assert_int_eq(used, 20);
        ck_assert_int_eq(
            calendar_working_days_used(cal, D("2025-01-20"), D("2025-02-27"), &week, 1, &used, &e),
            CR_OK);
        ck_assert_int_eq(used, 20);
        /* Up to Feb 14 with the week stopped: Jan 21-24, 26, 27, Feb 5-8, 10 = 11. */
        ck_assert_int_eq(
            calendar_working_days_used(cal, D("2025-01-20"), D("2025-02-14"), &week, 1, &used, &e),
            CR_OK);
        ck_assert_int_eq(used, 11);
        ck_assert_int_eq(
            calendar_working_days_used(cal, D("2025-01-20"), D("2025-01-20"), NULL, 0, &used, &e),
            CR_OK);
        ck_assert_int_eq(used, 0);
        cr_error_clear(&e);
        free(cal);
}
END_TEST

START_TEST(test_open_stop)
{
        struct legal_calendar *cal = shipped_calendar();
        struct clock_stop open = {D("2025-02-10"), CLOCK_OPEN};
        struct clock_stop late = {D("2025-02-21"), CLOCK_OPEN};
        struct clock_stop just = {D("2025-02-20"), CLOCK_OPEN};
        struct cr_error e = CR_ERROR_INIT;
        day_t due = 0;
        int used = -1;

        /* Eleven of twenty days are used by Feb 10, then the clock stops for good. */
        ck_assert_int_eq(calendar_deadline(cal, D("2025-01-20"), 20, &open, 1, &due, &e),
                         CR_EINVAL);
        ck_assert_str_eq(e.code, "clock_stopped");
        ck_assert_ptr_nonnull(strstr(e.detail, "2025-02-10"));
        cr_error_clear(&e);
        /* Stopped after Feb 20, the 19th day: the 20th (Feb 21) is never reached. */
        ck_assert_int_eq(calendar_deadline(cal, D("2025-01-20"), 20, &just, 1, &due, &e),
                         CR_EINVAL);
        ck_assert_str_eq(e.code, "clock_stopped");
        cr_error_clear(&e);
        /* Stopped after the due day itself: the period was already used up. */
        assert_deadline(cal, "2025-01-20", 20, &late, 1, "2025-02-21");
        /* The days used stay at eleven however long the open stop lasts. */
        ck_assert_int_eq(
            calendar_working_days_used(cal, D("2025-01-20"), D("2025-06-30"), &open, 1, &used, &e),
            CR_OK);
        ck_assert_int_eq(used, 11);
        free(cal);
}
END_TEST

START_TEST(test_year_missing)
{
        struct legal_calendar *cal = shipped_calendar();
        struct cr_error e = CR_ERROR_INIT;
        day_t due = 0;
        int w;

        /*
         * From Tuesday 2026-12-15 only Dec 16-18, 21-25 and 28-31 (12 days)
         * remain in 2026, so 20 working days need the 2027 table.
         */
        ck_assert_int_eq(calendar_deadline(cal, D("2026-12-15"), 20, NULL, 0, &due, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "calendar_year_missing");
        ck_assert_ptr_nonnull(strstr(e.detail, "2027"));
        ck_assert_ptr_nonnull(strstr(e.detail, "cryptoreg calendar load"));
        cr_error_clear(&e);
        /* Within 2026 the same start is fine: 12 working days end on Thursday 31 December. */
        assert_deadline(cal, "2026-12-15", 12, NULL, 0, "2026-12-31");
        ck_assert_int_eq(calendar_is_working_day(cal, D("2016-06-01"), &w, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "calendar_year_missing");
        ck_assert_ptr_nonnull(strstr(e.detail, "2016"));
        cr_error_clear(&e);
        /* 2026-12-26 is a Saturday: the roll stays within 2026. */
        assert_roll(cal, "2026-12-26", "2026-12-28");
        free(cal);
}
END_TEST

START_TEST(test_parse_good)
{
        /* BOM, CRLF, blank lines and a quoted source with commas are all accepted. */
        static const char text[] = "\xEF\xBB\xBF"
                                   "year,2025\r\n"
                                   "\r\n"
                                   "source,\"Notice, No. 1, 2024-11-12, https://www.gov.cn/x\"\r\n"
                                   "date,kind,name\r\n"
                                   "2025-01-01,holiday,元旦 New Year's Day\r\n"
                                   "\r\n"
                                   "2025-01-26,workday,春节调休上班 Spring Festival moved working "
                                   "day\r\n";
        struct calendar_year *y = malloc(sizeof(*y));
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(calendar_year_parse(text, sizeof(text) - 1, y, &e), CR_OK);
        ck_assert_int_eq(y->year, 2025);
        ck_assert_str_eq(y->source, "Notice, No. 1, 2024-11-12, https://www.gov.cn/x");
        ck_assert_int_eq((int)y->count, 2);
        ck_assert_int_eq(y->entries[1].day, D("2025-01-26"));
        ck_assert_int_eq(y->entries[1].kind, CAL_WORKDAY);
        ck_assert_str_eq(y->entries[0].name, "元旦 New Year's Day");
        ck_assert_ptr_null(e.rows);
        free(y);
}
END_TEST

/* The message reported for a line, or NULL if the line has none. */
static const char *row_message(const struct cr_error *e, long line, const char *column)
{
        size_t i;
        json_t *row;

        json_array_foreach(e->rows, i, row)
        {
                if (json_integer_value(json_object_get(row, "line")) == line &&
                    strcmp(json_string_value(json_object_get(row, "column")), column) == 0)
                        return json_string_value(json_object_get(row, "message"));
        }
        return NULL;
}

START_TEST(test_parse_reports_every_bad_line)
{
        /* No source line; then five bad rows among good ones. */
        static const char text[] = "year,2025\n"                        /* 1 */
                                   "date,kind,name\n"                   /* 2: source missing */
                                   "2025-01-01,holiday,New Year\n"      /* 3 */
                                   "2025-01-27,workday,Monday\n"        /* 4: a Monday */
                                   "2024-12-31,holiday,Outside\n"       /* 5: not in 2025 */
                                   "2025-01-01,holiday,Again\n"         /* 6: listed on line 3 */
                                   "2025-02-03,vacation,Unknown kind\n" /* 7 */
                                   "2025-02-30,holiday,No such day\n"   /* 8 */
                                   "2025-02-01,workday,Saturday\n";     /* 9: fine */
        struct calendar_year *y = malloc(sizeof(*y));
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(calendar_year_parse(text, sizeof(text) - 1, y, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "invalid_calendar");
        ck_assert_int_eq((int)json_array_size(e.rows), 6);
        ck_assert_ptr_nonnull(strstr(row_message(&e, 4, "kind"), "Monday"));
        ck_assert_ptr_nonnull(strstr(row_message(&e, 5, "date"), "2024-12-31"));
        ck_assert_ptr_nonnull(strstr(row_message(&e, 6, "date"), "line 3"));
        ck_assert_ptr_nonnull(row_message(&e, 7, "kind"));
        ck_assert_ptr_nonnull(row_message(&e, 8, "date"));
        ck_assert_ptr_nonnull(row_message(&e, 2, "source"));
        /* The summary names the table's year and the first problem found. */
        ck_assert_ptr_nonnull(strstr(e.detail, "2025"));
        ck_assert_ptr_nonnull(strstr(e.detail, "6 problems"));
        ck_assert_ptr_nonnull(strstr(e.detail, "line 4"));
        cr_error_clear(&e);
        free(y);
}
END_TEST

START_TEST(test_parse_structure_errors)
{
        static const char no_header[] = "year,2025\nsource,x\n2025-01-01,holiday,New Year\n";
        static const char no_year[] = "source,x\ndate,kind,name\n2025-01-01,holiday,New Year\n";
        static const char bad_csv[] = "year,2025\nsource,x\ndate,kind,name\n"
                                      "2025-01-01,holiday,\"New Year\n";
        static const char empty_name[] =
            "year,2025\nsource,x\ndate,kind,name\n2025-01-01,holiday,\n";
        struct calendar_year *y = malloc(sizeof(*y));
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(calendar_year_parse(no_header, sizeof(no_header) - 1, y, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "invalid_calendar");
        ck_assert_ptr_nonnull(strstr(e.detail, "date,kind,name"));
        cr_error_clear(&e);
        ck_assert_int_eq(calendar_year_parse(no_year, sizeof(no_year) - 1, y, &e), CR_EINVAL);
        ck_assert_ptr_nonnull(row_message(&e, 2, "year"));
        cr_error_clear(&e);
        ck_assert_int_eq(calendar_year_parse(bad_csv, sizeof(bad_csv) - 1, y, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "invalid_calendar");
        ck_assert_int_eq((int)json_array_size(e.rows), 1);
        cr_error_clear(&e);
        ck_assert_int_eq(calendar_year_parse(empty_name, sizeof(empty_name) - 1, y, &e), CR_EINVAL);
        ck_assert_ptr_nonnull(row_message(&e, 4, "name"));
        cr_error_clear(&e);
        ck_assert_int_eq(calendar_year_parse("", 0, y, &e), CR_EINVAL);
        cr_error_clear(&e);
        free(y);
}
END_TEST

START_TEST(test_add_year_replaces)
{
        static const char v1[] = "year,2030\nsource,x\ndate,kind,name\n2030-01-01,holiday,A\n";
        /* A corrected table makes 2 January a holiday too. */
        static const char v2[] = "year,2030\nsource,y\ndate,kind,name\n2030-01-01,holiday,A\n"
                                 "2030-01-02,holiday,B\n";
        struct legal_calendar *cal = calloc(1, sizeof(*cal));
        struct calendar_year *y = malloc(sizeof(*y));
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(calendar_year_parse(v1, sizeof(v1) - 1, y, &e), CR_OK);
        ck_assert_int_eq(calendar_add_year(cal, y, &e), CR_OK);
        ck_assert_int_eq(working(cal, "2030-01-02"), 1); /* a Wednesday */
        ck_assert_int_eq(calendar_year_parse(v2, sizeof(v2) - 1, y, &e), CR_OK);
        ck_assert_int_eq(calendar_add_year(cal, y, &e), CR_OK);
        ck_assert_int_eq((int)cal->count, 1);
        ck_assert_int_eq(working(cal, "2030-01-02"), 0);
        ck_assert_int_eq(working(cal, "2030-01-05"), 0); /* a Saturday */
        ck_assert_int_eq(working(cal, "2030-01-07"), 1);
        free(y);
        free(cal);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("calendar");
        TCase *dates = tcase_create("dates");
        TCase *cal = tcase_create("calendar");

        tcase_add_test(dates, test_civil_arithmetic);
        tcase_add_test(dates, test_weekday);
        tcase_add_test(dates, test_parse_and_format);
        tcase_add_test(dates, test_beijing_date);
        tcase_add_test(cal, test_shipped_tables);
        tcase_add_test(cal, test_spring_festival_2025);
        tcase_add_test(cal, test_national_day_2025);
        tcase_add_test(cal, test_roll_forward);
        tcase_add_test(cal, test_clock_stops);
        tcase_add_test(cal, test_open_stop);
        tcase_add_test(cal, test_year_missing);
        tcase_add_test(cal, test_parse_good);
        tcase_add_test(cal, test_parse_reports_every_bad_line);
        tcase_add_test(cal, test_parse_structure_errors);
        tcase_add_test(cal, test_add_year_replaces);
        suite_add_tcase(s, dates);
        suite_add_tcase(s, cal);
        return run_suite(s);
}
