/*
 * Diagnostics, the process log (not the transparency log): every line is one JSON object written with a single
 * write(2), so lines from concurrent threads never interleave.
 */
#ifndef CR_DIAG_H
#define CR_DIAG_H

#include <jansson.h>

/* Where log lines go; stdout by default.  Set once before threads start. */
void diag_set_fd(int fd);

/* Writes obj plus a "time" member as one line, and releases obj. */
void diag_json(json_t *obj);

/* A free-form message at a level ("info", "warn", "error"). */
void diag_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The per-request line: {"method","path","status","duration_ms","user","ip","time"}.
 * Formatted by hand rather than through jansson because it runs on every
 * request; strings are JSON-escaped and cut to a bounded length.
 */
void diag_request_line(const char *method, const char *path, int status, double duration_ms,
                      const char *user, const char *ip);

#endif
