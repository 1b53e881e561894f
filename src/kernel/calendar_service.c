/*
 * The legal calendar as stored data: shipped years seeded at start, years
 * loaded by an administrator (audited, and every open deadline recomputed
 * in the same transaction), and the public views and deadline calculator.
 */
#include "kernel/calendar_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "crypto/crypto.h"
#include "kernel/calendar_data.h"
#include "kernel/scope.h"
#include "kernel/store.h"
#include "platform/capability.h"

/* Parses every stored year into cal; a stored file that no longer parses is a bug worth failing on.
 */
enum cr_err calendar_load(struct store *s, struct legal_calendar *cal, struct cr_error *e)
{
        json_t *rows = json_array();
        struct calendar_year *y = malloc(sizeof(*y));
        enum cr_err err;
        size_t i;
        json_t *row;

        memset(cal, 0, sizeof(*cal));
        if (!rows || !y) {
                json_decref(rows);
                free(y);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        err = store_calendar_list(s, 1, rows, e);
        json_array_foreach(rows, i, row)
        {
                const char *file;
                if (err)
                        break;
                file = jstr(row, "file");
                err = calendar_year_parse(file, strlen(file), y, e);
                if (!err)
                        err = calendar_add_year(cal, y, e);
        }
        json_decref(rows);
        free(y);
        return err;
}

enum cr_err calendar_seed_shipped(struct store *s, const struct clock *clk, struct cr_error *e)
{
        json_t *rows = json_array();
        struct calendar_year *y = malloc(sizeof(*y));
        enum cr_err err;
        char now[21], today[11];

        if (!rows || !y) {
                json_decref(rows);
                free(y);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        clock_now_rfc3339(clk, now);
        clock_today(clk, today);
        err = store_begin(s, e);
        if (!err)
                err = store_calendar_list(s, 0, rows, e);
        for (size_t i = 0; !err && i < calendar_shipped_len; i++) {
                const struct calendar_file *f = &calendar_shipped[i];
                char *text;
                char sm3[SM3_HEX_LEN];
                int have = 0;
                size_t k;
                json_t *row;

                json_array_foreach(rows, k, row) have |= jint(row, "year") == f->year;
                if (have)
                        continue;
                err = calendar_year_parse(f->text, f->len, y, e);
                if (err)
                        break;
                text = malloc(f->len + 1);
                if (!text) {
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                        break;
                }
                memcpy(text, f->text, f->len);
                text[f->len] = '\0';
                err = sm3_hex(text, f->len, sm3);
                if (!err)
                        err = store_calendar_put(s, y->year, y->source, text, sm3, (int)y->count,
                                                 now, "shipped", e);
                free(text);
        }
        if (!err)
                err = store_commit(s, e);
        else
                store_rollback(s);
        json_decref(rows);
        free(y);
        return err;
}

static json_t *year_json(const struct calendar_year *y)
{
        json_t *items = json_array();

        for (size_t i = 0; i < y->count; i++) {
                char d[DATE_LEN];
                date_format(y->entries[i].day, d);
                json_array_append_new(
                    items, json_pack("{s:s, s:s, s:s}", "date", d, "kind",
                                     y->entries[i].kind == CAL_HOLIDAY ? "holiday" : "workday",
                                     "name", y->entries[i].name));
        }
        return json_pack("{s:i, s:s, s:o}", "year", y->year, "source", y->source, "items", items);
}

enum cr_err calendar_put_year(struct store *s, const struct caller *c, int year, const char *data,
                              size_t len, json_t **out, struct cr_error *e)
{
        struct calendar_year *y = malloc(sizeof(*y));
        struct legal_calendar *cal = malloc(sizeof(*cal));
        char now[21], today[11], sm3[SM3_HEX_LEN];
        char *text = NULL;
        char key[8];
        enum cr_err err;

        if (!y || !cal) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        if (c->role != ROLE_NATIONAL_ADMIN) {
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              "only a national administrator loads the legal calendar");
                goto out;
        }
        if (len > CAL_FILE_MAX) {
                err = cr_fail(e, CR_ETOOLARGE, "payload_too_large", NULL,
                              "a calendar file is at most %d bytes", CAL_FILE_MAX);
                goto out;
        }
        err = calendar_year_parse(data, len, y, e);
        if (err)
                goto out;
        if (y->year != year) {
                err =
                    cr_fail(e, CR_EINVAL, "invalid_calendar", "year",
                            "the file is for %d but was sent to the address of %d", y->year, year);
                goto out;
        }
        text = malloc(len + 1);
        if (!text) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        memcpy(text, data, len);
        text[len] = '\0';
        caller_time(c, now, today);
        err = sm3_hex(text, len, sm3);
        if (err)
                goto out;
        err = store_begin(s, e);
        if (err)
                goto out;
        err = store_calendar_put(s, year, y->source, text, sm3, (int)y->count, now, c->username, e);
        /* Deadlines that needed this year, or were counted on its old table, change now. */
        if (!err)
                err = calendar_load(s, cal, e);
        for (size_t i = 0; !err && i < capabilities_len; i++)
                if (capabilities[i]->calendar_changed)
                        err = capabilities[i]->calendar_changed(s, c, cal, e);
        if (!err) {
                json_t *after = json_pack("{s:i, s:s, s:s, s:i}", "year", year, "source", y->source,
                                          "sm3", sm3, "days", (int)y->count);
                snprintf(key, sizeof(key), "%d", year);
                err = lic_audit(s, c, "calendar.load", "calendar", key, NULL, NULL, after, e);
                json_decref(after);
        }
        if (!err)
                err = store_commit(s, e);
        else
                store_rollback(s);
        if (!err)
                *out = year_json(y);
out:
        free(text);
        free(y);
        free(cal);
        return err;
}

enum cr_err calendar_list_json(struct store *s, json_t **out, struct cr_error *e)
{
        json_t *rows = json_array();
        enum cr_err err = store_calendar_list(s, 0, rows, e);

