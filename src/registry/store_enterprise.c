/* Enterprise rows: insert, read, versioned update, and search by USCC or name. */
#include "platform/store/store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "registry/store.h"

#define ENT_COLUMNS                                                                                \
        "id, uscc, name_zh, name_en, roles, address, legal_representative, contact_name, "         \
        "contact_phone, contact_email, division_code, bureau_code, derived_bureau_code, "          \
        "bureau_override_reason, created_at, updated_at, version"

/* The filters every search shares: bureau, one enterprise, cursor, page size. */
#define ENT_FILTERS                                                                                \
        " AND ($2 IS NULL OR bureau_code = $2) AND ($3 IS NULL OR uscc = $3) AND id > $4 "         \
        "ORDER BY id LIMIT $5"

static void read_row(struct db_stmt *st, struct enterprise *ent)
{
        ent->id = db_col_int(st, 0);
        str_copy(ent->uscc, sizeof(ent->uscc), db_col_text(st, 1));
        str_copy(ent->name_zh, sizeof(ent->name_zh), db_col_text(st, 2));
        str_copy(ent->name_en, sizeof(ent->name_en), db_col_text(st, 3));
        ent->roles = (unsigned)db_col_int(st, 4);
        str_copy(ent->address, sizeof(ent->address), db_col_text(st, 5));
        str_copy(ent->legal_representative, sizeof(ent->legal_representative), db_col_text(st, 6));
        str_copy(ent->contact_name, sizeof(ent->contact_name), db_col_text(st, 7));
        str_copy(ent->contact_phone, sizeof(ent->contact_phone), db_col_text(st, 8));
        str_copy(ent->contact_email, sizeof(ent->contact_email), db_col_text(st, 9));
        str_copy(ent->division_code, sizeof(ent->division_code), db_col_text(st, 10));
        str_copy(ent->bureau_code, sizeof(ent->bureau_code), db_col_text(st, 11));
        str_copy(ent->derived_bureau_code, sizeof(ent->derived_bureau_code), db_col_text(st, 12));
        str_copy(ent->bureau_override_reason, sizeof(ent->bureau_override_reason),
                 db_col_text(st, 13));
        str_copy(ent->created_at, sizeof(ent->created_at), db_col_text(st, 14));
        str_copy(ent->updated_at, sizeof(ent->updated_at), db_col_text(st, 15));
        ent->version = db_col_int(st, 16);
}

/* Binds the fields that insert and update share, as $1-$14. */
static void bind_fields(struct db_stmt *st, const struct enterprise *ent)
{
        db_bind_text(st, 1, ent->uscc);
        db_bind_text(st, 2, ent->name_zh);
        db_bind_text(st, 3, ent->name_en);
        db_bind_int(st, 4, ent->roles);
        db_bind_text(st, 5, ent->address);
        db_bind_text(st, 6, ent->legal_representative);
        db_bind_text(st, 7, ent->contact_name);
        db_bind_text(st, 8, ent->contact_phone);
        db_bind_text(st, 9, ent->contact_email);
        db_bind_text(st, 10, ent->division_code);
        db_bind_text(st, 11, ent->bureau_code);
        db_bind_text(st, 12, ent->derived_bureau_code);
        db_bind_text(st, 13, ent->bureau_override_reason);
        db_bind_text(st, 14, ent->updated_at);
}

