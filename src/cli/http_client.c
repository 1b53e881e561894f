/*
 * The command line's HTTP client: connect, send one request (its body
 * streamed from a source), read the answer's head, then its body into a
 * bounded buffer or, for a successful answer, into a sink.
 */
#include "cli/http_client.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/parse.h"

#define TIMEOUT_SECONDS 30
#define HEAD_MAX        (64 * 1024)
#define CHUNK           65536

/* Splits "http://host:port" into host and port; nothing after them is allowed. */
static int split_url(const char *url, char host[256], char port[8])
{
        const char *p, *colon;
        size_t n;

        if (strncmp(url, "http://", 7) != 0)
                return -1;
        p = url + 7;
        n = strcspn(p, "/");
        if (p[n] == '/' && p[n + 1] != '\0')
                return -1;
        colon = memchr(p, ':', n);
        if (colon) {
                if ((size_t)(colon - p) >= 256 || n - (size_t)(colon - p) - 1 >= 8)
                        return -1;
                memcpy(host, p, (size_t)(colon - p));
                host[colon - p] = '\0';
                memcpy(port, colon + 1, n - (size_t)(colon - p) - 1);
                port[n - (size_t)(colon - p) - 1] = '\0';
        } else {
                if (n >= 256)
                        return -1;
                memcpy(host, p, n);
                host[n] = '\0';
                memcpy(port, "80", 3);
        }
        return host[0] ? 0 : -1;
}

static int connect_to(const char *host, const char *port, int timeout_seconds)
{
        struct addrinfo hints, *res, *ai;
        struct timeval tv = {timeout_seconds, 0};
        int fd = -1;

        memset(&hints, 0, sizeof(hints));
        hints.ai_socktype = SOCK_STREAM;
        if (getaddrinfo(host, port, &hints, &res) != 0)
                return -1;
        for (ai = res; ai && fd < 0; ai = ai->ai_next) {
                fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
                if (fd < 0)
                        continue;
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
                if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
                        close(fd);
                        fd = -1;
                }
        }
        freeaddrinfo(res);
        return fd;
}

/* Writes all n bytes; a peer that has gone away is an error, never a SIGPIPE. */
static int send_all(int fd, const char *p, size_t n)
{
        while (n) {
                ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -1;
                p += w;
                n -= (size_t)w;
        }
        return 0;
}

/* Whether s holds only visible ASCII (no spaces, no line breaks), so it can go into a header. */
static int header_safe(const char *s)
{
        for (; *s; s++)
                if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
                        return 0;
        return 1;
}

/* Where the answer's body goes and how much of it is still to come. */
struct answer {
        const struct http_call *call;
        struct buf *out;
        int to_sink;      /* a 2xx answer of a call with a sink */
        int64_t length;   /* Content-Length, or -1 when the body runs to the end */
        int64_t got;      /* body bytes taken so far (decoded, when chunked) */
        int chunked;      /* Transfer-Encoding: chunked */
        int ch_state;     /* the chunk decoder's state, below */
        uint64_t ch_left; /* bytes left in the current chunk, or the size being read */
        int ch_digits;    /* hex digits of the current size line */
        int ch_line;      /* characters on the current trailer line */
        int done;         /* the whole body has come */
};

enum { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER };

static enum cr_err deliver(struct answer *a, const char *p, size_t n, struct cr_error *e)
{
        a->got += (int64_t)n;
        if (a->to_sink)
                return a->call->sink(a->call->sink_ctx, p, n, e);
        if (buf_append(a->out, p, n))
                return cr_fail(e, CR_ETOOLARGE, "payload_too_large", NULL, "answer too large");
        return CR_OK;
}

/* Decodes a piece of a chunked body (RFC 9112 section 7.1), delivering the data it holds. */
static enum cr_err dechunk(struct answer *a, const char *p, size_t n, struct cr_error *e)
{
        size_t i = 0;

