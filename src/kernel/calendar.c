/*
 * The legal working-day calendar: parsing a year's table of holidays and
 * moved working days, and counting periods of working days over it with the
 * starting day excluded and clock stops honoured.  Any day whose year has no
 * table is an error, never a guess.
 */
#include "kernel/calendar.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/csv.h"
#include "core/parse.h"
#include "core/utf8.h"

/* A bad file can be reported line by line, but not without end. */
#define CAL_MAX_REPORTED 1000

/* The years a table may cover; 9999 is the last year "YYYY-MM-DD" can write. */
#define CAL_YEAR_MIN 1
#define CAL_YEAR_MAX 9999

static const char *const weekday_names[] = {"",         "Monday", "Tuesday",  "Wednesday",
                                            "Thursday", "Friday", "Saturday", "Sunday"};

/* What the parser has found wrong so far; the first problem also names the whole failure. */
struct problems {
        struct cr_error *e;
        size_t count;
        long first_line;
        char first_message[200];
};

static void report(struct problems *p, long line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Adds one {line, column, message} object to e->rows, the shape the CSV
 * import of enterprises uses, so that clients show both the same way.
 * Messages never quote the file's own bytes beyond validated dates, so they
 * are always valid UTF-8 for jansson.
 */
static void report(struct problems *p, long line, const char *column, const char *fmt, ...)
{
        char message[200];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(message, sizeof(message), fmt, ap);
        va_end(ap);
        if (p->count++ == 0) {
                p->first_line = line;
                snprintf(p->first_message, sizeof(p->first_message), "%s", message);
        }
        if (!p->e)
                return;
        if (!p->e->rows)
                p->e->rows = json_array();
        if (!p->e->rows || json_array_size(p->e->rows) >= CAL_MAX_REPORTED)
                return;
        json_array_append_new(p->e->rows,
                              json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line, "column",
                                        column ? column : "", "message", message));
}

static int field_is(const struct csv_record *rec, size_t i, const char *s)
{
        return i < rec->nfields && rec->len[i] == strlen(s) &&
               memcmp(rec->field[i], s, rec->len[i]) == 0;
}

/* Checks a text field that will be copied into a buffer of size max; reports and returns -1 if bad.
 */
static int check_text(struct problems *p, long line, const char *column, const char *s, size_t len,
                      size_t max)
{
        if (len == 0) {
                report(p, line, column, "the %s is empty", column);
                return -1;
        }
        if (len >= max) {
                report(p, line, column, "the %s is %zu bytes long; at most %zu are allowed", column,
                       len, max - 1);
                return -1;
        }
        if (utf8_count(s, len) < 0) {
                report(p, line, column, "the %s is not valid UTF-8 text", column);
                return -1;
        }
        return 0;
}

/* The lines before the header: the year and the source, each once. */
static void parse_preamble(struct problems *p, const struct csv_record *rec,
                           struct calendar_year *out, long *year_line, long *source_line)
{
        int64_t year;

        if (field_is(rec, 0, "year")) {
                if (*year_line) {
                        report(p, rec->line, "year", "the year is already given on line %ld",
                               *year_line);
                } else if (rec->nfields != 2 || parse_int64(rec->field[1], rec->len[1],
                                                            CAL_YEAR_MIN, CAL_YEAR_MAX, &year)) {
                        report(p, rec->line, "year",
                               "the year line must read year,YYYY with a year from %d to %d",
                               CAL_YEAR_MIN, CAL_YEAR_MAX);
                } else {
                        out->year = (int)year;
                        *year_line = rec->line;
                }
        } else if (field_is(rec, 0, "source")) {
                if (*source_line) {
                        report(p, rec->line, "source", "the source is already given on line %ld",
                               *source_line);
                } else if (rec->nfields != 2) {
                        report(p, rec->line, "source",
                               "the source line must read source,\"notice title, number, date, "
                               "URL\" (quote the text when it has commas)");
                } else if (check_text(p, rec->line, "source", rec->field[1], rec->len[1],
                                      sizeof(out->source)) == 0) {
                        memcpy(out->source, rec->field[1], rec->len[1]);
                        out->source[rec->len[1]] = '\0';
                        *source_line = rec->line;
                }
        } else {
                report(p, rec->line, NULL,
                       "expected the year line, the source line or the header date,kind,name");
        }
}

