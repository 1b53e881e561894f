/*
 * Rows of the annual sales filing: versions, their lines (written once, in
 * the transaction that creates the version), per-certificate totals, status
 * events, who was obliged to file, statistics, and enterprise events such as
 * an overdue filing.
 */
#include "platform/store/store_int.h"
#include "kernel/store.h"
#include "filing/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int64_t jint(const json_t *o, const char *key)
{
        return json_integer_value(json_object_get(o, key));
}

/* A flag as the domain sets it (true/false) or as a row read back holds it (1/0). */
static int jflag(const json_t *o, const char *key)
{
        const json_t *v = json_object_get(o, key);

        return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

/* The columns of a Filing, from filings f joined to enterprises e; `current` is computed. */
#define FILING_SELECT                                                                              \
        "SELECT f.id, f.uid, f.uscc, e.name_zh AS enterprise_name, f.bureau_code, f.year, "        \
        "f.version, f.status, f.nil_return, f.lines, f.total_quantity, f.sm3, f.bytes, "           \
        "f.encoding, f.received_at, f.received_by, f.submitted_at, f.due_on, f.late, "             \
        "f.log_index, f.decided_at, f.decided_by, f.reason, "                                      \
        "f.version = (SELECT MAX(g.version) FROM filings g WHERE g.uscc = f.uscc AND g.year = "    \
        "f.year) AS current FROM filings f JOIN enterprises e ON e.id = f.enterprise_id "

enum cr_err store_filing_insert(struct store *s, const json_t *f, int64_t *id, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO filings(uid, enterprise_id, uscc, bureau_code, year, version, status, "
            "nil_return, lines, total_quantity, sm3, bytes, encoding, received_at, received_by, "
            "submitted_at, due_on, late, log_index) "
            "SELECT $1, id, uscc, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
            "$17, $18 FROM enterprises WHERE uscc = $2";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_text(st, 1, jtext(f, "uid"));
        db_bind_text(st, 2, jtext(f, "uscc"));
        db_bind_text(st, 3, jtext(f, "bureau_code"));
        db_bind_int(st, 4, jint(f, "year"));
        db_bind_int(st, 5, jint(f, "version"));
        db_bind_text(st, 6, jtext(f, "status"));
        db_bind_int(st, 7, jflag(f, "nil_return"));
        db_bind_int(st, 8, jint(f, "lines"));
        db_bind_int(st, 9, jint(f, "total_quantity"));
        db_bind_text(st, 10, jtext(f, "sm3"));
        db_bind_int(st, 11, jint(f, "bytes"));
        db_bind_text(st, 12, jtext(f, "encoding"));
        db_bind_text(st, 13, jtext(f, "received_at"));
        db_bind_text(st, 14, jtext(f, "received_by"));
        db_bind_text(st, 15, jtext(f, "submitted_at"));
        db_bind_text(st, 16, jtext(f, "due_on"));
        db_bind_int(st, 17, jflag(f, "late"));
        if (json_is_integer(json_object_get(f, "log_index")))
                db_bind_int(st, 18, jint(f, "log_index"));
        else
                db_bind_text(st, 18, NULL);
        err = db_run(st, e);
        if (!err && db_changes(s->db) != 1)
                return cr_fail(e, CR_ENOTFOUND, "not_found", "uscc", "no enterprise %s",
                               jtext(f, "uscc"));
        if (!err)
                *id = db_last_insert_id(s->db);
        return err;
}

enum cr_err store_filing_update(struct store *s, const json_t *f, struct cr_error *e)
{
        static const char sql[] =
            "UPDATE filings SET status = $2, submitted_at = $3, due_on = $4, late = $5, "
            "log_index = $6, decided_at = $7, decided_by = $8, reason = $9 WHERE id = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_int(st, 1, jint(f, "id"));
        db_bind_text(st, 2, jtext(f, "status"));
        db_bind_text(st, 3, jtext(f, "submitted_at"));
        db_bind_text(st, 4, jtext(f, "due_on"));
        db_bind_int(st, 5, jflag(f, "late"));
        if (json_is_integer(json_object_get(f, "log_index")))
                db_bind_int(st, 6, jint(f, "log_index"));
        else
                db_bind_text(st, 6, NULL);
        db_bind_text(st, 7, jtext(f, "decided_at"));
        db_bind_text(st, 8, jtext(f, "decided_by"));
        db_bind_text(st, 9, jtext(f, "reason") ? jtext(f, "reason") : "");
        err = db_run(st, e);
        if (!err && db_changes(s->db) != 1)
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no such filing");
        return err;
}

enum cr_err store_filing_get(struct store *s, int64_t id, json_t **out, struct cr_error *e)
{
        static const char sql[] = FILING_SELECT "WHERE f.id = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, id);
        return repo_one_row(st, out, "filing", NULL, e);
}

enum cr_err store_filing_latest(struct store *s, const char *uscc, int year, json_t **out,
                                struct cr_error *e)
{
        static const char sql[] =
            FILING_SELECT "WHERE f.uscc = $1 AND f.year = $2 ORDER BY f.version DESC LIMIT 1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_text(st, 1, uscc);
        db_bind_int(st, 2, year);
        err = repo_one_row(st, out, "filing", NULL, e);
        if (err == CR_ENOTFOUND) {
                cr_error_clear(e);
                *out = NULL;
                return CR_OK;
        }
        return err;
}

enum cr_err store_filing_versions(struct store *s, const char *uscc, int year, json_t *out,
                                  struct cr_error *e)
{
        static const char sql[] =
            "SELECT id, version, status, received_at, submitted_at, sm3, late, lines, log_index "
            "FROM filings WHERE uscc = $1 AND year = $2 ORDER BY version DESC";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, uscc);
        db_bind_int(st, 2, year);
        return repo_rows_json(st, out, e);
}

enum cr_err store_filing_list(struct store *s, const struct record_query *q, int year,
                              const char *status, json_t *out, struct cr_error *e)
{
        /* The latest version of each enterprise and year, newest first by id. */
        static const char sql[] = FILING_SELECT
            "WHERE ($1 IS NULL OR f.bureau_code = $1) AND ($2 IS NULL OR f.uscc = $2) "
            "AND ($3 = 0 OR f.year = $3) AND ($4 IS NULL OR f.status = $4) AND "
            "f.version = (SELECT MAX(g.version) FROM filings g WHERE g.uscc = "
            "f.uscc AND g.year = f.year) AND ($5 = 0 OR f.id < $5) "
            "ORDER BY f.id DESC LIMIT $6";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, q->bureau_code);
        db_bind_text(st, 2, q->enterprise_uscc);
        db_bind_int(st, 3, year);
        db_bind_text(st, 4, status);
        db_bind_int(st, 5, q->after_id);
        db_bind_int(st, 6, q->limit);
        return repo_rows_json(st, out, e);
}

