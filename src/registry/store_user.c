/* User rows: insert, read by name, update, and list. */
#include "registry/store_int.h"

#include <string.h>

#include "core/buf.h"
#include "registry/store.h"

void repo_read_user(struct db_stmt *st, int first, struct user *u)
{
        memset(u, 0, sizeof(*u));
        u->id = db_col_int(st, first);
        str_copy(u->username, sizeof(u->username), db_col_text(st, first + 1));
        str_copy(u->display_name, sizeof(u->display_name), db_col_text(st, first + 2));
        if (role_parse(db_col_text(st, first + 3), &u->role) != 0)
                u->role = ROLE_PUBLIC; /* an unknown stored role grants nothing */
        str_copy(u->bureau_code, sizeof(u->bureau_code), db_col_text(st, first + 4));
        str_copy(u->enterprise_uscc, sizeof(u->enterprise_uscc), db_col_text(st, first + 5));
        u->disabled = db_col_int(st, first + 6) != 0;
        str_copy(u->password_hash, sizeof(u->password_hash), db_col_text(st, first + 7));
        str_copy(u->created_at, sizeof(u->created_at), db_col_text(st, first + 8));
}

static const char *empty_to_null(const char *s)
{
        return s && s[0] ? s : NULL;
}

enum cr_err store_user_insert(struct store *s, struct user *u, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO users(username, display_name, role, bureau_code, enterprise_uscc, "
            "disabled, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_text(st, 1, u->username);
        db_bind_text(st, 2, u->display_name);
        db_bind_text(st, 3, role_name(u->role));
        db_bind_text(st, 4, empty_to_null(u->bureau_code));
        db_bind_text(st, 5, empty_to_null(u->enterprise_uscc));
        db_bind_int(st, 6, u->disabled);
        db_bind_text(st, 7, u->password_hash);
        db_bind_text(st, 8, u->created_at);
        err = db_run(st, e);
        if (err == CR_ECONFLICT)
                return cr_fail(e, CR_ECONFLICT, "conflict", "username",
                               "a user named %s already exists", u->username);
        if (!err)
                u->id = db_last_insert_id(s->db);
        return err;
}

enum cr_err store_user_get(struct store *s, const char *username, struct user *out,
                           struct cr_error *e)
{
        static const char sql[] = "SELECT " USER_COLUMNS " FROM users u WHERE username = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, username);
        rc = db_step(st, e);
        if (rc == DB_ROW)
                repo_read_user(st, 0, out);
        else if (rc == DB_DONE)
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no user %s", username);
        else
                err = e->err;
        db_done(st);
        return err;
}

enum cr_err store_user_update(struct store *s, const struct user *u, struct cr_error *e)
{
        static const char sql[] = "UPDATE users SET display_name = $2, disabled = $3, "
                                  "password_hash = $4 WHERE id = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, u->id);
        db_bind_text(st, 2, u->display_name);
        db_bind_int(st, 3, u->disabled);
        db_bind_text(st, 4, u->password_hash);
        return db_run(st, e);
}

enum cr_err store_user_list(struct store *s, const struct user_query *q, user_visit_fn visit,
                            void *arg, struct cr_error *e)
{
        static const char sql[] = "SELECT " USER_COLUMNS " FROM users u WHERE "
                                  "($1 IS NULL OR bureau_code = $1) AND id > $2 "
                                  "ORDER BY id LIMIT $3";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        struct user u;
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, q->bureau_code);
        db_bind_int(st, 2, q->after_id);
        db_bind_int(st, 3, q->limit);
        while ((rc = db_step(st, e)) == DB_ROW) {
                repo_read_user(st, 0, &u);
                err = visit(arg, &u);
                if (err)
                        break;
        }
        if (rc == DB_ERROR)
                err = e->err;
        db_done(st);
        return err;
}
