/*
 * The baseline of bench/filing.sh: how fast SQLite alone stores the rows of
 * a sales filing on this machine, with nothing of cryptoreg around it.
 *
 * Usage: raw_insert SCHEMA.sql TABLE ROWS DB
 *
 * It creates DB, a new database file, with the pragmas cryptoreg's
 * db_open sets (journal_mode=WAL, foreign_keys=ON, synchronous=NORMAL),
 * runs SCHEMA.sql in it (the DDL of TABLE as copied from the server's
 * database), and reads ROWS, the rows to insert as sqlite3 exported them:
 * the values of one row separated by 0x1F, each row ended by 0x1E, in the
 * order of TABLE's columns.  A column declared INTEGER is bound as a 64-bit
 * integer, a column declared BLOB is read as hexadecimal (the export uses
 * hex() for those) and bound as a blob, and every other column is bound as
 * text.  All rows are loaded, split and converted in memory before the clock
 * starts.  Then it times exactly this, as the server's upload does it:
 * BEGIN IMMEDIATE, one prepared INSERT stepped once per row with
 * sqlite3_bind_*, COMMIT.  The COMMIT includes the WAL checkpoint SQLite
 * runs when the log has grown past its limit, since the server pays for it
 * in the same way.
 *
 * It prints one line, "ROWS SECONDS ROWS_PER_SECOND", and exits 0, or
 * explains on stderr what went wrong and exits 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIELD_SEP '\x1f'
#define ROW_END   '\x1e'

enum col_kind { COL_TEXT, COL_INT, COL_BLOB };

/* One value of one row: where it lies in the loaded buffer and, for an integer, its value. */
struct value {
        size_t off;
        size_t len;
        int64_t num;
};

static void fail(const char *what, const char *detail)
{
        fprintf(stderr, "raw_insert: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
        exit(1);
}

static void fail_db(sqlite3 *db, const char *what)
{
        fail(what, sqlite3_errmsg(db));
}

/* Reads a whole file into a new buffer, NUL-terminated; sets *len to its size. */
static char *read_file(const char *path, size_t *len)
{
        FILE *fp = fopen(path, "rb");
        char *buf;
        long size;

        if (!fp)
                fail(path, strerror(errno));
        if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0)
                fail(path, "cannot find its size");
        buf = malloc((size_t)size + 1);
        if (!buf)
                fail("out of memory reading", path);
        if (fread(buf, 1, (size_t)size, fp) != (size_t)size)
                fail(path, "short read");
        fclose(fp);
        buf[size] = '\0';
        *len = (size_t)size;
        return buf;
}

