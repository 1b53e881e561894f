/* Rows of the transparency log: entries, stored tree hashes and signed checkpoints. */
#include "platform/store/store_int.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "transparency/store.h"

enum cr_err store_log_append(struct store *s, const char *entry, size_t len, const char *kind,
                             const char *subject, const char *at, int64_t *index,
                             struct cr_error *e)
{
        /* The next index is taken inside the writer's transaction, so indexes have no gaps. */
        static const char sql[] =
            "INSERT INTO log_entries(idx, entry, kind, subject, created_at) "
            "SELECT COALESCE(MAX(idx) + 1, 0), $1, $2, $3, $4 FROM log_entries RETURNING idx";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        int rc;

        if (!st)
                return e->err;
        db_bind_blob(st, 1, entry, len);
        db_bind_text(st, 2, kind);
        db_bind_text(st, 3, subject);
        db_bind_text(st, 4, at);
        rc = db_step(st, e);
        if (rc == DB_ROW)
                *index = db_col_int(st, 0);
        db_done(st);
        return rc == DB_ROW ? CR_OK : e->err;
}

enum cr_err store_log_count(struct store *s, int64_t *out, struct cr_error *e)
{
        static const char sql[] = "SELECT COALESCE(MAX(idx) + 1, 0) FROM log_entries";
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

enum cr_err store_log_entries(struct store *s, int64_t from, int64_t to, log_entry_fn fn, void *arg,
                              struct cr_error *e)
{
        static const char sql[] =
            "SELECT idx, entry FROM log_entries WHERE idx >= $1 AND idx < $2 ORDER BY idx";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_int(st, 1, from);
        db_bind_int(st, 2, to);
        while ((rc = db_step(st, e)) == DB_ROW) {
                size_t len;
                const void *p = db_col_blob(st, 1, &len);
                err = fn(arg, db_col_int(st, 0), p ? p : "", len);
                if (err)
                        break;
        }
        if (!err && rc == DB_ERROR)
                err = e->err;
        db_done(st);
        return err;
}

enum cr_err store_log_hash_put(struct store *s, unsigned level, uint64_t index,
                               const unsigned char hash[32], struct cr_error *e)
{
        static const char sql[] = "INSERT INTO log_hashes(level, idx, hash) VALUES ($1, $2, $3)";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, level);
        db_bind_int(st, 2, (int64_t)index);
        db_bind_blob(st, 3, hash, 32);
        return db_run(st, e);
}

enum cr_err store_log_hashes(struct store *s, unsigned level, uint64_t first, size_t count,
                             unsigned char (*out)[32], size_t *found, struct cr_error *e)
{
        static const char sql[] = "SELECT idx, hash FROM log_hashes WHERE level = $1 AND idx >= $2 "
                                  "AND idx < $3 ORDER BY idx";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        int rc;

        *found = 0;
        if (!st)
                return e->err;
        db_bind_int(st, 1, level);
        db_bind_int(st, 2, (int64_t)first);
        db_bind_int(st, 3, (int64_t)(first + count));
        while ((rc = db_step(st, e)) == DB_ROW) {
                size_t len;
                const void *p = db_col_blob(st, 1, &len);
                /* A gap or a damaged row ends the run: the caller sees how far it was whole. */
                if ((uint64_t)db_col_int(st, 0) != first + *found || len != 32)
                        break;
                memcpy(out[*found], p, 32);
                (*found)++;
        }
        db_done(st);
        return rc == DB_ERROR ? e->err : CR_OK;
}

enum cr_err store_log_checkpoint_put(struct store *s, int64_t size, const char *note,
                                     const char *at, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO log_checkpoints(size, note, created_at) VALUES ($1, $2, $3)";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, size);
        db_bind_text(st, 2, note);
        db_bind_text(st, 3, at);
        return db_run(st, e);
}

enum cr_err store_log_checkpoint_latest(struct store *s, int64_t *size, char **note,
                                        struct cr_error *e)
{
        static const char sql[] =
            "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        *size = 0;
        *note = NULL;
        if (!st)
                return e->err;
        rc = db_step(st, e);
        if (rc == DB_ROW) {
                *size = db_col_int(st, 0);
                *note = malloc(strlen(db_col_text(st, 1)) + 1);
                if (*note)
                        memcpy(*note, db_col_text(st, 1), strlen(db_col_text(st, 1)) + 1);
                else
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        } else if (rc == DB_ERROR) {
                err = e->err;
        }
        db_done(st);
        return err;
}

enum cr_err store_log_checkpoints(struct store *s, json_t *out, struct cr_error *e)
{
        static const char sql[] =
            "SELECT size, note, created_at FROM log_checkpoints ORDER BY size";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        return st ? repo_rows_json(st, out, e) : e->err;
}

enum cr_err store_log_witness_put(struct store *s, const char *name, const char *vkey,
                                  const char *now, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO log_witnesses(name, vkey, added_at) VALUES ($1, $2, $3) "
            "ON CONFLICT(name) DO UPDATE SET vkey = excluded.vkey, added_at = excluded.added_at";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_text(st, 1, name);
        db_bind_text(st, 2, vkey);
        db_bind_text(st, 3, now);
        return db_run(st, e);
}

enum cr_err store_log_witnesses(struct store *s, json_t *out, struct cr_error *e)
{
        static const char sql[] =
            "SELECT w.name, w.vkey, w.added_at, (SELECT MAX(size) FROM log_cosignatures c "
            "WHERE c.witness = w.name) AS last_size FROM log_witnesses w ORDER BY w.name";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        return st ? repo_rows_json(st, out, e) : e->err;
}

enum cr_err store_log_cosignature_put(struct store *s, int64_t size, const char *witness,
                                      const char *line, const char *now, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO log_cosignatures(size, witness, line, created_at) VALUES ($1, $2, $3, "
            "$4) ON CONFLICT(size, witness) DO UPDATE SET line = excluded.line, "
            "created_at = excluded.created_at";
        struct db_stmt *st = db_prepare(s->db, sql, e);

        if (!st)
                return e->err;
        db_bind_int(st, 1, size);
        db_bind_text(st, 2, witness);
        db_bind_text(st, 3, line);
        db_bind_text(st, 4, now);
        return db_run(st, e);
}

enum cr_err store_log_cosignature_lines(struct store *s, int64_t size, struct buf *out,
                                        struct cr_error *e)
{
        static const char sql[] =
            "SELECT line FROM log_cosignatures WHERE size = $1 ORDER BY witness";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        if (!st)
                return e->err;
        db_bind_int(st, 1, size);
        while ((rc = db_step(st, e)) == DB_ROW)
                if (buf_puts(out, db_col_text(st, 0))) {
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                        break;
                }
        if (!err && rc == DB_ERROR)
                err = e->err;
        db_done(st);
        return err;
}

enum cr_err store_log_checkpoint_get(struct store *s, int64_t size, char **note, struct cr_error *e)
{
        static const char sql[] = "SELECT note FROM log_checkpoints WHERE size = $1";
        struct db_stmt *st = db_prepare(s->db, sql, e);
        enum cr_err err = CR_OK;
        int rc;

        *note = NULL;
        if (!st)
                return e->err;
        db_bind_int(st, 1, size);
        rc = db_step(st, e);
        if (rc == DB_ROW) {
                size_t n = strlen(db_col_text(st, 0));
                *note = malloc(n + 1);
                if (*note)
                        memcpy(*note, db_col_text(st, 0), n + 1);
                else
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        } else if (rc == DB_DONE) {
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no checkpoint of size %lld",
                              (long long)size);
        } else {
                err = e->err;
        }
        db_done(st);
        return err;
}
