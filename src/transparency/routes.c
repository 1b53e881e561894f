/* Handlers of the transparency log: checkpoint, key, tiles, entries and receipts. */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "platform/http/http.h"
#include "core/parse.h"
#include "transparency/transparency.h"
#include "transparency/transparency_int.h"

#define TILE_PATH_MAX 300

/* Moves a buffer's bytes into the response. */
static void body_from_buf(struct http_response *rs, struct buf *b, const char *content_type)
{
        rs->body = buf_detach(b, &rs->body_len);
        rs->content_type = content_type;
}

enum cr_err h_log_checkpoint(struct http_request *rq, struct http_response *rs)
{
        enum cr_err err = log_checkpoint(rq->store, &rs->body, &rq->err);

        if (!err) {
                rs->body_len = strlen(rs->body);
                rs->content_type = "text/plain; charset=utf-8";
        }
        return err;
}

enum cr_err h_log_key(struct http_request *rq, struct http_response *rs)
{
        struct buf b;
        enum cr_err err;

        char origin[LOG_ORIGIN_MAX];

        buf_init(&b, 4096);
        err = log_origin(rq->store, server_log_origin(rq->server), origin, &rq->err);
        if (!err)
                err = log_vkey(server_keyring(rq->server), origin, &b, &rq->err);
        if (!err && buf_puts(&b, "\n"))
                err = cr_fail(&rq->err, CR_ENOMEM, "internal", NULL, "out of memory");
        if (!err)
                body_from_buf(rs, &b, "text/plain; charset=utf-8");
        buf_release(&b);
        return err;
}

enum cr_err h_log_tile(struct http_request *rq, struct http_response *rs)
{
        struct buf b;
        int immutable = 0;
        enum cr_err err;

        char path[TILE_PATH_MAX];

        /* The route takes the rest of the path after /log/; tile paths begin with "tile/". */
        if ((size_t)snprintf(path, sizeof(path), "tile/%s", rq->params[0]) >= sizeof(path))
                return cr_fail(&rq->err, CR_ENOTFOUND, "not_found", NULL, "no such tile");
        buf_init(&b, 2 * 1024 * 1024);
        err = log_tile(rq->store, path, &b, &immutable, &rq->err);
        if (!err) {
                body_from_buf(rs, &b, "application/octet-stream");
                rs->immutable = immutable;
        }
        buf_release(&b);
        return err;
}

static enum cr_err index_param(struct http_request *rq, const char *text, int64_t *out)
{
        if (!text || parse_int64(text, strlen(text), 0, INT64_MAX, out) != 0)
                return cr_fail(&rq->err, CR_EINVAL, "invalid_value", "index",
                               "index must be a log index, a whole number from 0");
        return CR_OK;
}

enum cr_err h_log_entry(struct http_request *rq, struct http_response *rs)
{
        struct buf b;
        int64_t index;
        enum cr_err err = index_param(rq, rq->params[0], &index);

        if (err)
                return cr_fail(&rq->err, CR_ENOTFOUND, "not_found", NULL, "no log entry %s",
                               rq->params[0]);
        buf_init(&b, 64 * 1024);
        err = log_entry(rq->store, index, &b, &rq->err);
        if (!err)
                body_from_buf(rs, &b, "application/json; charset=utf-8");
        buf_release(&b);
        return err;
}

enum cr_err h_log_receipt(struct http_request *rq, struct http_response *rs)
{
        struct buf b;
        int64_t index;
        enum cr_err err = index_param(rq, http_query(rq, "index"), &index);

        if (err)
                return err;
        buf_init(&b, 64 * 1024);
        err = log_receipt(rq->store, index, &b, &rq->err);
        if (!err)
                body_from_buf(rs, &b, "text/plain; charset=utf-8");
        buf_release(&b);
        return err;
}

enum cr_err h_log_status(struct http_request *rq, struct http_response *rs)
{
        struct buf key;
        char *note = NULL;
        int64_t entries = 0, size = 0;
        enum cr_err err;

        char origin[LOG_ORIGIN_MAX];

        buf_init(&key, 4096);
        err = log_origin(rq->store, server_log_origin(rq->server), origin, &rq->err);
        if (!err)
                err = log_vkey(server_keyring(rq->server), origin, &key, &rq->err);
        if (!err)
                err = log_head(rq->store, &entries, &size, &note, &rq->err);
        if (!err && buf_append(&key, "", 1))
                err = cr_fail(&rq->err, CR_ENOMEM, "internal", NULL, "out of memory");
        if (!err)
                rs->json = json_pack("{s:s, s:I, s:I, s:o, s:s}", "origin", origin, "entries",
                                     (json_int_t)entries, "size", (json_int_t)size, "checkpoint",
                                     note ? json_string(note) : json_null(), "key", key.data);
        free(note);
        buf_release(&key);
        return err;
}

enum cr_err h_log_consistency(struct http_request *rq, struct http_response *rs)
{
        int64_t from, to;
        enum cr_err err = index_param(rq, http_query(rq, "from"), &from);

        if (!err)
                err = index_param(rq, http_query(rq, "to"), &to);
        return err ? err : log_consistency(rq->store, from, to, &rs->json, &rq->err);
}

enum cr_err h_log_witnesses(struct http_request *rq, struct http_response *rs)
{
        return log_witnesses_json(rq->store, &rs->json, &rq->err);
}

/* A registered witness sends its cosignature line; the signature is its authentication. */
enum cr_err h_log_cosign(struct http_request *rq, struct http_response *rs)
{
        int64_t size = json_integer_value(json_object_get(rq->body, "size"));
        const char *line = json_string_value(json_object_get(rq->body, "cosignature"));
        enum cr_err err = log_cosignature_add(rq->store, rq->caller.clock, size, line, &rq->err);

        if (!err)
                rs->json = json_pack("{s:I, s:s}", "size", (json_int_t)size, "cosignature", line);
        return err;
}
