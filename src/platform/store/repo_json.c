/* Rows as JSON objects: how the licensing records travel between storage and the domain. */
#include "platform/store/store_int.h"

#include <string.h>


json_t *repo_row_json(struct db_stmt *st)
{
        json_t *o = json_object();
        int n = db_col_count(st);

        if (!o)
                return NULL;
        for (int i = 0; i < n; i++) {
                const char *name = db_col_name(st, i);
                const char *suffix = strstr(name, ":json");
                json_t *v;

                switch (db_col_type(st, i)) {
                case DB_T_INT:
                        v = json_integer(db_col_int(st, i));
                        break;
                case DB_T_TEXT:
                        v = suffix ? json_loads(db_col_text(st, i), JSON_DECODE_ANY, NULL)
                                   : json_string(db_col_text(st, i));
                        break;
                default:
                        v = json_null();
                        break;
                }
                if (!v)
                        v = json_null();
                if (suffix) {
                        char key[64];
                        size_t len = (size_t)(suffix - name);
                        if (len >= sizeof(key))
                                len = sizeof(key) - 1;
                        memcpy(key, name, len);
                        key[len] = '\0';
                        json_object_set_new(o, key, v);
                } else {
                        json_object_set_new(o, name, v);
                }
        }
        return o;
}

enum cr_err repo_rows_json(struct db_stmt *st, json_t *arr, struct cr_error *e)
{
        int rc;

        while ((rc = db_step(st, e)) == DB_ROW) {
                json_t *row = repo_row_json(st);
                if (!row) {
                        db_done(st);
                        return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                }
                json_array_append_new(arr, row);
        }
        db_done(st);
        return rc == DB_ERROR ? e->err : CR_OK;
}

enum cr_err repo_one_row(struct db_stmt *st, json_t **out, const char *what, const char *key,
                         struct cr_error *e)
{
        int rc = db_step(st, e);
        enum cr_err err = CR_OK;

        if (rc == DB_ROW) {
                *out = repo_row_json(st);
                if (!*out)
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        } else if (rc == DB_DONE) {
                err = key ? cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no %s %s", what, key)
                          : cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no such %s", what);
        } else {
                err = e->err;
        }
        db_done(st);
        return err;
}