        while (i < n && !a->done) {
                char c = p[i];
                if (a->ch_state == CH_DATA) {
                        size_t take = n - i < a->ch_left ? n - i : (size_t)a->ch_left;
                        enum cr_err err = deliver(a, p + i, take, e);
                        if (err)
                                return err;
                        i += take;
                        a->ch_left -= take;
                        if (!a->ch_left)
                                a->ch_state = CH_DATA_CR;
                        continue;
                }
                i++;
                switch (a->ch_state) {
                case CH_SIZE: {
                        const char *hex = "0123456789abcdef";
                        const char *d = c ? strchr(hex, c >= 'A' && c <= 'F' ? c + 32 : c) : NULL;
                        if (d && a->ch_left <= (UINT64_MAX >> 4)) {
                                a->ch_left = a->ch_left * 16 + (uint64_t)(d - hex);
                                a->ch_digits++;
                                continue;
                        }
                        if (c == ';' || c == ' ' || c == '\t') {
                                a->ch_state = CH_EXT;
                                continue;
                        }
                        if (c == '\r') {
                                a->ch_state = CH_SIZE_LF;
                                continue;
                        }
                        if (c != '\n')
                                goto bad;
                        break;
                }
                case CH_EXT:
                        if (c != '\n')
                                continue;
                        break;
                case CH_SIZE_LF:
                        if (c != '\n')
                                goto bad;
                        break;
                case CH_DATA_CR:
                        if (c == '\r')
                                a->ch_state = CH_DATA_LF;
                        else if (c == '\n')
                                a->ch_state = CH_SIZE;
                        else
                                goto bad;
                        a->ch_left = 0;
                        a->ch_digits = 0;
                        continue;
                case CH_DATA_LF:
                        if (c != '\n')
                                goto bad;
                        a->ch_state = CH_SIZE;
                        continue;
                case CH_TRAILER:
                        if (c == '\n') {
                                a->done = a->ch_line == 0;
                                a->ch_line = 0;
                        } else if (c != '\r') {
                                a->ch_line++;
                        }
                        continue;
                }
                /* The end of a chunk's size line. */
                if (!a->ch_digits)
                        goto bad;
                a->ch_state = a->ch_left ? CH_DATA : CH_TRAILER;
                a->ch_line = 0;
        }
        return CR_OK;
bad:
        return cr_fail(e, CR_EIO, "internal", NULL, "a malformed chunked answer");
}

static enum cr_err take_body(struct answer *a, const char *p, size_t n, struct cr_error *e)
{
        if (a->chunked)
                return dechunk(a, p, n, e);
        if (a->length >= 0 && (int64_t)n > a->length - a->got)
                n = (size_t)(a->length - a->got); /* nothing may follow the body */
        if (n) {
                enum cr_err err = deliver(a, p, n, e);
                if (err)
                        return err;
        }
        a->done = a->length >= 0 && a->got == a->length;
        return CR_OK;
}

/* The value of header name in one line of the head, or NULL. */
static const char *header_value(const char *line, size_t len, const char *name, size_t *vlen)
{
        size_t n = strlen(name);

        if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
                return NULL;
        line += n + 1;
        len -= n + 1;
        while (len && (*line == ' ' || *line == '\t')) {
                line++;
                len--;
        }
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
                len--;
        *vlen = len;
        return line;
}

/*
 * Reads the head of the answer (held in head, hlen bytes up to the blank
 * line): the status, and how the body is framed.
 */
