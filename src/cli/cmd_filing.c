/*
 * cryptoreg filing: the annual sales filing through a running server's API,
 * for enterprises and bureaus that script their work.  `submit` streams a
 * filing file to the server and checks the SM3 it computed while sending
 * against the server's; `status` lists who has and has not filed (or, for
 * an enterprise, its own filings); `export` downloads that list as CSV or
 * XLSX into a file that appears only when the download is whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/http_client.h"
#include "core/parse.h"
#include "crypto/crypto.h"

static const char usage[] =
    "usage: cryptoreg filing <subcommand> --server URL [--token-file FILE] [options]\n\n"
    "  submit --year YEAR FILE [--draft]\n"
    "        upload FILE, the sales filing of YEAR (CSV), streamed; prints the version, the\n"
    "        SM3 and the log index, and checks the server's SM3 against the file's\n"
    "  status --year YEAR [--state STATE] [--bureau CODE]\n"
    "        every enterprise that must file for YEAR and where its filing stands (bureau\n"
    "        staff and administrators); an enterprise's token lists its own filings\n"
    "  export --year YEAR --format csv|xlsx --out FILE [--state STATE] [--bureau CODE]\n"
    "        download that list to FILE (written beside it, renamed into place when whole)\n\n"
    "URL is the server's address, http://HOST[:PORT]. The API token (POST /api/v1/tokens)\n"
    "is read from the first line of --token-file FILE, else from the environment variable\n"
    "CRYPTOREG_TOKEN; it is never taken on the command line. STATE is on_time, late,\n"
    "returned or missing. Exit codes: 0 done, 1 refused or failed, 2 usage.\n";

/* The longest token that fits the server's 200-byte Authorization header. */
#define TOKEN_MAX 190
/* Problem bodies can list 10,000 bad rows, each with a message and a hint. */
#define PROBLEM_MAX (32u * 1024 * 1024)
/* After the last byte of a large filing the server still stores it before it answers. */
#define UPLOAD_TIMEOUT 600
#define LIST_TIMEOUT   300
#define PAGE_LIMIT     "200"

/* The server to talk to and the caller's API token. */
struct remote {
        const char *server;
        char token[TOKEN_MAX + 1];
};

/* Overwrites n bytes at p with zeros in a way the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
        volatile char *v = p;

        while (n--)
                *v++ = '\0';
}

/* Forgets the token, so that it does not linger in memory. */
static void remote_release(struct remote *r)
{
        wipe(r->token, sizeof(r->token));
}

/* Whether text (len bytes) can be an API token: visible ASCII, no spaces. */
static int token_valid(const char *text, size_t len)
{
        if (len == 0 || len > TOKEN_MAX)
                return 0;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)text[i] <= 0x20 || (unsigned char)text[i] >= 0x7f)
                        return 0;
        return 1;
}

/* Reads the token from the first line of path; warns when others may read the file. */
static int token_from_file(struct remote *r, const char *sub, const char *path)
{
        struct stat st;
        struct buf b;
        size_t len;
        int rc = cli_read_file(path, 4096, &b);

        if (rc) {
                buf_release(&b);
                return rc;
        }
        if (stat(path, &st) == 0 && (st.st_mode & 077))
                fprintf(stderr,
                        "cryptoreg filing %s: warning: others may read the token in %s; "
                        "chmod 600 it\n",
                        sub, path);
        len = b.data ? strcspn(b.data, "\r\n") : 0;
        while (len && (b.data[len - 1] == ' ' || b.data[len - 1] == '\t'))
                len--;
        if (!token_valid(b.data, len)) {
                fprintf(stderr, "cryptoreg filing %s: the first line of %s is not an API token\n",
                        sub, path);
                rc = EXIT_FAILED;
        } else {
                memcpy(r->token, b.data, len);
                r->token[len] = '\0';
        }
        if (b.data)
                wipe(b.data, b.len);
        buf_release(&b);
        return rc;
}

