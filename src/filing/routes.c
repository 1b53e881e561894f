/*
 * Handlers for the annual sales filing: the streamed upload, versions and
 * their lines, the workflow, the reveal of protected buyer data, who has
 * and has not filed (with CSV and XLSX exports), statistics and events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/http.h"
#include "core/buf.h"
#include "core/parse.h"
#include "core/xlsx.h"
#include "filing/filing.h"
#include "filing/filing_int.h"
#include "platform/http/route.h"
#include "kernel/store.h"

/* A year from text: 1971-9998. */
static enum cr_err parse_year(struct http_request *rq, const char *text, int required, int *year)
{
        int64_t y;

        *year = 0;
        if (!text || !*text) {
                if (required)
                        return cr_fail(&rq->err, CR_EINVAL, "missing_field", "year",
                                       "year is required, such as year=2025");
                return CR_OK;
        }
        if (parse_int64(text, strlen(text), 1971, 9998, &y) != 0)
                return cr_fail(&rq->err, CR_EINVAL, "invalid_value", "year",
                               "year must be a year such as 2025, not \"%s\"", text);
        *year = (int)y;
        return CR_OK;
}

static enum cr_err query_year(struct http_request *rq, int required, int *year)
{
        return parse_year(rq, http_query(rq, "year"), required, year);
}

enum cr_err h_filing_deadline(struct http_request *rq, struct http_response *rs)
{
        int year;
        enum cr_err err = query_year(rq, 1, &year);

        return err ? err : filing_deadline_json(rq->store, year, &rs->json, &rq->err);
}

/* The streamed upload: POST /api/v1/filings/years/{year}. */
static enum cr_err upload_open(struct http_request *rq, void **ctx)
{
        const char *draft = http_query(rq, "draft");
        struct filing_upload *u = NULL;
        int year;
        enum cr_err err = parse_year(rq, rq->params[0], 1, &year);

        if (!err && draft && strcmp(draft, "1") != 0 && strcmp(draft, "0") != 0)
                err = cr_fail(&rq->err, CR_EINVAL, "invalid_value", "draft",
                              "draft must be 1 (keep as a draft) or 0, not \"%s\"", draft);
        if (!err)
                err = filing_upload_begin(rq->store, &rq->caller, server_data_keys(rq->server),
                                          server_spool_dir(rq->server), year,
                                          draft && strcmp(draft, "1") == 0, &u, &rq->err);
        *ctx = u;
        return err;
}

static enum cr_err upload_data(void *ctx, const char *data, size_t len, struct cr_error *e)
{
        return filing_upload_data(ctx, data, len, e);
}

static enum cr_err upload_finish(void *ctx, struct http_request *rq, struct http_response *rs)
{
        int created = 0;
        enum cr_err err = filing_upload_finish(ctx, rq->store, &rs->json, &created, &rq->err);

        if (!err && !created)
                rs->status = 200;
        return err;
}

static void upload_drop(void *ctx)
{
        filing_upload_free(ctx);
}

const struct body_stream filing_upload_stream = {upload_open, upload_data, upload_finish,
                                                 upload_drop};

enum cr_err h_filing_list(struct http_request *rq, struct http_response *rs)
{
        struct record_query q = {0};
        json_t *items = json_array();
        int64_t next = 0;
        int year = 0;
        enum cr_err err = http_paging(rq, &q);

        if (!err)
                err = query_year(rq, 0, &year);
        q.bureau_code = http_query(rq, "bureau");
        q.enterprise_uscc = http_query(rq, "enterprise");
        if (!err)
                err = filing_list(rq->store, &rq->caller, &q, year, http_query(rq, "status"), items,
                                  &next, &rq->err);
        return http_page_or_fail(rs, items, next, err);
}

enum cr_err h_filing_get(struct http_request *rq, struct http_response *rs)
{
        int64_t id;
        enum cr_err err = http_path_id(rq, 0, "filing", &id);

        return err ? err : filing_get(rq->store, &rq->caller, id, &rs->json, &rq->err);
}

enum cr_err h_filing_lines(struct http_request *rq, struct http_response *rs)
{
        json_t *items = json_array();
        int64_t id, after = 0, next = 0;
        int limit;
        enum cr_err err = http_path_id(rq, 0, "filing", &id);

