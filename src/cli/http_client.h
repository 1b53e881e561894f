/*
 * A small HTTP/1.1 client for the witness: plain http:// on a host and
 * port, one request per connection, bodies up to a bound.  A witness
 * behind TLS talks to the log through a local proxy (stunnel, nginx).
 */
#ifndef CR_HTTP_CLIENT_H
#define CR_HTTP_CLIENT_H

#include <stddef.h>

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

#endif
