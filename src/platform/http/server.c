/*
 * The HTTP server: receives requests through libmicrohttpd, enforces body
 * limits, authenticates, checks CSRF and the route's roles, validates the
 * body against the route's schema, calls the handler, renders JSON or an RFC
 * 9457 problem, and writes one JSON log line per request.  This is the only
 * file that includes microhttpd.h.
 */
#include "platform/http/server.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/diag.h"
#include "core/parse.h"
#include "core/timeutil.h"
#include "core/clock.h"
#include "platform/capability.h"
#include "platform/jobs/jobs.h"
#include "registry/user.h"
#include "platform/http/cache.h"
#include "platform/http/metrics.h"
#include "platform/http/problem.h"
#include "platform/http/route.h"
#include "platform/http/static_files.h"
#include "kernel/store.h"

#define CONNECTION_TIMEOUT_SECONDS 30
#define CONNECTION_LIMIT           1000
#define DISCARD_LIMIT              (64u * 1024 * 1024)

struct server {
        struct config cfg;
        struct store_pool *pool;
        struct throttle *throttle;
        struct metrics *metrics;
        struct MHD_Daemon *daemon;
        struct sm2_keyring *keyring;
        struct fieldcrypt *data_keys; /* seal buyers' personal data (docs/crypto.md) */
        char spool_dir[1100];         /* where uploads are spooled: the database's directory */
        struct resp_cache *cache;
        char log_origin[LOG_ORIGIN_MAX];
        struct jobs *jobs;              /* the capabilities' background jobs */
        const struct clock *clock;      /* the wall clock: the server is an entry point */
        authenticate_fn authenticate; /* the registry's, found in the capability list */
        char public_url[512];
        int port;
};

/* What one request accumulates between libmicrohttpd's calls. */
struct request_state {
        double started;
        const struct route *route;
        char *params[HTTP_MAX_PARAMS];
        int path_known;
        char allow[64];
        struct buf body;
        int too_large;
        uint64_t received;
        /* A streamed body (BODY_STREAM): admitted when the headers came. */
        int admitted;               /* 1 once the caller was checked and the handler opened */
        void *stream_ctx;           /* the handler's context, or NULL */
        struct caller caller;       /* who was admitted */
        struct cr_error stream_err; /* why the stream was refused or failed */
        int stream_failed;
};

const struct config *server_config(struct server *srv)
{
        return &srv->cfg;
}

struct sm2_keyring *server_keyring(struct server *srv)
{
        return srv->keyring;
}

struct fieldcrypt *server_data_keys(struct server *srv)
{
        return srv->data_keys;
}

const char *server_spool_dir(struct server *srv)
{
        return srv->spool_dir;
}

const char *server_log_origin(struct server *srv)
{
        return srv->log_origin;
}

struct throttle *server_throttle(struct server *srv)
{
        return srv->throttle;
}

enum cr_err server_metrics_text(struct server *srv, struct buf *out)
{
        return metrics_text(srv->metrics, out);
}

