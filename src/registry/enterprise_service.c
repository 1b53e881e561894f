/* Registry operations on enterprises, each a checked, audited transaction. */
#include "registry/enterprise_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/csv.h"
#include "kernel/bureau.h"
#include "kernel/store.h"
#include "registry/store.h"
#include "kernel/audit.h"

static enum cr_err audit_enterprise(struct store *s, const struct caller *c, const char *action,
                                    const struct enterprise *before, const struct enterprise *after,
                                    struct cr_error *e)
{
        json_t *jb = before ? enterprise_to_json(before, 1) : NULL;
        json_t *ja = after ? enterprise_to_json(after, 1) : NULL;
        const struct enterprise *any = after ? after : before;
        struct audit_record r = {c, action, "enterprise", any->uscc, any->bureau_code, jb, ja};
        enum cr_err err = store_audit_append(s, &r, e);

        json_decref(jb);
        json_decref(ja);
        return err;
}

/* Checks that the caller may register an enterprise that belongs to ent's bureau. */
static enum cr_err may_register(const struct caller *c, const struct enterprise *ent,
                                struct cr_error *e)
{
        if (c->role == ROLE_NATIONAL_ADMIN)
                return CR_OK;
        if (c->role == ROLE_BUREAU_OFFICER && strcmp(c->bureau_code, ent->bureau_code) == 0)
                return CR_OK;
        if (c->role == ROLE_BUREAU_OFFICER)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", "uscc",
                               "enterprise %s belongs to bureau %s; you act for bureau %s",
                               ent->uscc, ent->bureau_code, c->bureau_code);
        return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                       "only a national administrator or a bureau officer may register "
                       "enterprises");
}

/* Prepares a new record: validation, bureau, timestamps.  Writes nothing. */
static enum cr_err prepare_new(const struct caller *c, struct enterprise *ent, const char *today,
                               const char *now, struct cr_error *e)
{
        enum cr_err err = enterprise_validate(ent, e);

        if (err)
                return err;
        uscc_division(ent->uscc, ent->division_code);
        ent->bureau_override_reason[0] = '\0';
        err = enterprise_derive_bureau(ent, today, e);
        if (err)
                return err;
        err = may_register(c, ent, e);
        if (err)
                return err;
        str_copy(ent->created_at, sizeof(ent->created_at), now);
        str_copy(ent->updated_at, sizeof(ent->updated_at), now);
        ent->version = 1;
        return CR_OK;
}

enum cr_err enterprise_create(struct store *s, const struct caller *c, struct enterprise *ent,
                              struct cr_error *e)
{
        char today[11], now[RFC3339_LEN];
        enum cr_err err;

        caller_time(c, now, today);
        err = prepare_new(c, ent, today, now, e);
        if (err)
                return err;
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_enterprise_insert(s, ent, e);
        if (!err)
                err = audit_enterprise(s, c, "enterprise.create", NULL, ent, e);
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}

enum cr_err enterprise_get_scoped(struct store *s, const struct caller *c, const char *uscc,
                                  struct enterprise *out, struct cr_error *e)
{
        enum cr_err err = store_enterprise_get(s, uscc, out, e);

        /* Out of scope looks exactly like absent, so scope does not leak existence. */
        if (!err && !enterprise_visible_to(c, out))
                err = cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no enterprise %s in your scope",
                              uscc);
        return err;
}

/* Decides which patched fields the caller may change. */
static enum cr_err may_patch(const struct caller *c, unsigned fields, struct cr_error *e)
{
        if (c->role == ROLE_NATIONAL_ADMIN || c->role == ROLE_BUREAU_OFFICER)
                return CR_OK;
        if (c->role == ROLE_ENTERPRISE_USER) {
                unsigned denied = fields & ~(unsigned)EF_CONTACT_FIELDS;
                if (!denied)
                        return CR_OK;
                for (size_t i = 0; i < ent_text_fields_len; i++)
                        if (denied & ent_text_fields[i].field)
                                return cr_fail(e, CR_EFORBIDDEN, "forbidden",
                                               ent_text_fields[i].name,
                                               "an enterprise user may change only the "
                                               "address and contact details, not %s",
                                               ent_text_fields[i].name);
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", "roles",
                               "an enterprise user may change only the address and contact "
                               "details, not roles");
        }
        return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                       "your role may not change enterprise records");
}

