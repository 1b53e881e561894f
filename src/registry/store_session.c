/* Console sessions and API tokens, both stored only as SM3 digests of their secrets. */
#include "registry/store_int.h"

#include <string.h>

#include "core/buf.h"
#include "registry/store.h"

enum cr_err store_session_insert(struct store *s, const struct session *sess, struct cr_error *e)
{
        static const char sql[] = "INSERT INTO sessions(token_hash, user_id, csrf, created_at, "
                                  "expires_at, ip) VALUES ($1, $2, $3, $4, $5, $6)";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, sess->token_hash);
        db_bind_int(st, 2, sess->user_id);
        db_bind_text(st, 3, sess->csrf);
        db_bind_text(st, 4, sess->created_at);
        db_bind_text(st, 5, sess->expires_at);
        db_bind_text(st, 6, sess->ip);
        return db_run(st, e);
}

enum cr_err store_session_find(struct store *s, const char *token_hash, const char *now,
                               struct user *u, char csrf[SECRET_TOKEN_TEXT], struct cr_error *e)
{
        static const char sql[] =
            "SELECT s.csrf, " USER_COLUMNS " FROM sessions s JOIN users u ON u.id = s.user_id "
            "WHERE s.token_hash = $1 AND s.expires_at > $2 "
            "AND u.disabled = 0";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, token_hash);
        db_bind_text(st, 2, now);
        rc = db_step(st, e);
        if (rc == DB_ROW) {
                str_copy(csrf, SECRET_TOKEN_TEXT, db_col_text(st, 0));
                repo_read_user(st, 1, u);
        } else if (rc == DB_DONE) {
                err = cr_fail(e, CR_ENOTFOUND, "unauthenticated", NULL, "no such session");
        } else {
                err = e->err;
        }
        db_done(st);
        return err;
}

enum cr_err store_session_delete(struct store *s, const char *token_hash, struct cr_error *e)
{
        static const char sql[] = "DELETE FROM sessions WHERE token_hash = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, token_hash);
        return db_run(st, e);
}

enum cr_err store_session_delete_for_user(struct store *s, int64_t user_id, struct cr_error *e)
{
        static const char sql[] = "DELETE FROM sessions WHERE user_id = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, user_id);
        return db_run(st, e);
}

enum cr_err store_token_insert(struct store *s, struct api_token *t, struct cr_error *e)
{
        static const char sql[] = "INSERT INTO api_tokens(user_id, name, token_hash, created_at) "
                                  "VALUES ($1, $2, $3, $4)";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err;

        if (!st)
                return e->err;
        db_bind_int(st, 1, t->user_id);
        db_bind_text(st, 2, t->name);
        db_bind_text(st, 3, t->token_hash);
        db_bind_text(st, 4, t->created_at);
        err = db_run(st, e);
        if (!err)
                t->id = db_last_insert_id(s->db);
        return err;
}

enum cr_err store_token_find(struct store *s, const char *token_hash, struct user *u,
                             struct cr_error *e)
{
        static const char sql[] =
            "SELECT " USER_COLUMNS " FROM api_tokens t JOIN users u ON u.id = t.user_id "
            "WHERE t.token_hash = $1 AND u.disabled = 0";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_text(st, 1, token_hash);
        rc = db_step(st, e);
        if (rc == DB_ROW)
                repo_read_user(st, 0, u);
        else if (rc == DB_DONE)
                err = cr_fail(e, CR_ENOTFOUND, "unauthenticated", NULL, "no such token");
        else
                err = e->err;
        db_done(st);
        return err;
}

static void read_token(struct db_stmt *st, struct api_token *t)
{
        memset(t, 0, sizeof(*t));
        t->id = db_col_int(st, 0);
        t->user_id = db_col_int(st, 1);
        str_copy(t->name, sizeof(t->name), db_col_text(st, 2));
        str_copy(t->created_at, sizeof(t->created_at), db_col_text(st, 3));
}

enum cr_err store_token_list(struct store *s, int64_t user_id, token_visit_fn visit, void *arg,
                             struct cr_error *e)
{
        static const char sql[] = "SELECT id, user_id, name, created_at FROM api_tokens "
                                  "WHERE user_id = $1 ORDER BY id";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        struct api_token t;
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_int(st, 1, user_id);
        while ((rc = db_step(st, e)) == DB_ROW) {
                read_token(st, &t);
                err = visit(arg, &t);
                if (err)
                        break;
        }
        if (rc == DB_ERROR)
                err = e->err;
        db_done(st);
        return err;
}

enum cr_err store_token_delete(struct store *s, int64_t id, int64_t user_id, struct api_token *out,
                               struct cr_error *e)
{
        static const char find[] = "SELECT id, user_id, name, created_at FROM api_tokens "
                                   "WHERE id = $1 AND user_id = $2";
        static const char del[] = "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2";
        struct db_stmt *st = db_prepare(s->db, find, e);
        int rc;

        if (!st)
                return e->err;
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, user_id);
        rc = db_step(st, e);
        if (rc == DB_ROW)
                read_token(st, out);
        db_done(st);
        if (rc == DB_ERROR)
                return e->err;
        if (rc == DB_DONE)
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "you have no token %lld",
                               (long long)id);
        st = db_prepare(s->db, del, e);
        if (!st)
                return e->err;
        db_bind_int(st, 1, id);
        db_bind_int(st, 2, user_id);
        return db_run(st, e);
}
