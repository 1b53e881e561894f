/* Mapping errors to HTTP statuses and RFC 9457 problem bodies. */
#include "platform/http/problem.h"

#include <stdio.h>
#include <string.h>


static const struct {
        enum cr_err err;
        int status;
        const char *title;
} status_table[] = {
    {CR_EINVAL, 422, "The request is not valid"},
    {CR_ENOTFOUND, 404, "Not found"},
    {CR_ECONFLICT, 409, "Conflict"},
    {CR_EFORBIDDEN, 403, "Forbidden"},
    {CR_EUNAUTH, 401, "Sign-in required"},
    {CR_ECSRF, 403, "Missing or wrong CSRF token"},
    {CR_ETOOMANY, 429, "Too many requests"},
    {CR_ETOOLARGE, 413, "Request too large"},
    {CR_ESTORE, 500, "Internal error"},
    {CR_ENOMEM, 503, "Out of memory"},
    {CR_EIO, 500, "Internal error"},
    {CR_EINTERNAL, 500, "Internal error"},
};

/* Codes whose status differs from their error value's. */
static const struct {
        const char *code;
        int status;
} code_table[] = {
    {"malformed_json", 400},         {"bad_request", 400},    {"method_not_allowed", 405},
    {"unsupported_media_type", 415}, {"not_acceptable", 406},
};

int problem_status(const struct cr_error *e)
{
        if (e->code)
                for (size_t i = 0; i < sizeof(code_table) / sizeof(code_table[0]); i++)
                        if (strcmp(code_table[i].code, e->code) == 0)
                                return code_table[i].status;
        for (size_t i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
                if (status_table[i].err == e->err)
                        return status_table[i].status;
        return 500;
}

static const char *title_for(const struct cr_error *e, int status)
{
        if (status == 400)
                return "Bad request";
        if (status == 405)
                return "Method not allowed";
        if (status == 415)
                return "Unsupported media type";
        for (size_t i = 0; i < sizeof(status_table) / sizeof(status_table[0]); i++)
                if (status_table[i].err == e->err)
                        return status_table[i].title;
        return "Error";
}

json_t *problem_json(const struct cr_error *e, int status, const char *instance)
{
        const char *code = e->code ? e->code : (status >= 500 ? "internal" : "bad_request");
        const char *detail = e->detail;
        json_t *p;
        char type[96];

        /* Server-side failures are logged in full; the client learns only that one happened. */
        if (status >= 500)
                detail = "the server could not complete the request; the failure is logged";
        snprintf(type, sizeof(type), "/problems/%s", code);
        p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", type, "title", title_for(e, status),
                      "status", status, "code", code, "detail", detail, "instance",
                      instance ? instance : "");
        if (e->field[0] && status < 500)
                json_object_set_new(
                    p, "errors",
                    json_pack("[{s:s, s:s}]", "field", e->field, "message", e->detail));
        if (e->rows && status < 500)
                json_object_set_new(p, "rows", json_incref(e->rows));
        if (e->rule && status < 500)
                json_object_set_new(p, "rule", json_incref(e->rule));
        return p;
}
