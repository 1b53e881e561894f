/*
 * The annual sales filing service (Notice 336 item IV): uploads checked as
 * they stream in and stored as one version in one transaction, the
 * workflow of a version (draft, submitted, accepted, returned), who was
 * obliged to file and has not, overdue-filing events, statistics, and the
 * audited reveal of a buyer's protected data to the competent bureau.
 */
#include "kernel/calendar_service.h"
#include "filing/filing.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/spool.h"
#include "core/transcode.h"
#include "registry/enterprise_service.h"
#include "licensing/licensing.h"
#include "kernel/scope.h"
#include "transparency/transparency.h"
#include "kernel/store.h"
#include "registry/store.h"
#include "licensing/store.h"
#include "filing/store.h"

#define OVERDUE_KIND "filing_overdue"

/*
 * Filings are stored one at a time in this process: a million-line version
 * holds SQLite's write lock for seconds, and waiting here in order is
 * kinder to a crowd uploading at the deadline than each retrying on
 * SQLite's busy timeout.
 */
static pthread_mutex_t store_turn = PTHREAD_MUTEX_INITIALIZER;

/* One of the filer's certificates, with its status on each day of the filing year. */
struct covered_cert {
        char *number;
        char *model;
        int legacy;
        json_t *record;       /* for certificate_status_on */
        unsigned char *state; /* per day of the year: 0 unknown, 1 valid, 2 not valid */
        int64_t lines, quantity;
};

struct filing_upload {
        struct caller caller;
        struct fieldcrypt *keys;
        int year, draft;
        day_t first_day;
        char uid[33];
        char uscc[19];
        char bureau_code[7];
        struct covered_cert *certs; /* sorted by number */
        size_t ncerts;
        struct covered_cert *last_covered; /* the certificate of the line being checked */
        struct transcode tc;
        struct filing_csv csv;
        int reading; /* 1 once tc and csv are set up, so that they are released */
        struct sm3_stream *digest;
        struct spool *spool;
        struct buf record, sealed, masked, aad; /* scratch for one line */
        uint64_t bytes;
        int failed; /* a fatal failure was recorded in fail */
        struct cr_error fail;
};

static int cert_cmp(const void *a, const void *b)
{
        return strcmp(((const struct covered_cert *)a)->number,
                      ((const struct covered_cert *)b)->number);
}

static struct covered_cert *find_cert(struct filing_upload *u, const char *number)
{
        struct covered_cert key = {.number = (char *)number};

        return u->ncerts ? bsearch(&key, u->certs, u->ncerts, sizeof(*u->certs), cert_cmp) : NULL;
}

/* Whether a type certificate record was in force on some day of [first, last]. */
static int cert_spans_year(const json_t *cert, const char *first, const char *last)
{
        const json_t *history = json_object_get(cert, "history");
        const json_t *ev;
        size_t i;

        if (jint(cert, "legacy") || strcmp(jstr(cert, "issued_on"), last) > 0 ||
            strcmp(jstr(cert, "expires_on"), first) < 0)
                return 0;
        json_array_foreach(history, i, ev) if (strcmp(jstr(ev, "status"), "revoked") == 0 &&
                                               strcmp(jstr(ev, "on"), first) < 0) return 0;
        return 1;
}

static enum cr_err load_certificates(struct filing_upload *u, struct store *s, int *holds,
                                     struct cr_error *e)
{
        struct record_query q = {0};
        json_t *rows = json_array();
        char first[DATE_LEN], last[DATE_LEN];
        enum cr_err err;
        json_t *row;
        size_t i;

        if (!rows)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        q.enterprise_uscc = u->uscc;
        q.limit = 1000000;
        err = store_certificate_list(s, &q, rows, e);
        if (!err && json_array_size(rows)) {
                u->certs = calloc(json_array_size(rows), sizeof(*u->certs));
                if (!u->certs)
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        snprintf(first, sizeof(first), "%04d-01-01", u->year);
        snprintf(last, sizeof(last), "%04d-12-31", u->year);
        *holds = 0;
        json_array_foreach(rows, i, row)
        {
                struct covered_cert *c;
                if (err)
                        break;
                c = &u->certs[u->ncerts];
                c->number = strdup(jstr(row, "number"));
                c->model = strdup(jstr(row, "product_model"));
                c->state = calloc(367, 1);
                c->legacy = (int)jint(row, "legacy");
                c->record = json_incref(row);
                u->ncerts++;
                if (!c->number || !c->model || !c->state)
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                if (cert_spans_year(row, first, last))
                        *holds = 1;
        }
        json_decref(rows);
        if (!err && u->ncerts)
                qsort(u->certs, u->ncerts, sizeof(*u->certs), cert_cmp);
        return err;
}

/* filing_covered_fn: the line's certificate is the filer's, names the model, and was valid. */
static int covered(void *ctx, const char *number, const char *model, day_t sale_date, char *why,
                   size_t whysize)
{
        struct filing_upload *u = ctx;
        struct covered_cert *c = find_cert(u, number);
        long day = (long)(sale_date - u->first_day);
        const char *status;
        char on[DATE_LEN];

        u->last_covered = NULL;
        if (!c) {
                snprintf(why, whysize, "certificate %s is not one of the filer's", number);
                return 0;
        }
        if (c->legacy) {
                snprintf(why, whysize,
                         "%s is a document of a removed approval item, not a type certificate",
                         number);
                return 0;
        }
        if (strcmp(c->model, model) != 0) {
                snprintf(why, whysize, "certificate %s covers the model %s, not %s", number,
                         c->model, model);
                return 0;
        }
        if (day < 0 || day > 365) {
                snprintf(why, whysize, "the sale date is outside the filing year");
                return 0;
        }
        if (!c->state[day]) {
                date_format(sale_date, on);
                c->state[day] = strcmp(certificate_status_on(c->record, on), "valid") == 0 ? 1 : 2;
        }
        if (c->state[day] != 1) {
                date_format(sale_date, on);
                status = certificate_status_on(c->record, on);
                snprintf(why, whysize, "certificate %s was %s on %s", number,
                         strcmp(status, "not_yet_valid") == 0 ? "not yet valid" : status, on);
                return 0;
        }
        u->last_covered = c;
        return 1;
}

static const char *buyer_type_name(enum filing_buyer_type t)
{
        return t == FILING_BUYER_ORGANISATION ? "organisation" : "individual";
}

static const char *id_type_name(enum filing_id_type t)
{
        switch (t) {
        case FILING_ID_RESIDENT:
                return "resident_id";
        case FILING_ID_PASSPORT:
                return "passport";
        case FILING_ID_OTHER:
                return "other";
        default:
                return "";
        }
}

/* Appends a spool field: a 4-byte length and the bytes. */
static enum cr_err put_field(struct buf *b, const char *text, size_t len)
{
        unsigned char n[4] = {(unsigned char)len, (unsigned char)(len >> 8),
                              (unsigned char)(len >> 16), (unsigned char)(len >> 24)};
        enum cr_err err = buf_append(b, n, sizeof(n));