enum cr_err enterprise_update(struct store *s, const struct caller *c, const char *uscc,
                              const struct enterprise_patch *p, struct enterprise *out,
                              struct cr_error *e)
{
        struct enterprise *before = malloc(sizeof(*before));
        enum cr_err err;
        char now[RFC3339_LEN];

        if (!before)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        err = may_patch(c, p->fields, e);
        if (err)
                goto out;
        err = store_begin(s, e);
        if (err)
                goto out;
        err = enterprise_get_scoped(s, c, uscc, before, e);
        if (err)
                goto rollback;
        *out = *before;
        for (size_t i = 0; i < ent_text_fields_len; i++) {
                const struct ent_field_spec *f = &ent_text_fields[i];
                if (p->fields & f->field)
                        memcpy((char *)out + f->offset, (const char *)&p->values + f->offset,
                               f->size);
        }
        if (p->fields & EF_ROLES)
                out->roles = p->values.roles;
        err = enterprise_validate(out, e);
        if (err)
                goto rollback;
        caller_now(c, now);
        str_copy(out->updated_at, sizeof(out->updated_at), now);
        err = store_enterprise_update(s, out, before->version, e);
        if (!err)
                err = audit_enterprise(s, c, "enterprise.update", before, out, e);
        if (!err)
                err = store_commit(s, e);
rollback:
        if (err)
                store_rollback(s);
out:
        free(before);
        return err;
}

enum cr_err enterprise_override_bureau(struct store *s, const struct caller *c, const char *uscc,
                                       const char *bureau_code, const char *reason,
                                       struct enterprise *out, struct cr_error *e)
{
        struct enterprise *before = malloc(sizeof(*before));
        char now[RFC3339_LEN];
        enum cr_err err;

        if (!before)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (c->role != ROLE_NATIONAL_ADMIN) {
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              "only a national administrator may change an enterprise's bureau");
                goto out;
        }
        if (!reason || reason[0] == '\0') {
                err = cr_fail(e, CR_EINVAL, "missing_field", "reason",
                              "a reason is required to change the competent bureau");
                goto out;
        }
        if (bureau_code && !bureau_find(bureau_code)) {
                err = cr_fail(e, CR_EINVAL, "invalid_value", "bureau_code",
                              "there is no bureau with code %s", bureau_code);
                goto out;
        }
        err = store_begin(s, e);
        if (err)
                goto out;
        err = store_enterprise_get(s, uscc, before, e);
        if (err)
                goto rollback;
        *out = *before;
        if (bureau_code) {
                str_copy(out->bureau_code, sizeof(out->bureau_code), bureau_code);
                str_copy(out->bureau_override_reason, sizeof(out->bureau_override_reason), reason);
        } else {
                str_copy(out->bureau_code, sizeof(out->bureau_code), out->derived_bureau_code);
                out->bureau_override_reason[0] = '\0';
        }
        caller_now(c, now);
        str_copy(out->updated_at, sizeof(out->updated_at), now);
        err = store_enterprise_update(s, out, before->version, e);
        if (!err) {
                /* The reason for returning to the derived bureau lives only in the audit. */
                json_t *jb = enterprise_to_json(before, 1), *ja = enterprise_to_json(out, 1);
                struct audit_record r = {
                    c, "enterprise.bureau_override", "enterprise", uscc, out->bureau_code, jb, ja};
                json_object_set_new(ja, "reason", json_string(reason));
                err = store_audit_append(s, &r, e);
                json_decref(jb);
                json_decref(ja);
        }
        if (!err)
                err = store_commit(s, e);
rollback:
        if (err)
                store_rollback(s);
out:
        free(before);
        return err;
}

struct enterprise_page {
        struct pager pager;
        enterprise_visit_fn visit;
        void *arg;
};

static enum cr_err enterprise_page_visit(void *arg, const struct enterprise *ent)
{
        struct enterprise_page *p = arg;

        return pager_take(&p->pager, ent->id) ? p->visit(p->arg, ent) : CR_OK;
}

