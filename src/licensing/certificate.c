/*
 * Certificates: the type certificates that manufacturing and selling still
 * require (Notice 336 item III), issued with an SM2-signed document, and
 * the documents of the four removed approval items recorded from CSV,
 * which stay valid until they expire and are never altered (item II).
 * A certificate's status on any date follows from its dates and its status
 * events at the moment of the query; no periodic job changes it.
 */
#include "licensing/licensing.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "kernel/scope.h"
#include "kernel/rules.h"
#include "transparency/transparency.h"
#include "kernel/uscc.h"
#include "licensing/licensing_int.h"
#include "kernel/store.h"
#include "registry/store.h"
#include "licensing/store.h"

/* Set once at start by licensing_configure, before any thread reads it. */
static char public_lookup_base[512] = "http://127.0.0.1:8080";
const char *certificate_lookup_base = public_lookup_base;

void licensing_configure(const struct config *cfg)
{
        config_public_url(cfg, public_lookup_base, sizeof(public_lookup_base));
}

#define LEGACY_NUMBER_MAX     60
#define LEGACY_MAX_ERRORS     1000
#define CERT_PRODUCT_NAME_MAX 200
#define CERT_MODEL_MAX        100

const char *certificate_status_on(const json_t *cert, const char *date)
{
        const json_t *history = json_object_get(cert, "history");
        const char *status = "valid";
        size_t i;
        json_t *ev;

        if (strcmp(date, jstr(cert, "issued_on")) < 0)
                return "not_yet_valid";
        json_array_foreach(history, i, ev)
        {
                if (strcmp(jstr(ev, "on"), date) > 0)
                        continue;
                /* Revocation is final, whatever a later event might say. */
                if (strcmp(status, "revoked") == 0)
                        break;
                status = json_string_value(json_object_get(ev, "status"));
                if (!status)
                        status = "valid";
        }
        if (strcmp(status, "revoked") == 0)
                return "revoked";
        if (strcmp(date, jstr(cert, "expires_on")) > 0)
                return "expired";
        return strcmp(status, "suspended") == 0 ? "suspended" : "valid";
}

static json_t *text_or_null(const json_t *o, const char *key)
{
        const char *v = jstr(o, key);
        return v[0] ? json_string(v) : json_null();
}

json_t *certificate_public_json(const json_t *cert, const char *date, int with_history)
{
        json_t *algs = json_object_get(cert, "algorithms");
        json_t *v = json_pack(
            "{s:s, s:s, s:b, s:{s:s, s:s, s:s, s:O}, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:s, s:o, "
            "s:o}",
            "number", jstr(cert, "number"), "kind", jstr(cert, "kind"), "legacy",
            (int)jint(cert, "legacy"), "product", "name", jstr(cert, "product_name"), "model",
            jstr(cert, "product_model"), "category", jstr(cert, "product_category"), "algorithms",
            algs ? algs : json_null(), "holder", "uscc", jstr(cert, "holder_uscc"), "name",
            jstr(cert, "holder_name"), "bureau_code", jstr(cert, "bureau_code"), "issued_on",
            jstr(cert, "issued_on"), "expires_on", jstr(cert, "expires_on"), "status",
            certificate_status_on(cert, date), "status_on", date, "key_id",
            text_or_null(cert, "key_id"), "application_number",
            text_or_null(cert, "application_number"));

        if (v && json_object_get(cert, "log_index"))
                json_object_set(v, "log_index", json_object_get(cert, "log_index"));
        if (v && with_history) {
                json_t *h = json_object_get(cert, "history");
                json_object_set_new(v, "history", h ? json_deep_copy(h) : json_array());
        }
        return v;
}

char *certificate_document(const json_t *cert, const char *lookup_base, size_t *len)
{
        char url[512];
        json_t *algs = json_object_get(cert, "algorithms");
        json_t *doc;
        char *text;

        snprintf(url, sizeof(url), "%s/certificate.html?number=%s", lookup_base,
                 jstr(cert, "number"));
        doc = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:s, s:s, s:s, s:s, s:{s:O, s:s, "
                        "s:s, s:s}}",
                        "bureau_code", jstr(cert, "bureau_code"), "expires_on",
                        jstr(cert, "expires_on"), "format", "cryptoreg-certificate/1", "holder",
                        "name", jstr(cert, "holder_name"), "uscc", jstr(cert, "holder_uscc"),
                        "issued_on", jstr(cert, "issued_on"), "key_id", jstr(cert, "key_id"),
                        "kind", jstr(cert, "kind"), "lookup_url", url, "number",
                        jstr(cert, "number"), "product", "algorithms", algs ? algs : json_null(),
                        "category", jstr(cert, "product_category"), "model",
                        jstr(cert, "product_model"), "name", jstr(cert, "product_name"));
        if (!doc)
                return NULL;
        /* Sorted keys, no whitespace, UTF-8 as is: the RFC 8785 form for strings and integers. */
        text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(doc);
        if (text)
                *len = strlen(text);
        return text;
}