static enum cr_err parse_head(const char *base_url, const char *head, size_t hlen, int head_only,
                              int *status, struct answer *a, struct cr_error *e)
{
        int64_t code = 0;
        const char *line = memchr(head, '\n', hlen);

        if (hlen < 12 || strncmp(head, "HTTP/1.", 7) != 0 ||
            parse_int64(head + 9, 3, 100, 599, &code) != 0)
                return cr_fail(e, CR_EIO, "internal", NULL, "bad status line from %s", base_url);
        *status = (int)code;
        a->length = -1;
        while (line && (size_t)(line - head) + 1 < hlen) {
                const char *start = line + 1, *v;
                size_t len, vlen;
                line = memchr(start, '\n', hlen - (size_t)(start - head));
                len = (line ? (size_t)(line - start) : hlen - (size_t)(start - head));
                if (len && start[len - 1] == '\r')
                        len--;
                if ((v = header_value(start, len, "Content-Length", &vlen)) != NULL) {
                        if (parse_int64(v, vlen, 0, INT64_MAX, &a->length) != 0)
                                return cr_fail(e, CR_EIO, "internal", NULL,
                                               "a bad Content-Length from %s", base_url);
                } else if ((v = header_value(start, len, "Transfer-Encoding", &vlen)) != NULL) {
                        a->chunked = vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0;
                }
        }
        if (a->chunked)
                a->length = -1;
        if (head_only || code == 204 || code == 304) {
                a->length = 0;
                a->chunked = 0;
        }
        a->done = a->length == 0;
        return CR_OK;
}

/* Where the blank line that ends a head is in data, or 0 when it has not come yet. */
static size_t head_end(const char *data, size_t len)
{
        for (size_t i = 3; i < len; i++)
                if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' &&
                    data[i - 3] == '\r')
                        return i + 1;
        return 0;
}

/* Sends the request's head and its body; *broken is set when the peer stopped reading. */
static enum cr_err send_request(int fd, const char *host, const char *port,
                                const struct http_call *call, const char *agent, int *broken,
                                struct cr_error *e)
{
        struct buf req;
        char *chunk = NULL;
        uint64_t sent = 0;
        enum cr_err err = CR_OK;
        int ok;

