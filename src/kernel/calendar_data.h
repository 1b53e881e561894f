/*
 * The legal calendar tables shipped inside the binary: the bytes of every
 * data/calendar/YYYY.csv, embedded at build time by cmake/embed_calendar.cmake
 * into generated/calendar_data.c, so that a fresh installation can count
 * deadlines without loading any file first.
 */
#ifndef CR_CALENDAR_DATA_H
#define CR_CALENDAR_DATA_H

#include <stddef.h>

/* One shipped year: the file's bytes exactly as in the repository (not NUL-terminated data). */
struct calendar_file {
        int year;
        const char *text;
        size_t len;
};

/* Sorted by year; each text parses with calendar_year_parse(). */
extern const struct calendar_file calendar_shipped[];
extern const size_t calendar_shipped_len;

#endif