enum cr_err certificate_expiry(const char *issued_on, int years, char out[DATE_LEN],
                               struct cr_error *e)
{
        day_t d;
        int y, m, md;

        if (date_parse(issued_on, strlen(issued_on), &d) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_date", "issued_on", "not a date: %s",
                               issued_on);
        date_to_ymd(d, &y, &m, &md);
        /* The day before the anniversary; from 29 February that is 28 February. */
        date_format(date_from_ymd(y + years, m, 1) + (md - 1) - 1, out);
        return CR_OK;
}

/* Today's date, or the `at` date given by the caller, checked. */
static enum cr_err status_date(const struct clock *clk, const char *at, char out[DATE_LEN],
                               struct cr_error *e)
{
        day_t d;

        if (!at || !at[0]) {
                clock_today(clk, out);
                return CR_OK;
        }
        if (date_parse(at, strlen(at), &d) != 0)
                return cr_fail(e, CR_EINVAL, "invalid_date", "at",
                               "at must be a date written YYYY-MM-DD");
        date_format(d, out);
        return CR_OK;
}

enum cr_err certificate_lookup(struct store *s, const struct clock *clk, const char *q, const char *at, int64_t after,
                               int limit, json_t *items, int64_t *next, struct cr_error *e)
{
        char date[DATE_LEN], query[256];
        json_t *rows = json_array(), *page = json_array();
        enum cr_err err = status_date(clk, at, date, e);
        size_t n, i;
        json_t *row;

        if (!err && (!q || !q[0]))
                err = cr_fail(e, CR_EINVAL, "missing_field", "q",
                              "give a certificate number, holder name or USCC, or a model");
        if (!err) {
                /* Pasted codes carry spaces around them. */
                while (*q == ' ')
                        q++;
                if (str_copy(query, sizeof(query), q) != 0)
                        err = cr_fail(e, CR_EINVAL, "too_long", "q", "q is too long");
                n = strlen(query);
                while (n && query[n - 1] == ' ')
                        query[--n] = '\0';
        }
        if (!err) {
                lic_page_start(&limit);
                err = store_certificate_search(s, query, after, limit, rows, e);
        }
        if (!err) {
                lic_page_finish(rows, limit - 1, page, next);
                rows = NULL;
                json_array_foreach(page, i, row)
                    json_array_append_new(items, certificate_public_json(row, date, 0));
        }
        json_decref(rows);
        json_decref(page);
        return err;
}

enum cr_err certificate_get_public(struct store *s, const struct clock *clk, const char *number,
                                   const char *at,
                                   json_t **out, struct cr_error *e)
{
        char date[DATE_LEN];
        json_t *row = NULL;
        enum cr_err err = status_date(clk, at, date, e);

        if (!err)
                err = store_certificate_get(s, number, &row, e);
        if (!err)
                *out = certificate_public_json(row, date, 1);
        json_decref(row);
        return err;
}

enum cr_err certificate_list_scoped(struct store *s, const struct caller *c, struct record_query *q,
                                    const char *status, json_t *items, int64_t *next,
                                    struct cr_error *e)
{
        static const char *const statuses[] = {"valid", "suspended", "revoked", "expired",
                                               "not_yet_valid"};
        char now[21], today[11];
        json_t *rows = json_array(), *page = json_array();
        int limit = q->limit, known = !status;
        enum cr_err err;
        size_t i;
        json_t *row;

        for (size_t k = 0; status && k < sizeof(statuses) / sizeof(statuses[0]); k++)
                known |= strcmp(status, statuses[k]) == 0;
        if (!known) {
                json_decref(rows);
                json_decref(page);
                return cr_fail(e, CR_EINVAL, "invalid_value", "status",
                               "status must be valid, suspended, revoked, expired or "
                               "not_yet_valid");
        }
        caller_time(c, now, today);
        err = lic_scope_query(c, q, e);
        if (!err) {
                lic_page_start(&q->limit);
                err = store_certificate_list(s, q, rows, e);
        }
        if (!err) {
                lic_page_start(&limit);
                lic_page_finish(rows, limit - 1, page, next);
                rows = NULL;
                /* The status filter applies after paging, so a page may hold fewer items. */
                json_array_foreach(page, i, row)
                {
                        if (status && strcmp(certificate_status_on(row, today), status) != 0)
                                continue;
                        json_array_append_new(items, certificate_public_json(row, today, 0));
                }
        }
        json_decref(rows);
        json_decref(page);
        return err;
}

