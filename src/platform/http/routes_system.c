/* Handlers for operations routes and the public list of bureaus. */
#include <string.h>

#include "platform/http/http.h"
#include "core/buf.h"
#include "kernel/bureau.h"
#include "platform/http/system_int.h"
#include "platform/http/route.h"

enum cr_err h_healthz(struct http_request *rq, struct http_response *rs)
{
        int version = store_schema_version(rq->store);

        if (version <= 0)
                return cr_fail(&rq->err, CR_ESTORE, "internal", NULL,
                               "the database does not answer");
        rs->json = json_pack("{s:s}", "status", "ok");
        return CR_OK;
}

enum cr_err h_metrics(struct http_request *rq, struct http_response *rs)
{
        struct buf out;
        enum cr_err err;

        buf_init(&out, 1024 * 1024);
        err = server_metrics_text(rq->server, &out);
        if (err) {
                buf_release(&out);
                return cr_fail(&rq->err, err, "internal", NULL, "metrics do not fit");
        }
        rs->body = buf_detach(&out, &rs->body_len);
        rs->content_type = "text/plain; version=0.0.4; charset=utf-8";
        return CR_OK;
}

enum cr_err h_openapi(struct http_request *rq, struct http_response *rs)
{
        rs->json = openapi_document();
        return CR_OK;
}

