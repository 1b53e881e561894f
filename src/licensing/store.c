/*
 * Rows of the licensing records: the legal calendar's files, counters,
 * products, applications with their events and documents, certificates with
 * their status events, and the public signing keys.
 */
#include "platform/store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "kernel/store.h"
#include "licensing/store.h"

/* A string member of o, or "" (for NOT NULL DEFAULT '' columns). */
static const char *jtext0(const json_t *o, const char *key)
{
        const char *v = jtext(o, key);
        return v ? v : "";
}

/* Binds a member holding JSON (an object or array) as its compact text. */
static enum cr_err bind_json(struct db_stmt *st, int n, const json_t *o, const char *key,
                             struct cr_error *e)
{
        const json_t *v = json_object_get(o, key);
        char *text = json_dumps(v ? v : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);

        if (!text)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        db_bind_text(st, n, text);
        free(text);
        return CR_OK;
}

enum cr_err store_calendar_put(struct store *s, int year, const char *source, const char *file,
                               const char *sm3, int days, const char *now, const char *by,
                               struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO calendar_years(year, source, file, sm3, days, loaded_at, loaded_by) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT(year) DO UPDATE SET "
            "source = excluded.source, file = excluded.file, sm3 = excluded.sm3, "
            "days = excluded.days, loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, year);
        db_bind_text(st, 2, source);
        db_bind_text(st, 3, file);
        db_bind_text(st, 4, sm3);
        db_bind_int(st, 5, days);
        db_bind_text(st, 6, now);
        db_bind_text(st, 7, by);
        return db_run(st, e);
}

enum cr_err store_calendar_list(struct store *s, int with_file, json_t *out, struct cr_error *e)
{
        static const char sql[] = "SELECT year, source, sm3, days, loaded_at, loaded_by FROM "
                                  "calendar_years ORDER BY year";
        static const char sql_file[] = "SELECT year, source, sm3, days, loaded_at, loaded_by, "
                                       "file FROM calendar_years ORDER BY year";
        struct db_stmt *st = db_prepare(s->db, with_file ? sql_file : sql, e);

        return st ? repo_rows_json(st, out, e) : e->err;
}

enum cr_err store_counter_next(struct store *s, const char *name, int64_t *out, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO counters(name, value) VALUES ($1, 1) ON CONFLICT(name) DO UPDATE SET "
            "value = value + 1 RETURNING value";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, name);
        rc = db_step(st, e);
        if (rc == DB_ROW)
                *out = db_col_int(st, 0);
        db_done(st);
        return rc == DB_ROW ? CR_OK : e->err;
}

/* Products, with the owning enterprise's USCC, name and bureau. */
#define PRODUCT_SELECT                                                                             \
        "SELECT p.id, p.enterprise_id, e.uscc AS enterprise_uscc, e.name_zh AS enterprise_name, "  \
        "e.bureau_code, p.name, p.model, p.category, p.algorithms AS \"algorithms:json\", "        \
        "p.description, p.created_at, p.updated_at, p.version FROM products p "                    \
        "JOIN enterprises e ON e.id = p.enterprise_id "

