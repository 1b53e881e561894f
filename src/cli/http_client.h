/*
 * A small HTTP/1.1 client for the command line (the witness, remote log
 * audits, filings): plain http:// on a host and port, one request per
 * connection.  A request body can be streamed from a source and a
 * successful answer's body streamed to a sink, so a file of hundreds of
 * megabytes never has to be held in memory.  A client behind TLS talks to
 * the server through a local proxy (stunnel, nginx).
 */
#ifndef CR_HTTP_CLIENT_H
#define CR_HTTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define HTTP_CLIENT_BODY_MAX (1024 * 1024)

/*
 * Sends method to base_url + path with an optional JSON body and reads the
 * answer: *status and the body into out (initialised here; released by
 * the caller).  Fails with CR_EIO naming the URL when the connection or
 * the answer's framing fails.
 */
enum cr_err http_fetch(const char *base_url, const char *method, const char *path,
                       const char *json_body, int *status, struct buf *out, struct cr_error *e);

/*
 * Gives the next piece of a request body: at most size bytes into data,
 * their number in *got.  Giving 0 bytes before the body's announced length
 * has come is an error; a source that fails returns its error.
 */
typedef enum cr_err http_source_fn(void *ctx, char *data, size_t size, size_t *got,
                                   struct cr_error *e);

/* Takes the next piece of a successful answer's body; an error stops the exchange. */
typedef enum cr_err http_sink_fn(void *ctx, const char *data, size_t len, struct cr_error *e);

/* One request and what to do with its answer.  Unset fields (zero, NULL) take the defaults. */
struct http_call {
        const char *method;       /* "GET", "POST" */
        const char *path;         /* the path and query, already percent-encoded */
        const char *bearer;       /* an API token sent as "Authorization: Bearer", or NULL */
        const char *content_type; /* of the request body; NULL when there is none */
        uint64_t body_len;        /* the request body's length, sent as Content-Length */
        http_source_fn *source;   /* called until body_len bytes have come */
        void *source_ctx;
        http_sink_fn *sink; /* receives a 2xx answer's body; NULL keeps it in out */
        void *sink_ctx;
        size_t answer_max;   /* the most of an answer's body kept in out; 0: HTTP_CLIENT_BODY_MAX */
        int timeout_seconds; /* for each read or write on the connection; 0: 30 */
};

/*
 * Makes the call to base_url (http://HOST[:PORT]): *status, and the answer's
 * body in out (initialised here; released by the caller), unless the status
 * is 2xx and the call has a sink.  A body that ends before its
 * Content-Length fails with CR_EIO, so a cut download is never taken for a
 * whole one.  When the server answers and closes before the whole request
 * body is sent (a refusal), that answer is returned.
 */
enum cr_err http_call_run(const char *base_url, const struct http_call *call, int *status,
                          struct buf *out, struct cr_error *e);

#endif