        return err ? err : buf_append(b, text, len);
}

static enum cr_err put_int(struct buf *b, int64_t v)
{
        unsigned char n[8];

        for (int i = 0; i < 8; i++)
                n[i] = (unsigned char)((uint64_t)v >> (8 * i));
        return buf_append(b, n, sizeof(n));
}

/*
 * The associated data of a protected value: the version's uid, the line
 * and the column (docs/crypto.md).  A token moved anywhere else does not open.
 */
static enum cr_err seal_aad(struct buf *aad, const char *uid, int64_t line, const char *column)
{
        buf_reset(aad);
        return buf_printf(aad, "filing:%s:line:%lld:%s", uid, (long long)line, column);
}

/* Seals and masks one protected value into u->sealed and u->masked, then spools both. */
static enum cr_err put_protected(struct filing_upload *u, int64_t line, const char *column,
                                 const char *text, size_t len, struct cr_error *e)
{
        enum cr_err err;

        buf_reset(&u->sealed);
        buf_reset(&u->masked);
        if (len) {
                err = seal_aad(&u->aad, u->uid, line, column);
                if (!err)
                        err = fieldcrypt_seal(u->keys, text, len, u->aad.data, u->aad.len,
                                              &u->sealed, e);
                if (!err)
                        err = fieldcrypt_mask(text, &u->masked);
                if (err)
                        return e->err ? e->err
                                      : cr_fail(e, err, "internal", NULL, "sealing failed");
        }
        err = put_field(&u->record, u->sealed.data ? u->sealed.data : "", u->sealed.len);
        if (!err)
                err = put_field(&u->record, u->masked.data ? u->masked.data : "", u->masked.len);
        return err ? cr_fail(e, err, "internal", NULL, "out of memory") : CR_OK;
}

/*
 * filing_line_fn: a good line is sealed and spooled at once, in the order
 * of enum store_filing_col, so nothing of it stays in memory.
 */
static enum cr_err on_line(void *ctx, const struct filing_line *l, struct cr_error *e)
{
        struct filing_upload *u = ctx;
        const char *bt = buyer_type_name(l->buyer_type), *it = id_type_name(l->id_type);
        struct buf *r = &u->record;
        enum cr_err err;

        buf_reset(r);
        err = put_int(r, l->line);
        if (!err)
                err = put_int(r, l->quantity);
        if (!err)
                err = put_field(r, l->text[FC_SALE_DATE], l->len[FC_SALE_DATE]);
        if (!err)
                err = put_field(r, l->text[FC_CERTIFICATE_NUMBER], l->len[FC_CERTIFICATE_NUMBER]);
        if (!err)
                err = put_field(r, l->text[FC_PRODUCT_MODEL], l->len[FC_PRODUCT_MODEL]);
        if (!err)
                err = put_field(r, bt, strlen(bt));
        if (!err)
                err = put_field(r, l->text[FC_BUYER_NAME], l->len[FC_BUYER_NAME]);
        if (!err)
                err = put_field(r, l->text[FC_BUYER_USCC], l->len[FC_BUYER_USCC]);
        if (!err)
                err = put_field(r, it, strlen(it));
        if (err)
                return cr_fail(e, err, "internal", NULL, "out of memory");
        err = put_protected(u, l->line, "buyer_id", l->text[FC_BUYER_ID_NUMBER],
                            l->len[FC_BUYER_ID_NUMBER], e);
        if (!err && put_field(r, l->text[FC_BUYER_ADDRESS], l->len[FC_BUYER_ADDRESS]))
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (!err)
                err = put_protected(u, l->line, "buyer_contact", l->text[FC_BUYER_CONTACT],
                                    l->len[FC_BUYER_CONTACT], e);
        if (!err && put_field(r, l->text[FC_END_USE], l->len[FC_END_USE]))
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (!err)
                err = spool_put(u->spool, r->data, r->len, e);
        if (!err && u->last_covered) {
                u->last_covered->lines++;
                u->last_covered->quantity += l->quantity;
        }
        return err;
}

void filing_upload_free(struct filing_upload *u)
{
        if (!u)
                return;
        for (size_t i = 0; i < u->ncerts; i++) {
                free(u->certs[i].number);
                free(u->certs[i].model);
                free(u->certs[i].state);
                json_decref(u->certs[i].record);
        }
        free(u->certs);
        if (u->reading) {
                transcode_release(&u->tc);
                filing_csv_release(&u->csv);
        }
        sm3_stream_free(u->digest);
        spool_close(u->spool);
        buf_release(&u->record);
        buf_release(&u->sealed);
        buf_release(&u->masked);
        buf_release(&u->aad);
        cr_error_clear(&u->fail);
        free(u);
}

enum cr_err filing_upload_begin(struct store *s, const struct caller *c, struct fieldcrypt *keys,
                                const char *spool_dir, int year, int draft,
                                struct filing_upload **out, struct cr_error *e)
{
        struct filing_upload *u;
        struct enterprise ent;
        char today[DATE_LEN];
        day_t t;
        int holds = 0, this_year, month, mday;
        enum cr_err err;