const char *http_query(struct http_request *rq, const char *name)
{
        return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(struct http_request *rq, const char *name)
{
        return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

enum cr_err http_query_limit(struct http_request *rq, int *limit)
{
        const char *v = http_query(rq, "limit");
        int64_t n;

        *limit = 0;
        if (!v)
                return CR_OK;
        if (parse_int64(v, strlen(v), 1, 200, &n) != 0)
                return cr_fail(&rq->err, CR_EINVAL, "invalid_value", "limit",
                               "limit must be a whole number from 1 to 200");
        *limit = (int)n;
        return CR_OK;
}

enum cr_err http_query_cursor(struct http_request *rq, int64_t *cursor)
{
        const char *v = http_query(rq, "cursor");

        *cursor = 0;
        if (!v || !*v)
                return CR_OK;
        if (parse_int64(v, strlen(v), 1, INT64_MAX, cursor) != 0)
                return cr_fail(&rq->err, CR_EINVAL, "invalid_value", "cursor",
                               "cursor must be the next_cursor of a previous page");
        return CR_OK;
}

void http_page(struct http_response *rs, json_t *items, int64_t next)
{
        char cursor[24];

        snprintf(cursor, sizeof(cursor), "%lld", (long long)next);
        rs->json = json_pack("{s:o, s:o}", "items", items, "next_cursor",
                             next ? json_string(cursor) : json_null());
}

enum cr_err http_page_or_fail(struct http_response *rs, json_t *items, int64_t next,
                              enum cr_err err)
{
        if (err) {
                json_decref(items);
                return err;
        }
        http_page(rs, items, next);
        return CR_OK;
}

enum cr_err http_paging(struct http_request *rq, struct record_query *q)
{
        enum cr_err err = http_query_limit(rq, &q->limit);

        return err ? err : http_query_cursor(rq, &q->after_id);
}

enum cr_err http_path_id(struct http_request *rq, int i, const char *what, int64_t *out)
{
        const char *p = rq->params[i];

        if (parse_int64(p, strlen(p), 1, INT64_MAX, out) != 0)
                return cr_fail(&rq->err, CR_ENOTFOUND, "not_found", NULL, "no %s %s", what, p);
        return CR_OK;
}

/* The client's address as text. */
static void client_ip(struct MHD_Connection *conn, char *out, size_t size)
{
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

        str_copy(out, size, "unknown");
        if (!ci || !ci->client_addr)
                return;
        if (ci->client_addr->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, out,
                          (socklen_t)size);
        else if (ci->client_addr->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out,
                          (socklen_t)size);
}

/* Compares two secrets in time that does not depend on where they differ. */
static int secret_equal(const char *a, const char *b)
{
        size_t la = strlen(a), lb = strlen(b);
        unsigned char d = (unsigned char)(la != lb);

        for (size_t i = 0; i < la && i < lb; i++)
                d |= (unsigned char)(a[i] ^ b[i]);
        return d == 0;
}

static int is_safe_method(const char *m)
{
        return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* Identifies the caller: a bearer token, else a console cookie, else the public. */
static enum cr_err authenticate(struct http_request *rq, const char *ip)
{
        const char *authz = http_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
        const char *cookie = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, "cr_session");
        struct user u;
        enum cr_err err;

        memset(&rq->caller, 0, sizeof(rq->caller));
        rq->caller.role = ROLE_PUBLIC;
        rq->caller.clock = rq->server->clock;
        str_copy(rq->caller.username, sizeof(rq->caller.username), "public");
        str_copy(rq->caller.ip, sizeof(rq->caller.ip), ip);
        rq->csrf[0] = '\0';
        if (authz) {
                if (strncmp(authz, "Bearer ", 7) != 0 || strlen(authz) > 200)
                        return cr_fail(&rq->err, CR_EUNAUTH, "unauthenticated", NULL,
                                       "the Authorization header must be \"Bearer <token>\"");
                err = rq->server->authenticate(rq->store, rq->server->clock, authz + 7, NULL, &u,
                                               rq->csrf, &rq->err);
                if (err)
                        return err;
                caller_from_user(&rq->caller, &u, ip);
                rq->caller.clock = rq->server->clock;
                return CR_OK;
        }
        if (cookie && *cookie && strlen(cookie) < 200) {
                err = rq->server->authenticate(rq->store, rq->server->clock, NULL, cookie, &u,
                                               rq->csrf, &rq->err);
                if (err == CR_EUNAUTH) {
                        /* A stale cookie makes the request anonymous, not an error. */
                        cr_error_clear(&rq->err);
                        return CR_OK;
                }
                if (err)
                        return err;
                caller_from_user(&rq->caller, &u, ip);
                rq->caller.clock = rq->server->clock;
                rq->session_cookie = cookie;
        }
        return CR_OK;
}

/* Authenticates the caller, checks a console session's CSRF token, and the route's roles. */
static enum cr_err admit(struct http_request *rq, const char *ip, const char *method)
{
        enum cr_err err = authenticate(rq, ip);

        if (!err && rq->session_cookie && !is_safe_method(method)) {
                const char *token = http_header(rq, "X-CSRF-Token");
                if (!token || !secret_equal(token, rq->csrf))
                        err = cr_fail(&rq->err, CR_ECSRF, "csrf", NULL,
                                      "a signed-in console request that changes something needs "
                                      "the X-CSRF-Token header from the session");
        }
        if (!err && !(rq->route->roles & ROLE_BIT(rq->caller.role))) {
                if (rq->caller.role == ROLE_PUBLIC)
                        err = cr_fail(&rq->err, CR_EUNAUTH, "unauthenticated", NULL,
                                      "sign in to use %s %s", method, rq->route->pattern);
                else
                        err = cr_fail(&rq->err, CR_EFORBIDDEN, "forbidden", NULL,
                                      "the role %s may not use %s %s", role_name(rq->caller.role),
                                      method, rq->route->pattern);
        }
        return err;
}

/* The request as handlers see it, before authentication: the caller is the public. */
static void request_init(struct http_request *rq, struct server *srv, struct MHD_Connection *conn,
                         const char *url, const char *method, const struct request_state *st,
                         char *ip, size_t ipsize)
{
        memset(rq, 0, sizeof(*rq));
        rq->method = method;
        rq->path = url;
        rq->conn = conn;
        rq->server = srv;
        rq->route = st->route;
        memcpy(rq->params, st->params, sizeof(rq->params));
        client_ip(conn, ip, ipsize);
        str_copy(rq->caller.username, sizeof(rq->caller.username), "public");
}

/*
 * Admits a streamed body's request when its headers arrive: the caller is
 * checked, and the handler opened, before a byte of the body is read, so a
 * refused upload is answered without being stored anywhere.
 */
static void stream_admit(struct server *srv, struct MHD_Connection *conn, const char *url,
                         const char *method, struct request_state *st)
{
        struct http_request rq;
        char ip[64];
        enum cr_err err;

        request_init(&rq, srv, conn, url, method, st, ip, sizeof(ip));
        rq.store = store_pool_acquire(srv->pool);
        err = admit(&rq, ip, method);
        if (!err)
                err = st->route->stream->open(&rq, &st->stream_ctx);
        store_pool_release(srv->pool, rq.store);
        st->caller = rq.caller;
        st->admitted = 1;
        if (err) {
                if (!rq.err.err)
                        rq.err.err = err;
                st->stream_err = rq.err;
                st->stream_failed = 1;
        }
}

/* Parses and validates the body the route declares. */
static int has_required_field(const struct field_schema *fields)
{
        for (const struct field_schema *f = fields; f && f->name; f++)
                if (f->required)
                        return 1;
        return 0;
}

static enum cr_err read_body(struct http_request *rq, struct request_state *st)
{
        const char *ctype = http_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
        const struct route *r = rq->route;
        json_error_t jerr;

        if (r->body == BODY_NONE) {
                if (st->body.len)
                        return cr_fail(&rq->err, CR_EINVAL, "bad_request", NULL,
                                       "%s %s takes no request body", r->method, r->pattern);
                return CR_OK;
        }
        if (r->body == BODY_CSV) {
                if (!ctype || strncmp(ctype, "text/csv", 8) != 0)
                        return cr_fail(&rq->err, CR_EINVAL, "unsupported_media_type", NULL,
                                       "send the file as Content-Type: text/csv");
                rq->raw = st->body.data ? st->body.data : "";
                rq->raw_len = st->body.len;
                return CR_OK;
        }
        if (r->body == BODY_PDF) {
                if (!ctype || strncmp(ctype, "application/pdf", 15) != 0)
                        return cr_fail(&rq->err, CR_EINVAL, "unsupported_media_type", NULL,
                                       "send the document as Content-Type: application/pdf");
                rq->raw = st->body.data ? st->body.data : "";
                rq->raw_len = st->body.len;
                return CR_OK;
        }
        /* An action whose fields are all optional may be sent without a body. */
        if (st->body.len == 0 && !ctype && !has_required_field(r->fields)) {
                rq->body = json_object();
                return rq->body ? CR_OK
                                : cr_fail(&rq->err, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        if (!ctype || strncmp(ctype, "application/json", 16) != 0)
                return cr_fail(&rq->err, CR_EINVAL, "unsupported_media_type", NULL,
                               "send the body as Content-Type: application/json");
        if (st->body.len == 0)
                return cr_fail(&rq->err, CR_EINVAL, "malformed_json", NULL,
                               "the request body is empty; a JSON object is expected");
        rq->body = json_loadb(st->body.data, st->body.len, JSON_REJECT_DUPLICATES, &jerr);
        if (!rq->body)
                return cr_fail(&rq->err, CR_EINVAL, "malformed_json", NULL,
                               "the body is not valid JSON: %s (line %d, column %d)", jerr.text,
                               jerr.line, jerr.column);
        return schema_validate(r->fields, rq->body, &rq->err);
}

static void add_common_headers(struct MHD_Response *resp)
{
        MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(resp, "X-Frame-Options", "DENY");
        MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
}

static uint64_t fnv1a64(const char *p, size_t n)
{
        uint64_t h = 1469598103934665603ull;

        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
        return h;
}

/* The ETag of an answer: a 64-bit FNV-1a of its bytes, quoted. */
static void answer_etag(const char *body, size_t len, char out[CACHE_ETAG_LEN])
{
        snprintf(out, CACHE_ETAG_LEN, "\"%016llx\"", (unsigned long long)fnv1a64(body, len));
}

/* Sends rs; returns the status actually sent. */
static int send_response(struct MHD_Connection *conn, struct http_request *rq,
                         struct http_response *rs, const char *allow)
{
        struct MHD_Response *resp;
        const char *ctype = rs->content_type;
        char *body = rs->body;
        size_t len = rs->body_len;
        int status = rs->status;
        char etag[CACHE_ETAG_LEN];

        if (rs->json) {
                body = json_dumps(rs->json, JSON_COMPACT | JSON_PRESERVE_ORDER);
                len = body ? strlen(body) : 0;
                if (!ctype)
                        ctype = "application/json; charset=utf-8";
        }
        rs->body = NULL;
        etag[0] = '\0';
        if (rs->public_cache && status == 200 && body) {
                const char *inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
                /* A cached answer brings the ETag computed when it was stored. */
                if (rs->etag[0])
                        memcpy(etag, rs->etag, sizeof(etag));
                else
                        answer_etag(body, len, etag);
                if (inm && strcmp(inm, etag) == 0) {
                        free(body);
                        body = NULL;
                        len = 0;
                        status = 304;
                }
        }
        if (status == 204 || status == 304) {
                free(body);
                body = NULL;
                len = 0;
        }
        resp = MHD_create_response_from_buffer(
            len, body ? body : (void *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        if (!resp) {
                free(body);
                return 500;
        }
        if (ctype && status != 204 && status != 304)
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
        add_common_headers(resp);
        if (etag[0]) {
                MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                                        rs->immutable ? "public, max-age=31536000, immutable"
                                                      : "public, max-age=60");
        } else {
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        }
        if (rs->set_cookie[0])
                MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rs->set_cookie);
        if (rs->filename[0]) {
                char disposition[160];
                snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"",
                         rs->filename);
                MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
        }
        if (allow && allow[0])
                MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
        MHD_queue_response(conn, (unsigned)status, resp);
        MHD_destroy_response(resp);
        return status;
}

static void set_problem(struct http_response *rs, struct http_request *rq, const char *url)
{
        int status = problem_status(&rq->err);

        if (status >= 500)
                diag_msg("error", "%s %s failed: %s (%s)", rq->method, url, rq->err.detail,
                        cr_err_name(rq->err.err));
        json_decref(rs->json);
        free(rs->body);
        rs->body = NULL;
        rs->status = status;
        rs->json = problem_json(&rq->err, status, url);
        rs->content_type = "application/problem+json";
        rs->public_cache = 0;
}

static int serve_static(struct server *srv, struct MHD_Connection *conn, const char *url)
{
        struct static_file f;
        struct MHD_Response *resp;

        if (static_file_open(srv->cfg.web_root, url, &f) != 0) {
                char location[600];
                /* "/console" means the folder: send the browser to "/console/". */
                if (!static_dir_has_index(srv->cfg.web_root, url))
                        return -1;
                snprintf(location, sizeof(location), "%s/", url);
                resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
                if (!resp)
                        return -1;
                MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, location);
                add_common_headers(resp);
                MHD_queue_response(conn, MHD_HTTP_PERMANENT_REDIRECT, resp);
                MHD_destroy_response(resp);
                return MHD_HTTP_PERMANENT_REDIRECT;
        }
        resp = MHD_create_response_from_fd((uint64_t)f.size, f.fd);
        if (!resp) {
                close(f.fd);
                return -1;
        }
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, f.content_type);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                "script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
        add_common_headers(resp);
        MHD_queue_response(conn, MHD_HTTP_OK, resp);
        MHD_destroy_response(resp);
        return 200;
}

static void log_request(struct server *srv, const char *method, const char *url, int status,
                        double ms, const char *user, const char *ip)
{
        if (!srv->cfg.log_requests)
                return;
        diag_request_line(method, url, status, ms, user, ip);
}

static enum MHD_Result add_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
        struct buf *b = cls;

        (void)kind;
        /* Length prefixes keep "q=a&b=c" and q="a&b=c" apart. */
        if (buf_printf(b, "%zu:%s%zu:%s", strlen(key), key, value ? strlen(value) : 0,
                       value ? value : "") != CR_OK)
                return MHD_NO;
        return MHD_YES;
}