/* Takes the server's address and the token (file, else environment); says what is missing. */
static int remote_open(struct remote *r, const char *sub, const char *server,
                       const char *token_file)
{
        const char *env = getenv("CRYPTOREG_TOKEN");

        memset(r, 0, sizeof(*r));
        r->server = server;
        if (!server) {
                fprintf(stderr, "cryptoreg filing %s: give --server URL (http://HOST[:PORT])\n",
                        sub);
                return EXIT_USAGE;
        }
        if (token_file)
                return token_from_file(r, sub, token_file);
        if (!env || !*env) {
                fprintf(stderr,
                        "cryptoreg filing %s: give --token-file FILE or set CRYPTOREG_TOKEN to "
                        "an API token\n",
                        sub);
                return EXIT_USAGE;
        }
        if (!token_valid(env, strlen(env))) {
                fprintf(stderr, "cryptoreg filing %s: CRYPTOREG_TOKEN is not an API token\n", sub);
                return EXIT_FAILED;
        }
        memcpy(r->token, env, strlen(env) + 1);
        return EXIT_OK;
}

/* The --year argument: required, 1971-9998. */
static int year_arg(const char *sub, const char *text, int *year)
{
        int64_t y;

        if (!text) {
                fprintf(stderr, "cryptoreg filing %s: give --year YEAR\n", sub);
                return EXIT_USAGE;
        }
        if (parse_int64(text, strlen(text), 1971, 9998, &y) != 0) {
                fprintf(stderr, "cryptoreg filing %s: --year must be a year such as 2025, not %s\n",
                        sub, text);
                return EXIT_USAGE;
        }
        *year = (int)y;
        return EXIT_OK;
}

/* The --state argument: absent, or one of the four states of an obligation. */
static int state_arg(const char *sub, const char *state)
{
        static const char *const states[] = {"on_time", "late", "returned", "missing"};

        if (!state)
                return EXIT_OK;
        for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
                if (strcmp(state, states[i]) == 0)
                        return EXIT_OK;
        fprintf(stderr,
                "cryptoreg filing %s: --state must be on_time, late, returned or missing, not "
                "%s\n",
                sub, state);
        return EXIT_USAGE;
}

/* Appends "?name=value" or "&name=value" to a request path, the value percent-encoded. */
static enum cr_err query_add(struct buf *path, const char *name, const char *value)
{
        static const char hex[] = "0123456789ABCDEF";
        enum cr_err err;

        if (!value)
                return CR_OK;
        err = buf_printf(path, "%c%s=", path->data && strchr(path->data, '?') ? '&' : '?', name);
        for (const unsigned char *p = (const unsigned char *)value; !err && *p; p++) {
                if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || strchr("-._~", *p))
                        err = buf_append(path, p, 1);
                else
                        err = buf_printf(path, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
        }
        return err;
}