enum cr_err store_filing_line_insert(struct store *s, int64_t filing_id,
                                     const struct store_filing_line *l, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO filing_lines(filing_id, line, sale_date, certificate_number, "
            "product_model, quantity, buyer_type, buyer_name, buyer_uscc, buyer_id_type, "
            "buyer_id_sealed, buyer_id_masked, buyer_address, buyer_contact_sealed, "
            "buyer_contact_masked, end_use) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
            "$12, $13, $14, $15, $16)";
        /* The parameter of each stored text column, in enum store_filing_col order. */
        static const int param_of[SFL_NCOLS] = {3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, filing_id);
        db_bind_int(st, 2, l->line);
        db_bind_int(st, 6, l->quantity);
        for (int i = 0; i < SFL_NCOLS; i++)
                db_bind_textn(st, param_of[i], l->text[i], l->len[i]);
        return db_run(st, e);
}

/* The stored text columns in enum store_filing_col order, then line and quantity. */
#define LINE_COLUMNS                                                                               \
        "sale_date, certificate_number, product_model, buyer_type, buyer_name, buyer_uscc, "       \
        "buyer_id_type, buyer_id_sealed, buyer_id_masked, buyer_address, buyer_contact_sealed, "   \
        "buyer_contact_masked, end_use, line, quantity"

static void read_line(struct db_stmt *st, struct store_filing_line *l)
{
        for (int i = 0; i < SFL_NCOLS; i++) {
                const char *t = db_col_text(st, i);
                l->text[i] = t ? t : "";
                l->len[i] = strlen(l->text[i]);
        }
        l->line = db_col_int(st, SFL_NCOLS);
        l->quantity = db_col_int(st, SFL_NCOLS + 1);
}

enum cr_err store_filing_lines(struct store *s, int64_t filing_id, int64_t after_line, int limit,
                               store_filing_line_fn fn, void *arg, struct cr_error *e)
{
        static const char sql[] = "SELECT " LINE_COLUMNS " FROM filing_lines WHERE filing_id = $1 "
                                  "AND line > $2 ORDER BY line LIMIT $3";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_int(st, 1, filing_id);
        db_bind_int(st, 2, after_line);
        db_bind_int(st, 3, limit > 0 ? limit : -1);
        while ((rc = db_step(st, e)) == DB_ROW) {
                struct store_filing_line l;
                read_line(st, &l);
                err = fn(arg, &l, e);
                if (err)
                        break;
        }
        db_done(st);
        if (!err && rc == DB_ERROR)
                err = e->err;
        return err;
}

enum cr_err store_filing_line_get(struct store *s, int64_t filing_id, int64_t line,
                                  store_filing_line_fn fn, void *arg, struct cr_error *e)
{
        static const char sql[] =
            "SELECT " LINE_COLUMNS " FROM filing_lines WHERE filing_id = $1 AND line = $2";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;
        int rc;

        if (!st)
                return e->err;
        db_bind_int(st, 1, filing_id);
        db_bind_int(st, 2, line);
        rc = db_step(st, e);
        if (rc == DB_ROW) {
                struct store_filing_line l;
                read_line(st, &l);
                err = fn(arg, &l, e);
        } else if (rc == DB_DONE) {
                err = cr_fail(e, CR_ENOTFOUND, "not_found", "line",
                              "the filing has no line %lld (lines are numbered as in the file)",
                              (long long)line);
        } else {
                err = e->err;
        }
        db_done(st);
        return err;
}

enum cr_err store_filing_total_put(struct store *s, int64_t filing_id, const char *certificate,
                                   int64_t lines, int64_t quantity, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO filing_totals(filing_id, certificate_number, lines, quantity) "
            "VALUES ($1, $2, $3, $4)";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, filing_id);
        db_bind_text(st, 2, certificate);
        db_bind_int(st, 3, lines);
        db_bind_int(st, 4, quantity);
        return db_run(st, e);
}