enum cr_err enterprise_list(struct store *s, const struct caller *c, int scoped,
                            struct enterprise_query *q, enterprise_visit_fn visit, void *arg,
                            int64_t *next_after, struct cr_error *e)
{
        struct enterprise_page page = {{0, 0, 0, 0}, visit, arg};
        char query[ENT_QUERY_MAX * 4 + 1];
        enum cr_err err;

        if (q->q) {
                /* People paste codes with spaces around them or type them in lower case. */
                const char *start = q->q;
                size_t n;
                while (*start == ' ')
                        start++;
                if (str_copy(query, sizeof(query), start) != 0)
                        return cr_fail(e, CR_EINVAL, "too_long", "q",
                                       "q is longer than %d characters", ENT_QUERY_MAX);
                n = strlen(query);
                while (n && query[n - 1] == ' ')
                        query[--n] = '\0';
                if (n == USCC_LEN) {
                        int alnum = 1;
                        for (size_t i = 0; i < n; i++)
                                alnum &= (query[i] >= '0' && query[i] <= '9') ||
                                         (query[i] >= 'a' && query[i] <= 'z') ||
                                         (query[i] >= 'A' && query[i] <= 'Z');
                        for (size_t i = 0; alnum && i < n; i++)
                                if (query[i] >= 'a' && query[i] <= 'z')
                                        query[i] = (char)(query[i] - 'a' + 'A');
                }
                q->q = query;
        }

        if (!scoped) {
                if (!q->q || q->q[0] == '\0')
                        return cr_fail(e, CR_EINVAL, "missing_field", "q",
                                       "give a name or a Unified Social Credit Code to look up");
                q->bureau_code = NULL;
                q->uscc = NULL;
        } else {
                switch (c->role) {
                case ROLE_NATIONAL_ADMIN:
                        break;
                case ROLE_BUREAU_OFFICER:
                case ROLE_INSPECTOR:
                        /* Officers see their own jurisdiction, whatever filter they ask for. */
                        if (q->bureau_code && strcmp(q->bureau_code, c->bureau_code) != 0)
                                return cr_fail(e, CR_EFORBIDDEN, "forbidden", "bureau",
                                               "you may list only bureau %s", c->bureau_code);
                        q->bureau_code = c->bureau_code;
                        break;
                case ROLE_ENTERPRISE_USER:
                        q->uscc = c->enterprise_uscc;
                        break;
                default:
                        return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL,
                                       "sign in to see registry records");
                }
        }
        pager_start(&page.pager, &q->limit);
        err = store_enterprise_search(s, q, enterprise_page_visit, &page, e);
        *next_after = pager_finish(&page.pager, &q->limit);
        return err;
}

/* CSV import. */

#define CSV_MAX_REPORTED_ERRORS 10000

enum csv_col { COL_USCC, COL_ROLES, COL_TEXT };

struct csv_layout {
        int ncols;
        enum csv_col kind[CSV_MAX_FIELDS];
        const struct ent_field_spec *spec[CSV_MAX_FIELDS];
        const char *name[CSV_MAX_FIELDS];
};

struct line_uscc {
        char uscc[USCC_LEN + 1];
        long line;
};

static void report_row(struct cr_error *e, long line, const char *column, const char *message)
{
        if (!e->rows)
                e->rows = json_array();
        if (json_array_size(e->rows) >= CSV_MAX_REPORTED_ERRORS)
                return;
        json_array_append_new(e->rows,
                              json_pack("{s:I, s:s, s:s}", "line", (json_int_t)line, "column",
                                        column ? column : "", "message", message));
}

static enum cr_err read_header(struct csv_reader *r, struct csv_layout *lay, struct cr_error *e)
{
        struct csv_record rec;
        int have_uscc = 0, have_name = 0, have_roles = 0;
        int rc = csv_read(r, &rec, e);

