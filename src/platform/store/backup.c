/*
 * Online backup and verified restore of the SQLite database.  A backup is
 * checked (integrity and schema version) before it is reported good; a
 * restore checks its source the same way before it overwrites anything.
 */
#include "platform/store/store_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>


/* Copies every page of src into dst with SQLite's online backup API. */
static enum cr_err copy_db(sqlite3 *dst, sqlite3 *src, struct cr_error *e)
{
        sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
        int rc;

        if (!b)
                return cr_fail(e, CR_ESTORE, "internal", NULL, "backup failed to start: %s",
                               sqlite3_errmsg(dst));
        /* Copy in steps so that writers on the live database are not held up for long. */
        do {
                rc = sqlite3_backup_step(b, 256);
                if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                        sqlite3_sleep(20);
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE)
                return cr_fail(e, CR_ESTORE, "internal", NULL, "backup failed: %s",
                               sqlite3_errstr(rc));
        return CR_OK;
}

static enum cr_err open_raw(const char *path, int flags, sqlite3 **out, struct cr_error *e)
{
        int rc = sqlite3_open_v2(path, out, flags, NULL);

        if (rc != SQLITE_OK) {
                enum cr_err err = cr_fail(e, CR_ESTORE, "internal", NULL, "cannot open %s: %s",
                                          path, *out ? sqlite3_errmsg(*out) : sqlite3_errstr(rc));
                sqlite3_close(*out);
                *out = NULL;
                return err;
        }
        sqlite3_busy_timeout(*out, 10000);
        return CR_OK;
}

enum cr_err store_verify_file(const char *path, struct cr_error *e)
{
        sqlite3 *h = NULL;
        sqlite3_stmt *st = NULL;
        enum cr_err err;
        int version = -1;

        if (access(path, R_OK) != 0)
                return cr_fail(e, CR_EIO, "internal", NULL, "cannot read %s", path);
        err = open_raw(path, SQLITE_OPEN_READONLY, &h, e);
        if (err)
                return err;
        if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW ||
            strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
                err = cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                              "%s is not an intact cryptoreg database (integrity check failed)",
                              path);
                goto out;
        }
        sqlite3_finalize(st);
        st = NULL;
        if (sqlite3_prepare_v2(h, "SELECT MAX(version) FROM schema_migrations", -1, &st, NULL) ==
                SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
                version = sqlite3_column_int(st, 0);
        if (version < 1 || version > migrate_latest_version())
                err = cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                              "%s has no cryptoreg schema this program can use (version %d, "
                              "expected 1 to %d)",
                              path, version, migrate_latest_version());
out:
        sqlite3_finalize(st);
        sqlite3_close(h);
        return err;
}

enum cr_err store_backup(const char *db_path, const char *dest, struct cr_error *e)
{
        sqlite3 *src = NULL, *dst = NULL;
        enum cr_err err;

        if (access(dest, F_OK) == 0)
                return cr_fail(e, CR_EIO, "internal", NULL,
                               "%s exists; a backup never overwrites a file", dest);
        err = store_verify_file(db_path, e);
        if (!err)
                err = open_raw(db_path, SQLITE_OPEN_READONLY, &src, e);
        if (!err)
                err = open_raw(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst, e);
        if (!err)
                err = copy_db(dst, src, e);
        sqlite3_close(src);
        sqlite3_close(dst);
        if (!err)
                err = store_verify_file(dest, e);
        if (err && dst)
                unlink(dest);
        return err;
}

enum cr_err store_restore(const char *db_path, const char *src_path, struct cr_error *e)
{
        sqlite3 *src = NULL, *dst = NULL;
        enum cr_err err = store_verify_file(src_path, e);

        if (!err)
                err = open_raw(src_path, SQLITE_OPEN_READONLY, &src, e);
        if (!err)
                err = open_raw(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &dst, e);
        /* The backup API replaces the live database in one step, under its write lock. */
        if (!err)
                err = copy_db(dst, src, e);
        sqlite3_close(src);
        sqlite3_close(dst);
        if (!err)
                err = store_verify_file(db_path, e);
        return err;
}