static double seconds_now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int hex_digit(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

/* Classifies a declared column type the way the export script does: INTEGER, BLOB, or text. */
static enum col_kind kind_of(const char *decl)
{
        char up[64];
        size_t i;

        for (i = 0; decl && decl[i] && i < sizeof(up) - 1; i++)
                up[i] = (char)(decl[i] >= 'a' && decl[i] <= 'z' ? decl[i] - 32 : decl[i]);
        up[i] = '\0';
        if (strstr(up, "INT"))
                return COL_INT;
        if (strcmp(up, "BLOB") == 0)
                return COL_BLOB;
        return COL_TEXT;
}

static void exec_sql(sqlite3 *db, const char *sql, const char *what)
{
        char *msg = NULL;

        if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
                fail(what, msg ? msg : sqlite3_errmsg(db));
}

int main(int argc, char **argv)
{
        sqlite3 *db;
        sqlite3_stmt *st;
        char *schema, *rows, *sql, *params, *p, *end;
        size_t schema_len, rows_len, nrows = 0;
        int ncols = 0;
        enum col_kind kinds[64];
        struct value *vals;
        double t0, t1;
        FILE *probe;

        if (argc != 5) {
                fprintf(stderr, "usage: raw_insert SCHEMA.sql TABLE ROWS DB\n");
                return 2;
        }
        probe = fopen(argv[4], "rb");
        if (probe) {
                fclose(probe);
                fail(argv[4], "already exists; the baseline needs a new database file");
        }
        schema = read_file(argv[1], &schema_len);

        /* The database, as db_open opens it, and the table. */
        if (sqlite3_open_v2(argv[4], &db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            NULL) != SQLITE_OK)
                fail_db(db, "cannot open the database");
        sqlite3_busy_timeout(db, 10000);
        sqlite3_extended_result_codes(db, 1);
        exec_sql(db,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA foreign_keys = ON;"
                 "PRAGMA synchronous = NORMAL;",
                 "setting the pragmas");
        exec_sql(db, schema, "creating the schema");
        free(schema);

        /* The columns of the table, in order, and how each is bound. */
        sql = sqlite3_mprintf("SELECT type FROM pragma_table_info(%Q) ORDER BY cid", argv[2]);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_db(db, "reading the table's columns");
        sqlite3_free(sql);
        while (sqlite3_step(st) == SQLITE_ROW) {
                if (ncols == (int)(sizeof(kinds) / sizeof(kinds[0])))
                        fail(argv[2], "has too many columns");
                kinds[ncols++] = kind_of((const char *)sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
        if (ncols == 0)
                fail(argv[2], "the schema does not create this table");

        /* Every row in memory, split and converted, before the clock starts. */
        rows = read_file(argv[3], &rows_len);
        for (size_t i = 0; i < rows_len; i++)
                nrows += rows[i] == ROW_END;
        if (nrows == 0)
                fail(argv[3], "holds no row");
        if (rows_len && rows[rows_len - 1] != ROW_END)
                fail(argv[3], "does not end with a row end (0x1E)");
        vals = calloc(nrows * (size_t)ncols, sizeof(*vals));
        if (!vals)
                fail("out of memory for", "the row index");
        p = rows;
        for (size_t r = 0; r < nrows; r++) {
                char *row_end = memchr(p, ROW_END, rows_len - (size_t)(p - rows));

                for (int c = 0; c < ncols; c++) {
                        struct value *v = &vals[r * (size_t)ncols + (size_t)c];

                        /* The last value ends at the row end, any other at a 0x1F in the row. */
                        end = memchr(p, FIELD_SEP, (size_t)(row_end - p));
                        if (c == ncols - 1 ? end != NULL : end == NULL) {
                                fprintf(stderr, "raw_insert: row %zu does not have %d values\n",
                                        r + 1, ncols);
                                return 1;
                        }
                        if (c == ncols - 1)
                                end = row_end;
                        *end = '\0';
                        v->off = (size_t)(p - rows);
                        v->len = (size_t)(end - p);
                        if (kinds[c] == COL_INT) {
                                char *stop;

                                errno = 0;
                                v->num = strtoll(p, &stop, 10);
                                if (errno || stop == p || *stop) {
                                        fprintf(stderr,
                                                "raw_insert: row %zu, column %d: not an integer\n",
                                                r + 1, c + 1);
                                        return 1;
                                }
                        } else if (kinds[c] == COL_BLOB) {
                                /* Decoded in place: the bytes take half the room of their hex. */
                                if (v->len % 2)
                                        fail("odd number of hex digits in a blob", NULL);
                                for (size_t i = 0; i < v->len / 2; i++) {
                                        int hi = hex_digit(p[2 * i]), lo = hex_digit(p[2 * i + 1]);
                                        if (hi < 0 || lo < 0)
                                                fail("a blob value is not hexadecimal", NULL);
                                        p[i] = (char)(hi * 16 + lo);
                                }
                                v->len /= 2;
                        }
                        p = end + 1;
                }
        }

        /* The statement, prepared once, as the server's statement cache does. */
        params = malloc(2 * (size_t)ncols + 1);
        if (!params)
                fail("out of memory", NULL);
        /* "?,?,...,?": one parameter per column. */
        for (int c = 0; c < ncols; c++) {
                params[2 * c] = '?';
                params[2 * c + 1] = ',';
        }
        params[2 * ncols - 1] = '\0';
        sql = sqlite3_mprintf("INSERT INTO \"%w\" VALUES (%s)", argv[2], params);
        free(params);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                fail_db(db, "preparing the INSERT");
        sqlite3_free(sql);

        /* The timed part. */
        t0 = seconds_now();
        exec_sql(db, "BEGIN IMMEDIATE", "BEGIN");
        for (size_t r = 0; r < nrows; r++) {
                const struct value *row = &vals[r * (size_t)ncols];
                int rc = SQLITE_OK;

                for (int c = 0; c < ncols && rc == SQLITE_OK; c++) {
                        if (kinds[c] == COL_INT)
                                rc = sqlite3_bind_int64(st, c + 1, row[c].num);
                        else if (kinds[c] == COL_BLOB)
                                rc = sqlite3_bind_blob(st, c + 1, rows + row[c].off,
                                                       (int)row[c].len, SQLITE_STATIC);
                        else
                                rc = sqlite3_bind_text(st, c + 1, rows + row[c].off,
                                                       (int)row[c].len, SQLITE_STATIC);
                }
                if (rc != SQLITE_OK)
                        fail_db(db, "binding a value");
                if (sqlite3_step(st) != SQLITE_DONE)
                        fail_db(db, "inserting a row");
                sqlite3_reset(st);
        }
        exec_sql(db, "COMMIT", "COMMIT");
        t1 = seconds_now();
        sqlite3_finalize(st);

        /* Every row must be there, or the rate means nothing. */
        sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", argv[2]);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW)
                fail_db(db, "counting the rows");
        sqlite3_free(sql);
        if ((size_t)sqlite3_column_int64(st, 0) != nrows) {
                fprintf(stderr, "raw_insert: the table holds %" PRId64 " rows, not %zu\n",
                        (int64_t)sqlite3_column_int64(st, 0), nrows);
                return 1;
        }
        sqlite3_finalize(st);
        if (sqlite3_close(db) != SQLITE_OK)
                fail("closing the database", NULL);
        printf("%zu %.6f %.1f\n", nrows, t1 - t0, (double)nrows / (t1 - t0));
        free(vals);
        free(rows);
        return 0;
}
