/* Internals shared by the storage files: what a struct store holds, and the migration entry point.
 */
#ifndef CR_STORE_INT_H
#define CR_STORE_INT_H

#include "platform/store/db.h"
#include <jansson.h>

#include "platform/store/store.h"

struct store {
        struct db *db;
        int64_t data_version; /* the last PRAGMA data_version this connection saw */
};

/* A string member of a record, or NULL when absent or not a string (binds SQL NULL). */
static inline const char *jtext(const json_t *o, const char *key)
{
        return json_string_value(json_object_get(o, key));
}

/* Steps a statement that returns no rows, then resets it. */
static inline enum cr_err db_run(struct db_stmt *st, struct cr_error *e)
{
        enum cr_err err = db_step(st, e) == DB_ERROR ? e->err : CR_OK;

        db_done(st);
        return err;
}

/*
 * The current row as a JSON object keyed by column name: integers, text and
 * NULL as themselves.  A column named "x:json" holds JSON text and becomes
 * the parsed value under "x".  Returns NULL when out of memory.
 */
json_t *repo_row_json(struct db_stmt *st);

/* Runs a query that returns rows and appends each as repo_row_json to arr. */
enum cr_err repo_rows_json(struct db_stmt *st, json_t *arr, struct cr_error *e);

/*
 * Runs a single-row query: *out gets the row as repo_row_json, or
 * CR_ENOTFOUND "no WHAT KEY" ("no such WHAT" when key is NULL).
 */
enum cr_err repo_one_row(struct db_stmt *st, json_t **out, const char *what, const char *key,
                         struct cr_error *e);

/* Brings the schema up to the newest version, each step in its own transaction. */
enum cr_err migrate_apply(struct db *db, struct cr_error *e);
/* The newest version migrate_apply knows. */
int migrate_latest_version(void);
/* The version recorded in the database, 0 if none. */
int migrate_current_version(struct db *db);

#endif
