/*
 * The SQLite backend of db.h: WAL journal, foreign keys on, a busy timeout,
 * and a per-connection cache of prepared statements.
 */
#include "platform/store/db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/parse.h"

#define STMT_CACHE_SIZE 192
#define BUSY_TIMEOUT_MS 10000

/* Parameters are written $1..$N in the SQL; their SQLite indexes are looked up once. */
#define STMT_PARAMS_MAX 32

struct db_stmt {
        const char *sql; /* key: the address of the static SQL text */
        sqlite3_stmt *st;
        struct db *db;
        unsigned char param[STMT_PARAMS_MAX + 1]; /* SQLite's index of $n, 0 if absent */
};

struct db {
        sqlite3 *h;
        struct db_stmt cache[STMT_CACHE_SIZE];
        int ncached;
};

static enum cr_err sqlite_fail(struct db *db, struct cr_error *e, int rc, const char *what)
{
        const char *msg = db ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc);
        int primary = rc & 0xff;

        if (primary == SQLITE_CONSTRAINT)
                return cr_fail(e, CR_ECONFLICT, "conflict", NULL, "%s: %s", what, msg);
        if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
                return cr_fail(e, CR_ESTORE, "internal", NULL, "%s: the database is busy", what);
        return cr_fail(e, CR_ESTORE, "internal", NULL, "%s: %s", what, msg);
}

enum cr_err db_open(const char *path, int create, struct db **out, struct cr_error *e)
{
        struct db *db = calloc(1, sizeof(*db));
        int rc;
        enum cr_err err;