/* Text from the server, made safe for a terminal: control characters become '?'. */
static const char *shown(const char *s, char *out, size_t size)
{
        size_t n = 0;

        if (!s)
                s = "-";
        for (; *s && n + 1 < size; s++)
                out[n++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
        out[n] = '\0';
        return out;
}

/* A JSON string or integer as text, "-" for null or anything else. */
static const char *field(const json_t *obj, const char *key, char *out, size_t size)
{
        const json_t *v = json_object_get(obj, key);

        if (json_is_integer(v)) {
                snprintf(out, size, "%lld", (long long)json_integer_value(v));
                return out;
        }
        return shown(json_string_value(v), out, size);
}

/* Prints the server's refusal: the problem's detail and its per-field errors, or the status. */
static void print_problem(const char *sub, int status, const struct buf *body)
{
        json_t *p = body->len ? json_loadb(body->data, body->len, 0, NULL) : NULL;
        const char *detail = json_string_value(json_object_get(p, "detail"));
        char text[1024], more[1024];
        json_t *item;
        size_t i;

        if (detail)
                fprintf(stderr, "cryptoreg filing %s: %s (HTTP %d, %s)\n", sub,
                        shown(detail, text, sizeof(text)), status,
                        field(p, "code", more, sizeof(more)));
        else
                fprintf(stderr, "cryptoreg filing %s: the server answered HTTP %d %s\n", sub,
                        status, shown(body->len ? body->data : "", text, 200));
        json_array_foreach(json_object_get(p, "errors"), i, item)
        {
                const char *message = json_string_value(json_object_get(item, "message"));
                if (message && detail && strcmp(message, detail) != 0)
                        fprintf(stderr, "  %s: %s\n", field(item, "field", more, sizeof(more)),
                                shown(message, text, sizeof(text)));
        }
        json_decref(p);
}

/* Prints every bad row of a refused filing file, as line, column, message and hint. */
static void print_rows(const char *sub, const struct buf *body)
{
        json_t *p = json_loadb(body->data ? body->data : "", body->len, 0, NULL), *row;
        char detail[1024], column[256], message[1024], hint[1024];
        size_t i;

        fprintf(stderr, "cryptoreg filing %s: %s\n", sub,
                shown(json_string_value(json_object_get(p, "detail")), detail, sizeof(detail)));
        json_array_foreach(json_object_get(p, "rows"), i, row)
        {
                const char *col = json_string_value(json_object_get(row, "column"));
                const char *h = json_string_value(json_object_get(row, "hint"));
                fprintf(stderr, "  line %lld%s%s: %s%s%s%s\n",
                        (long long)json_integer_value(json_object_get(row, "line")),
                        col && *col ? ", column " : "",
                        col && *col ? shown(col, column, sizeof(column)) : "",
                        field(row, "message", message, sizeof(message)), h && *h ? " (" : "",
                        h && *h ? shown(h, hint, sizeof(hint)) : "", h && *h ? ")" : "");
        }
        json_decref(p);
}

/* The file being uploaded, hashed as it is read. */
struct upload {
        int fd;
        const char *path;
        struct sm3_stream *sm3;
        uint64_t size; /* as it was when the upload began */
        uint64_t sent;
};

static enum cr_err upload_read(void *ctx, char *data, size_t size, size_t *got, struct cr_error *e)
{
        struct upload *u = ctx;
        ssize_t r;

        do
                r = read(u->fd, data, size);
        while (r < 0 && errno == EINTR);
        if (r < 0)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot read %s: %s", u->path,
                               strerror(errno));
        if (r == 0)
                return cr_fail(e, CR_EIO, "internal", NULL,
                               "%s became shorter while it was sent (%llu of %llu bytes)", u->path,
                               (unsigned long long)u->sent, (unsigned long long)u->size);
        *got = (size_t)r;
        u->sent += *got;
        return sm3_stream_update(u->sm3, data, *got, e);
}