        *out = NULL;
        if (c->role != ROLE_ENTERPRISE_USER || !c->enterprise_uscc[0])
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "only an enterprise's own users file its sales");
        if (!keys)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL,
                               "the keys that protect buyers' data are not loaded");
        caller_today(c, today);
        date_parse(today, strlen(today), &t);
        date_to_ymd(t, &this_year, &month, &mday);
        if (year < 1971 || year >= this_year)
                return cr_fail(e, CR_EINVAL, "invalid_value", "year",
                               "the sales of %d cannot be filed: a year is filed once it has "
                               "ended (this is %d)",
                               year, this_year);
        err = store_enterprise_get(s, c->enterprise_uscc, &ent, e);
        if (err)
                return err;
        u = calloc(1, sizeof(*u));
        if (!u)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        u->caller = *c;
        u->keys = keys;
        u->year = year;
        u->draft = draft;
        u->first_day = date_from_ymd(year, 1, 1);
        snprintf(u->uscc, sizeof(u->uscc), "%s", ent.uscc);
        snprintf(u->bureau_code, sizeof(u->bureau_code), "%s", ent.bureau_code);
        random_token(u->uid, sizeof(u->uid), 16);
        buf_init(&u->record, 2 * FILING_CSV_MAX_RAW + FIELDCRYPT_TOKEN_MAX);
        buf_init(&u->sealed, FIELDCRYPT_TOKEN_MAX);
        buf_init(&u->masked, FILING_CSV_MAX_RAW);
        buf_init(&u->aad, FIELDCRYPT_AAD_MAX);
        err = load_certificates(u, s, &holds, e);
        if (!err && !holds) {
                const struct rule *r = rule_latest("deadline.sales_filing");
                err = cr_fail(e, CR_EINVAL, "no_certificate", NULL,
                              "%s held no type certificate during %d, so it has no sales of "
                              "certified products to file",
                              u->uscc, year);
                if (r)
                        e->rule = rule_to_json(r);
        }
        if (!err)
                err = filing_csv_init(&u->csv, year, covered, u, e);
        if (!err) {
                filing_csv_on_line(&u->csv, on_line, u);
                transcode_init(&u->tc, filing_csv_text, &u->csv);
                u->reading = 1;
                err = sm3_stream_new(&u->digest, e);
        }
        if (!err)
                err = spool_open(spool_dir, &u->spool, e);
        if (err) {
                filing_upload_free(u);
                return err;
        }
        *out = u;
        return CR_OK;
}

enum cr_err filing_upload_data(struct filing_upload *u, const void *data, size_t len,
                               struct cr_error *e)
{
        struct cr_error te = CR_ERROR_INIT;
        enum cr_err err;

        if (u->failed)
                return CR_OK; /* the rest is read and dropped; finish reports the failure */
        u->bytes += len;
        err = sm3_stream_update(u->digest, data, len, e);
        if (err)
                return err;
        if (u->tc.failed)
                return CR_OK;
        err = transcode_feed(&u->tc, data, len, &te);
        if (err && te.code && strcmp(te.code, "encoding_invalid") == 0) {
                /* The file is badly encoded: the cut line would only add problems it does not have.
                 */
                filing_csv_drop_text(&u->csv);
                filing_csv_report(&u->csv, u->tc.bad_line, NULL, te.detail,
                                  "save the file as CSV UTF-8 (or GB18030) and upload it again");
                err = CR_OK;
        } else if (err) {
                u->failed = 1;
                u->fail = te;
                memset(&te, 0, sizeof(te));
        }
        cr_error_clear(&te);
        return CR_OK;
}

/* Reads the fields of a spooled line back into views. */
static int parse_spooled(const unsigned char *p, size_t n, struct store_filing_line *l)
{
        static const int order[SFL_NCOLS] = {
            SFL_SALE_DATE,     SFL_CERTIFICATE_NUMBER,   SFL_PRODUCT_MODEL,
            SFL_BUYER_TYPE,    SFL_BUYER_NAME,           SFL_BUYER_USCC,
            SFL_BUYER_ID_TYPE, SFL_BUYER_ID_SEALED,      SFL_BUYER_ID_MASKED,
            SFL_BUYER_ADDRESS, SFL_BUYER_CONTACT_SEALED, SFL_BUYER_CONTACT_MASKED,
            SFL_END_USE};
        size_t at = 16;
        uint64_t v[2] = {0, 0};

        if (n < 16)
                return -1;
        for (int k = 0; k < 2; k++)
                for (int i = 7; i >= 0; i--)
                        v[k] = v[k] << 8 | p[8 * k + i];
        l->line = (int64_t)v[0];
        l->quantity = (int64_t)v[1];
        for (int i = 0; i < SFL_NCOLS; i++) {
                size_t len;
                if (n - at < 4)
                        return -1;
                len = (size_t)p[at] | (size_t)p[at + 1] << 8 | (size_t)p[at + 2] << 16 |
                      (size_t)p[at + 3] << 24;
                at += 4;
                if (n - at < len)
                        return -1;
                l->text[order[i]] = (const char *)p + at;
                l->len[order[i]] = len;
                at += len;
        }
        return at == n ? 0 : -1;
}

