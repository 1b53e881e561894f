/*
 * The route table: every route's method, path pattern, allowed roles, body
 * schema and handler, declared once.  The router, the authorisation check,
 * input validation and the OpenAPI document are all driven by it.
 */
#ifndef CR_ROUTES_H
#define CR_ROUTES_H

#include <stddef.h>
#include <stdint.h>

#include "platform/http/http.h"

enum field_type {
        FT_STRING,         /* a JSON string */
        FT_STRING_OR_NULL, /* a JSON string or null */
        FT_ENUM_ARRAY,     /* an array of strings from enum_values */
        FT_ENUM,           /* a string from enum_values */
        FT_INTEGER,        /* a JSON integer in [min_chars, max_chars] */
        FT_ARRAY,          /* an array of max_chars items at most; the domain checks the items */
        FT_OBJECT,         /* an object; the domain checks its members */
};

struct field_schema {
        const char *name;
        enum field_type type;
        int required;
        long min_chars, max_chars;      /* for strings; max_items for arrays */
        const char *const *enum_values; /* NULL-terminated */
        const char *description;
};

struct query_param {
        const char *name;
        const char *description;
};

enum body_kind { BODY_NONE, BODY_JSON, BODY_CSV, BODY_PDF, BODY_STREAM };

/*
 * A route whose body is read as a stream (BODY_STREAM): the caller is
 * authenticated and authorised as soon as the headers arrive, open prepares
 * the handler's context, data takes each piece of the body as it comes,
 * and finish answers once it has all come.  drop frees the context in every
 * case, after finish or instead of it.  The store is available to open and
 * finish only: no database connection is held while the client sends.
 */
struct body_stream {
        enum cr_err (*open)(struct http_request *rq, void **ctx);
        enum cr_err (*data)(void *ctx, const char *data, size_t len, struct cr_error *e);
        enum cr_err (*finish)(void *ctx, struct http_request *rq, struct http_response *rs);
        void (*drop)(void *ctx);
};

struct route {
        const char *method;
        const char *pattern; /* "/api/v1/registry/enterprises/{uscc}" */
        unsigned roles;      /* ROLE_BIT()s allowed */
        enum body_kind body;
        const struct field_schema *fields; /* for BODY_JSON, terminated by a NULL name */
        const struct query_param *query;   /* terminated by a NULL name */
        handler_fn handler;
        int ok_status;
        int public_cache; /* GET whose answer is the same for everyone */
        const char *tag;
        const char *summary;
        const char *response;             /* the OpenAPI component of the success body, or NULL */
        const struct body_stream *stream; /* for BODY_STREAM */
};

/* Shorthands for route tables' role sets. */
#define ADMIN   ROLE_BIT(ROLE_NATIONAL_ADMIN)
#define OFFICER ROLE_BIT(ROLE_BUREAU_OFFICER)
#define INSPECT ROLE_BIT(ROLE_INSPECTOR)
#define ENTUSER ROLE_BIT(ROLE_ENTERPRISE_USER)
#define PUBLIC  ROLES_ANY
#define SIGNED  ROLES_SIGNED

/*
 * Every route of every capability (src/capabilities.c), in one order that
 * holds for the life of the process: route_at(i) for i < route_count().
 */
size_t route_count(void);
const struct route *route_at(size_t i);
/* The position of r in that order (route_count() for NULL). */
size_t route_index(const struct route *r);

#define JSON_BODY_MAX   (1024 * 1024)
#define CSV_BODY_MAX    (16 * 1024 * 1024)
#define PDF_BODY_MAX    (10 * 1024 * 1024)
#define STREAM_BODY_MAX ((uint64_t)512 * 1024 * 1024) /* a sales filing file */

/*
 * Finds the route for method and path.  Returns it and fills params
 * (malloc'd copies the caller frees); NULL with *path_known set when the
 * path exists under another method.
 */
const struct route *router_match(const char *method, const char *path,
                                 char *params[HTTP_MAX_PARAMS], int *path_known, char *allow,
                                 size_t allow_size);

/* Validates a JSON body against a route's fields; on failure fills e naming the field. */
enum cr_err schema_validate(const struct field_schema *fields, json_t *body, struct cr_error *e);

/* The OpenAPI 3.1 document for the route table. */
json_t *openapi_document(void);

#endif
