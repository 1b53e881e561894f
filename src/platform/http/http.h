/*
 * What handlers see of HTTP: the request (method, path parameters, query,
 * validated body, caller, store) and the response they fill in.  Only
 * server.c includes microhttpd.h; handlers reach the connection through the
 * accessors declared here.
 */
#ifndef CR_HTTP_H
#define CR_HTTP_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "crypto/crypto.h"
#include "kernel/role.h"
#include "registry/throttle.h"
#include "platform/store/store.h"
#include "kernel/store.h"

#define HTTP_MAX_PARAMS 4

struct route;
struct server;

struct http_request {
        const char *method;
        const char *path;
        char *params[HTTP_MAX_PARAMS]; /* path parameters in pattern order */
        json_t *body;                  /* the validated JSON object, or NULL */
        const char *raw;               /* the raw body (CSV routes) */
        size_t raw_len;
        struct caller caller;
        const char *session_cookie; /* set when the caller came by console cookie */
        char csrf[48];              /* that session's CSRF token, or "" */
        struct store *store;
        struct server *server;
        const struct route *route;
        void *conn; /* the libmicrohttpd connection, for the accessors below */
        struct cr_error err;
};

struct http_response {
        int status;
        json_t *json; /* owned; rendered as application/json */
        char *body;   /* owned raw body, used when json is NULL */
        size_t body_len;
        const char *content_type; /* for body */
        char set_cookie[256];
        int public_cache;  /* a public read: ETag and Cache-Control: public */
        int immutable;     /* never changes (a full log tile): cached for a year */
        char etag[24];     /* the ETag when already known (a cached answer), else "" */
        char filename[96]; /* a download's file name (ASCII, no quotes), else "" */
};

typedef enum cr_err (*handler_fn)(struct http_request *rq, struct http_response *rs);

/* A query parameter's value, or NULL. */
const char *http_query(struct http_request *rq, const char *name);
/* A request header's value, or NULL. */
const char *http_header(struct http_request *rq, const char *name);

/* The server's shared state that handlers may use. */
const struct config *server_config(struct server *srv);
struct throttle *server_throttle(struct server *srv);
/* The SM2 keys that sign certificate documents and log checkpoints. */
struct sm2_keyring *server_keyring(struct server *srv);
/* The keys that seal buyers' personal data, and the directory uploads spool to. */
struct fieldcrypt *server_data_keys(struct server *srv);
const char *server_spool_dir(struct server *srv);
/* The transparency log's origin line. */
const char *server_log_origin(struct server *srv);
/* Prometheus text of the server's counters, appended to out. */
enum cr_err server_metrics_text(struct server *srv, struct buf *out);

/* Parses ?limit= (1..200, default 50); on error fills rq->err and returns its code. */
enum cr_err http_query_limit(struct http_request *rq, int *limit);
/* Parses ?cursor= (a positive id or absent = 0). */
enum cr_err http_query_cursor(struct http_request *rq, int64_t *cursor);
/* Sets rs to {"items": items, "next_cursor": ...}. Takes ownership of items. */
void http_page(struct http_response *rs, json_t *items, int64_t next);
/* http_page when err is CR_OK; otherwise frees items and returns err. */
enum cr_err http_page_or_fail(struct http_response *rs, json_t *items, int64_t next,
                              enum cr_err err);
/* Reads ?limit and ?cursor into a record query. */
enum cr_err http_paging(struct http_request *rq, struct record_query *q);
/* Path parameter i as a positive id; not_found naming what otherwise. */
enum cr_err http_path_id(struct http_request *rq, int i, const char *what, int64_t *out);

#endif