/*
 * The cache key of a public answer: the Beijing date (answers such as a
 * certificate's status depend on it), the path and the query arguments.
 * Returns 0 when the key does not fit, and the request is then not cached.
 */
static int cache_key(struct server *srv, struct MHD_Connection *conn, const char *url,
                     struct buf *key)
{
        char today[DATE_LEN];

        clock_today(srv->clock, today);
        if (buf_printf(key, "%s\n%s\n", today, url) != CR_OK)
                return 0;
        return MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query_arg, key) >= 0 &&
               key->len < key->max;
}

/* Renders a JSON answer to bytes now, so that it can be cached. */
static void render_json(struct http_response *rs)
{
        char *body;

        if (!rs->json)
                return;
        body = json_dumps(rs->json, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!body)
                return;
        json_decref(rs->json);
        rs->json = NULL;
        free(rs->body);
        rs->body = body;
        rs->body_len = strlen(body);
        if (!rs->content_type)
                rs->content_type = "application/json; charset=utf-8";
}

static enum MHD_Result dispatch(struct server *srv, struct MHD_Connection *conn, const char *url,
                                const char *method, struct request_state *st)
{
        struct http_request rq;
        struct http_response rs;
        char ip[64];
        int status;
        enum cr_err err = CR_OK;
        size_t metric_slot = route_count();

        memset(&rs, 0, sizeof(rs));
        request_init(&rq, srv, conn, url, method, st, ip, sizeof(ip));
        _Static_assert(sizeof(rq.csrf) == SECRET_TOKEN_TEXT, "csrf buffer size");

        if (!st->route) {
                if (!st->path_known && strncmp(url, "/api/", 5) != 0 &&
                    (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)) {
                        status = serve_static(srv, conn, url);
                        if (status > 0) {
                                metrics_record(srv->metrics, route_count(), status,
                                               time_monotonic_ms() - st->started);
                                return MHD_YES;
                        }
                }
                if (st->path_known)
                        err = cr_fail(&rq.err, CR_EINVAL, "method_not_allowed", NULL,
                                      "%s is not allowed here; use %s", method, st->allow);
                else
                        err = cr_fail(&rq.err, CR_ENOTFOUND, "not_found", NULL,
                                      "there is nothing at %s", url);
        } else if (st->too_large) {
                err = cr_fail(&rq.err, CR_ETOOLARGE, "payload_too_large", NULL,
                              "the request body is larger than %zu bytes", st->body.max);
        }
        if (!err && st->route->body == BODY_STREAM) {
                /* Admitted, and the body handed over, as it came; now the answer. */
                metric_slot = route_index(st->route);
                rq.caller = st->caller;
                if (st->stream_failed) {
                        rq.err = st->stream_err;
                        memset(&st->stream_err, 0, sizeof(st->stream_err));
                        err = rq.err.err ? rq.err.err : CR_EINTERNAL;
                } else {
                        rq.store = store_pool_acquire(srv->pool);
                        rs.status = st->route->ok_status;
                        err = st->route->stream->finish(st->stream_ctx, &rq, &rs);
                }
        } else if (!err) {
                metric_slot = route_index(st->route);
                rq.store = store_pool_acquire(srv->pool);
                err = admit(&rq, ip, method);
                if (!err)
                        err = read_body(&rq, st);
        }
        if (!err && st->route->body != BODY_STREAM) {
                rs.status = st->route->ok_status;
                rs.public_cache = st->route->public_cache;
                if (rs.public_cache && srv->cfg.answer_cache && is_safe_method(method)) {
                        /* The generation is read before the data, so a change made meanwhile
                         * can only make the cached copy look older than it is. */
                        struct buf key;
                        struct cached_answer a;
                        uint64_t gen = 0;
                        buf_init(&key, 4096);
                        memset(&a, 0, sizeof(a));
                        if (!cache_key(srv, conn, url, &key)) {
                                err = st->route->handler(&rq, &rs);
                        } else if (resp_cache_get(srv->cache, key.data, key.len, 0, &a) ||
                                   resp_cache_get(srv->cache, key.data, key.len,
                                                  gen = store_generation(rq.store), &a)) {
                                /* Immutable answers (full log tiles) need no look at the data. */
                                rs.body = a.body;
                                rs.body_len = a.len;
                                rs.content_type = a.content_type;
                                rs.immutable = a.immutable;
                                memcpy(rs.etag, a.etag, sizeof(rs.etag));
                        } else {
                                err = st->route->handler(&rq, &rs);
                                if (!err && rs.status == 200) {
                                        render_json(&rs);
                                        if (rs.body && rs.content_type) {
                                                a.body = rs.body;
                                                a.len = rs.body_len;
                                                a.content_type = rs.content_type;
                                                a.immutable = rs.immutable;
                                                answer_etag(rs.body, rs.body_len, a.etag);
                                                memcpy(rs.etag, a.etag, sizeof(rs.etag));
                                                resp_cache_put(srv->cache, key.data, key.len, gen,
                                                               &a);
                                        }
                                }
                        }
                        buf_release(&key);
                } else {
                        err = st->route->handler(&rq, &rs);
                }
        }
        if (err)
                set_problem(&rs, &rq, url);
        if (rq.store)
                store_pool_release(srv->pool, rq.store);
        status = send_response(conn, &rq, &rs, err ? st->allow : NULL);
        log_request(srv, method, url, status, time_monotonic_ms() - st->started, rq.caller.username,
                    ip);
        metrics_record(srv->metrics, metric_slot, status, time_monotonic_ms() - st->started);
        json_decref(rs.json);
        free(rs.body);
        json_decref(rq.body);
        cr_error_clear(&rq.err);
        return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
        struct server *srv = cls;
        struct request_state *st = *con_cls;

        if (!st) {
                const char *length;
                size_t max;
                const char *match_method = strcmp(method, "HEAD") == 0 ? "GET" : method;

                st = calloc(1, sizeof(*st));
                if (!st)
                        return MHD_NO;
                st->started = time_monotonic_ms();
                st->route = router_match(match_method, url, st->params, &st->path_known, st->allow,
                                         sizeof(st->allow));
                max = !st->route                       ? JSON_BODY_MAX
                      : st->route->body == BODY_CSV    ? CSV_BODY_MAX
                      : st->route->body == BODY_PDF    ? PDF_BODY_MAX
                      : st->route->body == BODY_STREAM ? STREAM_BODY_MAX
                                                       : JSON_BODY_MAX;
                buf_init(&st->body, max);
                length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
                *con_cls = st;
                if (length) {
                        int64_t n;
                        int bad = parse_int64(length, strlen(length), 0, INT64_MAX, &n) != 0;
                        if (bad || (uint64_t)n > max)
                                st->too_large = 1;
                        /* Too large even to drop politely: answer now and close. */
                        if (bad || (uint64_t)n > (st->route && st->route->body == BODY_STREAM
                                                      ? STREAM_BODY_MAX
                                                      : DISCARD_LIMIT))
                                return dispatch(srv, conn, url, method, st);
                }
                if (st->route && st->route->body == BODY_STREAM && !st->too_large)
                        stream_admit(srv, conn, url, method, st);
                return MHD_YES;
        }
        if (*upload_size && st->route && st->route->body == BODY_STREAM) {
                st->received += *upload_size;
                if (st->received > STREAM_BODY_MAX)
                        st->too_large = 1;
                if (!st->too_large && !st->stream_failed && st->stream_ctx) {
                        if (st->route->stream->data(st->stream_ctx, upload_data, *upload_size,
                                                    &st->stream_err) != CR_OK)
                                st->stream_failed = 1;
                } else if (st->received > DISCARD_LIMIT &&
                           (st->stream_failed || st->too_large || !st->admitted)) {
                        /* A refused upload is read only so far before the connection closes. */
                        return MHD_NO;
                }
                *upload_size = 0;
                return MHD_YES;
        }
        if (*upload_size) {
                /*
                 * An oversize body is read and dropped, so that the client, which
                 * may still be sending, receives the 413; past a hard limit the
                 * connection is simply closed.
                 */
                st->received += *upload_size;
                if (st->received > DISCARD_LIMIT)
                        return MHD_NO;
                if (!st->too_large && buf_append(&st->body, upload_data, *upload_size) != CR_OK) {
                        st->too_large = 1;
                        buf_release(&st->body);
                }
                *upload_size = 0;
                return MHD_YES;
        }
        if (st->too_large && st->route == NULL && !st->path_known)
                st->too_large = 0; /* not found wins over too large for unknown paths */
        return dispatch(srv, conn, url, method, st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
        struct request_state *st = *con_cls;

        if (!st)
                return;
        for (int i = 0; i < HTTP_MAX_PARAMS; i++)
                free(st->params[i]);
        if (st->stream_ctx)
                st->route->stream->drop(st->stream_ctx);
        cr_error_clear(&st->stream_err);
        buf_release(&st->body);
        free(st);
        *con_cls = NULL;
}

/* Parses "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6). */
static enum cr_err parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
                                struct cr_error *e)
{
        char host[128];
        const char *colon = strrchr(listen, ':');
        int64_t port;