/* A flag as the service sets it (true/false) or as a stored row holds it (1/0). */
static int flag(const json_t *o, const char *key)
{
        const json_t *v = json_object_get(o, key);

        return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

/* The public record of a submission, whose SM3 the log holds: never a line of the filing. */
static json_t *submission_record(const json_t *f)
{
        return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:b, s:b, s:I}", "kind",
                         "cryptoreg-sales-filing/1", "uscc", jstr(f, "uscc"), "year",
                         (json_int_t)jint(f, "year"), "version", (json_int_t)jint(f, "version"),
                         "sm3", jstr(f, "sm3"), "submitted_at", jstr(f, "submitted_at"), "late",
                         flag(f, "late"), "nil_return", flag(f, "nil_return"), "lines",
                         (json_int_t)jint(f, "lines"));
}

/*
 * Marks f submitted at now: its deadline and lateness, its log entry, and
 * the resolution of an overdue-filing event, inside the caller's transaction.
 * A year whose deadline the calendar cannot yet say is never marked late.
 */
static enum cr_err mark_submitted(struct store *s, json_t *f, const char *now, const char *today,
                                  struct cr_error *e)
{
        struct legal_calendar *cal = malloc(sizeof(*cal));
        char subject[64], due_text[DATE_LEN];
        int year = (int)jint(f, "year");
        json_t *record;
        int64_t index = 0;
        day_t due, t;
        enum cr_err err;

        if (!cal)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        err = calendar_load(s, cal, e);
        json_object_set_new(f, "submitted_at", json_string(now));
        if (!err) {
                struct cr_error de = CR_ERROR_INIT;
                if (filing_deadline(cal, year, &due, NULL, &de) == CR_OK) {
                        date_format(due, due_text);
                        date_parse(today, strlen(today), &t);
                        json_object_set_new(f, "due_on", json_string(due_text));
                        json_object_set_new(f, "late", json_boolean(t > due));
                } else {
                        json_object_set_new(f, "due_on", json_null());
                        json_object_set_new(f, "late", json_false());
                }
                cr_error_clear(&de);
        }
        free(cal);
        if (err)
                return err;
        record = submission_record(f);
        if (!record)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        snprintf(subject, sizeof(subject), "%s/%d/v%lld", jstr(f, "uscc"), year,
                 (long long)jint(f, "version"));
        err = log_record(s, now, "filing.submit", subject, jstr(f, "bureau_code"), record, &index, e);
        json_decref(record);
        if (!err) {
                char year_text[16];
                json_object_set_new(f, "log_index", json_integer(index));
                snprintf(year_text, sizeof(year_text), "%d", year);
                if (jint(f, "id"))
                        err = store_enterprise_event_resolve(s, jstr(f, "uscc"), OVERDUE_KIND,
                                                             year_text, today, jint(f, "id"), e);
        }
        return err;
}

/* The Filing of docs/api.md from a stored row. */
static json_t *filing_view(json_t *row)
{
        json_object_del(row, "uid");
        json_object_set_new(row, "nil_return", json_boolean(jint(row, "nil_return")));
        json_object_set_new(row, "late", json_boolean(jint(row, "late")));
        json_object_set_new(row, "current", json_boolean(jint(row, "current")));
        return row;
}

/* The audit's view of a version: its metadata, never a line. */
static json_t *audit_view(const json_t *f)
{
        return json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:I, s:b}", "id",
                         (json_int_t)jint(f, "id"), "uscc", jstr(f, "uscc"), "year",
                         (json_int_t)jint(f, "year"), "version", (json_int_t)jint(f, "version"),
                         "status", jstr(f, "status"), "sm3", jstr(f, "sm3"), "lines",
                         (json_int_t)jint(f, "lines"), "late", flag(f, "late"));
}

static enum cr_err store_lines(struct filing_upload *u, struct store *s, int64_t id,
                               struct cr_error *e)
{
        enum cr_err err = spool_rewind(u->spool, e);
        const void *data;
        size_t len;
        int rc;

        while (!err && (rc = spool_next(u->spool, &data, &len, e)) == 1) {
                struct store_filing_line l;
                if (parse_spooled(data, len, &l) != 0)
                        return cr_fail(e, CR_EINTERNAL, "internal", NULL,
                                       "a spooled line does not read back");
                err = store_filing_line_insert(s, id, &l, e);
        }
        if (!err && rc < 0)
                err = e->err;
        for (size_t i = 0; !err && i < u->ncerts; i++)
                if (u->certs[i].lines)
                        err = store_filing_total_put(s, id, u->certs[i].number, u->certs[i].lines,
                                                     u->certs[i].quantity, e);
        return err;
}

