/* Structured JSON log lines, one write(2) each. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/banned.h"

static int log_fd = STDOUT_FILENO;

void log_set_fd(int fd)
{
        log_fd = fd;
}

void log_json(json_t *obj)
{
        struct timeval tv;
        struct tm tm;
        char when[64];
        char *line;
        size_t len;

        if (!obj)
                return;
        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 (int)(tv.tv_usec / 1000));
        json_object_set_new(obj, "time", json_string(when));
        line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(obj);
        if (!line)
                return;
        len = strlen(line);
        line[len] = '\n'; /* overwrite the NUL: one write for the whole line */
        if (write(log_fd, line, len + 1) < 0) {
                /* Nowhere left to report a failed log write. */
        }
        free(line);
}

void log_msg(const char *level, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        log_json(json_pack("{s:s, s:s}", "level", level, "msg", msg));
}
