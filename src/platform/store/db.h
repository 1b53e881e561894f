/*
 * The backend seam: the small set of operations that repositories use to run
 * portable SQL with $1, $2 ... placeholders.  db_sqlite.c implements it for
 * SQLite; a PostgreSQL backend implements the same functions over libpq.
 * A struct db is one connection and is not shared between threads.
 */
#ifndef CR_DB_H
#define CR_DB_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;
struct db_stmt;

enum { DB_DONE = 0, DB_ROW = 1, DB_ERROR = -1 };

/* Opens a connection; the file is created only when create is non-zero. */
enum cr_err db_open(const char *path, int create, struct db **out, struct cr_error *e);
void db_close(struct db *db);

/* Runs a script of statements without parameters (migrations, pragmas). */
enum cr_err db_exec(struct db *db, const char *sql, struct cr_error *e);

/* Starts a write transaction (taking the write lock at once), commits, rolls back. */
enum cr_err db_begin(struct db *db, struct cr_error *e);
enum cr_err db_commit(struct db *db, struct cr_error *e);
void db_rollback(struct db *db);

/*
 * Prepares sql, which must be a string with static storage: prepared
 * statements are cached per connection by the address of their text.
 * Every db_prepare is paired with db_done.
 */
struct db_stmt *db_prepare(struct db *db, const char *sql, struct cr_error *e);
void db_done(struct db_stmt *st);

/* Binds parameter $n; a NULL text binds SQL NULL. */
void db_bind_text(struct db_stmt *st, int n, const char *text);
/* Binds len bytes of UTF-8 text (not NUL-terminated; NULL binds ""). */
void db_bind_textn(struct db_stmt *st, int n, const char *text, size_t len);
void db_bind_int(struct db_stmt *st, int n, int64_t v);
/* Binds bytes (copied) as a BLOB. */
void db_bind_blob(struct db_stmt *st, int n, const void *data, size_t len);

/*
 * Steps the statement: DB_ROW, DB_DONE, or DB_ERROR with e set (a violated
 * uniqueness or foreign-key constraint is CR_ECONFLICT, a busy database
 * CR_ESTORE).
 */
int db_step(struct db_stmt *st, struct cr_error *e);

/* Column values of the current row; NULL text reads as "". */
const char *db_col_text(struct db_stmt *st, int i);
int64_t db_col_int(struct db_stmt *st, int i);
int db_col_is_null(struct db_stmt *st, int i);
/* A BLOB column's bytes (valid until the next step) and their length. */
const void *db_col_blob(struct db_stmt *st, int i, size_t *len);

enum db_type { DB_T_NULL, DB_T_INT, DB_T_TEXT, DB_T_OTHER };
/* The number of columns of the result, a column's name and its value's type in this row. */
int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int i);
enum db_type db_col_type(struct db_stmt *st, int i);

int64_t db_last_insert_id(struct db *db);
int64_t db_changes(struct db *db);

#endif