/*
 * One listed day.  line_of_day remembers, per day of the year, the line that
 * first listed it, so that a date listed twice is reported even when the
 * first listing had another problem.
 */
static void parse_entry(struct problems *p, const struct csv_record *rec, struct calendar_year *out,
                        int have_year, long line_of_day[366])
{
        day_t day = 0;
        int bad = 0, date_ok = 0;
        enum cal_kind kind = CAL_HOLIDAY;
        char text[DATE_LEN];

        if (rec->nfields != 3) {
                report(p, rec->line, NULL, "the row has %zu fields; it must be date,kind,name",
                       rec->nfields);
                return;
        }
        if (date_parse(rec->field[0], rec->len[0], &day)) {
                report(p, rec->line, "date", "the date is not a real date written YYYY-MM-DD");
                bad = 1;
        } else {
                int y, m, d;

                date_format(day, text);
                date_to_ymd(day, &y, &m, &d);
                if (have_year && y != out->year) {
                        report(p, rec->line, "date", "%s is not in %d, the year of this table",
                               text, out->year);
                        bad = 1;
                } else {
                        date_ok = have_year;
                }
        }
        if (field_is(rec, 1, "holiday")) {
                kind = CAL_HOLIDAY;
        } else if (field_is(rec, 1, "workday")) {
                kind = CAL_WORKDAY;
                /* The State Council only ever moves a weekend day to a working day. */
                if (date_ok && !date_is_weekend(day)) {
                        report(p, rec->line, "kind",
                               "%s is a %s; a moved working day is always a Saturday or Sunday",
                               text, weekday_names[date_weekday(day)]);
                        bad = 1;
                }
        } else {
                report(p, rec->line, "kind", "the kind must be holiday or workday");
                bad = 1;
        }
        if (check_text(p, rec->line, "name", rec->field[2], rec->len[2], CAL_NAME_MAX))
                bad = 1;
        if (date_ok) {
                int doy = date_day_of_year(day);

                if (line_of_day[doy]) {
                        report(p, rec->line, "date", "%s is already listed on line %ld", text,
                               line_of_day[doy]);
                        bad = 1;
                } else {
                        line_of_day[doy] = rec->line;
                }
        }
        if (bad)
                return;
        if (out->count == CAL_MAX_ENTRIES) {
                report(p, rec->line, NULL, "a table lists at most %d days", CAL_MAX_ENTRIES);
                return;
        }
        out->entries[out->count].day = day;
        out->entries[out->count].kind = kind;
        memcpy(out->entries[out->count].name, rec->field[2], rec->len[2]);
        out->entries[out->count].name[rec->len[2]] = '\0';
        out->count++;
}

enum cr_err calendar_year_parse(const char *data, size_t len, struct calendar_year *out,
                                struct cr_error *e)
{
        struct problems p = {e, 0, 0, {0}};
        struct csv_reader r;
        struct csv_record rec;
        long year_line = 0, source_line = 0, header_line = 0;
        long line_of_day[366] = {0};
        int rc;

        memset(out, 0, sizeof(*out));
        if (len > CAL_FILE_MAX)
                return cr_fail(e, CR_ETOOLARGE, "payload_too_large", NULL,
                               "a calendar file holds at most %d bytes", CAL_FILE_MAX);
        csv_reader_init(&r, data, len);
        while ((rc = csv_read(&r, &rec, e)) > 0) {
                if (header_line) {
                        parse_entry(&p, &rec, out, year_line != 0, line_of_day);
                } else if (rec.nfields == 3 && field_is(&rec, 0, "date") &&
                           field_is(&rec, 1, "kind") && field_is(&rec, 2, "name")) {
                        header_line = rec.line;
                } else {
                        parse_preamble(&p, &rec, out, &year_line, &source_line);
                }
        }
        if (rc < 0) {
                /* Malformed CSV stops the reading; what was found so far is reported too. */
                char why[sizeof(e->detail)];
                snprintf(why, sizeof(why), "%s", e ? e->detail : "the CSV is malformed");
                report(&p, r.line, NULL, "%s", why);
        }
        csv_reader_release(&r);
        if (rc == 0) {
                long where = header_line ? header_line : 1;
                if (!year_line)
                        report(&p, where, "year", "the year line (year,YYYY) is missing");
                if (!source_line)
                        report(&p, where, "source",
                               "the source line (source,\"notice title, number, date, URL\") is "
                               "missing; every table cites the notice it comes from");
                if (!header_line)
                        report(&p, r.line, NULL, "the header line date,kind,name is missing");
                else if (out->count == 0 && p.count == 0)
                        report(&p, header_line, NULL, "the table lists no days");
        }
        if (p.count == 0)
                return CR_OK;
        if (year_line)
                return cr_fail(e, CR_EINVAL, "invalid_calendar", NULL,
                               "the calendar table for %d has %zu problem%s; the first, on line "
                               "%ld: %s",
                               out->year, p.count, p.count == 1 ? "" : "s", p.first_line,
                               p.first_message);
        return cr_fail(e, CR_EINVAL, "invalid_calendar", NULL,
                       "the calendar table has %zu problem%s; the first, on line %ld: %s", p.count,
                       p.count == 1 ? "" : "s", p.first_line, p.first_message);
}