/* The refusal of any change to a document of a removed item (Notice 336 item II). */
static enum cr_err refuse_legacy(const char *number, const char *today, struct cr_error *e)
{
        const struct rule *r = rule_in_force("legacy.no_alteration", today);

        if (!r)
                r = rule_latest("legacy.no_alteration");
        cr_fail(e, CR_EINVAL, "legacy_no_alteration", NULL,
                "%s was issued under an approval item that Notice 336 removed: it stays valid "
                "until it expires, and no alteration is handled (%s)",
                number, r->citation);
        e->rule = rule_to_json(r);
        return CR_EINVAL;
}

enum cr_err certificate_set_status(struct store *s, const struct caller *c, const char *number,
                                   const json_t *body, json_t **out, struct cr_error *e)
{
        const char *status = json_string_value(json_object_get(body, "status"));
        const char *reason = json_string_value(json_object_get(body, "reason"));
        json_t *before = NULL, *after = NULL;
        char now[21], today[11];
        int64_t log_index = -1;
        const char *current;
        enum cr_err err;

        caller_time(c, now, today);
        if (!status ||
            (strcmp(status, "valid") && strcmp(status, "suspended") && strcmp(status, "revoked")))
                return cr_fail(e, CR_EINVAL, "invalid_value", "status",
                               "status must be valid, suspended or revoked");
        err = lic_check_text(body, "reason", 1, REASON_MAX, e);
        if (err)
                return err;
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_certificate_get(s, number, &before, e);
        if (!err && !lic_in_scope(c, jstr(before, "bureau_code"), jstr(before, "holder_uscc")))
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no certificate %s", number);
        if (!err && !lic_acts_for_bureau(c, jstr(before, "bureau_code")))
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              "only an officer of bureau %s or a national administrator may "
                              "change this certificate's status",
                              jstr(before, "bureau_code"));
        if (!err && jint(before, "legacy"))
                err = refuse_legacy(number, today, e);
        if (err)
                goto fail;
        current = certificate_status_on(before, today);
        if (strcmp(current, "revoked") == 0 || strcmp(current, "expired") == 0 ||
            strcmp(current, status) == 0) {
                err = cr_fail(e, CR_ECONFLICT, "invalid_transition", "status",
                              "certificate %s is %s%s", number, current,
                              strcmp(current, status) == 0 ? " already"
                                                           : "; its status can no longer change");
                goto fail;
        }
        {
                /* The act and its log entry are written in the same transaction. */
                char action[40];
                json_t *act = json_pack("{s:s, s:s, s:s, s:s}", "number", number, "status", status,
                                        "reason", reason, "effective_on", today);
                snprintf(action, sizeof(action), "certificate.%s",
                         strcmp(status, "valid") == 0     ? "reinstate"
                         : strcmp(status, "revoked") == 0 ? "revoke"
                                                          : "suspend");
                err = act ? log_record(s, now, action, number, jstr(before, "bureau_code"), act,
                                       &log_index, e)
                          : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                json_decref(act);
                if (!err)
                        err = store_certificate_event_add(s, jint(before, "id"), today, status,
                                                          reason, now, c->username, log_index, e);
                if (!err)
                        err = store_certificate_get(s, number, &after, e);
                if (!err)
                        err = lic_audit(s, c, action, "certificate", number,
                                        jstr(before, "bureau_code"), before, after, e);
        }
        if (!err)
                err = store_commit(s, e);
        if (err)
                goto fail;
        *out = certificate_public_json(after, today, 1);
        json_object_set_new(*out, "log_index", json_integer(log_index));
        json_decref(before);
        json_decref(after);
        return CR_OK;
fail:
        store_rollback(s);
        json_decref(before);
        json_decref(after);
        return err;
}