/* Stores the checked version in one transaction; *out is the Filing, *created 0 if unchanged. */
static enum cr_err store_version(struct filing_upload *u, struct store *s,
                                 const struct filing_csv_summary *sum, const char *sm3,
                                 json_t **out, int *created, struct cr_error *e)
{
        const char *encoding = u->tc.encoding == TRANSCODE_GB18030 ? "gb18030" : "utf-8";
        char now[21], today[DATE_LEN];
        json_t *latest = NULL, *f = NULL, *after;
        int64_t id = 0;
        enum cr_err err;

        pthread_mutex_lock(&store_turn);
        caller_time(&u->caller, now, today);
        err = store_begin(s, e);
        if (err) {
                pthread_mutex_unlock(&store_turn);
                return err;
        }
        err = store_filing_latest(s, u->uscc, u->year, &latest, e);
        if (!err && latest && strcmp(jstr(latest, "sm3"), sm3) == 0) {
                /* The same bytes again: nothing to store, and nothing is written. */
                store_rollback(s);
                pthread_mutex_unlock(&store_turn);
                *created = 0;
                *out = filing_view(latest);
                json_object_set_new(*out, "unchanged", json_true());
                return CR_OK;
        }
        if (!err) {
                f = json_pack(
                    "{s:s, s:s, s:s, s:i, s:I, s:s, s:b, s:I, s:I, s:s, s:I, s:s, s:s, "
                    "s:s, s:n, s:n, s:b}",
                    "uid", u->uid, "uscc", u->uscc, "bureau_code", u->bureau_code, "year", u->year,
                    "version", (json_int_t)(latest ? jint(latest, "version") + 1 : 1), "status",
                    u->draft ? "draft" : "submitted", "nil_return", sum->nil_return, "lines",
                    (json_int_t)sum->lines, "total_quantity", (json_int_t)sum->total_quantity,
                    "sm3", sm3, "bytes", (json_int_t)u->bytes, "encoding", encoding, "received_at",
                    now, "received_by", u->caller.username, "submitted_at", "due_on", "late", 0);
                if (!f)
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        if (!err && !u->draft)
                err = mark_submitted(s, f, now, today, e);
        if (!err)
                err = store_filing_insert(s, f, &id, e);
        if (!err)
                err = store_lines(u, s, id, e);
        if (!err && !u->draft) {
                char year_text[16];
                snprintf(year_text, sizeof(year_text), "%d", u->year);
                err = store_enterprise_event_resolve(s, u->uscc, OVERDUE_KIND, year_text, today, id,
                                                     e);
        }
        if (!err)
                err = store_filing_event_add(s, id, now, u->caller.username, "upload", "",
                                             u->draft ? "draft" : "submitted", "", e);
        if (!err) {
                char key[32];
                json_object_set_new(f, "id", json_integer(id));
                after = audit_view(f);
                snprintf(key, sizeof(key), "%lld", (long long)id);
                err = lic_audit(s, &u->caller, u->draft ? "filing.draft" : "filing.submit",
                                "filing", key, u->bureau_code, NULL, after, e);
                json_decref(after);
        }
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        pthread_mutex_unlock(&store_turn);
        json_decref(latest);
        json_decref(f);
        if (err)
                return err;
        *created = 1;
        err = store_filing_get(s, id, out, e);
        if (!err)
                filing_view(*out);
        return err;
}

enum cr_err filing_upload_finish(struct filing_upload *u, struct store *s, json_t **out,
                                 int *created, struct cr_error *e)
{
        struct filing_csv_summary sum;
        struct cr_error te = CR_ERROR_INIT;
        char sm3[SM3_HEX_LEN];
        enum cr_err err;

        *out = NULL;
        *created = 0;
        if (u->failed) {
                *e = u->fail;
                memset(&u->fail, 0, sizeof(u->fail));
                return e->err;
        }
        if (!u->tc.failed && transcode_finish(&u->tc, &te) != CR_OK) {
                if (te.code && strcmp(te.code, "encoding_invalid") == 0) {
                        filing_csv_drop_text(&u->csv);
                        filing_csv_report(&u->csv, u->tc.bad_line, NULL, te.detail,
                                          "save the file as CSV UTF-8 (or GB18030) and upload it "
                                          "again");
                } else {
                        *e = te;
                        return e->err;
                }
        }
        cr_error_clear(&te);
        err = filing_csv_finish(&u->csv, &sum, e);
        if (err) {
                if (e->rows)
                        snprintf(e->detail, sizeof(e->detail),
                                 "the filing has %ld problem%s in %ld line%s, listed in rows%s; "
                                 "nothing was stored",
                                 sum.errors, sum.errors == 1 ? "" : "s", sum.lines,
                                 sum.lines == 1 ? "" : "s",
                                 sum.errors > sum.reported ? " (the first 10,000)" : "");
                return err;
        }
        err = sm3_stream_hex(u->digest, sm3, e);
        if (!err)
                err = store_version(u, s, &sum, sm3, out, created, e);
        return err;
}

/* The filing id's record if the caller may see it (not found otherwise, so as to say nothing). */
static enum cr_err get_scoped(struct store *s, const struct caller *c, int64_t id, json_t **out,
                              struct cr_error *e)
{
        enum cr_err err = store_filing_get(s, id, out, e);

        if (!err && !lic_in_scope(c, jstr(*out, "bureau_code"), jstr(*out, "uscc"))) {
                json_decref(*out);
                *out = NULL;
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no such filing");
        }
        return err;
}

enum cr_err filing_get(struct store *s, const struct caller *c, int64_t id, json_t **out,
                       struct cr_error *e)
{
        json_t *f = NULL, *versions = json_array(), *events = json_array();
        enum cr_err err = versions && events ? get_scoped(s, c, id, &f, e)
                                             : cr_fail(e, CR_ENOMEM, "internal", NULL, "oom");

        if (!err)
                err = store_filing_versions(s, jstr(f, "uscc"), (int)jint(f, "year"), versions, e);
        if (!err)
                err = store_filing_events(s, id, events, e);
        if (!err) {
                size_t i;
                json_t *v;
                json_array_foreach(versions, i, v)
                    json_object_set_new(v, "late", json_boolean(jint(v, "late")));
                filing_view(f);
                json_object_set(f, "versions", versions);
                json_object_set(f, "events", events);
                *out = f;
                f = NULL;
        }
        json_decref(f);
        json_decref(versions);
        json_decref(events);
        return err;
}

enum cr_err filing_list(struct store *s, const struct caller *c, struct record_query *q, int year,
                        const char *status, json_t *items, int64_t *next, struct cr_error *e)
{
        json_t *rows = json_array();
        enum cr_err err = rows ? lic_scope_query(c, q, e)
                               : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        size_t i;
        json_t *row;

        lic_page_start(&q->limit);
        if (!err)
                err = store_filing_list(s, q, year, status, rows, e);
        if (err) {
                json_decref(rows);
                return err;
        }
        json_array_foreach(rows, i, row) filing_view(row);
        lic_page_finish(rows, q->limit - 1, items, next);
        return CR_OK;
}

/* The allowed state changes: action, who, from, to. */
static const struct {
        const char *action;
        int enterprise; /* 1: the enterprise's own users; 0: its bureau or an administrator */
        const char *from, *to;
} transitions[] = {
    {"submit", 1, "draft", "submitted"},
    {"accept", 0, "submitted", "accepted"},
    {"return", 0, "submitted", "returned"},
};

enum cr_err filing_act(struct store *s, const struct caller *c, int64_t id, const char *action,
                       const json_t *body, json_t **out, struct cr_error *e)
{
        const char *reason = json_string_value(json_object_get(body, "reason"));
        char now[21], today[DATE_LEN], key[32];
        json_t *f = NULL, *before = NULL, *after = NULL;
        size_t t;
        enum cr_err err;

        for (t = 0; t < sizeof(transitions) / sizeof(transitions[0]); t++)
                if (strcmp(transitions[t].action, action) == 0)
                        break;
        if (t == sizeof(transitions) / sizeof(transitions[0]))
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no filing action %s", action);
        if (strcmp(action, "return") == 0 && (err = lic_check_text(body, "reason", 1, 500, e)))
                return err;
        pthread_mutex_lock(&store_turn);
        caller_time(c, now, today);
        err = store_begin(s, e);
        if (err) {
                pthread_mutex_unlock(&store_turn);
                return err;
        }
        err = get_scoped(s, c, id, &f, e);
        if (!err && transitions[t].enterprise &&
            !(c->role == ROLE_ENTERPRISE_USER && strcmp(c->enterprise_uscc, jstr(f, "uscc")) == 0))
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              "only the enterprise's own users may %s its filing", action);
        if (!err && !transitions[t].enterprise && !lic_acts_for_bureau(c, jstr(f, "bureau_code")))
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              "only bureau %s's officers or an administrator may %s this filing",
                              jstr(f, "bureau_code"), action);
        if (!err && !jint(f, "current"))
                err = cr_fail(e, CR_ECONFLICT, "superseded", NULL,
                              "version %lld has been replaced by a later version; act on the "
                              "latest",
                              (long long)jint(f, "version"));
        if (!err && strcmp(jstr(f, "status"), transitions[t].from) != 0)
                err = cr_fail(e, CR_ECONFLICT, "invalid_transition", NULL,
                              "a filing that is %s cannot be %s; it must be %s", jstr(f, "status"),
                              strcmp(action, "return") == 0 ? "returned" : action,
                              transitions[t].from);
        if (!err) {
                before = audit_view(f);
                json_object_set_new(f, "status", json_string(transitions[t].to));
                if (strcmp(action, "submit") == 0) {
                        err = mark_submitted(s, f, now, today, e);
                } else {
                        json_object_set_new(f, "decided_at", json_string(now));
                        json_object_set_new(f, "decided_by", json_string(c->username));
                        json_object_set_new(f, "reason", json_string(reason ? reason : ""));
                }
        }
        if (!err)
                err = store_filing_update(s, f, e);
        if (!err)
                err = store_filing_event_add(s, id, now, c->username, action, transitions[t].from,
                                             transitions[t].to, reason, e);
        if (!err) {
                after = audit_view(f);
                snprintf(key, sizeof(key), "%lld", (long long)id);
                err = lic_audit(s, c,
                                strcmp(action, "submit") == 0   ? "filing.submit"
                                : strcmp(action, "accept") == 0 ? "filing.accept"
                                                                : "filing.return",
                                "filing", key, jstr(f, "bureau_code"), before, after, e);
        }
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        pthread_mutex_unlock(&store_turn);
        json_decref(before);
        json_decref(after);
        json_decref(f);
        return err ? err : filing_get(s, c, id, out, e);
}