enum cr_err calendar_add_year(struct legal_calendar *cal, const struct calendar_year *y,
                              struct cr_error *e)
{
        day_t first, last;
        size_t slot;

        if (y->year < CAL_YEAR_MIN || y->year > CAL_YEAR_MAX || y->count > CAL_MAX_ENTRIES)
                return cr_fail(e, CR_EINVAL, "invalid_calendar", NULL,
                               "the calendar table for year %d is not a parsed table", y->year);
        first = date_from_ymd(y->year, 1, 1);
        last = date_from_ymd(y->year, 12, 31);
        for (slot = 0; slot < cal->count; slot++)
                if (cal->years[slot].year == y->year)
                        break;
        if (slot == cal->count && cal->count == CAL_MAX_YEARS)
                return cr_fail(e, CR_ETOOLARGE, "payload_too_large", NULL,
                               "a legal calendar holds at most %d years", CAL_MAX_YEARS);
        for (size_t i = 0; i < y->count; i++)
                if (y->entries[i].day < first || y->entries[i].day > last)
                        return cr_fail(e, CR_EINVAL, "invalid_calendar", NULL,
                                       "the calendar table for %d lists a day of another year",
                                       y->year);
        /* Built aside and copied in, so a failure above leaves the calendar as it was. */
        {
                uint8_t off[sizeof(cal->years[0].off)] = {0};

                for (day_t d = first; d <= last; d++) {
                        int doy = (int)(d - first);
                        if (date_is_weekend(d))
                                off[doy / 8] |= (uint8_t)(1u << (doy % 8));
                }
                for (size_t i = 0; i < y->count; i++) {
                        int doy = (int)(y->entries[i].day - first);
                        if (y->entries[i].kind == CAL_HOLIDAY)
                                off[doy / 8] |= (uint8_t)(1u << (doy % 8));
                        else
                                off[doy / 8] &= (uint8_t) ~(1u << (doy % 8));
                }
                cal->years[slot].year = y->year;
                memcpy(cal->years[slot].off, off, sizeof(off));
                if (slot == cal->count)
                        cal->count++;
        }
        return CR_OK;
}

int calendar_has_year(const struct legal_calendar *cal, int year)
{
        for (size_t i = 0; i < cal->count; i++)
                if (cal->years[i].year == year)
                        return 1;
        return 0;
}

enum cr_err calendar_is_working_day(const struct legal_calendar *cal, day_t d, int *working,
                                    struct cr_error *e)
{
        int year, month, mday;

        date_to_ymd(d, &year, &month, &mday);
        for (size_t i = 0; i < cal->count; i++) {
                if (cal->years[i].year == year) {
                        int doy = date_day_of_year(d);
                        *working = !((cal->years[i].off[doy / 8] >> (doy % 8)) & 1);
                        return CR_OK;
                }
        }
        return cr_fail(e, CR_EINVAL, "calendar_year_missing", NULL,
                       "no legal calendar is loaded for %d; an administrator loads it with "
                       "`cryptoreg calendar load FILE`",
                       year);
}

/* Refuses stops that are backwards or beyond the years a calendar can hold. */
static enum cr_err check_stops(const struct clock_stop *stops, size_t nstops, struct cr_error *e)
{
        day_t lo = date_from_ymd(CAL_YEAR_MIN, 1, 1), hi = date_from_ymd(CAL_YEAR_MAX, 12, 31);