enum cr_err certificate_issue(struct store *s, const struct caller *c, struct sm2_keyring *keys,
                              const json_t *app, const char *today, const char *now, json_t **out,
                              struct cr_error *e)
{
        const json_t *product = json_object_get(app, "product");
        const struct rule *validity = rule_in_force("validity.type_certificate", today);
        const char *bureau = jstr(app, "bureau_code");
        struct sm2_signature sig;
        char counter[32], number[32], expires[DATE_LEN], reason[96], logged_at[RFC3339_LEN];
        char *doc = NULL;
        size_t doc_len = 0;
        json_t *cert = NULL;
        int64_t seq, id, log_index = -1;
        enum cr_err err;

        if (!keys)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "no signing keys are available");
        if (!json_is_object(product))
                return cr_fail(e, CR_EINVAL, "invalid_value", "product_id",
                               "the application names no product");
        err = certificate_expiry(today, validity ? validity->value : 5, expires, e);
        if (!err)
                err = sm2_keyring_public(keys, bureau, sig.key_id, sig.public_key_pem, e);
        if (!err)
                err = store_signing_key_put(s, sig.key_id, bureau, sig.public_key_pem, now, e);
        snprintf(counter, sizeof(counter), "certificate-%.4s", today);
        if (!err)
                err = store_counter_next(s, counter, &seq, e);
        if (err)
                return err;
        snprintf(number, sizeof(number), "SXH%.4s%05lld", today, (long long)seq);
        cert = json_pack(
            "{s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:s, s:s, "
            "s:s}",
            "number", number, "kind", jstr(app, "item"), "legacy", 0, "holder_uscc",
            jstr(app, "enterprise_uscc"), "holder_name", jstr(app, "enterprise_name"),
            "bureau_code", bureau, "product_name", jstr(product, "name"), "product_model",
            jstr(product, "model"), "product_category", jstr(product, "category"), "algorithms",
            json_object_get(product, "algorithms"), "issued_on", today, "expires_on", expires,
            "application_number", jstr(app, "number"), "key_id", sig.key_id, "created_at", now);
        doc = cert ? certificate_document(cert, certificate_lookup_base, &doc_len) : NULL;
        if (!doc) {
                json_decref(cert);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        err = sm2_keyring_sign(keys, bureau, doc, doc_len, &sig, e);
        if (!err)
                err = store_certificate_insert(s, cert, doc, doc_len, sig.der, sig.len, &id, e);
        snprintf(reason, sizeof(reason), "issued under application %s", jstr(app, "number"));
        /* The certificate's log entry covers its document, so the log vouches for the signed bytes.
         */
        if (!err) {
                json_t *act = json_pack("{s:s, s:s}", "number", number, "document", doc);
                /* The log says when the act was recorded, which may follow its date (demo data). */
                caller_now(c, logged_at);
                err = act ? log_record(s, logged_at, "certificate.issue", number, bureau, act,
                                       &log_index, e)
                          : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                json_decref(act);
        }
        if (!err)
                err = store_certificate_event_add(s, id, today, "valid", reason, now, c->username,
                                                  log_index, e);
        if (!err)
                err = store_certificate_get(s, number, out, e);
        if (!err)
                json_object_set_new(*out, "log_index", json_integer(log_index));
        if (!err)
                err = lic_audit(s, c, "certificate.issue", "certificate", number, bureau, NULL,
                                *out, e);
        free(doc);
        json_decref(cert);
        return err;
}

/* Legacy CSV import. */

static const char *const legacy_columns[] = {
    "kind", "number", "holder_uscc", "product_name", "product_model", "issued_on", "expires_on"};
#define LEGACY_NCOLS (sizeof(legacy_columns) / sizeof(legacy_columns[0]))

static void report(struct cr_error *e, long line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void report(struct cr_error *e, long line, const char *column, const char *fmt, ...)
{
        char msg[400];
        va_list ap;

        if (!e->rows)
                e->rows = json_array();
        if (json_array_size(e->rows) >= LEGACY_MAX_ERRORS)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        json_array_append_new(e->rows, json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line,
                                                 "column", column ? column : "", "message", msg));
}