enum cr_err store_filing_event_add(struct store *s, int64_t filing_id, const char *at,
                                   const char *actor, const char *action, const char *from,
                                   const char *to, const char *reason, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO filing_events(filing_id, at, actor, action, from_status, to_status, "
            "reason) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, filing_id);
        db_bind_text(st, 2, at);
        db_bind_text(st, 3, actor);
        db_bind_text(st, 4, action);
        db_bind_text(st, 5, from);
        db_bind_text(st, 6, to);
        db_bind_text(st, 7, reason ? reason : "");
        return db_run(st, e);
}

enum cr_err store_filing_events(struct store *s, int64_t filing_id, json_t *out, struct cr_error *e)
{
        static const char sql[] =
            "SELECT at, actor, action, from_status, to_status, reason FROM filing_events "
            "WHERE filing_id = $1 ORDER BY id";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, filing_id);
        return repo_rows_json(st, out, e);
}

/*
 * Who was obliged to file the sales of a year ($1 its number, $2 its first
 * day, $3 its last): the holders of a type certificate (not a legacy
 * document) valid on some day of it, and not revoked before it began.
 */
#define OBLIGED_CTE                                                                                \
        "WITH holders AS (SELECT c.holder_id AS enterprise_id, COUNT(*) AS certificates "          \
        "FROM certificates c WHERE c.legacy = 0 AND c.issued_on <= $3 AND c.expires_on >= $2 "     \
        "AND NOT EXISTS (SELECT 1 FROM certificate_events v WHERE v.certificate_id = c.id AND "    \
        "v.status = 'revoked' AND v.effective_on < $2) GROUP BY c.holder_id), "                    \
        "filed AS (SELECT f.* FROM filings f WHERE f.year = $1 AND f.status IN ('submitted', "     \
        "'accepted', 'returned') AND f.version = (SELECT MAX(g.version) FROM filings g WHERE "     \
        "g.uscc = f.uscc AND g.year = f.year AND g.status IN ('submitted', 'accepted', "           \
        "'returned'))), "                                                                          \
        "obliged AS (SELECT e.id AS enterprise_id, e.uscc, e.name_zh AS name, e.bureau_code, "     \
        "h.certificates, d.id AS filing_id, d.version, d.status, d.submitted_at, "                 \
        "COALESCE((SELECT g.late FROM filings g WHERE g.uscc = e.uscc AND g.year = $1 AND "        \
        "g.submitted_at IS NOT NULL ORDER BY g.version LIMIT 1), 0) AS late, "                     \
        "(SELECT v.id FROM enterprise_events v WHERE v.uscc = e.uscc AND v.kind = "                \
        "'filing_overdue' AND v.subject = CAST($1 AS TEXT)) AS overdue_event_id "                  \
        "FROM holders h JOIN enterprises e ON e.id = h.enterprise_id "                             \
        "LEFT JOIN filed d ON d.uscc = e.uscc), "                                                  \
        "states AS (SELECT *, CASE WHEN filing_id IS NULL THEN 'missing' WHEN status = "           \
        "'returned' THEN 'returned' WHEN late THEN 'late' ELSE 'on_time' END AS state FROM "       \
        "obliged) "