/* Prints what the server made of an accepted file and checks its SM3 against the local one. */
static int report_filed(int status, const struct buf *answer, const char *local)
{
        json_t *f = json_loadb(answer->data ? answer->data : "", answer->len, 0, NULL);
        const char *sm3 = json_string_value(json_object_get(f, "sm3"));
        const char *fstatus = json_string_value(json_object_get(f, "status"));
        char version[32], id[32], at[64], index[32], st[32], hash[80];
        int rc = EXIT_OK;

        if (!f || !sm3) {
                fprintf(stderr,
                        "cryptoreg filing submit: the server's answer (HTTP %d) is not a "
                        "filing\n",
                        status);
                json_decref(f);
                return EXIT_FAILED;
        }
        field(f, "version", version, sizeof(version));
        field(f, "id", id, sizeof(id));
        field(f, "log_index", index, sizeof(index));
        shown(sm3, hash, sizeof(hash));
        if (json_is_true(json_object_get(f, "unchanged")))
                printf("unchanged: this file is already filed as version %s (filing %s, %s, "
                       "SM3 %s); nothing was stored\n",
                       version, id, shown(fstatus, st, sizeof(st)), hash);
        else if (fstatus && strcmp(fstatus, "draft") == 0)
                printf("received: version %s as a draft (filing %s), SM3 %s; not submitted, so "
                       "not in the log\n",
                       version, id, hash);
        else
                printf("received: version %s (filing %s), SM3 %s, submitted at %s, late %s, "
                       "log index %s\n",
                       version, id, hash, field(f, "submitted_at", at, sizeof(at)),
                       json_is_true(json_object_get(f, "late")) ? "yes" : "no", index);
        if (strcmp(sm3, local) == 0) {
                printf("local SM3 %s, the same as the server's\n", local);
        } else {
                printf("local SM3 %s\n", local);
                fprintf(stderr,
                        "cryptoreg filing submit: the server's SM3 %s is not the file's %s: "
                        "what it stored is not this file\n",
                        hash, local);
                rc = EXIT_FAILED;
        }
        json_decref(f);
        return rc;
}

static int filing_submit_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *pos[1], *server = NULL, *token_file = NULL, *year_text = NULL;
        int draft = 0;
        const struct cli_opt opts[] = {{"--server", &server, NULL},
                                       {"--token-file", &token_file, NULL},
                                       {"--year", &year_text, NULL},
                                       {"--draft", NULL, &draft},
                                       {NULL, NULL, NULL}};
        struct cr_error e = CR_ERROR_INIT;
        struct upload u = {-1, NULL, NULL, 0, 0};
        struct http_call call;
        struct remote r;
        struct buf path, answer;
        struct stat st, after;
        char local[SM3_HEX_LEN] = "";
        int year = 0, status = 0, npos, rc = cli_parse(argc, argv, opts, pos, 1, &npos, usage);

        (void)c;
        (void)sp;
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (npos != 1) {
                fprintf(stderr, "cryptoreg filing submit: give the filing file\n");
                return EXIT_USAGE;
        }
        rc = year_arg("submit", year_text, &year);
        if (!rc)
                rc = remote_open(&r, "submit", server, token_file);
        if (rc)
                return rc;
        buf_init(&path, 256);
        buf_init(&answer, 0);
        u.path = pos[0];
        if (crypto_init(&e) || sm3_stream_new(&u.sm3, &e)) {
                rc = cli_report(&e);
                goto out;
        }
        u.fd = open(u.path, O_RDONLY);
        if (u.fd < 0 || fstat(u.fd, &st) != 0) {
                fprintf(stderr, "cryptoreg filing submit: cannot read %s: %s\n", u.path,
                        strerror(errno));
                rc = EXIT_FAILED;
                goto out;
        }
        if (!S_ISREG(st.st_mode)) {
                /* The body's length is sent first, so the file must be a file, not a pipe. */
                fprintf(stderr, "cryptoreg filing submit: %s is not a regular file\n", u.path);
                rc = EXIT_FAILED;
                goto out;
        }
        u.size = (uint64_t)st.st_size;
        if (buf_printf(&path, "/api/v1/filings/years/%d%s", year, draft ? "?draft=1" : "")) {
                fprintf(stderr, "cryptoreg filing submit: out of memory\n");
                rc = EXIT_FAILED;
                goto out;
        }
        memset(&call, 0, sizeof(call));
        call.method = "POST";
        call.path = path.data;
        call.bearer = r.token;
        call.content_type = "text/csv";
        call.body_len = u.size;
        call.source = upload_read;
        call.source_ctx = &u;
        call.answer_max = PROBLEM_MAX;
        call.timeout_seconds = UPLOAD_TIMEOUT;
        if (http_call_run(r.server, &call, &status, &answer, &e)) {
                rc = cli_report(&e);
                goto out;
        }
        if (status == 200 || status == 201) {
                if (u.sent != u.size || sm3_stream_hex(u.sm3, local, &e)) {
                        cr_error_clear(&e);
                        fprintf(stderr, "cryptoreg filing submit: the server answered before "
                                        "the whole file was sent\n");
                        rc = EXIT_FAILED;
                        goto out;
                }
                rc = report_filed(status, &answer, local);
                if (fstat(u.fd, &after) == 0 &&
                    (after.st_size != st.st_size || after.st_mtime != st.st_mtime)) {
                        fprintf(stderr,
                                "cryptoreg filing submit: %s changed while it was sent; what "
                                "was filed is the file as it was read\n",
                                u.path);
                        rc = EXIT_FAILED;
                }
        } else {
                json_t *p = json_loadb(answer.data ? answer.data : "", answer.len, 0, NULL);
                const char *code = json_string_value(json_object_get(p, "code"));
                if (status == 422 && code && strcmp(code, "filing_invalid") == 0)
                        print_rows("submit", &answer);
                else
                        print_problem("submit", status, &answer);
                json_decref(p);
                rc = EXIT_FAILED;
        }