/* Checks one row; fills rec's fields into cert. Returns the number of problems reported. */
static int check_legacy_row(struct store *s, const struct caller *c, const struct csv_record *rec,
                            json_t *cert, struct enterprise *ent, struct cr_error *rep)
{
        const char *f[LEGACY_NCOLS];
        const struct approval_item *item;
        const struct rule *removed = NULL;
        day_t issued = 0, expires = 0;
        int bad = 0, exists = 0;
        char why[160];

        if (rec->nfields != LEGACY_NCOLS) {
                report(rep, rec->line, NULL, "the row has %zu fields; the header has %zu",
                       rec->nfields, LEGACY_NCOLS);
                return 1;
        }
        for (size_t i = 0; i < LEGACY_NCOLS; i++)
                f[i] = rec->field[i];
        item = approval_item_find(f[0]);
        if (!item || !item->rule_removed) {
                report(rep, rec->line, "kind",
                       "\"%.40s\" is not a removed approval item; use production, sales_permit, "
                       "fie_use or foreign_use",
                       f[0]);
                bad++;
        } else {
                removed = rule_latest(item->rule_removed);
        }
        {
                json_t *o = json_pack("{s:s, s:s, s:s}", "number", f[1], "product_name", f[3],
                                      "product_model", f[4]);
                struct cr_error fe = CR_ERROR_INIT;
                if (lic_check_text(o, "number", 1, LEGACY_NUMBER_MAX, &fe)) {
                        report(rep, rec->line, "number", "%s", fe.detail);
                        bad++;
                }
                cr_error_clear(&fe);
                if (lic_check_text(o, "product_name", 1, CERT_PRODUCT_NAME_MAX, &fe)) {
                        report(rep, rec->line, "product_name", "%s", fe.detail);
                        bad++;
                }
                cr_error_clear(&fe);
                if (lic_check_text(o, "product_model", 0, CERT_MODEL_MAX, &fe)) {
                        report(rep, rec->line, "product_model", "%s", fe.detail);
                        bad++;
                }
                cr_error_clear(&fe);
                json_decref(o);
        }
        if (f[1][0] && store_certificate_exists(s, f[1], &exists, NULL) == CR_OK && exists) {
                report(rep, rec->line, "number", "certificate %s is already recorded", f[1]);
                bad++;
        }
        if (uscc_validate(f[2], rec->len[2], why, sizeof(why)) != USCC_OK) {
                report(rep, rec->line, "holder_uscc", "%s", why);
                bad++;
        } else if (store_enterprise_get(s, f[2], ent, NULL) != CR_OK) {
                report(rep, rec->line, "holder_uscc",
                       "no enterprise %s is registered; register it first", f[2]);
                bad++;
        } else if (!lic_acts_for_bureau(c, ent->bureau_code)) {
                report(rep, rec->line, "holder_uscc",
                       "enterprise %s belongs to bureau %s; you act for bureau %s", f[2],
                       ent->bureau_code, c->bureau_code);
                bad++;
        }
        if (date_parse(f[5], rec->len[5], &issued) != 0) {
                report(rep, rec->line, "issued_on", "\"%.20s\" is not a date written YYYY-MM-DD",
                       f[5]);
                bad++;
        } else if (removed && strcmp(f[5], removed->effective_from) >= 0) {
                report(rep, rec->line, "issued_on",
                       "no %s document can have been issued on or after %s, when the item was "
                       "removed (%s)",
                       f[0], removed->effective_from, removed->citation);
                bad++;
        }
        if (date_parse(f[6], rec->len[6], &expires) != 0) {
                report(rep, rec->line, "expires_on", "\"%.20s\" is not a date written YYYY-MM-DD",
                       f[6]);
                bad++;
        } else if (issued && expires <= issued) {
                report(rep, rec->line, "expires_on", "the document expires before it was issued");
                bad++;
        }
        if (!bad) {
                json_object_set_new(cert, "number", json_string(f[1]));
                json_object_set_new(cert, "kind", json_string(f[0]));
                json_object_set_new(cert, "legacy", json_true());
                json_object_set_new(cert, "holder_uscc", json_string(f[2]));
                json_object_set_new(cert, "bureau_code", json_string(ent->bureau_code));
                json_object_set_new(cert, "product_name", json_string(f[3]));
                json_object_set_new(cert, "product_model", json_string(f[4]));
                json_object_set_new(cert, "product_category", json_string(""));
                json_object_set_new(cert, "algorithms", json_array());
                json_object_set_new(cert, "issued_on", json_string(f[5]));
                json_object_set_new(cert, "expires_on", json_string(f[6]));
        }
        return bad;
}