        *out = NULL;
        if (!db)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        rc = sqlite3_open_v2(
            path, &db->h,
            SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
        if (rc != SQLITE_OK) {
                err = cr_fail(e, CR_ESTORE, "internal", NULL, "cannot open database %s: %s", path,
                              db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
                db_close(db);
                return err;
        }
        /*
         * trusted_schema stays at its default (on): the triggers that keep the
         * trigram index in step write to a virtual table, which SQLite refuses
         * from an untrusted schema.  The schema is only ever written by migrate.c.
         */
        sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
        sqlite3_extended_result_codes(db->h, 1);
        err = db_exec(db,
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA foreign_keys = ON;"
                      "PRAGMA synchronous = NORMAL;"
                      /* A million-line filing grows the log by a gigabyte; give it back after. */
                      "PRAGMA journal_size_limit = 67108864;",
                      e);
        if (err) {
                db_close(db);
                return err;
        }
        *out = db;
        return CR_OK;
}

void db_close(struct db *db)
{
        if (!db)
                return;
        for (int i = 0; i < db->ncached; i++)
                sqlite3_finalize(db->cache[i].st);
        sqlite3_close(db->h);
        free(db);
}

enum cr_err db_exec(struct db *db, const char *sql, struct cr_error *e)
{
        char *msg = NULL;
        int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
        enum cr_err err = CR_OK;

        if (rc != SQLITE_OK) {
                err = sqlite_fail(db, e, rc, "exec");
                if (msg)
                        snprintf(e->detail, sizeof(e->detail), "%s", msg);
        }
        sqlite3_free(msg);
        return err;
}

enum cr_err db_begin(struct db *db, struct cr_error *e)
{
        return db_exec(db, "BEGIN IMMEDIATE", e);
}

enum cr_err db_commit(struct db *db, struct cr_error *e)
{
        return db_exec(db, "COMMIT", e);
}

void db_rollback(struct db *db)
{
        if (!sqlite3_get_autocommit(db->h))
                sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

struct db_stmt *db_prepare(struct db *db, const char *sql, struct cr_error *e)
{
        struct db_stmt *slot;
        int rc;

        for (int i = 0; i < db->ncached; i++)
                if (db->cache[i].sql == sql)
                        return &db->cache[i];
        if (db->ncached == STMT_CACHE_SIZE) {
                cr_fail(e, CR_EINTERNAL, "internal", NULL, "more than %d distinct SQL statements",
                        STMT_CACHE_SIZE);
                return NULL;
        }
        slot = &db->cache[db->ncached];
        rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st, NULL);
        if (rc != SQLITE_OK) {
                sqlite_fail(db, e, rc, "prepare");
                return NULL;
        }
        slot->sql = sql;
        slot->db = db;
        memset(slot->param, 0, sizeof(slot->param));
        for (int i = 1; i <= sqlite3_bind_parameter_count(slot->st); i++) {
                const char *name = sqlite3_bind_parameter_name(slot->st, i);
                int64_t n;

                if (name && name[0] == '$' && i <= 255 &&
                    parse_int64(name + 1, strlen(name + 1), 1, STMT_PARAMS_MAX, &n) == 0)
                        slot->param[n] = (unsigned char)i;
        }
        db->ncached++;
        return slot;
}

void db_done(struct db_stmt *st)
{
        if (!st)
                return;
        sqlite3_reset(st->st);
        sqlite3_clear_bindings(st->st);
}

/*
 * $n is a named parameter to SQLite; its index was found by name when the
 * statement was prepared, so any order of use works and binding stays cheap
 * on paths that insert a million rows.
 */
static int param_index(struct db_stmt *st, int n)
{
        char name[16];

        if (n >= 1 && n <= STMT_PARAMS_MAX)
                return st->param[n];
        snprintf(name, sizeof(name), "$%d", n);
        return sqlite3_bind_parameter_index(st->st, name);
}

void db_bind_textn(struct db_stmt *st, int n, const char *text, size_t len)
{
        int i = param_index(st, n);

        if (i)
                sqlite3_bind_text64(st->st, i, text ? text : "", len, SQLITE_TRANSIENT,
                                    SQLITE_UTF8);
}

void db_bind_text(struct db_stmt *st, int n, const char *text)
{
        int i = param_index(st, n);

        if (!i)
                return;
        if (text)
                sqlite3_bind_text(st->st, i, text, -1, SQLITE_TRANSIENT);
        else
                sqlite3_bind_null(st->st, i);
}

void db_bind_int(struct db_stmt *st, int n, int64_t v)
{
        int i = param_index(st, n);

        if (i)
                sqlite3_bind_int64(st->st, i, v);
}

void db_bind_blob(struct db_stmt *st, int n, const void *data, size_t len)
{
        int i = param_index(st, n);

        if (i)
                sqlite3_bind_blob64(st->st, i, data, len, SQLITE_TRANSIENT);
}

int db_step(struct db_stmt *st, struct cr_error *e)
{
        int rc = sqlite3_step(st->st);

        if (rc == SQLITE_ROW)
                return DB_ROW;
        if (rc == SQLITE_DONE)
                return DB_DONE;
        sqlite_fail(st->db, e, rc, "query");
        return DB_ERROR;
}

const char *db_col_text(struct db_stmt *st, int i)
{
        const unsigned char *t = sqlite3_column_text(st->st, i);

        return t ? (const char *)t : "";
}

int64_t db_col_int(struct db_stmt *st, int i)
{
        return sqlite3_column_int64(st->st, i);
}

int db_col_is_null(struct db_stmt *st, int i)
{
        return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

const void *db_col_blob(struct db_stmt *st, int i, size_t *len)
{
        const void *p = sqlite3_column_blob(st->st, i);

        *len = (size_t)sqlite3_column_bytes(st->st, i);
        return p;
}

int db_col_count(struct db_stmt *st)
{
        return sqlite3_column_count(st->st);
}

const char *db_col_name(struct db_stmt *st, int i)
{
        return sqlite3_column_name(st->st, i);
}

enum db_type db_col_type(struct db_stmt *st, int i)
{
        switch (sqlite3_column_type(st->st, i)) {
        case SQLITE_NULL:
                return DB_T_NULL;
        case SQLITE_INTEGER:
                return DB_T_INT;
        case SQLITE_TEXT:
                return DB_T_TEXT;
        default:
                return DB_T_OTHER;
        }
}

int64_t db_last_insert_id(struct db *db)
{
        return sqlite3_last_insert_rowid(db->h);
}

int64_t db_changes(struct db *db)
{
        return sqlite3_changes64(db->h);
}