        buf_init(&req, 64 * 1024);
        ok = buf_printf(&req,
                        "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n"
                        "User-Agent: %s\r\n",
                        call->method, call->path, host, port, agent) == CR_OK;
        if (ok && call->bearer)
                ok = buf_printf(&req, "Authorization: Bearer %s\r\n", call->bearer) == CR_OK;
        if (ok && call->content_type)
                ok = buf_printf(&req, "Content-Type: %s\r\nContent-Length: %llu\r\n",
                                call->content_type, (unsigned long long)call->body_len) == CR_OK;
        ok = ok && buf_puts(&req, "\r\n") == CR_OK;
        if (!ok) {
                buf_release(&req);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        *broken = send_all(fd, req.data, req.len) != 0;
        buf_release(&req);
        if (call->content_type && call->body_len && !*broken) {
                chunk = malloc(CHUNK);
                if (!chunk)
                        return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        while (chunk && sent < call->body_len && !*broken) {
                size_t want =
                    call->body_len - sent < CHUNK ? (size_t)(call->body_len - sent) : CHUNK;
                size_t got = 0;
                err = call->source(call->source_ctx, chunk, want, &got, e);
                if (!err && (got == 0 || got > want))
                        err = cr_fail(e, CR_EIO, "internal", NULL,
                                      "the request body ended after %llu of its %llu bytes",
                                      (unsigned long long)sent, (unsigned long long)call->body_len);
                if (err)
                        break;
                *broken = send_all(fd, chunk, got) != 0;
                sent += got;
        }
        free(chunk);
        return err;
}

/* The one exchange behind http_fetch and http_call_run. */
static enum cr_err exchange(const char *base_url, const struct http_call *call, const char *agent,
                            int *status, struct buf *out, struct cr_error *e)
{
        char host[256], port[8];
        struct answer a;
        struct buf head;
        char *chunk = NULL;
        int fd, broken = 0,
                timeout = call->timeout_seconds > 0 ? call->timeout_seconds : TIMEOUT_SECONDS;
        size_t hlen = 0;
        enum cr_err err;

        buf_init(out, call->answer_max ? call->answer_max : HTTP_CLIENT_BODY_MAX);
        *status = 0;
        if (split_url(base_url, host, port) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                               "the server's address must be http://HOST[:PORT], not %s", base_url);
        if (!call->path || call->path[0] != '/' || !header_safe(call->path) ||
            (call->bearer && (!header_safe(call->bearer) || strlen(call->bearer) > 4096)) ||
            (call->content_type && strchr(call->content_type, '\n')) ||
            (call->content_type && call->body_len && !call->source))
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                               "a request that cannot be sent: a path, token or body is malformed");
        fd = connect_to(host, port, timeout);
        if (fd < 0)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot connect to %s", base_url);
        err = send_request(fd, host, port, call, agent, &broken, e);
        memset(&a, 0, sizeof(a));
        a.call = call;
        a.out = out;
        buf_init(&head, HEAD_MAX);
        chunk = err ? NULL : malloc(CHUNK);
        if (!err && !chunk)
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        /* The server closes the connection after the answer, so the answer is all that comes. */
        while (!err && !a.done) {
                ssize_t r = read(fd, chunk, CHUNK);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0) {
                        /* A read error (a reset, a timeout) ends even a body without a length. */
                        const char *why = r < 0 ? strerror(errno) : "the connection closed";
                        if (!hlen)
                                err = cr_fail(e, CR_EIO, "internal", NULL, "%s%s%s (%s)",
                                              broken ? "the connection broke while sending to "
                                                     : "no valid answer from ",
                                              base_url, call->path, why);
                        else if (r < 0 || a.length >= 0 || a.chunked)
                                err = cr_fail(e, CR_EIO, "internal", NULL,
                                              "the answer from %s%s was cut short after %lld "
                                              "bytes (%s)",
                                              base_url, call->path, (long long)a.got, why);
                        break;
                }
                if (hlen) {
                        err = take_body(&a, chunk, (size_t)r, e);
                        continue;
                }
                if (buf_append(&head, chunk, (size_t)r)) {
                        err = cr_fail(e, CR_EIO, "internal", NULL, "no valid answer from %s%s",
                                      base_url, call->path);
                        break;
                }
                hlen = head_end(head.data, head.len);
                if (!hlen)
                        continue;
                err = parse_head(base_url, head.data, hlen, strcmp(call->method, "HEAD") == 0,
                                 status, &a, e);
                a.to_sink = call->sink && *status >= 200 && *status < 300;
                if (!err && head.len > hlen)
                        err = take_body(&a, head.data + hlen, head.len - hlen, e);
        }
        close(fd);
        free(chunk);
        buf_release(&head);
        return err;
}

/* A request body held in memory, given out in pieces. */
struct text_source {
        const char *p;
        size_t left;
};

static enum cr_err text_source_read(void *ctx, char *data, size_t size, size_t *got,
                                    struct cr_error *e)
{
        struct text_source *t = ctx;

        *got = size < t->left ? size : t->left;
        memcpy(data, t->p, *got);
        t->p += *got;
        t->left -= *got;
        return CR_OK;
}

enum cr_err http_fetch(const char *base_url, const char *method, const char *path,
                       const char *json_body, int *status, struct buf *out, struct cr_error *e)
{
        char host[256], port[8];
        struct text_source body = {json_body, json_body ? strlen(json_body) : 0};
        struct http_call call;

        if (split_url(base_url, host, port) != 0) {
                buf_init(out, HTTP_CLIENT_BODY_MAX);
                return cr_fail(e, CR_EINVAL, "invalid_value", "log",
                               "the log's address must be http://HOST[:PORT], not %s", base_url);
        }
        memset(&call, 0, sizeof(call));
        call.method = method;
        call.path = path;
        if (json_body) {
                call.content_type = "application/json";
                call.body_len = body.left;
                call.source = text_source_read;
                call.source_ctx = &body;
        }
        return exchange(base_url, &call, "cryptoreg-witness", status, out, e);
}

enum cr_err http_call_run(const char *base_url, const struct http_call *call, int *status,
                          struct buf *out, struct cr_error *e)
{
        return exchange(base_url, call, "cryptoreg", status, out, e);
}