out:
        if (u.fd >= 0)
                close(u.fd);
        sm3_stream_free(u.sm3);
        buf_release(&path);
        buf_release(&answer);
        remote_release(&r);
        return rc;
}

/* GETs path with the token: *status, and the body in answer, which the caller releases. */
static int api_get(const struct remote *r, const char *path, int *status, struct buf *answer)
{
        struct cr_error e = CR_ERROR_INIT;
        struct http_call call;

        memset(&call, 0, sizeof(call));
        call.method = "GET";
        call.path = path;
        call.bearer = r->token;
        call.answer_max = PROBLEM_MAX;
        call.timeout_seconds = LIST_TIMEOUT;
        if (http_call_run(r->server, &call, status, answer, &e))
                return cli_report(&e);
        return EXIT_OK;
}

/*
 * GETs one page of a list: returns 0 with the page in *page, or prints why
 * not.  With refusal set, a 403 is left to the caller: *page stays NULL and
 * refusal holds the problem (the caller releases it).
 */
static int get_page(const struct remote *r, const char *path, struct buf *refusal, json_t **page)
{
        struct buf answer;
        int status = 0, rc = api_get(r, path, &status, &answer);

        *page = NULL;
        if (!rc && status == 403 && refusal) {
                *refusal = answer;
                return EXIT_OK;
        }
        if (!rc && status != 200) {
                print_problem("status", status, &answer);
                rc = EXIT_FAILED;
        }
        if (!rc) {
                /* Apart, because json_is_array() evaluates its argument twice. */
                *page = json_loadb(answer.data ? answer.data : "", answer.len, 0, NULL);
                if (!json_is_array(json_object_get(*page, "items"))) {
                        fprintf(stderr,
                                "cryptoreg filing status: the server's answer is not a list\n");
                        rc = EXIT_FAILED;
                }
        }
        if (rc) {
                json_decref(*page);
                *page = NULL;
        }
        buf_release(&answer);
        return rc;
}

/* The next page's cursor as text, or "" at the end of the list. */
static void next_cursor(const json_t *page, char *out, size_t size)
{
        const json_t *v = json_object_get(page, "next_cursor");

        out[0] = '\0';
        if (json_is_string(v))
                str_copy(out, size, json_string_value(v));
        else if (json_is_integer(v))
                snprintf(out, size, "%lld", (long long)json_integer_value(v));
}

/* Moves cursor to the page's next one; a server that repeats a cursor would never end. */
static int advance(const json_t *page, char cursor[256])
{
        char prev[256];

        str_copy(prev, sizeof(prev), cursor);
        next_cursor(page, cursor, 256);
        if (cursor[0] && strcmp(cursor, prev) == 0) {
                fprintf(stderr, "cryptoreg filing status: the server repeats a page\n");
                return EXIT_FAILED;
        }
        return EXIT_OK;
}

