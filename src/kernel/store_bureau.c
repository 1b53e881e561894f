/* The bureaus table, seeded from the domain's table of the 33 bureaus. */
#include "platform/store/store_int.h"

#include "kernel/bureau.h"
#include "kernel/store.h"

enum cr_err store_bureaus_seed(struct store *s, struct cr_error *e)
{
        static const char sql[] =
            "INSERT INTO bureaus(code, name_zh, name_en, kind) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT(code) DO UPDATE SET name_zh = excluded.name_zh, "
            "name_en = excluded.name_en, kind = excluded.kind";
        enum cr_err err = store_begin(s, e);

        for (size_t i = 0; !err && i < bureau_table_len; i++) {
                struct db_stmt *st = db_prepare(s->db, sql, e);
                if (!st) {
                        err = e->err;
                        break;
                }
                db_bind_text(st, 1, bureau_table[i].code);
                db_bind_text(st, 2, bureau_table[i].name_zh);
                db_bind_text(st, 3, bureau_table[i].name_en);
                db_bind_text(st, 4, bureau_table[i].kind);
                err = db_run(st, e);
        }
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}