/* Binds the year's number and its first and last days as $1, $2 and $3. */
static void bind_year(struct db_stmt *st, int year)
{
        char first[16], last[16];

        snprintf(first, sizeof(first), "%04d-01-01", year);
        snprintf(last, sizeof(last), "%04d-12-31", year);
        db_bind_int(st, 1, year);
        db_bind_text(st, 2, first);
        db_bind_text(st, 3, last);
}

enum cr_err store_filing_obligations(struct store *s, int year, const char *bureau_code,
                                     const char *state, int64_t after_enterprise, int limit,
                                     json_t *out, struct cr_error *e)
{
        static const char sql[] =
            OBLIGED_CTE "SELECT enterprise_id, uscc, name, bureau_code, certificates, state, "
                        "filing_id, version, status, submitted_at, late, overdue_event_id FROM "
                        "states WHERE ($4 IS NULL OR bureau_code = $4) AND ($5 IS NULL OR state = "
                        "$5) AND enterprise_id > $6 ORDER BY enterprise_id LIMIT $7";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        bind_year(st, year);
        db_bind_text(st, 4, bureau_code);
        db_bind_text(st, 5, state);
        db_bind_int(st, 6, after_enterprise);
        db_bind_int(st, 7, limit > 0 ? limit : -1);
        return repo_rows_json(st, out, e);
}

enum cr_err store_filing_statistics(struct store *s, int year, const char *bureau_code, json_t *out,
                                    struct cr_error *e)
{
        static const char by_bureau[] = OBLIGED_CTE
            "SELECT b.code AS bureau_code, COUNT(t.enterprise_id) AS obligated, "
            "COALESCE(SUM(t.state IN ('on_time', 'late', 'returned')), 0) AS filed, "
            "COALESCE(SUM(t.state = 'late'), 0) AS late, "
            "COALESCE(SUM(t.state = 'missing'), 0) AS missing, "
            "(SELECT COALESCE(SUM(f.lines), 0) FROM filed f WHERE f.bureau_code = b.code) AS "
            "lines, "
            "(SELECT COALESCE(SUM(f.total_quantity), 0) FROM filed f WHERE f.bureau_code = b.code) "
            "AS quantity FROM bureaus b LEFT JOIN states t ON t.bureau_code = b.code "
            "WHERE ($4 IS NULL OR b.code = $4) GROUP BY b.code ORDER BY b.code";
        /* Sums over the latest submitted, accepted or returned version, by what it covered. */
        static const char by_category[] =
            OBLIGED_CTE "SELECT c.product_category AS category, SUM(t.lines) AS lines, "
                        "SUM(t.quantity) AS quantity FROM filed f JOIN filing_totals t ON "
                        "t.filing_id = f.id JOIN certificates c ON c.number = t.certificate_number "
                        "WHERE ($4 IS NULL OR f.bureau_code = $4) GROUP BY c.product_category "
                        "ORDER BY quantity DESC, category";
        static const char by_algorithm[] =
            OBLIGED_CTE "SELECT json_extract(a.value, '$.name') AS algorithm, SUM(t.lines) AS "
                        "lines, SUM(t.quantity) AS quantity FROM filed f JOIN filing_totals t ON "
                        "t.filing_id = f.id JOIN certificates c ON c.number = t.certificate_number "
                        "JOIN json_each(c.algorithms) a WHERE ($4 IS NULL OR f.bureau_code = $4) "
                        "GROUP BY algorithm ORDER BY quantity DESC, algorithm";
        static const char *const sqls[] = {by_bureau, by_category, by_algorithm};
        static const char *const keys[] = {"by_bureau", "by_category", "by_algorithm"};
        enum cr_err err = CR_OK;