enum cr_err store_enterprise_insert(struct store *s, struct enterprise *ent, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO enterprises(uscc, name_zh, name_en, roles, address, "
            "legal_representative, contact_name, contact_phone, contact_email, division_code, "
            "bureau_code, derived_bureau_code, bureau_override_reason, updated_at, created_at, "
            "version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
            "$16)";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        bind_fields(st, ent);
        db_bind_text(st, 15, ent->created_at);
        db_bind_int(st, 16, ent->version);
        err = db_run(st, e);
        if (err == CR_ECONFLICT)
                return cr_fail(e, CR_ECONFLICT, "duplicate_uscc", "uscc",
                               "an enterprise with USCC %s is already registered", ent->uscc);
        if (!err)
                ent->id = db_last_insert_id(s->db);
        return err;
}

enum cr_err store_enterprise_get(struct store *s, const char *uscc, struct enterprise *out,
                                 struct cr_error *e)
{
        static const char sql[] = "SELECT " ENT_COLUMNS " FROM enterprises WHERE uscc = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, uscc);
        rc = db_step(st, e);
        if (rc == DB_ROW)
                read_row(st, out);
        else if (rc == DB_DONE)
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no enterprise %s", uscc);
        else
                err = e->err;
        db_done(st);
        return err;
}

enum cr_err store_enterprise_exists(struct store *s, const char *uscc, int *exists,
                                    struct cr_error *e)
{
        static const char sql[] = "SELECT 1 FROM enterprises WHERE uscc = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, uscc);
        rc = db_step(st, e);
        db_done(st);
        if (rc == DB_ERROR)
                return e->err;
        *exists = rc == DB_ROW;
        return CR_OK;
}

enum cr_err store_enterprise_update(struct store *s, struct enterprise *ent,
                                    int64_t expected_version, struct cr_error *e)
{
        static const char sql[] =
            "UPDATE enterprises SET name_zh = $2, name_en = $3, roles = $4, address = $5, "
            "legal_representative = $6, contact_name = $7, contact_phone = $8, "
            "contact_email = $9, division_code = $10, bureau_code = $11, "
            "derived_bureau_code = $12, bureau_override_reason = $13, updated_at = $14, "
            "version = version + 1 WHERE uscc = $1 AND version = $15";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        bind_fields(st, ent);
        db_bind_int(st, 15, expected_version);
        err = db_run(st, e);
        if (err)
                return err;
        if (db_changes(s->db) != 1)
                return cr_fail(e, CR_ECONFLICT, "conflict", NULL,
                               "enterprise %s was changed by someone else; reload and retry",
                               ent->uscc);
        ent->version = expected_version + 1;
        return CR_OK;
}

enum cr_err store_enterprise_count(struct store *s, int64_t *out, struct cr_error *e)
{
        static const char sql[] = "SELECT COUNT(*) FROM enterprises";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        int rc;

        if (!st)
                return e->err;
        rc = db_step(st, e);
        if (rc == DB_ROW)
                *out = db_col_int(st, 0);
        db_done(st);
        return rc == DB_ROW ? CR_OK : e->err;
}

/* Whether q has the shape of a USCC, so the lookup is exact rather than by name. */
static int looks_like_uscc(const char *q)
{
        size_t n = strlen(q);

        if (n != 18)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (!((q[i] >= '0' && q[i] <= '9') || (q[i] >= 'A' && q[i] <= 'Z')))
                        return 0;
        return 1;
}

/* An FTS5 string literal: the text in double quotes, inner quotes doubled. */
static enum cr_err fts_phrase(struct buf *b, const char *q)
{
        enum cr_err err = buf_puts(b, "\"");

        for (; !err && *q; q++)
                err = *q == '"' ? buf_puts(b, "\"\"") : buf_append(b, q, 1);
        return err ? err : buf_puts(b, "\"");
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

enum cr_err store_enterprise_search(struct store *s, const struct enterprise_query *q,
                                    enterprise_visit_fn visit, void *arg, struct cr_error *e)
{
        static const char sql_all[] =
            "SELECT " ENT_COLUMNS " FROM enterprises WHERE $1 IS NULL" ENT_FILTERS;
        static const char sql_uscc[] =
            "SELECT " ENT_COLUMNS " FROM enterprises WHERE uscc = $1" ENT_FILTERS;
        /* Trigram search needs three characters; shorter queries scan with LIKE. */
        static const char sql_fts[] =
            "SELECT " ENT_COLUMNS " FROM enterprises WHERE id IN "
            "(SELECT rowid FROM enterprises_fts WHERE enterprises_fts MATCH $1)" ENT_FILTERS;
        static const char sql_like[] =
            "SELECT " ENT_COLUMNS " FROM enterprises WHERE (name_zh LIKE $1 ESCAPE '\\' "
            "OR name_en LIKE $1 ESCAPE '\\')" ENT_FILTERS;
        const char *sql = sql_all;
        struct buf pattern;
        struct enterprise *ent = malloc(sizeof(*ent));
        struct db_stmt *st;
        enum cr_err err = CR_OK;
        int rc;

        if (!ent)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        buf_init(&pattern, 4096);
        if (q->q && q->q[0]) {
                if (looks_like_uscc(q->q)) {
                        sql = sql_uscc;
                        err = buf_puts(&pattern, q->q);
                } else if (utf8_count(q->q, strlen(q->q)) >= 3) {
                        sql = sql_fts;
                        err = fts_phrase(&pattern, q->q);
                } else {
                        sql = sql_like;
                        err = like_pattern(&pattern, q->q);
                }
        }
        if (err) {
                err = cr_fail(e, CR_EINVAL, "too_long", "q", "the query is too long");
                goto out;
        }
        st = db_prepare(s->db, sql, e);
        if (!st) {
                err = e->err;
                goto out;
        }
        db_bind_text(st, 1, sql == sql_all ? NULL : pattern.data);
        db_bind_text(st, 2, q->bureau_code);
        db_bind_text(st, 3, q->uscc);
        db_bind_int(st, 4, q->after_id);
        db_bind_int(st, 5, q->limit);
        while ((rc = db_step(st, e)) == DB_ROW) {
                read_row(st, ent);
                err = visit(arg, ent);
                if (err)
                        break;
        }
        if (rc == DB_ERROR)
                err = e->err;
        db_done(st);
out:
        buf_release(&pattern);
        free(ent);
        return err;
}