        if (rc == 0)
                cr_fail(e, CR_EINVAL, "csv_invalid", NULL,
                        "the file is empty; the first line must be the header");
        if (rc <= 0) {
                report_row(e, 1, NULL, e->detail);
                return CR_EINVAL;
        }
        lay->ncols = (int)rec.nfields;
        for (size_t i = 0; i < rec.nfields; i++) {
                const char *h = rec.field[i];
                lay->name[i] = NULL;
                if (strcmp(h, "uscc") == 0) {
                        lay->kind[i] = COL_USCC;
                        lay->name[i] = "uscc";
                        have_uscc++;
                } else if (strcmp(h, "roles") == 0) {
                        lay->kind[i] = COL_ROLES;
                        lay->name[i] = "roles";
                        have_roles++;
                } else if ((lay->spec[i] = ent_field_by_name(h)) != NULL) {
                        lay->kind[i] = COL_TEXT;
                        lay->name[i] = lay->spec[i]->name;
                        have_name += lay->spec[i]->field == EF_NAME_ZH;
                } else {
                        cr_fail(e, CR_EINVAL, "csv_invalid", NULL,
                                "line 1: unknown column \"%.60s\"; the columns are uscc, name_zh, "
                                "name_en, roles, address, legal_representative, contact_name, "
                                "contact_phone, contact_email",
                                h);
                        report_row(e, 1, NULL, e->detail);
                        return CR_EINVAL;
                }
                for (size_t j = 0; j < i; j++) {
                        if (lay->name[j] == lay->name[i]) {
                                cr_fail(e, CR_EINVAL, "csv_invalid", NULL,
                                        "line 1: column %s appears twice", lay->name[i]);
                                report_row(e, 1, lay->name[i], e->detail);
                                return CR_EINVAL;
                        }
                }
        }
        if (have_uscc != 1 || have_name != 1 || have_roles != 1) {
                cr_fail(e, CR_EINVAL, "csv_invalid", NULL,
                        "line 1: the header must name the columns uscc, name_zh and roles");
                report_row(e, 1, NULL, e->detail);
                return CR_EINVAL;
        }
        return CR_OK;
}

/* Fills ent from one record; reports every bad field of the row. Returns the number of errors. */
static int row_to_enterprise(const struct csv_layout *lay, const struct csv_record *rec,
                             struct enterprise *ent, struct cr_error *rep)
{
        int bad = 0;

        memset(ent, 0, sizeof(*ent));
        if ((int)rec->nfields != lay->ncols) {
                char msg[120];
                snprintf(msg, sizeof(msg), "the row has %zu fields; the header has %d",
                         rec->nfields, lay->ncols);
                report_row(rep, rec->line, NULL, msg);
                return 1;
        }
        for (int i = 0; i < lay->ncols; i++) {
                struct cr_error fe = CR_ERROR_INIT;
                enum cr_err err = CR_OK;
                switch (lay->kind[i]) {
                case COL_USCC:
                        err = enterprise_set_uscc(ent, rec->field[i], rec->len[i], &fe);
                        break;
                case COL_ROLES:
                        err = enterprise_set_roles_text(ent, rec->field[i], rec->len[i], ';', &fe);
                        break;
                case COL_TEXT:
                        err =
                            enterprise_set_text(ent, lay->spec[i], rec->field[i], rec->len[i], &fe);
                        break;
                }
                if (err) {
                        report_row(rep, rec->line, lay->name[i], fe.detail);
                        bad++;
                }
                cr_error_clear(&fe);
        }
        return bad;
}

static int cmp_line_uscc(const void *a, const void *b)
{
        const struct line_uscc *x = a, *y = b;
        int c = strcmp(x->uscc, y->uscc);

        return c ? c : (x->line > y->line) - (x->line < y->line);
}

/*
 * First pass: checks every row, including against the database and for
 * duplicates within the file.  Runs inside the import's transaction so that
 * what it checked still holds when the second pass writes.
 */
