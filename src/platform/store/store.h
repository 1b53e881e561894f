/*
 * The storage platform that every capability's storage slice builds on:
 * opening and migrating the database, transactions, the connection pool,
 * counters and backups.  Each capability declares the operations on its own
 * records in its folder's store.h.  No database header appears here;
 * db_sqlite.c is the embedded backend, and a PostgreSQL backend implements
 * db.h.
 *
 * A struct store is one connection, used by one thread at a time; the server
 * keeps a pool of them.  Every write happens between store_begin and
 * store_commit; store_rollback undoes everything since store_begin.
 */
#ifndef CR_STORE_H
#define CR_STORE_H

#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct store;

/*
 * Opens the database at path.  With migrate non-zero it creates the file if
 * needed and applies migrations; otherwise the file must exist at the
 * current schema version.
 */
enum cr_err store_open(const char *path, int migrate, struct store **out, struct cr_error *e);
void store_close(struct store *s);
/* The schema version of the open database. */
int store_schema_version(struct store *s);

enum cr_err store_begin(struct store *s, struct cr_error *e);
enum cr_err store_commit(struct store *s, struct cr_error *e);
void store_rollback(struct store *s);

/*
 * A number that changes whenever the database may have changed: after every
 * commit in this process, and when this connection sees a commit by any
 * other connection or process.  Read it before reading data, so that
 * anything derived from that data can be tagged with it and dropped once it
 * changes (the server's cache of public answers).
 */
uint64_t store_generation(struct store *s);

/* A pool of connections for the server's threads. */
struct store_pool;
enum cr_err store_pool_open(const char *path, int size, struct store_pool **out,
                            struct cr_error *e);
struct store *store_pool_acquire(struct store_pool *p);
void store_pool_release(struct store_pool *p, struct store *s);
void store_pool_close(struct store_pool *p);

/* The next value of a named counter, starting at 1 (numbers of applications and certificates). */
enum cr_err store_counter_next(struct store *s, const char *name, int64_t *out, struct cr_error *e);

/*
 * Tidies the database after a bulk load: merges the full-text indexes'
 * segments (a fragmented trigram index is several times slower to search)
 * and lets SQLite refresh its query statistics.
 */
enum cr_err store_optimize(struct store *s, struct cr_error *e);

/* Online backup to a file, and verified restore from one (src/storage/backup.c). */
enum cr_err store_backup(const char *db_path, const char *dest, struct cr_error *e);
enum cr_err store_verify_file(const char *path, struct cr_error *e);
enum cr_err store_restore(const char *db_path, const char *src, struct cr_error *e);

#endif