enum cr_err store_product_insert(struct store *s, int64_t enterprise_id, const json_t *p,
                                 int64_t *id, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO products(enterprise_id, name, model, category, algorithms, description, "
            "created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_int(st, 1, enterprise_id);
        db_bind_text(st, 2, jtext0(p, "name"));
        db_bind_text(st, 3, jtext0(p, "model"));
        db_bind_text(st, 4, jtext0(p, "category"));
        err = bind_json(st, 5, p, "algorithms", e);
        if (err) {
                db_done(st);
                return err;
        }
        db_bind_text(st, 6, jtext0(p, "description"));
        db_bind_text(st, 7, jtext0(p, "created_at"));
        err = db_run(st, e);
        if (err == CR_ECONFLICT)
                return cr_fail(e, CR_ECONFLICT, "duplicate_model", "model",
                               "this enterprise already has a product with model %s",
                               jtext0(p, "model"));
        if (!err)
                *id = db_last_insert_id(s->db);
        return err;
}

enum cr_err store_product_get(struct store *s, int64_t id, json_t **out, struct cr_error *e)
{
        static const char sql[] = PRODUCT_SELECT "WHERE p.id = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        char key[24];

        if (!st)
                return e->err;
        db_bind_int(st, 1, id);
        snprintf(key, sizeof(key), "%lld", (long long)id);
        return repo_one_row(st, out, "product", key, e);
}

enum cr_err store_product_update(struct store *s, const json_t *p, int64_t expected_version,
                                 struct cr_error *e)
{
        static const char sql[] =
            "UPDATE products SET name = $2, model = $3, category = $4, algorithms = $5, "
            "description = $6, updated_at = $7, version = version + 1 "
            "WHERE id = $1 AND version = $8";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_int(st, 1, json_integer_value(json_object_get(p, "id")));
        db_bind_text(st, 2, jtext0(p, "name"));
        db_bind_text(st, 3, jtext0(p, "model"));
        db_bind_text(st, 4, jtext0(p, "category"));
        err = bind_json(st, 5, p, "algorithms", e);
        if (err) {
                db_done(st);
                return err;
        }
        db_bind_text(st, 6, jtext0(p, "description"));
        db_bind_text(st, 7, jtext0(p, "updated_at"));
        db_bind_int(st, 8, expected_version);
        err = db_run(st, e);
        if (err == CR_ECONFLICT)
                return cr_fail(e, CR_ECONFLICT, "duplicate_model", "model",
                               "this enterprise already has a product with model %s",
                               jtext0(p, "model"));
        if (!err && db_changes(s->db) != 1)
                err = cr_fail(e, CR_ECONFLICT, "conflict", NULL,
                              "the product was changed by someone else; reload and retry");
        return err;
}

enum cr_err store_product_applications(struct store *s, int64_t id, int64_t *out,
                                       struct cr_error *e)
{
        static const char sql[] = "SELECT COUNT(*) FROM applications WHERE product_id = $1 AND "
                                  "state NOT IN ('withdrawn', 'refused')";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        int rc;

        if (!st)
                return e->err;
        db_bind_int(st, 1, id);
        rc = db_step(st, e);
        if (rc == DB_ROW)
                *out = db_col_int(st, 0);
        db_done(st);
        return rc == DB_ROW ? CR_OK : e->err;
}

/* A LIKE pattern matching q anywhere, with %, _ and the escape itself escaped. */
static enum cr_err like_pattern(struct buf *b, const char *q)
{
        enum cr_err err = buf_puts(b, "%");

        for (; !err && *q; q++) {
                if (*q == '%' || *q == '_' || *q == '\\')
                        err = buf_append(b, "\\", 1);
                if (!err)
                        err = buf_append(b, q, 1);
        }
        return err ? err : buf_puts(b, "%");
}

enum cr_err store_product_list(struct store *s, const struct record_query *q, json_t *out,
                               struct cr_error *e)
{
        static const char sql[] = PRODUCT_SELECT
            "WHERE ($1 IS NULL OR e.bureau_code = $1) AND ($2 IS NULL OR e.uscc = $2) "
            "AND ($3 IS NULL OR p.name LIKE $3 ESCAPE '\\' OR p.model LIKE $3 "
            "ESCAPE '\\') AND p.id > $4 ORDER BY p.id LIMIT $5";
        struct db_stmt *st;
        struct buf pattern;
        enum cr_err err;

        buf_init(&pattern, 1024);
        if (q->q && q->q[0] && like_pattern(&pattern, q->q)) {
                buf_release(&pattern);
                return cr_fail(e, CR_EINVAL, "too_long", "q", "the query is too long");
        }
        st = db_prepare(s->db, sql, e);
        if (!st) {
                buf_release(&pattern);
                return e->err;
        }
        db_bind_text(st, 1, q->bureau_code);
        db_bind_text(st, 2, q->enterprise_uscc);
        db_bind_text(st, 3, q->q && q->q[0] ? pattern.data : NULL);
        db_bind_int(st, 4, q->after_id);
        db_bind_int(st, 5, q->limit);
        err = repo_rows_json(st, out, e);
        buf_release(&pattern);
        return err;
}

/* Applications, with the enterprise's USCC and name and a summary of the product. */
#define APPLICATION_SELECT                                                                         \
        "SELECT a.id, a.number, a.item, a.state, a.enterprise_id, e.uscc AS enterprise_uscc, "     \
        "e.name_zh AS enterprise_name, a.bureau_code, a.product_id, "                              \
        "CASE WHEN p.id IS NULL THEN 'null' ELSE json_object('id', p.id, 'name', p.name, "         \
        "'model', p.model, 'category', p.category, 'algorithms', json(p.algorithms)) END "         \
        "AS \"product:json\", a.renewal_of, a.form AS \"form:json\", a.received_on, "              \
        "a.accepted_on, a.deemed_accepted, a.decided_on, a.outcome, a.decision_reason, "           \
        "a.extension_approver, a.extension_reason, a.certificate_number, a.halted_on, "            \
        "a.stops AS \"stops:json\", a.due_act, a.due_on, a.due_error, a.created_at, "              \
        "a.updated_at, a.version FROM applications a JOIN enterprises e ON e.id = "                \
        "a.enterprise_id "                                                                         \
        "LEFT JOIN products p ON p.id = a.product_id "

/* Binds the columns that insert and update share, as $2-$20 ($1 is the number). */
static enum cr_err bind_application(struct db_stmt *st, const json_t *a, struct cr_error *e)
{
        static const char *const text_cols[] = {"item",
                                                "state",
                                                "renewal_of",
                                                "received_on",
                                                "accepted_on",
                                                "decided_on",
                                                "outcome",
                                                "decision_reason",
                                                "extension_approver",
                                                "extension_reason",
                                                "certificate_number",
                                                "halted_on",
                                                "due_act",
                                                "due_on",
                                                "due_error",
                                                "updated_at"};
        enum cr_err err;

        db_bind_text(st, 1, jtext0(a, "number"));
        for (size_t i = 0; i < sizeof(text_cols) / sizeof(text_cols[0]); i++)
                db_bind_text(st, (int)i + 2, jtext0(a, text_cols[i]));
        db_bind_int(st, 18, json_integer_value(json_object_get(a, "deemed_accepted")));
        err = bind_json(st, 19, a, "form", e);
        if (!err)
                err = bind_json(st, 20, a, "stops", e);
        return err;
}

enum cr_err store_application_insert(struct store *s, const json_t *a, int64_t *id,
                                     struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO applications(number, item, state, renewal_of, received_on, accepted_on, "
            "decided_on, outcome, decision_reason, extension_approver, extension_reason, "
            "certificate_number, halted_on, due_act, due_on, due_error, updated_at, "
            "deemed_accepted, form, stops, enterprise_id, bureau_code, product_id, created_at, "
            "version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
            "$16, $17, $18, $19, $20, $21, $22, $23, $24, 1)";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        const json_t *product = json_object_get(a, "product_id");
        enum cr_err err;

        if (!st)
                return e->err;
        err = bind_application(st, a, e);
        if (err) {
                db_done(st);
                return err;
        }
        db_bind_int(st, 21, json_integer_value(json_object_get(a, "enterprise_id")));
        db_bind_text(st, 22, jtext0(a, "bureau_code"));
        if (json_is_integer(product))
                db_bind_int(st, 23, json_integer_value(product));
        else
                db_bind_text(st, 23, NULL);
        db_bind_text(st, 24, jtext0(a, "created_at"));
        err = db_run(st, e);
        if (!err)
                *id = db_last_insert_id(s->db);
        return err;
}

enum cr_err store_application_get(struct store *s, const char *number, json_t **out,
                                  struct cr_error *e)
{
        static const char sql[] = APPLICATION_SELECT "WHERE a.number = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, number);
        return repo_one_row(st, out, "application", number, e);
}

enum cr_err store_application_update(struct store *s, const json_t *a, int64_t expected_version,
                                     struct cr_error *e)
{
        static const char sql[] =
            "UPDATE applications SET item = $2, state = $3, renewal_of = $4, received_on = $5, "
            "accepted_on = $6, decided_on = $7, outcome = $8, decision_reason = $9, "
            "extension_approver = $10, extension_reason = $11, certificate_number = $12, "
            "halted_on = $13, due_act = $14, due_on = $15, due_error = $16, updated_at = $17, "
            "deemed_accepted = $18, form = $19, stops = $20, version = version + 1 "
            "WHERE number = $1 AND version = $21";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        err = bind_application(st, a, e);
        if (err) {
                db_done(st);
                return err;
        }
        db_bind_int(st, 21, expected_version);
        err = db_run(st, e);
        if (!err && db_changes(s->db) != 1)
                err = cr_fail(e, CR_ECONFLICT, "conflict", NULL,
                              "application %s was changed by someone else; reload and retry",
                              jtext0(a, "number"));
        return err;
}

enum cr_err store_application_list(struct store *s, const struct record_query *q, json_t *out,
                                   struct cr_error *e)
{
        static const char sql[] =
            APPLICATION_SELECT "WHERE ($1 IS NULL OR a.bureau_code = $1) AND ($2 IS NULL OR "
                               "e.uscc = $2) AND ($3 IS NULL OR a.state = $3) AND ($4 IS NULL OR "
                               "(a.due_on <> '' AND a.due_on < $4)) AND a.id > $5 "
                               "ORDER BY a.id LIMIT $6";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, q->bureau_code);
        db_bind_text(st, 2, q->enterprise_uscc);
        db_bind_text(st, 3, q->state);
        db_bind_text(st, 4, q->overdue_before);
        db_bind_int(st, 5, q->after_id);
        db_bind_int(st, 6, q->limit);
        return repo_rows_json(st, out, e);
}

enum cr_err store_application_open(struct store *s, json_t *out, struct cr_error *e)
{
        static const char sql[] = APPLICATION_SELECT
            "WHERE a.state IN ('received', 'accepted', 'approved', 'materials_requested', "
            "'under_review') ORDER BY a.id";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        return st ? repo_rows_json(st, out, e) : e->err;
}

enum cr_err store_application_event_add(struct store *s, int64_t application_id, const char *at,
                                        const char *actor, const char *action,
                                        const char *from_state, const char *to_state,
                                        const char *reason, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO application_events(application_id, at, actor, action, from_state, "
            "to_state, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, application_id);
        db_bind_text(st, 2, at);
        db_bind_text(st, 3, actor);
        db_bind_text(st, 4, action);
        db_bind_text(st, 5, from_state);
        db_bind_text(st, 6, to_state);
        db_bind_text(st, 7, reason);
        return db_run(st, e);
}

enum cr_err store_application_events(struct store *s, int64_t application_id, json_t *out,
                                     struct cr_error *e)
{
        static const char sql[] = "SELECT at, actor, action, from_state, to_state, reason FROM "
                                  "application_events WHERE application_id = $1 ORDER BY id";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, application_id);
        return repo_rows_json(st, out, e);
}

enum cr_err store_document_insert(struct store *s, int64_t application_id, const char *name,
                                  const void *data, size_t len, const char *sm3, const char *at,
                                  const char *by, int64_t *id, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO documents(application_id, name, size, sm3, content, uploaded_at, "
            "uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_int(st, 1, application_id);
        db_bind_text(st, 2, name);
        db_bind_int(st, 3, (int64_t)len);
        db_bind_text(st, 4, sm3);
        db_bind_blob(st, 5, data, len);
        db_bind_text(st, 6, at);
        db_bind_text(st, 7, by);
        err = db_run(st, e);
        if (!err)
                *id = db_last_insert_id(s->db);
        return err;
}

enum cr_err store_document_list(struct store *s, int64_t application_id, json_t *out,
                                struct cr_error *e)
{
        static const char sql[] = "SELECT id, name, size, sm3, uploaded_at, uploaded_by FROM "
                                  "documents WHERE application_id = $1 ORDER BY id";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, application_id);
        return repo_rows_json(st, out, e);
}

enum cr_err store_document_get(struct store *s, int64_t application_id, int64_t id, json_t **meta,
                               char **data, size_t *len, struct cr_error *e)
{
        static const char sql[] = "SELECT id, name, size, sm3, uploaded_at, uploaded_by, content "
                                  "FROM documents WHERE application_id = $1 AND id = $2";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_int(st, 1, application_id);
        db_bind_int(st, 2, id);
        rc = db_step(st, e);
        if (rc == DB_ROW) {
                const void *p = db_col_blob(st, 6, len);
                *meta = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)db_col_int(st, 0),
                                  "name", db_col_text(st, 1), "size", (json_int_t)db_col_int(st, 2),
                                  "sm3", db_col_text(st, 3));
                *data = malloc(*len ? *len : 1);
                if (!*data || !*meta) {
                        free(*data);
                        *data = NULL;
                        json_decref(*meta);
                        *meta = NULL;
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                } else if (*len) {
                        memcpy(*data, p, *len);
                }
        } else if (rc == DB_DONE) {
                err =
                    cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no document %lld", (long long)id);
        } else {
                err = e->err;
        }
        db_done(st);
        return err;
}