static enum cr_err import_check(struct store *s, const struct caller *c, const char *data,
                                size_t len, const char *today, long *nrows, struct cr_error *e)
{
        struct csv_reader r;
        struct csv_record rec;
        struct csv_layout lay;
        struct enterprise *ent = malloc(sizeof(*ent));
        struct line_uscc *seen = NULL;
        size_t nseen = 0, capseen = 0;
        enum cr_err err;
        int rc;

        *nrows = 0;
        if (!ent)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        csv_reader_init(&r, data, len);
        err = read_header(&r, &lay, e);
        while (!err && (rc = csv_read(&r, &rec, e)) > 0) {
                int exists = 0;
                struct cr_error fe = CR_ERROR_INIT;

                if (++*nrows > CSV_IMPORT_MAX_ROWS) {
                        err = cr_fail(e, CR_ETOOLARGE, "payload_too_large", NULL,
                                      "an import holds at most %d rows", CSV_IMPORT_MAX_ROWS);
                        break;
                }
                if (row_to_enterprise(&lay, &rec, ent, e))
                        continue;
                if (prepare_new(c, ent, today, "", &fe)) {
                        report_row(e, rec.line, fe.field[0] ? fe.field : NULL, fe.detail);
                        cr_error_clear(&fe);
                        continue;
                }
                err = store_enterprise_exists(s, ent->uscc, &exists, e);
                if (err)
                        break;
                if (exists) {
                        report_row(e, rec.line, "uscc",
                                   "an enterprise with this Unified Social Credit Code is "
                                   "already registered");
                        continue;
                }
                if (nseen == capseen) {
                        size_t ncap = capseen ? capseen * 2 : 256;
                        struct line_uscc *p = realloc(seen, ncap * sizeof(*seen));
                        if (!p) {
                                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                                break;
                        }
                        seen = p;
                        capseen = ncap;
                }
                str_copy(seen[nseen].uscc, sizeof(seen[nseen].uscc), ent->uscc);
                seen[nseen++].line = rec.line;
        }
        if (!err && rc < 0) {
                /* Malformed CSV stops the reading; what was found so far is reported too. */
                report_row(e, r.line, NULL, e->detail);
                err = CR_EINVAL;
        }
        if (!err && nseen > 1) {
                qsort(seen, nseen, sizeof(*seen), cmp_line_uscc);
                for (size_t i = 1; i < nseen; i++) {
                        if (strcmp(seen[i].uscc, seen[i - 1].uscc) == 0) {
                                char msg[120];
                                snprintf(msg, sizeof(msg),
                                         "the same Unified Social Credit Code is on line %ld",
                                         seen[i - 1].line);
                                report_row(e, seen[i].line, "uscc", msg);
                        }
                }
        }
        if (!err && *nrows == 0) {
                err = cr_fail(e, CR_EINVAL, "csv_invalid", NULL, "the file has no data rows");
                report_row(e, 2, NULL, e->detail);
        }
        if (!err && e->rows && json_array_size(e->rows) > 0)
                err = cr_fail(e, CR_EINVAL, "csv_invalid", NULL,
                              "%zu problems in the file; nothing was imported",
                              json_array_size(e->rows));
        free(seen);
        free(ent);
        csv_reader_release(&r);
        return err;
}

/* Second pass: inserts every row; the first pass has shown they are all good. */
static enum cr_err import_write(struct store *s, const struct caller *c, const char *data,
                                size_t len, const char *today, struct cr_error *e)
{
        struct csv_reader r;
        struct csv_record rec;
        struct csv_layout lay;
        struct enterprise *ent = malloc(sizeof(*ent));
        char now[RFC3339_LEN];
        enum cr_err err;

        if (!ent)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        caller_now(c, now);
        csv_reader_init(&r, data, len);
        err = read_header(&r, &lay, e);
        while (!err && csv_read(&r, &rec, e) > 0) {
                if (row_to_enterprise(&lay, &rec, ent, e) || prepare_new(c, ent, today, now, e)) {
                        err = cr_fail(e, CR_EINTERNAL, "internal", NULL,
                                      "line %ld changed between the check and the write", rec.line);
                        break;
                }
                err = store_enterprise_insert(s, ent, e);
                if (!err)
                        err = audit_enterprise(s, c, "enterprise.import", NULL, ent, e);
        }
        free(ent);
        csv_reader_release(&r);
        return err;
}

enum cr_err enterprise_import_csv(struct store *s, const struct caller *c, const char *data,
                                  size_t len, long *imported, struct cr_error *e)
{
        char today[11];
        long nrows = 0;
        enum cr_err err;

        *imported = 0;
        if (c->role != ROLE_NATIONAL_ADMIN && c->role != ROLE_BUREAU_OFFICER)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "only a national administrator or a bureau officer may import "
                               "enterprises");
        caller_today(c, today);
        err = store_begin(s, e);
        if (err)
                return err;
        err = import_check(s, c, data, len, today, &nrows, e);
        if (!err)
                err = import_write(s, c, data, len, today, e);
        if (!err)
                err = store_commit(s, e);
        if (err) {
                store_rollback(s);
                return err;
        }
        *imported = nrows;
        return CR_OK;
}

enum cr_err enterprise_get_public(struct store *s, const char *uscc, struct enterprise *out,
                                  struct cr_error *e)
{
        return store_enterprise_get(s, uscc, out, e);
}

enum cr_err enterprise_count(struct store *s, int64_t *out, struct cr_error *e)
{
        return store_enterprise_count(s, out, e);
}
