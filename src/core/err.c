/* The error type: recording a failure's detail and naming error values. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


enum cr_err cr_fail(struct cr_error *e, enum cr_err err, const char *code, const char *field,
                    const char *fmt, ...)
{
        va_list ap;

        if (!e)
                return err;
        e->err = err;
        e->code = code;
        snprintf(e->field, sizeof(e->field), "%s", field ? field : "");
        va_start(ap, fmt);
        vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
        va_end(ap);
        return err;
}

void cr_error_clear(struct cr_error *e)
{
        if (e->rows)
                json_decref(e->rows);
        if (e->rule)
                json_decref(e->rule);
        memset(e, 0, sizeof(*e));
}

const char *cr_err_name(enum cr_err err)
{
        static const char *const names[] = {
            [CR_OK] = "ok",
            [CR_EINVAL] = "invalid",
            [CR_ENOTFOUND] = "not found",
            [CR_ECONFLICT] = "conflict",
            [CR_EFORBIDDEN] = "forbidden",
            [CR_EUNAUTH] = "unauthenticated",
            [CR_ECSRF] = "csrf",
            [CR_ETOOMANY] = "too many requests",
            [CR_ETOOLARGE] = "too large",
            [CR_ESTORE] = "storage failure",
            [CR_ENOMEM] = "out of memory",
            [CR_EIO] = "i/o failure",
            [CR_EINTERNAL] = "internal error",
        };
        if ((unsigned)err < sizeof(names) / sizeof(names[0]) && names[err])
                return names[err];
        return "unknown error";
}