        for (size_t i = 0; i < nstops; i++) {
                const struct clock_stop *s = &stops[i];
                if (s->from < lo || s->from > hi || (s->to != CLOCK_OPEN && s->to > hi) ||
                    s->to < s->from)
                        return cr_fail(e, CR_EINVAL, "invalid_value", "stops",
                                       "clock stop %zu ends before it begins or lies outside the "
                                       "years 1 to 9999",
                                       i + 1);
        }
        return CR_OK;
}

/*
 * Whether day d is inside a stop (from < d <= to).  If so, returns 1 with
 * *last the last day of the stopped run that d begins, so the caller can
 * skip it whole, and *open_from the start of a stop that never ends
 * (CLOCK_OPEN when none of the stops around d is open).
 */
static int stopped_at(const struct clock_stop *stops, size_t nstops, day_t d, day_t *last,
                      day_t *open_from)
{
        int in = 0;

        *open_from = CLOCK_OPEN;
        *last = d;
        for (size_t i = 0; i < nstops; i++) {
                if (stops[i].from < d && d <= stops[i].to) {
                        in = 1;
                        if (stops[i].to == CLOCK_OPEN && stops[i].from < *open_from)
                                *open_from = stops[i].from;
                        if (stops[i].to > *last)
                                *last = stops[i].to;
                }
        }
        return in;
}

enum cr_err calendar_deadline(const struct legal_calendar *cal, day_t start, int n,
                              const struct clock_stop *stops, size_t nstops, day_t *due,
                              struct cr_error *e)
{
        enum cr_err err;
        day_t d = start;
        int counted = 0;

        if (n < 1)
                return cr_fail(e, CR_EINVAL, "invalid_value", "n",
                               "a period is at least one working day, not %d", n);
        if (start < date_from_ymd(CAL_YEAR_MIN, 1, 1) ||
            start > date_from_ymd(CAL_YEAR_MAX, 12, 31))
                return cr_fail(e, CR_EINVAL, "invalid_value", "start",
                               "the start of a period lies outside the years 1 to 9999");
        err = check_stops(stops, nstops, e);
        if (err)
                return err;
        /*
         * Each step looks at the next day.  Loaded years end at 9999 and stops
         * end by then too, so d reaches a year without a table long before it
         * could overflow.
         */
        while (counted < n) {
                day_t last, open_from;
                int working = 0;

                d++;
                if (stopped_at(stops, nstops, d, &last, &open_from)) {
                        if (open_from != CLOCK_OPEN) {
                                char from[DATE_LEN];
                                date_format(open_from, from);
                                return cr_fail(e, CR_EINVAL, "clock_stopped", NULL,
                                               "the clock is stopped after %s with no end yet, "
                                               "before the period of %d working days is used up "
                                               "(%d counted); the deadline is not known until it "
                                               "runs again",
                                               from, n, counted);
                        }
                        d = last;
                        continue;
                }
                err = calendar_is_working_day(cal, d, &working, e);
                if (err)
                        return err;
                counted += working;
        }
        *due = d;
        return CR_OK;
}

enum cr_err calendar_working_days_used(const struct legal_calendar *cal, day_t start, day_t until,
                                       const struct clock_stop *stops, size_t nstops, int *used,
                                       struct cr_error *e)
{
        enum cr_err err = check_stops(stops, nstops, e);
        int counted = 0;

        if (err)
                return err;
        /* An open stop needs no special case: its days up to `until` are skipped like any other. */
        for (day_t d = start; d < until;) {
                day_t last, open_from;
                int working = 0;

                d++;
                if (stopped_at(stops, nstops, d, &last, &open_from)) {
                        d = last < until ? last : until;
                        continue;
                }
                err = calendar_is_working_day(cal, d, &working, e);
                if (err)
                        return err;
                counted += working;
        }
        *used = counted;
        return CR_OK;
}

enum cr_err calendar_roll_forward(const struct legal_calendar *cal, day_t d, day_t *out,
                                  struct cr_error *e)
{
        /* Ends at the first working day or at the first year without a table. */
        for (;;) {
                int working = 0;
                enum cr_err err = calendar_is_working_day(cal, d, &working, e);

                if (err)
                        return err;
                if (working) {
                        *out = d;
                        return CR_OK;
                }
                d++;
        }
}
