/*
 * Versioned schema migrations, applied in order at start.  Each capability
 * lists its own (struct capability.migrations); the migrator gathers them
 * from src/capabilities.c and applies them in ascending version.  A
 * migration is never edited once released: a change to the schema is a new
 * entry.
 */
#include "platform/store/store_int.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/timeutil.h"
#include "platform/capability.h"

/* More than every capability will ever hold together; checked, never assumed. */
#define MIGRATIONS_MAX 512

struct migration_plan {
        const struct migration *step[MIGRATIONS_MAX];
        size_t len;
};

static int by_version(const void *a, const void *b)
{
        const struct migration *x = *(const struct migration *const *)a;
        const struct migration *y = *(const struct migration *const *)b;
        return (x->version > y->version) - (x->version < y->version);
}

/*
 * Every capability's migrations in ascending version.  Two capabilities
 * claiming one version, or a version below 1, is a programming error that
 * must stop the program before it touches a database.
 */
static enum cr_err migration_plan(struct migration_plan *p, struct cr_error *e)
{
        p->len = 0;
        for (size_t c = 0; c < capabilities_len; c++) {
                const struct capability *cap = capabilities[c];
                for (size_t i = 0; i < cap->migrations_len; i++) {
                        if (p->len == MIGRATIONS_MAX)
                                return cr_fail(e, CR_EINTERNAL, "internal", NULL,
                                               "more than %d migrations", MIGRATIONS_MAX);
                        p->step[p->len++] = &cap->migrations[i];
                }
        }
        qsort(p->step, p->len, sizeof(p->step[0]), by_version);
        for (size_t i = 0; i < p->len; i++)
                if (p->step[i]->version < 1 ||
                    (i > 0 && p->step[i]->version == p->step[i - 1]->version))
                        return cr_fail(e, CR_EINTERNAL, "internal", NULL,
                                       "migration version %d is claimed twice or is not positive",
                                       p->step[i]->version);
        return CR_OK;
}

int migrate_latest_version(void)
{
        struct migration_plan p;
        struct cr_error e = CR_ERROR_INIT;
        int latest = 0;

        if (migration_plan(&p, &e) == CR_OK && p.len)
                latest = p.step[p.len - 1]->version;
        cr_error_clear(&e);
        return latest;
}

int migrate_current_version(struct db *db)
{
        static const char sql[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        struct cr_error e = CR_ERROR_INIT;
        struct db_stmt *st = db_prepare(db, sql, &e);
        int v = 0;

        if (st && db_step(st, &e) == DB_ROW)
                v = (int)db_col_int(st, 0);
        db_done(st);
        cr_error_clear(&e);
        return v;
}

enum cr_err migrate_apply(struct db *db, struct cr_error *e)
{
        static const char record_sql[] =
            "INSERT INTO schema_migrations(version, summary, applied_at) VALUES ($1, $2, $3)";
        struct migration_plan plan;
        enum cr_err err;
        int current;

        err = db_exec(db,
                      "CREATE TABLE IF NOT EXISTS schema_migrations ("
                      "  version INTEGER PRIMARY KEY,"
                      "  summary TEXT NOT NULL,"
                      "  applied_at TEXT NOT NULL)",
                      e);
        if (err)
                return err;
        err = migration_plan(&plan, e);
        if (err)
                return err;
        current = migrate_current_version(db);
        if (current > migrate_latest_version())
                return cr_fail(e, CR_ESTORE, "internal", NULL,
                               "the database has schema version %d, newer than this program's "
                               "%d; upgrade cryptoreg",
                               current, migrate_latest_version());
        for (size_t i = 0; i < plan.len; i++) {
                const struct migration *m = plan.step[i];
                char now[RFC3339_LEN];
                struct db_stmt *st;

                if (m->version <= current)
                        continue;
                err = db_begin(db, e);
                if (err)
                        return err;
                err = db_exec(db, m->sql, e);
                if (!err) {
                        time_now_rfc3339(now);
                        st = db_prepare(db, record_sql, e);
                        if (!st) {
                                err = e->err;
                        } else {
                                db_bind_int(st, 1, m->version);
                                db_bind_text(st, 2, m->summary);
                                db_bind_text(st, 3, now);
                                if (db_step(st, e) != DB_DONE)
                                        err = e->err;
                                db_done(st);
                        }
                }
                if (!err)
                        err = db_commit(db, e);
                if (err) {
                        db_rollback(db);
                        return err;
                }
        }
        return CR_OK;
}
