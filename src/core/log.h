/*
 * Structured logging: every line is one JSON object written with a single
 * write(2), so lines from concurrent threads never interleave.
 */
#ifndef CR_LOG_H
#define CR_LOG_H

#include <jansson.h>

/* Where log lines go; stdout by default.  Set once before threads start. */
void log_set_fd(int fd);

/* Writes obj plus a "time" member as one line, and releases obj. */
void log_json(json_t *obj);

/* A free-form message at a level ("info", "warn", "error"). */
void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