/* Certificates with their status history, oldest event first. */
#define CERTIFICATE_SELECT                                                                         \
        "SELECT c.id, c.number, c.kind, c.legacy, c.holder_uscc, c.holder_name, c.bureau_code, "   \
        "c.product_name, c.product_model, c.product_category, c.algorithms AS "                    \
        "\"algorithms:json\", "                                                                    \
        "c.issued_on, c.expires_on, c.application_number, c.key_id, c.created_at, "                \
        "(SELECT json_group_array(json_object('on', v.effective_on, 'status', v.status, "          \
        "'reason', v.reason, 'at', v.at, 'log_index', v.log_index)) FROM (SELECT * FROM "          \
        "certificate_events "                                                                      \
        "WHERE certificate_id = c.id ORDER BY id) v) AS \"history:json\" FROM certificates c "

enum cr_err store_certificate_insert(struct store *s, const json_t *c, const void *doc,
                                     size_t doc_len, const void *sig, size_t sig_len, int64_t *id,
                                     struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO certificates(number, kind, legacy, holder_id, holder_uscc, holder_name, "
            "bureau_code, product_name, product_model, product_category, algorithms, issued_on, "
            "expires_on, application_number, key_id, document, signature, created_at) "
            "SELECT $1, $2, $3, id, uscc, name_zh, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
            "$15, $16 FROM enterprises WHERE uscc = $4";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_text(st, 1, jtext0(c, "number"));
        db_bind_text(st, 2, jtext0(c, "kind"));
        db_bind_int(st, 3, json_is_true(json_object_get(c, "legacy")));
        db_bind_text(st, 4, jtext0(c, "holder_uscc"));
        db_bind_text(st, 5, jtext0(c, "bureau_code"));
        db_bind_text(st, 6, jtext0(c, "product_name"));
        db_bind_text(st, 7, jtext0(c, "product_model"));
        db_bind_text(st, 8, jtext0(c, "product_category"));
        err = bind_json(st, 9, c, "algorithms", e);
        if (err) {
                db_done(st);
                return err;
        }
        db_bind_text(st, 10, jtext0(c, "issued_on"));
        db_bind_text(st, 11, jtext0(c, "expires_on"));
        db_bind_text(st, 12, jtext0(c, "application_number"));
        db_bind_text(st, 13, jtext0(c, "key_id"));
        if (doc)
                db_bind_blob(st, 14, doc, doc_len);
        else
                db_bind_text(st, 14, NULL);
        if (sig)
                db_bind_blob(st, 15, sig, sig_len);
        else
                db_bind_text(st, 15, NULL);
        db_bind_text(st, 16, jtext0(c, "created_at"));
        err = db_run(st, e);
        if (err == CR_ECONFLICT)
                return cr_fail(e, CR_ECONFLICT, "duplicate_number", "number",
                               "certificate number %s is already recorded", jtext0(c, "number"));
        if (!err && db_changes(s->db) != 1)
                return cr_fail(e, CR_ENOTFOUND, "not_found", "holder_uscc",
                               "no enterprise %s is registered", jtext0(c, "holder_uscc"));
        if (!err)
                *id = db_last_insert_id(s->db);
        return err;
}

enum cr_err store_certificate_get(struct store *s, const char *number, json_t **out,
                                  struct cr_error *e)
{
        static const char sql[] = CERTIFICATE_SELECT "WHERE c.number = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, number);
        return repo_one_row(st, out, "certificate", number, e);
}

enum cr_err store_certificate_exists(struct store *s, const char *number, int *exists,
                                     struct cr_error *e)
{
        static const char sql[] = "SELECT 1 FROM certificates WHERE number = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, number);
        rc = db_step(st, e);
        db_done(st);
        if (rc == DB_ERROR)
                return e->err;
        *exists = rc == DB_ROW;
        return CR_OK;
}

/* An FTS5 string literal: the text in double quotes, inner quotes doubled. */
static enum cr_err fts_phrase(struct buf *b, const char *q)
{
        enum cr_err err = buf_puts(b, "\"");

        for (; !err && *q; q++)
                err = *q == '"' ? buf_puts(b, "\"\"") : buf_append(b, q, 1);
        return err ? err : buf_puts(b, "\"");
}

/* Whether q has the shape of a USCC: 18 digits and capital letters. */
static int uscc_shaped(const char *q)
{
        size_t n = strlen(q);

        if (n != 18)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (!((q[i] >= '0' && q[i] <= '9') || (q[i] >= 'A' && q[i] <= 'Z')))
                        return 0;
        return 1;
}

/*
 * The lookup tries the cheap exact forms first: a certificate number (unique),
 * then a holder's USCC, then a model or a holder's name.  Names are matched in
 * the enterprises' trigram index, which holds each holder once rather than
 * once per certificate, and certificates are reached through their holder.
 */
enum cr_err store_certificate_search(struct store *s, const char *q, int64_t after_id, int limit,
                                     json_t *out, struct cr_error *e)
{
        static const char sql_number[] = CERTIFICATE_SELECT "WHERE c.number = $1 AND c.id > $2";
        static const char sql_uscc[] =
            CERTIFICATE_SELECT "WHERE c.holder_uscc = $1 AND c.id > $2 ORDER BY c.id LIMIT $3";
        static const char sql_fts[] =
            CERTIFICATE_SELECT "WHERE (c.product_model = $1 OR c.holder_id IN (SELECT rowid FROM "
                               "enterprises_fts WHERE enterprises_fts MATCH $4)) AND c.id > $2 "
                               "ORDER BY c.id LIMIT $3";
        /* Trigram search needs three characters; shorter names are matched with LIKE. */
        static const char sql_like[] =
            CERTIFICATE_SELECT "WHERE (c.product_model = $1 OR c.holder_id IN (SELECT id FROM "
                               "enterprises WHERE name_zh LIKE $4 ESCAPE '\\' OR name_en LIKE $4 "
                               "ESCAPE '\\')) AND c.id > $2 ORDER BY c.id LIMIT $3";
        int long_enough = utf8_count(q, strlen(q)) >= 3;
        size_t before = json_array_size(out);
        struct buf pattern;
        struct db_stmt *st;
        enum cr_err err;

        st = db_prepare(s->db, sql_number, e);
        if (!st)
                return e->err;
        db_bind_text(st, 1, q);
        db_bind_int(st, 2, after_id);
        err = repo_rows_json(st, out, e);
        if (err || json_array_size(out) > before)
                return err;
        if (uscc_shaped(q)) {
                st = db_prepare(s->db, sql_uscc, e);
                if (!st)
                        return e->err;
                db_bind_text(st, 1, q);
                db_bind_int(st, 2, after_id);
                db_bind_int(st, 3, limit);
                return repo_rows_json(st, out, e);
        }
        buf_init(&pattern, 1024);
        err = long_enough ? fts_phrase(&pattern, q) : like_pattern(&pattern, q);
        if (err) {
                buf_release(&pattern);
                return cr_fail(e, CR_EINVAL, "too_long", "q", "the query is too long");
        }
        st = db_prepare(s->db, long_enough ? sql_fts : sql_like, e);
        if (!st) {
                buf_release(&pattern);
                return e->err;
        }
        db_bind_text(st, 1, q);
        db_bind_int(st, 2, after_id);
        db_bind_int(st, 3, limit);
        db_bind_text(st, 4, pattern.data);
        err = repo_rows_json(st, out, e);
        buf_release(&pattern);
        return err;
}

enum cr_err store_certificate_list(struct store *s, const struct record_query *q, json_t *out,
                                   struct cr_error *e)
{
        static const char sql[] =
            CERTIFICATE_SELECT "WHERE ($1 IS NULL OR c.bureau_code = $1) AND ($2 IS NULL OR "
                               "c.holder_uscc = $2) AND c.id > $3 ORDER BY c.id LIMIT $4";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, q->bureau_code);
        db_bind_text(st, 2, q->enterprise_uscc);
        db_bind_int(st, 3, q->after_id);
        db_bind_int(st, 4, q->limit);
        return repo_rows_json(st, out, e);
}