        for (int i = 0; i < 3 && !err; i++) {
                struct db_stmt *st = db_prepare(s->db, sqls[i], e);
                json_t *rows = json_array();
                if (!st) {
                        json_decref(rows);
                        return e->err;
                }
                if (!rows) {
                        db_done(st);
                        return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                }
                bind_year(st, year);
                db_bind_text(st, 4, bureau_code);
                err = repo_rows_json(st, rows, e);
                json_object_set_new(out, keys[i], rows);
        }
        return err;
}

enum cr_err store_filing_years(struct store *s, json_t *out, struct cr_error *e)
{
        static const char sql[] = "SELECT DISTINCT year FROM filings ORDER BY year";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        int rc;

        if (!st)
                return e->err;
        while ((rc = db_step(st, e)) == DB_ROW)
                json_array_append_new(out, json_integer(db_col_int(st, 0)));
        db_done(st);
        return rc == DB_ERROR ? e->err : CR_OK;
}

enum cr_err store_enterprise_event_add(struct store *s, const json_t *ev, int *added,
                                       struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO enterprise_events(enterprise_id, uscc, bureau_code, kind, subject, "
            "occurred_on, rule_id, citation, details, recorded_at) SELECT id, uscc, bureau_code, "
            "$2, $3, $4, $5, $6, $7, $8 FROM enterprises WHERE uscc = $1 "
            "ON CONFLICT (uscc, kind, subject) DO NOTHING";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        char *details;
        enum cr_err err;

        if (!st)
                return e->err;
        details = json_dumps(json_object_get(ev, "details"), JSON_COMPACT | JSON_ENCODE_ANY);
        if (!details) {
                db_done(st);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        db_bind_text(st, 1, jtext(ev, "uscc"));
        db_bind_text(st, 2, jtext(ev, "kind"));
        db_bind_text(st, 3, jtext(ev, "subject"));
        db_bind_text(st, 4, jtext(ev, "occurred_on"));
        db_bind_text(st, 5, jtext(ev, "rule_id"));
        db_bind_text(st, 6, jtext(ev, "citation"));
        db_bind_text(st, 7, details);
        db_bind_text(st, 8, jtext(ev, "recorded_at"));
        err = db_run(st, e);
        free(details);
        if (!err)
                *added = db_changes(s->db) == 1;
        return err;
}

enum cr_err store_enterprise_event_resolve(struct store *s, const char *uscc, const char *kind,
                                           const char *subject, const char *resolved_on,
                                           int64_t filing_id, struct cr_error *e)
{
        static const char sql[] =
            "UPDATE enterprise_events SET resolved_on = $4, resolved_by_filing = $5 WHERE uscc = "
            "$1 AND kind = $2 AND subject = $3 AND resolved_on IS NULL";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, uscc);
        db_bind_text(st, 2, kind);
        db_bind_text(st, 3, subject);
        db_bind_text(st, 4, resolved_on);
        db_bind_int(st, 5, filing_id);
        return db_run(st, e);
}

enum cr_err store_enterprise_events(struct store *s, const struct record_query *q, const char *kind,
                                    const char *subject, json_t *out, struct cr_error *e)
{
        static const char sql[] =
            "SELECT id, uscc, bureau_code, kind, subject, occurred_on, rule_id, citation, details "
            "AS \"details:json\", recorded_at, resolved_on, resolved_by_filing FROM "
            "enterprise_events WHERE ($1 IS NULL OR bureau_code = $1) AND ($2 IS NULL OR uscc = "
            "$2) AND ($3 IS NULL OR kind = $3) AND ($4 IS NULL OR subject = $4) AND ($5 = 0 OR "
            "id < $5) ORDER BY id DESC LIMIT $6";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, q->bureau_code);
        db_bind_text(st, 2, q->enterprise_uscc);
        db_bind_text(st, 3, kind);
        db_bind_text(st, 4, subject);
        db_bind_int(st, 5, q->after_id);
        db_bind_int(st, 6, q->limit);
        return repo_rows_json(st, out, e);
}