enum cr_err certificate_import_legacy(struct store *s, const struct caller *c, const char *data,
                                      size_t len, int *imported, int64_t *log_first,
                                      int64_t *log_last, struct cr_error *e)
{
        struct csv_reader r;
        struct csv_record rec;
        struct enterprise *ent = malloc(sizeof(*ent));
        json_t *rows = json_array(), *seen = json_object();
        char now[21], today[11];
        enum cr_err err = CR_OK;
        int rc, bad = 0, header_ok;
        size_t i;
        json_t *cert;

        *imported = 0;
        *log_first = *log_last = -1;
        if (!ent || !rows || !seen) {
                free(ent);
                json_decref(rows);
                json_decref(seen);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        caller_time(c, now, today);
        csv_reader_init(&r, data, len);
        err = store_begin(s, e);
        if (err)
                goto out;
        rc = csv_read(&r, &rec, e);
        if (rc <= 0 || rec.nfields != LEGACY_NCOLS) {
                report(e, 1, NULL,
                       "the first line must be the header: kind,number,holder_uscc,"
                       "product_name,product_model,issued_on,expires_on");
                bad++;
        } else {
                for (size_t k = 0; k < LEGACY_NCOLS; k++)
                        if (strcmp(rec.field[k], legacy_columns[k]) != 0) {
                                report(e, 1, legacy_columns[k],
                                       "column %zu of the header must be %s", k + 1,
                                       legacy_columns[k]);
                                bad++;
                        }
        }
        /* Every row is checked, so that one answer lists every problem in the file. */
        header_ok = bad == 0;
        while (header_ok && rc > 0 && (rc = csv_read(&r, &rec, e)) > 0) {
                json_t *c_row = json_object();
                int n = check_legacy_row(s, c, &rec, c_row, ent, e);
                if (!n && json_object_get(seen, rec.field[1])) {
                        report(e, rec.line, "number",
                               "certificate %s appears twice in the file (first on line %lld)",
                               rec.field[1],
                               (long long)json_integer_value(json_object_get(seen, rec.field[1])));
                        n = 1;
                }
                if (!n) {
                        json_object_set_new(seen, rec.field[1], json_integer(rec.line));
                        json_array_append(rows, c_row);
                }
                json_decref(c_row);
                bad += n;
        }
        if (header_ok && rc < 0) {
                report(e, r.line, NULL, "%s", e->detail);
                bad++;
        }
        if (!bad && json_array_size(rows) == 0) {
                report(e, 2, NULL, "the file has no rows after the header");
                bad++;
        }
        if (bad) {
                json_t *keep = e->rows;
                e->rows = NULL;
                cr_fail(e, CR_EINVAL, "csv_invalid", NULL,
                        "%d problem%s in the file; nothing was recorded", bad, bad == 1 ? "" : "s");
                e->rows = keep;
                err = CR_EINVAL;
                goto rollback;
        }
        json_array_foreach(rows, i, cert)
        {
                int64_t id, log_index = -1;
                json_object_set_new(cert, "created_at", json_string(now));
                err = store_certificate_insert(s, cert, NULL, 0, NULL, 0, &id, e);
                if (!err)
                        err = log_record(s, now, "certificate.legacy_record", jstr(cert, "number"),
                                         jstr(cert, "bureau_code"), cert, &log_index, e);
                if (!err) {
                        if (*log_first < 0)
                                *log_first = log_index;
                        *log_last = log_index;
                }
                if (!err)
                        err = store_certificate_event_add(
                            s, id, jstr(cert, "issued_on"), "valid",
                            "recorded from a document issued under a removed item", now,
                            c->username, log_index, e);
                if (!err)
                        err = lic_audit(s, c, "certificate.legacy_import", "certificate",
                                        jstr(cert, "number"), jstr(cert, "bureau_code"), NULL, cert,
                                        e);
                if (err)
                        goto rollback;
        }
        err = store_commit(s, e);
        if (err)
                goto rollback;
        *imported = (int)json_array_size(rows);
        goto out;
rollback:
        store_rollback(s);
out:
        csv_reader_release(&r);
        free(ent);
        json_decref(rows);
        json_decref(seen);
        return err;
}

enum cr_err certificate_signed_blob(struct store *s, const char *number, enum cert_blob which,
                                    char **data, size_t *len, struct cr_error *e)
{
        return store_certificate_blob(s, number, which == CERT_SIGNATURE, data, len, e);
}

enum cr_err certificate_must_exist(struct store *s, const char *number, struct cr_error *e)
{
        int exists = 0;
        enum cr_err err = store_certificate_exists(s, number, &exists, e);

        if (!err && !exists)
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no certificate %s", number);
        return err;
}

enum cr_err signing_key_list(struct store *s, json_t *items, struct cr_error *e)
{
        return store_signing_key_list(s, items, e);
}

enum cr_err signing_key_get(struct store *s, const char *key_id, json_t **out, struct cr_error *e)
{
        return store_signing_key_get(s, key_id, out, e);
}