        if (err) {
                json_decref(rows);
                return err;
        }
        *out = json_pack("{s:o}", "items", rows);
        return CR_OK;
}

enum cr_err calendar_year_json(struct store *s, int year, json_t **out, struct cr_error *e)
{
        json_t *rows = json_array();
        struct calendar_year *y = malloc(sizeof(*y));
        enum cr_err err = y ? store_calendar_list(s, 1, rows, e)
                            : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        size_t i;
        json_t *row;
        int found = 0;

        json_array_foreach(rows, i, row)
        {
                const char *file = jstr(row, "file");
                if (err || jint(row, "year") != year)
                        continue;
                found = 1;
                err = calendar_year_parse(file, strlen(file), y, e);
                if (!err) {
                        *out = year_json(y);
                        json_object_set(*out, "loaded_at", json_object_get(row, "loaded_at"));
                        json_object_set(*out, "loaded_by", json_object_get(row, "loaded_by"));
                        json_object_set(*out, "sm3", json_object_get(row, "sm3"));
                }
        }
        if (!err && !found)
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL,
                              "no legal calendar is loaded for %d", year);
        json_decref(rows);
        free(y);
        return err;
}

enum cr_err calendar_deadline_json(struct store *s, const char *start, const char *days,
                                   json_t **out, struct cr_error *e)
{
        struct legal_calendar *cal;
        day_t d, due;
        int64_t n;
        char text[DATE_LEN];
        enum cr_err err;

        if (!start || date_parse(start, strlen(start), &d) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_date", "start",
                               "start must be a date written YYYY-MM-DD");
        if (!days || parse_int64(days, strlen(days), 1, 1000, &n) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", "days",
                               "days must be a whole number from 1 to 1000");
        cal = malloc(sizeof(*cal));
        if (!cal)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        err = calendar_load(s, cal, e);
        if (!err)
                err = calendar_deadline(cal, d, (int)n, NULL, 0, &due, e);
        free(cal);
        if (err)
                return err;
        date_format(due, text);
        *out = json_pack("{s:s, s:I, s:s}", "start", start, "days", (json_int_t)n, "due", text);
        return CR_OK;
}

enum cr_err kernel_seed(struct store *s, const struct clock *clk, struct cr_error *e)
{
        enum cr_err err = store_bureaus_seed(s, e);

        if (!err)
                err = calendar_seed_shipped(s, clk, e);
        return err;
}