        memset(ss, 0, sizeof(*ss));
        if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(host) ||
            parse_int64(colon + 1, strlen(colon + 1), 0, 65535, &port) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", "listen",
                               "listen must be ADDR:PORT, such as 127.0.0.1:8080, not \"%s\"",
                               listen);
        memcpy(host, listen, (size_t)(colon - listen));
        host[colon - listen] = '\0';
        if (host[0] == '[') {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
                size_t hl = strlen(host);
                if (hl < 3 || host[hl - 1] != ']')
                        return cr_fail(e, CR_EINVAL, "invalid_value", "listen",
                                       "an IPv6 listen address is written [ADDR]:PORT");
                host[hl - 1] = '\0';
                a->sin6_family = AF_INET6;
                a->sin6_port = htons((uint16_t)port);
                if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
                        return cr_fail(e, CR_EINVAL, "invalid_value", "listen",
                                       "\"%s\" is not an IPv6 address", host + 1);
                *len = sizeof(*a);
        } else {
                struct sockaddr_in *a = (struct sockaddr_in *)ss;
                a->sin_family = AF_INET;
                a->sin_port = htons((uint16_t)port);
                if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
                        return cr_fail(e, CR_EINVAL, "invalid_value", "listen",
                                       "\"%s\" is not an IPv4 address", host);
                *len = sizeof(*a);
        }
        return CR_OK;
}

