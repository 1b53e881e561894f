/*
 * Calendar dates as whole days since 1970-01-01 (proleptic Gregorian), the
 * form in which every deadline is counted.  Text form is ISO 8601 "YYYY-MM-DD".
 */
#ifndef CR_DATE_H
#define CR_DATE_H

#include <stddef.h>
#include <stdint.h>

#define DATE_LEN 11 /* "2026-11-21" plus NUL */

typedef int32_t day_t;

/* Days since 1970-01-01 of a valid date; month 1-12, mday 1-31. */
day_t date_from_ymd(int year, int month, int mday);
/* The year, month and day of d. */
void date_to_ymd(day_t d, int *year, int *month, int *mday);
/* 1 Monday ... 7 Sunday (ISO 8601). */
int date_weekday(day_t d);
/* 1 for Saturday and Sunday. */
int date_is_weekend(day_t d);
/* 0-based day of the year. */
int date_day_of_year(day_t d);
int date_is_leap_year(int year);
/*
 * Parses exactly "YYYY-MM-DD" (len bytes) into *out; returns 0 on success and
 * -1 if the text is not a real date (2026-02-30 is refused).
 */
int date_parse(const char *text, size_t len, day_t *out);
void date_format(day_t d, char out[DATE_LEN]);
/* The date in Beijing time (UTC+8, no daylight saving) at Unix time t. */
day_t date_from_unix_beijing(int64_t t);

#endif
