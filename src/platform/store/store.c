/* Opening the store, its transactions, and the connection pool of the server. */
#include "platform/store/store_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>


enum cr_err store_open(const char *path, int migrate, struct store **out, struct cr_error *e)
{
        struct store *s = calloc(1, sizeof(*s));
        enum cr_err err;

        *out = NULL;
        if (!s)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        err = db_open(path, migrate, &s->db, e);
        if (!err && migrate)
                err = migrate_apply(s->db, e);
        if (!err && !migrate && migrate_current_version(s->db) != migrate_latest_version())
                err = cr_fail(e, CR_ESTORE, "internal", NULL,
                              "database %s has schema version %d, this program needs %d; run "
                              "'cryptoreg init'",
                              path, migrate_current_version(s->db), migrate_latest_version());
        if (err) {
                store_close(s);
                return err;
        }
        *out = s;
        return CR_OK;
}

void store_close(struct store *s)
{
        if (!s)
                return;
        db_close(s->db);
        free(s);
}

int store_schema_version(struct store *s)
{
        return migrate_current_version(s->db);
}

enum cr_err store_begin(struct store *s, struct cr_error *e)
{
        return db_begin(s->db, e);
}

/* Bumped by every commit here and by any outside change a connection notices. */
static _Atomic uint64_t generation = 1;

enum cr_err store_commit(struct store *s, struct cr_error *e)
{
        enum cr_err err = db_commit(s->db, e);

        /* Even a failed commit may have changed something; forgetting too much is safe. */
        atomic_fetch_add(&generation, 1);
        return err;
}

uint64_t store_generation(struct store *s)
{
        static const char sql[] = "PRAGMA data_version";
        struct db_stmt *st = db_prepare(s->db, sql, NULL);
        int64_t v = -1;

        if (st) {
                if (db_step(st, NULL) == DB_ROW)
                        v = db_col_int(st, 0);
                db_done(st);
        }
        if (v < 0 || v != s->data_version) {
                s->data_version = v;
                atomic_fetch_add(&generation, 1);
        }
        return atomic_load(&generation);
}

void store_rollback(struct store *s)
{
        db_rollback(s->db);
}

struct store_pool {
        pthread_mutex_t lock;
        pthread_cond_t available;
        int size, nfree;
        struct store **all;
        struct store **free_list;
};

enum cr_err store_pool_open(const char *path, int size, struct store_pool **out, struct cr_error *e)
{
        struct store_pool *p = calloc(1, sizeof(*p));
        enum cr_err err = CR_OK;

        *out = NULL;
        if (!p)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        p->all = calloc((size_t)size, sizeof(*p->all));
        p->free_list = calloc((size_t)size, sizeof(*p->free_list));
        if (!p->all || !p->free_list) {
                free(p->all);
                free(p->free_list);
                free(p);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        pthread_mutex_init(&p->lock, NULL);
        pthread_cond_init(&p->available, NULL);
        for (int i = 0; i < size && !err; i++) {
                /* The first connection migrates; the others only check the version. */
                err = store_open(path, i == 0, &p->all[i], e);
                if (!err) {
                        p->free_list[p->nfree++] = p->all[i];
                        p->size++;
                }
        }
        if (err) {
                store_pool_close(p);
                return err;
        }
        *out = p;
        return CR_OK;
}

struct store *store_pool_acquire(struct store_pool *p)
{
        struct store *s;

        pthread_mutex_lock(&p->lock);
        while (p->nfree == 0)
                pthread_cond_wait(&p->available, &p->lock);
        s = p->free_list[--p->nfree];
        pthread_mutex_unlock(&p->lock);
        return s;
}

void store_pool_release(struct store_pool *p, struct store *s)
{
        /* A handler that failed mid-transaction must not pass it on. */
        store_rollback(s);
        pthread_mutex_lock(&p->lock);
        p->free_list[p->nfree++] = s;
        pthread_cond_signal(&p->available);
        pthread_mutex_unlock(&p->lock);
}

void store_pool_close(struct store_pool *p)
{
        if (!p)
                return;
        for (int i = 0; i < p->size; i++)
                store_close(p->all[i]);
        pthread_cond_destroy(&p->available);
        pthread_mutex_destroy(&p->lock);
        free(p->all);
        free(p->free_list);
        free(p);
}

enum cr_err store_optimize(struct store *s, struct cr_error *e)
{
        return db_exec(s->db,
                       "INSERT INTO enterprises_fts(enterprises_fts) VALUES ('optimize');"
                       "INSERT INTO certificates_fts(certificates_fts) VALUES ('optimize');"
                       "PRAGMA optimize;",
                       e);
}
