/* The witness's HTTP client: connect, send one request, read the whole answer. */
#include "cli/http_client.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/parse.h"
#include "core/banned.h"

#define TIMEOUT_SECONDS 30

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

static int connect_to(const char *host, const char *port)
{
        struct addrinfo hints, *res, *ai;
        struct timeval tv = {TIMEOUT_SECONDS, 0};
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

static int send_all(int fd, const char *p, size_t n)
{
        while (n) {
                ssize_t w = write(fd, p, n);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return -1;
                p += w;
                n -= (size_t)w;
        }
        return 0;
}

enum cr_err http_fetch(const char *base_url, const char *method, const char *path,
                       const char *json_body, int *status, struct buf *out, struct cr_error *e)
{
        char host[256], port[8], chunk[16384];
        struct buf req, raw;
        const char *body, *hdr_end;
        int fd, ok;
        ssize_t r;

        buf_init(out, HTTP_CLIENT_BODY_MAX);
        if (split_url(base_url, host, port) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", "log",
                               "the log's address must be http://HOST[:PORT], not %s", base_url);
        fd = connect_to(host, port);
        if (fd < 0)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot connect to %s", base_url);
        buf_init(&req, 64 * 1024);
        buf_init(&raw, HTTP_CLIENT_BODY_MAX + 16384);
        ok = buf_printf(&req,
                        "%s %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n"
                        "User-Agent: cryptoreg-witness\r\n",
                        method, path, host, port) == CR_OK;
        if (ok && json_body)
                ok = buf_printf(&req, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                                strlen(json_body)) == CR_OK;
        ok = ok && buf_puts(&req, "\r\n") == CR_OK &&
             (!json_body || buf_puts(&req, json_body) == CR_OK);
        ok = ok && send_all(fd, req.data, req.len) == 0;
        /* The server closes the connection after the answer, so the answer is all that comes. */
        while (ok && (r = read(fd, chunk, sizeof(chunk))) != 0) {
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0 || buf_append(&raw, chunk, (size_t)r)) {
                        ok = 0;
                        break;
                }
        }
        close(fd);
        buf_release(&req);
        hdr_end = ok && raw.data ? strstr(raw.data, "\r\n\r\n") : NULL;
        if (!hdr_end || raw.len < 12 || strncmp(raw.data, "HTTP/1.", 7) != 0) {
                buf_release(&raw);
                return cr_fail(e, CR_EIO, "internal", NULL, "no valid answer from %s%s", base_url,
                               path);
        }
        {
                int64_t code = 0;
                if (parse_int64(raw.data + 9, 3, 100, 599, &code) != 0) {
                        buf_release(&raw);
                        return cr_fail(e, CR_EIO, "internal", NULL, "bad status line from %s",
                                       base_url);
                }
                *status = (int)code;
        }
        /* Chunked answers are not expected: libmicrohttpd sends a length for buffered bodies. */
        body = hdr_end + 4;
        if (buf_append(out, body, raw.len - (size_t)(body - raw.data))) {
                buf_release(&raw);
                return cr_fail(e, CR_ETOOLARGE, "payload_too_large", NULL, "answer too large");
        }
        buf_release(&raw);
        return CR_OK;
}