/* The FilingLine of docs/api.md: the masks stand for the protected values. */
static enum cr_err line_json(void *arg, const struct store_filing_line *l, struct cr_error *e)
{
        json_t *items = arg;
        json_t *o = json_object();

        if (!o)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        json_object_set_new(o, "line", json_integer(l->line));
        json_object_set_new(o, "sale_date", json_string(l->text[SFL_SALE_DATE]));
        json_object_set_new(o, "certificate_number", json_string(l->text[SFL_CERTIFICATE_NUMBER]));
        json_object_set_new(o, "product_model", json_string(l->text[SFL_PRODUCT_MODEL]));
        json_object_set_new(o, "quantity", json_integer(l->quantity));
        json_object_set_new(o, "buyer_type", json_string(l->text[SFL_BUYER_TYPE]));
        json_object_set_new(o, "buyer_name", json_string(l->text[SFL_BUYER_NAME]));
        json_object_set_new(o, "buyer_uscc", json_string(l->text[SFL_BUYER_USCC]));
        json_object_set_new(o, "buyer_id_type", json_string(l->text[SFL_BUYER_ID_TYPE]));
        json_object_set_new(o, "buyer_id_number", json_string(l->text[SFL_BUYER_ID_MASKED]));
        json_object_set_new(o, "buyer_address", json_string(l->text[SFL_BUYER_ADDRESS]));
        json_object_set_new(o, "buyer_contact", json_string(l->text[SFL_BUYER_CONTACT_MASKED]));
        json_object_set_new(o, "end_use", json_string(l->text[SFL_END_USE]));
        json_array_append_new(items, o);
        return CR_OK;
}

enum cr_err filing_lines(struct store *s, const struct caller *c, int64_t id, int64_t after,
                         int limit, json_t *items, int64_t *next, struct cr_error *e)
{
        json_t *f = NULL;
        enum cr_err err = get_scoped(s, c, id, &f, e);

        json_decref(f);
        if (err)
                return err;
        lic_page_start(&limit); /* clamped, and one more to see whether a next page exists */
        limit--;
        err = store_filing_lines(s, id, after, limit + 1, line_json, items, e);
        *next = 0;
        if (!err && json_array_size(items) > (size_t)limit) {
                json_array_remove(items, (size_t)limit);
                *next = jint(json_array_get(items, (size_t)limit - 1), "line");
        }
        return err;
}

