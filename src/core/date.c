/*
 * Calendar arithmetic on whole days since 1970-01-01 (proleptic Gregorian),
 * using the days-from-civil and civil-from-days algorithms of Howard Hinnant
 * ("chrono-Compatible Low-Level Date Algorithms"), which need no tables and
 * no libc time functions.
 */
#include "core/date.h"

#include <stdio.h>

#include "core/parse.h"

/*
 * The era arithmetic below works on 64-bit integers so that no intermediate
 * value can overflow for any int year; only the final result is narrowed.
 */
static int64_t floor_div(int64_t a, int64_t b)
{
        int64_t q = a / b;

        if ((a % b != 0) && ((a < 0) != (b < 0)))
                q--;
        return q;
}

static int days_in_month(int year, int month)
{
        static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

        if (month == 2 && date_is_leap_year(year))
                return 29;
        return days[month - 1];
}

int date_is_leap_year(int year)
{
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

day_t date_from_ymd(int year, int month, int mday)
{
        /* Counting years from 1 March puts the leap day at the end of the year. */
        int64_t y = (int64_t)year - (month <= 2);
        int64_t era = floor_div(y, 400);
        int64_t yoe = y - era * 400;
        int64_t mp = (month + 9) % 12; /* March = 0 ... February = 11 */
        int64_t doy = (153 * mp + 2) / 5 + mday - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

        return (day_t)(era * 146097 + doe - 719468);
}

void date_to_ymd(day_t d, int *year, int *month, int *mday)
{
        int64_t z = (int64_t)d + 719468;
        int64_t era = floor_div(z, 146097);
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153;
        int64_t m = mp < 10 ? mp + 3 : mp - 9;

        *mday = (int)(doy - (153 * mp + 2) / 5 + 1);
        *month = (int)m;
        *year = (int)(yoe + era * 400 + (m <= 2));
}

int date_weekday(day_t d)
{
        /* 1970-01-01 was a Thursday, ISO weekday 4. */
        int64_t w = ((int64_t)d + 3) % 7;

        if (w < 0)
                w += 7;
        return (int)w + 1;
}

int date_is_weekend(day_t d)
{
        return date_weekday(d) >= 6;
}

int date_day_of_year(day_t d)
{
        int y, m, md;

        date_to_ymd(d, &y, &m, &md);
        return (int)((int64_t)d - date_from_ymd(y, 1, 1));
}

/* Reads n ASCII digits at s, leading zeros included; returns -1 if any byte is not a digit. */
static int digits(const char *s, int n)
{
        uint64_t v;

        return parse_uint64(s, (size_t)n, 9999, 0, &v) ? -1 : (int)v;
}

int date_parse(const char *text, size_t len, day_t *out)
{
        int y, m, d;

        if (!text || len != 10 || text[4] != '-' || text[7] != '-')
                return -1;
        y = digits(text, 4);
        m = digits(text + 5, 2);
        d = digits(text + 8, 2);
        /* Year 0000 is not a year of the Gregorian calendar as people write it. */
        if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
                return -1;
        *out = date_from_ymd(y, m, d);
        return 0;
}

void date_format(day_t d, char out[DATE_LEN])
{
        int y, m, md;

        date_to_ymd(d, &y, &m, &md);
        /* Years outside 0-9999 do not fit the ISO form; they are clamped rather than truncated. */
        if (y < 0)
                y = 0;
        if (y > 9999)
                y = 9999;
        /* Written digit by digit: the ranges are known, and the compiler cannot see them. */
        out[0] = (char)('0' + y / 1000);
        out[1] = (char)('0' + y / 100 % 10);
        out[2] = (char)('0' + y / 10 % 10);
        out[3] = (char)('0' + y % 10);
        out[4] = '-';
        out[5] = (char)('0' + m / 10);
        out[6] = (char)('0' + m % 10);
        out[7] = '-';
        out[8] = (char)('0' + md / 10);
        out[9] = (char)('0' + md % 10);
        out[10] = '\0';
}

day_t date_from_unix_beijing(int64_t t)
{
        /* Asia/Shanghai has kept UTC+8 without daylight saving since 1991. */
        int64_t q = t / 86400, r = t % 86400;

        if (r < 0) {
                r += 86400;
                q--;
        }
        /* Adding the offset to the remainder, not to t, cannot overflow. */
        if (r + 8 * 3600 >= 86400)
                q++;
        if (q > INT32_MAX)
                return INT32_MAX;
        if (q < INT32_MIN)
                return INT32_MIN;
        return (day_t)q;
}