/* Whether the caller behind the token is an enterprise user (asked of GET /api/v1/session). */
static int caller_is_enterprise(const struct remote *r)
{
        struct buf answer;
        json_t *s = NULL;
        const char *role;
        int status = 0, yes = 0;

        if (api_get(r, "/api/v1/session", &status, &answer) == EXIT_OK && status == 200) {
                s = json_loadb(answer.data ? answer.data : "", answer.len, 0, NULL);
                role = json_string_value(json_object_get(json_object_get(s, "user"), "role"));
                yes = role && strcmp(role, "enterprise_user") == 0;
        }
        json_decref(s);
        buf_release(&answer);
        return yes;
}

/* Builds a list's request path; says so when it does not fit. */
static int list_path(struct buf *path, const char *base, int year, const char *state,
                     const char *bureau, const char *cursor)
{
        buf_reset(path);
        if (buf_printf(path, "%s?year=%d&limit=" PAGE_LIMIT, base, year) ||
            query_add(path, "state", state) || query_add(path, "bureau", bureau) ||
            query_add(path, "cursor", cursor[0] ? cursor : NULL)) {
                fprintf(stderr, "cryptoreg filing status: the request is too long\n");
                return EXIT_USAGE;
        }
        return EXIT_OK;
}

/* Lists the caller's own filings of year (what an enterprise may see), every page. */
static int list_own_filings(const struct remote *r, int year)
{
        char cursor[256] = "", a[64], b[64], cc[64], d[64], f[64], g[64], h[80];
        struct buf path;
        int rc = EXIT_OK;
        long count = 0;

        buf_init(&path, 8192);
        do {
                json_t *page = NULL, *item;
                size_t i;
                rc = list_path(&path, "/api/v1/filings", year, NULL, NULL, cursor);
                if (!rc)
                        rc = get_page(r, path.data, NULL, &page);
                if (rc)
                        break;
                json_array_foreach(json_object_get(page, "items"), i, item)
                {
                        if (count++ == 0)
                                printf("%-8s  %-4s  %7s  %-9s  %-4s  %-20s  %8s  %s\n", "FILING",
                                       "YEAR", "VERSION", "STATUS", "LATE", "SUBMITTED_AT", "LINES",
                                       "SM3");
                        printf("%-8s  %-4s  %7s  %-9s  %-4s  %-20s  %8s  %s\n",
                               field(item, "id", a, sizeof(a)), field(item, "year", b, sizeof(b)),
                               field(item, "version", cc, sizeof(cc)),
                               field(item, "status", d, sizeof(d)),
                               json_is_true(json_object_get(item, "late")) ? "yes" : "no",
                               field(item, "submitted_at", f, sizeof(f)),
                               field(item, "lines", g, sizeof(g)),
                               field(item, "sm3", h, sizeof(h)));
                }
                rc = advance(page, cursor);
                json_decref(page);
        } while (!rc && cursor[0]);
        if (!rc && count == 0)
                printf("no filing for %d\n", year);
        buf_release(&path);
        return rc;
}