struct reveal {
        struct fieldcrypt *keys;
        const char *uid;
        json_t *out;
};

static enum cr_err open_value(struct reveal *r, int64_t line, const char *column, const char *token,
                              size_t len, struct cr_error *e)
{
        struct buf aad, plain;
        enum cr_err err = CR_OK;

        if (!len) {
                json_object_set_new(r->out, column, json_string(""));
                return CR_OK;
        }
        buf_init(&aad, FIELDCRYPT_AAD_MAX);
        buf_init(&plain, FIELDCRYPT_PLAIN_MAX);
        if (seal_aad(&aad, r->uid, line,
                     strcmp(column, "buyer_id_number") == 0 ? "buyer_id" : "buyer_contact"))
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (!err)
                err = fieldcrypt_open_token(r->keys, token, len, aad.data, aad.len, &plain, e);
        if (!err)
                json_object_set_new(r->out, column,
                                    json_stringn(plain.data ? plain.data : "", plain.len));
        /* The clear value is wiped from this process's memory as soon as it is copied. */
        if (plain.data)
                memset(plain.data, 0, plain.len);
        buf_release(&plain);
        buf_release(&aad);
        return err;
}

static enum cr_err reveal_line(void *arg, const struct store_filing_line *l, struct cr_error *e)
{
        struct reveal *r = arg;
        enum cr_err err;

        json_object_set_new(r->out, "line", json_integer(l->line));
        err = open_value(r, l->line, "buyer_id_number", l->text[SFL_BUYER_ID_SEALED],
                         l->len[SFL_BUYER_ID_SEALED], e);
        if (!err)
                err = open_value(r, l->line, "buyer_contact", l->text[SFL_BUYER_CONTACT_SEALED],
                                 l->len[SFL_BUYER_CONTACT_SEALED], e);
        return err;
}

enum cr_err filing_reveal(struct store *s, const struct caller *c, struct fieldcrypt *keys,
                          int64_t id, int64_t line, const json_t *body, json_t **out,
                          struct cr_error *e)
{
        json_t *f = NULL, *after = NULL;
        struct reveal r = {keys, NULL, NULL};
        char key[64];
        enum cr_err err = lic_check_text(body, "reason", 1, 500, e);

        if (err)
                return err;
        if (!keys)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "the data keys are not loaded");
        err = get_scoped(s, c, id, &f, e);
        if (!err && !(c->role == ROLE_BUREAU_OFFICER &&
                      strcmp(c->bureau_code, jstr(f, "bureau_code")) == 0))
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              "buyers' identity numbers and contacts are revealed only to the "
                              "officers of the competent bureau, %s",
                              jstr(f, "bureau_code"));
        if (err) {
                json_decref(f);
                return err;
        }
        r.uid = jstr(f, "uid");
        r.out = json_object();
        err = store_begin(s, e);
        if (!err)
                err = store_filing_line_get(s, id, line, reveal_line, &r, e);
        if (!err) {
                /* The audit names what was seen and why, never the values themselves. */
                after = json_pack("{s:I, s:I, s:s, s:s, s:[s,s]}", "filing", (json_int_t)id, "line",
                                  (json_int_t)line, "uscc", jstr(f, "uscc"), "reason",
                                  json_string_value(json_object_get(body, "reason")), "revealed",
                                  "buyer_id_number", "buyer_contact");
                snprintf(key, sizeof(key), "%lld", (long long)id);
                err = lic_audit(s, c, "filing.reveal", "filing", key, jstr(f, "bureau_code"), NULL,
                                after, e);
        }
        if (!err)
                err = store_commit(s, e);
        if (err) {
                store_rollback(s);
                json_decref(r.out);
        } else {
                *out = r.out;
        }
        json_decref(after);
        json_decref(f);
        return err;
}

enum cr_err filing_deadline_json(struct store *s, int year, json_t **out, struct cr_error *e)
{
        struct legal_calendar *cal = malloc(sizeof(*cal));
        const struct rule *rule = NULL;
        char due_text[DATE_LEN];
        day_t due;
        enum cr_err err;

        if (!cal)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        err = calendar_load(s, cal, e);
        if (!err)
                err = filing_deadline(cal, year, &due, &rule, e);
        free(cal);
        if (err)
                return err;
        date_format(due, due_text);
        *out =
            json_pack("{s:i, s:s, s:o}", "year", year, "due", due_text, "rule", rule_to_json(rule));
        return *out ? CR_OK : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
}

/* An officer or inspector is held to their bureau; an administrator may name one or none. */
static enum cr_err scope_bureau(const struct caller *c, const char **bureau, struct cr_error *e)
{
        if (c->role == ROLE_NATIONAL_ADMIN)
                return CR_OK;
        if (c->role != ROLE_BUREAU_OFFICER && c->role != ROLE_INSPECTOR)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "only bureaus and the administration see who has filed");
        if (*bureau && strcmp(*bureau, c->bureau_code) != 0)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", "bureau",
                               "a bureau's staff see their own bureau's filings only (%s)",
                               c->bureau_code);
        *bureau = c->bureau_code;
        return CR_OK;
}

static int known_state(const char *state)
{
        static const char *const states[] = {"on_time", "late", "returned", "missing"};

        for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
                if (strcmp(state, states[i]) == 0)
                        return 1;
        return 0;
}

