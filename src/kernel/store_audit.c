/* The append-only audit trail: appending entries and reading them newest first. */
#include "platform/store/store_int.h"

#include <stdlib.h>

#include "core/timeutil.h"
#include "kernel/store.h"
#include "kernel/audit.h"

enum cr_err store_audit_append(struct store *s, const struct audit_record *r, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO audit_log(at, actor, actor_user_id, ip, action, entity_type, entity_id, "
            "bureau_code, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        char now[RFC3339_LEN];
        char *before = NULL, *after = NULL;
        enum cr_err err;

        if (!st)
                return e->err;
        /* The act is stamped with its caller's clock, like everything else it wrote. */
        caller_now(r->who, now);
        if (r->before)
                before = json_dumps(r->before, JSON_COMPACT | JSON_SORT_KEYS);
        if (r->after)
                after = json_dumps(r->after, JSON_COMPACT | JSON_SORT_KEYS);
        db_bind_text(st, 1, now);
        db_bind_text(st, 2, r->who->username);
        if (r->who->user_id)
                db_bind_int(st, 3, r->who->user_id);
        else
                db_bind_text(st, 3, NULL);
        db_bind_text(st, 4, r->who->ip);
        db_bind_text(st, 5, r->action);
        db_bind_text(st, 6, r->entity_type);
        db_bind_text(st, 7, r->entity_id);
        db_bind_text(st, 8, r->bureau_code);
        db_bind_text(st, 9, before);
        db_bind_text(st, 10, after);
        err = db_run(st, e);
        free(before);
        free(after);
        return err;
}

static json_t *json_or_null(struct db_stmt *st, int i)
{
        json_t *v;

        if (db_col_is_null(st, i))
                return json_null();
        v = json_loads(db_col_text(st, i), 0, NULL);
        return v ? v : json_null();
}

enum cr_err store_audit_list(struct store *s, const struct audit_query *q, audit_visit_fn visit,
                             void *arg, struct cr_error *e)
{
        static const char sql[] =
            "SELECT id, at, actor, ip, action, entity_type, entity_id, bureau_code, before, after "
            "FROM audit_log WHERE ($1 IS NULL OR entity_type = $1) "
            "AND ($2 IS NULL OR entity_id = $2) AND ($3 IS NULL OR bureau_code = $3) "
            "AND ($4 = 0 OR id < $4) ORDER BY id DESC LIMIT $5";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, q->entity_type);
        db_bind_text(st, 2, q->entity_id);
        db_bind_text(st, 3, q->bureau_code);
        db_bind_int(st, 4, q->before_id);
        db_bind_int(st, 5, q->limit);
        while ((rc = db_step(st, e)) == DB_ROW) {
                int64_t id = db_col_int(st, 0);
                json_t *entry =
                    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id",
                              (json_int_t)id, "at", db_col_text(st, 1), "actor", db_col_text(st, 2),
                              "ip", db_col_text(st, 3), "action", db_col_text(st, 4), "entity_type",
                              db_col_text(st, 5), "entity_id", db_col_text(st, 6), "bureau_code",
                              db_col_is_null(st, 7) ? json_null() : json_string(db_col_text(st, 7)),
                              "before", json_or_null(st, 8), "after", json_or_null(st, 9));
                err = visit(arg, id, entry);
                if (err)
                        break;
        }
        if (rc == DB_ERROR)
                err = e->err;
        db_done(st);
        return err;
}