static int filing_status_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *server = NULL, *token_file = NULL, *year_text = NULL, *state = NULL,
                   *bureau = NULL;
        const struct cli_opt opts[] = {
            {"--server", &server, NULL},  {"--token-file", &token_file, NULL},
            {"--year", &year_text, NULL}, {"--state", &state, NULL},
            {"--bureau", &bureau, NULL},  {NULL, NULL, NULL}};
        static const char *const states[] = {"on_time", "late", "returned", "missing"};
        char cursor[256] = "", uscc[64], bur[64], certs[32], st[32], version[32], fstatus[32],
             at[64], name[1024];
        long count = 0, by_state[4] = {0, 0, 0, 0};
        struct remote r;
        struct buf path;
        int year = 0, npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos, usage);

        (void)c;
        (void)sp;
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        rc = year_arg("status", year_text, &year);
        if (!rc)
                rc = state_arg("status", state);
        if (!rc)
                rc = remote_open(&r, "status", server, token_file);
        if (rc)
                return rc;
        buf_init(&path, 8192);
        do {
                json_t *page = NULL, *item;
                size_t i;
                struct buf refusal;
                int first = count == 0 && !cursor[0];
                rc = list_path(&path, "/api/v1/filings/obligations", year, state, bureau, cursor);
                if (!rc)
                        rc = get_page(&r, path.data, first ? &refusal : NULL, &page);
                if (!rc && !page) {
                        /* A 403: an enterprise has no obligations list, but its own filings. */
                        if (caller_is_enterprise(&r)) {
                                if (state || bureau)
                                        fprintf(stderr,
                                                "cryptoreg filing status: --state and --bureau "
                                                "choose among a bureau's obligations; an "
                                                "enterprise sees its own filings\n");
                                rc = list_own_filings(&r, year);
                        } else {
                                print_problem("status", 403, &refusal);
                                rc = EXIT_FAILED;
                        }
                        buf_release(&refusal);
                        goto out;
                }
                if (rc)
                        break;
                json_array_foreach(json_object_get(page, "items"), i, item)
                {
                        const char *s = json_string_value(json_object_get(item, "state"));
                        if (count++ == 0)
                                printf("%-18s  %-6s  %5s  %-8s  %7s  %-9s  %-20s  %s\n", "USCC",
                                       "BUREAU", "CERTS", "STATE", "VERSION", "STATUS",
                                       "SUBMITTED_AT", "NAME");
                        for (int k = 0; k < 4; k++)
                                by_state[k] += s && strcmp(s, states[k]) == 0;
                        printf("%-18s  %-6s  %5s  %-8s  %7s  %-9s  %-20s  %s\n",
                               field(item, "uscc", uscc, sizeof(uscc)),
                               field(item, "bureau_code", bur, sizeof(bur)),
                               field(item, "certificates", certs, sizeof(certs)),
                               field(item, "state", st, sizeof(st)),
                               field(item, "version", version, sizeof(version)),
                               field(item, "status", fstatus, sizeof(fstatus)),
                               field(item, "submitted_at", at, sizeof(at)),
                               field(item, "name", name, sizeof(name)));
                }
                rc = advance(page, cursor);
                json_decref(page);
        } while (!rc && cursor[0]);
        if (!rc)
                printf("%ld enterprise%s to file for %d: %ld on time, %ld late, %ld returned, "
                       "%ld missing\n",
                       count, count == 1 ? "" : "s", year, by_state[0], by_state[1], by_state[2],
                       by_state[3]);
out:
        buf_release(&path);
        remote_release(&r);
        return rc;
}

/* The export being written to its temporary file. */
struct download {
        int fd;
        const char *tmp;
        uint64_t bytes;
};

static enum cr_err download_write(void *ctx, const char *data, size_t len, struct cr_error *e)
{
        struct download *d = ctx;

        while (len) {
                ssize_t w = write(d->fd, data, len);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        return cr_fail(e, CR_EIO, "internal", NULL, "cannot write %s: %s", d->tmp,
                                       w < 0 ? strerror(errno) : "nothing written");
                data += w;
                len -= (size_t)w;
                d->bytes += (uint64_t)w;
        }
        return CR_OK;
}