enum cr_err store_certificate_event_add(struct store *s, int64_t certificate_id,
                                        const char *effective_on, const char *status,
                                        const char *reason, const char *at, const char *actor,
                                        int64_t log_index, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO certificate_events(certificate_id, effective_on, status, reason, at, "
            "actor, log_index) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, certificate_id);
        db_bind_text(st, 2, effective_on);
        db_bind_text(st, 3, status);
        db_bind_text(st, 4, reason);
        db_bind_text(st, 5, at);
        db_bind_text(st, 6, actor);
        if (log_index >= 0)
                db_bind_int(st, 7, log_index);
        else
                db_bind_text(st, 7, NULL);
        return db_run(st, e);
}

enum cr_err store_certificate_blob(struct store *s, const char *number, int which, char **data,
                                   size_t *len, struct cr_error *e)
{
        static const char sql[] = "SELECT document, signature FROM certificates WHERE number = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, number);
        rc = db_step(st, e);
        if (rc == DB_ROW && !db_col_is_null(st, which)) {
                const void *p = db_col_blob(st, which, len);
                *data = malloc(*len ? *len : 1);
                if (!*data)
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                else if (*len)
                        memcpy(*data, p, *len);
        } else if (rc == DB_ROW || rc == DB_DONE) {
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL,
                              rc == DB_ROW ? "certificate %s has no signed document (documents "
                                             "of removed items were issued on paper)"
                                           : "no certificate %s",
                              number);
        } else {
                err = e->err;
        }
        db_done(st);
        return err;
}

enum cr_err store_signing_key_put(struct store *s, const char *key_id, const char *bureau_code,
                                  const char *pem, const char *now, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO signing_keys(key_id, bureau_code, algorithm, public_key_pem, created_at) "
            "VALUES ($1, $2, 'SM2', $3, $4) ON CONFLICT(key_id) DO NOTHING";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, key_id);
        db_bind_text(st, 2, bureau_code);
        db_bind_text(st, 3, pem);
        db_bind_text(st, 4, now);
        return db_run(st, e);
}

enum cr_err store_signing_key_list(struct store *s, json_t *out, struct cr_error *e)
{
        static const char sql[] = "SELECT key_id, bureau_code, algorithm, public_key_pem, "
                                  "created_at FROM signing_keys ORDER BY bureau_code, created_at";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        return st ? repo_rows_json(st, out, e) : e->err;
}

enum cr_err store_signing_key_get(struct store *s, const char *key_id, json_t **out,
                                  struct cr_error *e)
{
        static const char sql[] = "SELECT key_id, bureau_code, algorithm, public_key_pem, "
                                  "created_at FROM signing_keys WHERE key_id = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, key_id);
        return repo_one_row(st, out, "signing key", key_id, e);
}