        if (!err)
                err = http_query_limit(rq, &limit);
        if (!err)
                err = http_query_cursor(rq, &after);
        if (!err)
                err =
                    filing_lines(rq->store, &rq->caller, id, after, limit, items, &next, &rq->err);
        return http_page_or_fail(rs, items, next, err);
}

enum cr_err h_filing_reveal(struct http_request *rq, struct http_response *rs)
{
        int64_t id, line;
        enum cr_err err = http_path_id(rq, 0, "filing", &id);

        if (!err)
                err = http_path_id(rq, 1, "line", &line);
        return err ? err
                   : filing_reveal(rq->store, &rq->caller, server_data_keys(rq->server), id, line,
                                   rq->body, &rs->json, &rq->err);
}

enum cr_err h_filing_action(struct http_request *rq, struct http_response *rs)
{
        const char *action = strrchr(rq->path, '/') + 1;
        int64_t id;
        enum cr_err err = http_path_id(rq, 0, "filing", &id);

        return err ? err
                   : filing_act(rq->store, &rq->caller, id, action, rq->body, &rs->json, &rq->err);
}

/* The columns of an obligations export, and whether each is a number. */
static const char *const export_columns[] = {
    "uscc",    "name",   "bureau_code",  "certificates", "state",           "filing_id",
    "version", "status", "submitted_at", "late",         "overdue_event_id"};
static const int export_numeric[] = {0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1};
#define EXPORT_NCOLS ((int)(sizeof(export_columns) / sizeof(export_columns[0])))

/* One cell of an export as text: "" for null, "yes"/"no" for booleans. */
static void cell_text(const json_t *v, char *out, size_t size)
{
        if (json_is_string(v))
                snprintf(out, size, "%s", json_string_value(v));
        else if (json_is_integer(v))
                snprintf(out, size, "%lld", (long long)json_integer_value(v));
        else if (json_is_boolean(v))
                snprintf(out, size, "%s", json_is_true(v) ? "yes" : "no");
        else
                out[0] = '\0';
}

/* A CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused. */
static enum cr_err csv_field(struct buf *b, const char *s)
{
        int quote = strpbrk(s, ",\"\r\n") != NULL;
        enum cr_err err = CR_OK;

        if (quote)
                err = buf_puts(b, "\"");
        /* A spreadsheet would run a cell starting with these as a formula. */
        if (!err && strchr("=+-@", s[0]) && s[0])
                err = buf_puts(b, "'");
        for (; !err && *s; s++)
                err = *s == '"' ? buf_puts(b, "\"\"") : buf_append(b, s, 1);
        if (!err && quote)
                err = buf_puts(b, "\"");
        return err;
}

static enum cr_err export_csv(const json_t *rows, struct buf *out)
{
        char cell[512];
        size_t i;
        json_t *row;
        enum cr_err err = buf_puts(out, "\xEF\xBB\xBF"); /* so spreadsheets read it as UTF-8 */

        for (int c = 0; !err && c < EXPORT_NCOLS; c++)
                err = buf_puts(out, c ? "," : "") ? CR_ENOMEM : buf_puts(out, export_columns[c]);
        if (!err)
                err = buf_puts(out, "\r\n");
        json_array_foreach(rows, i, row)
        {
                for (int c = 0; !err && c < EXPORT_NCOLS; c++) {
                        cell_text(json_object_get(row, export_columns[c]), cell, sizeof(cell));
                        if (c)
                                err = buf_puts(out, ",");
                        if (!err)
                                err = csv_field(out, cell);
                }
                if (!err)
                        err = buf_puts(out, "\r\n");
                if (err)
                        break;
        }
        return err;
}

static enum cr_err export_xlsx(const json_t *rows, struct buf *out, struct cr_error *e)
{
        const char *view[EXPORT_NCOLS];
        int numeric[EXPORT_NCOLS];
        struct xlsx *x = NULL;
        size_t i;
        json_t *row;
        enum cr_err err = xlsx_begin(&x, "filings", e);