static int filing_export_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *server = NULL, *token_file = NULL, *year_text = NULL, *state = NULL,
                   *bureau = NULL, *format = NULL, *out_path = NULL;
        const struct cli_opt opts[] = {
            {"--server", &server, NULL},  {"--token-file", &token_file, NULL},
            {"--year", &year_text, NULL}, {"--state", &state, NULL},
            {"--bureau", &bureau, NULL},  {"--format", &format, NULL},
            {"--out", &out_path, NULL},   {NULL, NULL, NULL}};
        struct cr_error e = CR_ERROR_INIT;
        struct download d = {-1, NULL, 0};
        struct http_call call;
        struct remote r;
        struct buf path, tmp, answer;
        mode_t mask;
        int year = 0, status = 0, npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos, usage);

        (void)c;
        (void)sp;
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        rc = year_arg("export", year_text, &year);
        if (!rc)
                rc = state_arg("export", state);
        if (!rc && (!format || (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0))) {
                fprintf(stderr, "cryptoreg filing export: give --format csv or --format xlsx\n");
                rc = EXIT_USAGE;
        }
        if (!rc && (!out_path || !*out_path)) {
                fprintf(stderr, "cryptoreg filing export: give --out FILE\n");
                rc = EXIT_USAGE;
        }
        if (!rc)
                rc = remote_open(&r, "export", server, token_file);
        if (rc)
                return rc;
        buf_init(&path, 8192);
        buf_init(&tmp, 8192);
        buf_init(&answer, 0);
        if (buf_printf(&path, "/api/v1/filings/obligations?year=%d", year) ||
            query_add(&path, "format", format) || query_add(&path, "state", state) ||
            query_add(&path, "bureau", bureau)) {
                fprintf(stderr, "cryptoreg filing export: the request is too long\n");
                rc = EXIT_USAGE;
                goto out;
        }
        /* The same directory as FILE, so that the rename cannot cross file systems. */
        if (buf_printf(&tmp, "%s.XXXXXX", out_path) || (d.fd = mkstemp(tmp.data)) < 0) {
                fprintf(stderr, "cryptoreg filing export: cannot create a file beside %s: %s\n",
                        out_path, strerror(errno));
                rc = EXIT_FAILED;
                goto out;
        }
        d.tmp = tmp.data;
        memset(&call, 0, sizeof(call));
        call.method = "GET";
        call.path = path.data;
        call.bearer = r.token;
        call.sink = download_write;
        call.sink_ctx = &d;
        call.timeout_seconds = LIST_TIMEOUT;
        if (http_call_run(r.server, &call, &status, &answer, &e)) {
                rc = cli_report(&e);
        } else if (status != 200) {
                print_problem("export", status, &answer);
                rc = EXIT_FAILED;
        } else {
                /* mkstemp makes the file private; the export gets the usual mode. */
                mask = umask(0);
                umask(mask);
                if (fchmod(d.fd, 0666 & ~mask) != 0 || fsync(d.fd) != 0) {
                        fprintf(stderr, "cryptoreg filing export: cannot write %s: %s\n", d.tmp,
                                strerror(errno));
                        rc = EXIT_FAILED;
                }
        }
        if (close(d.fd) != 0 && !rc) {
                fprintf(stderr, "cryptoreg filing export: cannot write %s: %s\n", d.tmp,
                        strerror(errno));
                rc = EXIT_FAILED;
        }
        if (!rc && rename(d.tmp, out_path) != 0) {
                fprintf(stderr, "cryptoreg filing export: cannot rename %s to %s: %s\n", d.tmp,
                        out_path, strerror(errno));
                rc = EXIT_FAILED;
        }
        if (rc)
                unlink(d.tmp);
        else
                printf("wrote %s: %llu bytes of %s\n", out_path, (unsigned long long)d.bytes,
                       format);
out:
        buf_release(&path);
        buf_release(&tmp);
        buf_release(&answer);
        remote_release(&r);
        return rc;
}

int cmd_filing(struct cli *c)
{
        static const struct cli_sub subs[] = {{"submit", filing_submit_cmd},
                                              {"status", filing_status_cmd},
                                              {"export", filing_export_cmd}};

        return cli_dispatch(c, "filing", subs, sizeof(subs) / sizeof(subs[0]), usage);
}