enum cr_err server_start(const struct config *cfg, struct server **out, struct cr_error *e)
{
        struct server *srv = calloc(1, sizeof(*srv));
        struct sockaddr_storage ss;
        socklen_t sslen = 0;
        const union MHD_DaemonInfo *info;
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY |
                         MHD_USE_TURBO | MHD_USE_ERROR_LOG;
        enum cr_err err;

        *out = NULL;
        if (!srv)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        srv->cfg = *cfg;
        srv->clock = clock_system();
        for (size_t i = 0; i < capabilities_len; i++) {
                if (capabilities[i]->configure)
                        capabilities[i]->configure(cfg);
                if (capabilities[i]->authenticate && !srv->authenticate)
                        srv->authenticate = capabilities[i]->authenticate;
        }
        if (!srv->authenticate) {
                err = cr_fail(e, CR_EINTERNAL, "internal", NULL,
                              "no capability signs users in (src/capabilities.c)");
                goto fail;
        }
        err = parse_listen(cfg->listen, &ss, &sslen, e);
        if (err)
                goto fail;
        if (ss.ss_family == AF_INET6)
                flags |= MHD_USE_IPv6;
        srv->throttle = throttle_new();
        srv->metrics = metrics_new(route_count());
        srv->cache = resp_cache_new();
        if (!srv->throttle || !srv->metrics || !srv->cache) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto fail;
        }
        {
                char dir[1100];
                config_key_dir(cfg, dir, sizeof(dir));
                /* Forked first, while this process has one thread: the keys stay over there. */
                err = sm2_keyring_open_isolated(dir, &srv->keyring, e);
                if (err)
                        goto fail;
                /* Certificates name the public lookup address that their QR codes link to. */
                config_public_url(cfg, srv->public_url, sizeof(srv->public_url));
                config_log_origin(cfg, srv->log_origin, sizeof(srv->log_origin));
        }
        {
                char dir[1100];
                const char *slash = strrchr(cfg->db, '/');
                config_key_dir(cfg, dir, sizeof(dir));
                err = fieldcrypt_open(dir, &srv->data_keys, e);
                if (err)
                        goto fail;
                /* Uploads spool beside the database, on its disk rather than in memory. */
                if (slash)
                        snprintf(srv->spool_dir, sizeof(srv->spool_dir), "%.*s",
                                 (int)(slash - cfg->db), cfg->db);
                else
                        str_copy(srv->spool_dir, sizeof(srv->spool_dir), ".");
                if (!srv->spool_dir[0])
                        str_copy(srv->spool_dir, sizeof(srv->spool_dir), "/");
        }
        /* One connection for each worker thread, so no request waits for another's. */
        err = store_pool_open(cfg->db, (int)cfg->threads, &srv->pool, e);
        if (err)
                goto fail;
        srv->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads, MHD_OPTION_CONNECTION_TIMEOUT,
            (unsigned)CONNECTION_TIMEOUT_SECONDS, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned)CONNECTION_LIMIT, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
            MHD_OPTION_END);
        if (!srv->daemon) {
                err = cr_fail(e, CR_EIO, "internal", "listen",
                              "cannot listen on %s (is the port in use?)", cfg->listen);
                goto fail;
        }
        {
                struct job_env env = {NULL, srv->keyring, srv->log_origin, srv->clock};
                err = jobs_start(srv->pool, &env, cfg->log_interval_ms, &srv->jobs, e);
                if (err)
                        goto fail;
        }
        info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
        srv->port = info ? info->port : 0;
        *out = srv;
        return CR_OK;
fail:
        server_stop(srv);
        return err;
}

int server_port(struct server *srv)
{
        return srv->port;
}

void server_stop(struct server *srv)
{
        if (!srv)
                return;
        jobs_stop(srv->jobs);
        if (srv->daemon)
                MHD_stop_daemon(srv->daemon);
        store_pool_close(srv->pool);
        throttle_free(srv->throttle);
        metrics_free(srv->metrics);
        sm2_keyring_close(srv->keyring);
        fieldcrypt_close(srv->data_keys);
        resp_cache_free(srv->cache);
        free(srv);
}