        if (!err)
                err = xlsx_row(x, export_columns, NULL, EXPORT_NCOLS, e);
        json_array_foreach(rows, i, row)
        {
                char local[EXPORT_NCOLS][512];
                if (err)
                        break;
                for (int c = 0; c < EXPORT_NCOLS; c++) {
                        const json_t *v = json_object_get(row, export_columns[c]);
                        cell_text(v, local[c], sizeof(local[c]));
                        view[c] = local[c];
                        numeric[c] = export_numeric[c] && json_is_integer(v);
                }
                err = xlsx_row(x, view, numeric, EXPORT_NCOLS, e);
        }
        if (err) {
                xlsx_free(x);
                return err;
        }
        return xlsx_finish(x, out, e);
}

enum cr_err h_filing_obligations(struct http_request *rq, struct http_response *rs)
{
        const char *format = http_query(rq, "format");
        json_t *items = json_array();
        int64_t after = 0, next = 0;
        int limit = 0, year;
        struct buf out;
        enum cr_err err = query_year(rq, 1, &year);

        if (!err && format && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0 &&
            strcmp(format, "json") != 0)
                err = cr_fail(&rq->err, CR_EINVAL, "invalid_value", "format",
                              "format must be json, csv or xlsx, not \"%s\"", format);
        if (format && strcmp(format, "json") == 0)
                format = NULL;
        /* An export is the whole list at once; the JSON list is paged. */
        if (!err && !format) {
                err = http_query_limit(rq, &limit);
                if (limit <= 0)
                        limit = 50;
        }
        if (!err && !format)
                err = http_query_cursor(rq, &after);
        if (!err)
                err = filing_obligations(rq->store, &rq->caller, year, http_query(rq, "bureau"),
                                         http_query(rq, "state"), after, limit, items, &next,
                                         &rq->err);
        if (err || !format)
                return http_page_or_fail(rs, items, next, err);
        buf_init(&out, (size_t)1 << 30);
        if (strcmp(format, "csv") == 0) {
                err = export_csv(items, &out);
                if (err)
                        err = cr_fail(&rq->err, CR_ENOMEM, "internal", NULL, "out of memory");
                rs->content_type = "text/csv; charset=utf-8";
        } else {
                err = export_xlsx(items, &out, &rq->err);
                rs->content_type =
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        }
        json_decref(items);
        if (err) {
                buf_release(&out);
                return err;
        }
        snprintf(rs->filename, sizeof(rs->filename), "filings-%d%s%s.%s", year,
                 http_query(rq, "state") ? "-" : "",
                 http_query(rq, "state") ? http_query(rq, "state") : "", format);
        rs->body = out.data;
        rs->body_len = out.len;
        if (!rs->body) {
                rs->body = malloc(1);
                if (!rs->body)
                        return cr_fail(&rq->err, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        return CR_OK;
}

enum cr_err h_filing_statistics(struct http_request *rq, struct http_response *rs)
{
        int year;
        enum cr_err err = query_year(rq, 0, &year);

        return err ? err
                   : filing_statistics(rq->store, &rq->caller, year, http_query(rq, "bureau"),
                                       &rs->json, &rq->err);
}

enum cr_err h_filing_overdue(struct http_request *rq, struct http_response *rs)
{
        char due[DATE_LEN];
        int year, recorded = 0, already = 0;
        enum cr_err err = query_year(rq, 1, &year);

        if (!err)
                err = filing_record_overdue(rq->store, &rq->caller, year, &recorded, &already, due,
                                            &rq->err);
        if (!err)
                rs->json = json_pack("{s:i, s:s, s:i, s:i}", "year", year, "due", due, "recorded",
                                     recorded, "already", already);
        return err;
}

enum cr_err h_filing_events(struct http_request *rq, struct http_response *rs)
{
        struct record_query q = {0};
        json_t *items = json_array();
        int64_t next = 0;
        int year = 0;
        char subject[16];
        enum cr_err err = http_paging(rq, &q);

        if (!err)
                err = query_year(rq, 0, &year);
        snprintf(subject, sizeof(subject), "%d", year);
        q.bureau_code = http_query(rq, "bureau");
        q.enterprise_uscc = http_query(rq, "enterprise");
        if (!err)
                err = filing_events(rq->store, &rq->caller, &q, http_query(rq, "kind"),
                                    year ? subject : NULL, items, &next, &rq->err);
        return http_page_or_fail(rs, items, next, err);
}
