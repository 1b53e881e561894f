/* Structured JSON log lines, one write(2) each. */
#include "core/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>


static int diag_fd = STDOUT_FILENO;

void diag_set_fd(int fd)
{
        diag_fd = fd;
}

/* Formats the current UTC time with milliseconds. */
static void format_now(char *out, size_t size)
{
        struct timeval tv;
        struct tm tm;

        gettimeofday(&tv, NULL);
        gmtime_r(&tv.tv_sec, &tm);
        snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
}

/* Appends s as a JSON string to out (at most max bytes of s), returning the new end. */
static char *put_json_string(char *out, const char *end, const char *s, size_t max)
{
        static const char hex[] = "0123456789abcdef";
        size_t n = 0;

        if (out < end)
                *out++ = '"';
        for (; s && *s && n < max && out + 7 < end; s++, n++) {
                unsigned char c = (unsigned char)*s;
                if (c == '"' || c == '\\') {
                        *out++ = '\\';
                        *out++ = (char)c;
                } else if (c < 0x20) {
                        memcpy(out, "\\u00", 4);
                        out[4] = hex[c >> 4];
                        out[5] = hex[c & 15];
                        out += 6;
                } else {
                        *out++ = (char)c;
                }
        }
        if (out < end)
                *out++ = '"';
        return out;
}

void diag_request_line(const char *method, const char *path, int status, double duration_ms,
                      const char *user, const char *ip)
{
        char line[1024], when[64];
        const char *end = line + sizeof(line) - 2;
        char *p = line;
        int n;

        format_now(when, sizeof(when));
        p += snprintf(p, (size_t)(end - p), "{\"method\":");
        p = put_json_string(p, end, method, 16);
        p += snprintf(p, (size_t)(end - p), ",\"path\":");
        p = put_json_string(p, end, path, 300);
        n = snprintf(p, (size_t)(end - p), ",\"status\":%d,\"duration_ms\":%.3f,\"user\":", status,
                     duration_ms);
        p += n > 0 && n < end - p ? n : 0;
        p = put_json_string(p, end, user, 80);
        p += snprintf(p, (size_t)(end - p), ",\"ip\":");
        p = put_json_string(p, end, ip, 64);
        n = snprintf(p, (size_t)(end - p), ",\"time\":\"%s\"}\n", when);
        p += n > 0 && n < end - p ? n : 0;
        if (write(diag_fd, line, (size_t)(p - line)) < 0) {
                /* Nowhere left to report a failed log write. */
        }
}

void diag_json(json_t *obj)
{
        char when[64];
        char *line;
        size_t len;

        if (!obj)
                return;
        format_now(when, sizeof(when));
        json_object_set_new(obj, "time", json_string(when));
        line = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(obj);
        if (!line)
                return;
        len = strlen(line);
        line[len] = '\n'; /* overwrite the NUL: one write for the whole line */
        if (write(diag_fd, line, len + 1) < 0) {
                /* Nowhere left to report a failed log write. */
        }
        free(line);
}

void diag_msg(const char *level, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        diag_json(json_pack("{s:s, s:s}", "level", level, "msg", msg));
}