enum cr_err filing_obligations(struct store *s, const struct caller *c, int year,
                               const char *bureau, const char *state, int64_t after, int limit,
                               json_t *items, int64_t *next, struct cr_error *e)
{
        json_t *rows = json_array();
        enum cr_err err = rows ? scope_bureau(c, &bureau, e)
                               : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        size_t i;
        json_t *row;

        if (!err && state && !known_state(state))
                err =
                    cr_fail(e, CR_EINVAL, "invalid_value", "state",
                            "state must be on_time, late, returned or missing, not \"%s\"", state);
        if (!err)
                err = store_filing_obligations(s, year, bureau, state, after,
                                               limit > 0 ? limit + 1 : 0, rows, e);
        if (err) {
                json_decref(rows);
                return err;
        }
        *next = 0;
        json_array_foreach(rows, i, row)
        {
                if (limit > 0 && i == (size_t)limit) {
                        *next = jint(json_array_get(rows, i - 1), "enterprise_id");
                        break;
                }
                json_object_set_new(row, "late", json_boolean(jint(row, "late")));
                json_array_append(items, row);
        }
        json_decref(rows);
        return CR_OK;
}

enum cr_err filing_statistics(struct store *s, const struct caller *c, int year, const char *bureau,
                              json_t **out, struct cr_error *e)
{
        json_t *o = json_object(), *years = json_array(), *by_year = json_array();
        enum cr_err err = o && years && by_year
                              ? scope_bureau(c, &bureau, e)
                              : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        size_t i;
        json_t *y;

        if (!err)
                err = store_filing_years(s, years, e);
        /* Each year's totals are the sums of its per-bureau rows. */
        json_array_foreach(years, i, y)
        {
                json_t *one = json_object(), *row;
                int64_t sums[5] = {0, 0, 0, 0, 0};
                static const char *const keys[] = {"obligated", "filed", "late", "lines",
                                                   "quantity"};
                size_t j;
                if (err || !one)
                        break;
                err = store_filing_statistics(s, (int)json_integer_value(y), bureau, one, e);
                json_array_foreach(json_object_get(one, "by_bureau"), j,
                                   row) for (int k = 0; k < 5; k++) sums[k] += jint(row, keys[k]);
                json_decref(one);
                if (!err)
                        json_array_append_new(by_year,
                                              json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "year",
                                                        json_integer_value(y), "obligated", sums[0],
                                                        "filed", sums[1], "late", sums[2], "lines",
                                                        sums[3], "quantity", sums[4]));
        }
        if (!err && year)
                err = store_filing_statistics(s, year, bureau, o, e);
        if (!err && !year) {
                json_object_set_new(o, "by_bureau", json_array());
                json_object_set_new(o, "by_category", json_array());
                json_object_set_new(o, "by_algorithm", json_array());
        }
        json_decref(years);
        if (err) {
                json_decref(o);
                json_decref(by_year);
                return err;
        }
        json_object_set_new(o, "year", year ? json_integer(year) : json_null());
        json_object_set_new(o, "bureau", bureau ? json_string(bureau) : json_null());
        json_object_set_new(o, "by_year", by_year);
        *out = o;
        return CR_OK;
}

enum cr_err filing_record_overdue(struct store *s, const struct caller *c, int year, int *recorded,
                                  int *already, char due_out[DATE_LEN], struct cr_error *e)
{
        struct legal_calendar *cal = malloc(sizeof(*cal));
        const struct rule *rule = NULL;
        char now[21], today[DATE_LEN], subject[16], occurred[DATE_LEN];
        json_t *rows = json_array(), *row;
        day_t due, t;
        size_t i;
        enum cr_err err;

        *recorded = *already = 0;
        if (!cal || !rows) {
                free(cal);
                json_decref(rows);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        err = calendar_load(s, cal, e);
        if (!err)
                err = filing_deadline(cal, year, &due, &rule, e);
        free(cal);
        caller_time(c, now, today);
        date_parse(today, strlen(today), &t);
        if (!err) {
                date_format(due, due_out);
                if (t <= due)
                        err = cr_fail(e, CR_ECONFLICT, "deadline_not_passed", "year",
                                      "the sales of %d are due by the end of %s; nothing is "
                                      "overdue yet",
                                      year, due_out);
        }
        if (!err)
                err = store_filing_obligations(s, year, NULL, "missing", 0, 0, rows, e);
        if (err) {
                json_decref(rows);
                return err;
        }
        date_format(due + 1, occurred);
        snprintf(subject, sizeof(subject), "%d", year);
        pthread_mutex_lock(&store_turn);
        err = store_begin(s, e);
        json_array_foreach(rows, i, row)
        {
                int added = 0;
                json_t *ev;
                if (err)
                        break;
                ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:i, s:s}, s:s}", "uscc",
                               jstr(row, "uscc"), "kind", OVERDUE_KIND, "subject", subject,
                               "occurred_on", occurred, "rule_id", rule->id, "citation",
                               rule->citation, "details", "year", year, "due", due_out,
                               "recorded_at", now);
                err = ev ? store_enterprise_event_add(s, ev, &added, e)
                         : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                json_decref(ev);
                if (added)
                        ++*recorded;
                else
                        ++*already;
        }
        if (!err && *recorded) {
                json_t *after = json_pack("{s:i, s:s, s:i}", "year", year, "due", due_out,
                                          "recorded", *recorded);
                err =
                    lic_audit(s, c, "filing.overdue", "filing_year", subject, NULL, NULL, after, e);
                json_decref(after);
        }
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        pthread_mutex_unlock(&store_turn);
        json_decref(rows);
        return err;
}

enum cr_err filing_events(struct store *s, const struct caller *c, struct record_query *q,
                          const char *kind, const char *subject, json_t *items, int64_t *next,
                          struct cr_error *e)
{
        json_t *rows = json_array();
        enum cr_err err = rows ? lic_scope_query(c, q, e)
                               : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");

        lic_page_start(&q->limit);
        if (!err)
                err = store_enterprise_events(s, q, kind, subject, rows, e);
        if (err) {
                json_decref(rows);
                return err;
        }
        lic_page_finish(rows, q->limit - 1, items, next);
        return CR_OK;
}
