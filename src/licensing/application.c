/*
 * Applications for type approval, worked through the states of the
 * Administrative Licensing Law: received, missing materials requested
 * (clock stopped), accepted, under technical review (clock stopped),
 * decided, certificate issued; or withdrawn, or halted under Notice 336.
 * Each state that has a statutory deadline has it computed on the legal
 * calendar and stored, so that overdue items are a simple query.
 */
#include "kernel/calendar_service.h"
#include "licensing/licensing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "registry/enterprise_service.h"
#include "kernel/scope.h"
#include "kernel/rules.h"
#include "kernel/store.h"
#include "registry/store.h"
#include "licensing/store.h"

#define FORM_TEXT_MAX 2000
#define MAX_STOPS     32
#define APPROVER_MAX  100

/* The fields of the type approval application form (Notice 336 item V). */
static const struct {
        const char *name;
        int required;
        long max;
} form_fields[] = {
    {"contact_name", 1, 100},
    {"contact_phone", 1, 40},
    {"manufacturing_address", 1, 300},
    {"production_capability", 0, FORM_TEXT_MAX},
    {"quality_assurance", 0, FORM_TEXT_MAX},
    {"intended_use", 0, FORM_TEXT_MAX},
    {"technical_summary", 0, 4000},
};

static enum cr_err check_form(const json_t *form, struct cr_error *e)
{
        const char *key;
        json_t *v;
        enum cr_err err;

        if (!json_is_object(form))
                return cr_fail(e, CR_EINVAL, "missing_field", "form",
                               "form is required: an object with the application form's fields");
        json_object_foreach((json_t *)form, key, v)
        {
                int known = 0;
                for (size_t i = 0; i < sizeof(form_fields) / sizeof(form_fields[0]); i++)
                        known |= strcmp(form_fields[i].name, key) == 0;
                if (!known)
                        return cr_fail(e, CR_EINVAL, "unknown_field", "form",
                                       "form has no field \"%.40s\"", key);
        }
        for (size_t i = 0; i < sizeof(form_fields) / sizeof(form_fields[0]); i++) {
                err = lic_check_text(form, form_fields[i].name, form_fields[i].required,
                                     form_fields[i].max, e);
                if (err) {
                        snprintf(e->field, sizeof(e->field), "form.%s", form_fields[i].name);
                        return err;
                }
        }
        return CR_OK;
}

/* Reads the stored clock stops; returns how many, with open ones ending at CLOCK_OPEN. */
static size_t read_stops(const json_t *app, struct clock_stop *stops)
{
        const json_t *arr = json_object_get(app, "stops");
        size_t n = 0, i;
        json_t *pair;

        json_array_foreach(arr, i, pair)
        {
                const char *from = json_string_value(json_array_get(pair, 0));
                const char *to = json_string_value(json_array_get(pair, 1));
                day_t f, t = CLOCK_OPEN;
                if (n == MAX_STOPS || !from || date_parse(from, strlen(from), &f) != 0)
                        continue;
                if (to && to[0] && date_parse(to, strlen(to), &t) != 0)
                        continue;
                stops[n].from = f;
                stops[n].to = t;
                n++;
        }
        return n;
}

static const char *open_stop_since(const json_t *app)
{
        const json_t *arr = json_object_get(app, "stops");
        const json_t *last = json_array_get(arr, json_array_size(arr) - 1);

        if (last && json_string_value(json_array_get(last, 1)) &&
            json_string_value(json_array_get(last, 1))[0] == '\0')
                return json_string_value(json_array_get(last, 0));
        return NULL;
}

static void stop_clock(json_t *app, const char *today)
{
        json_t *arr = json_object_get(app, "stops");

        if (!json_is_array(arr)) {
                arr = json_array();
                json_object_set_new(app, "stops", arr);
        }
        json_array_append_new(arr, json_pack("[s, s]", today, ""));
}

static void restart_clock(json_t *app, const char *today)
{
        json_t *arr = json_object_get(app, "stops");
        json_t *last = json_array_get(arr, json_array_size(arr) - 1);

        if (open_stop_since(app))
                json_array_set_new(last, 1, json_string(today));
}

json_t *application_deadline(const struct legal_calendar *cal, json_t *app, const char *today)
{
        const char *state = jstr(app, "state");
        const char *act, *rule_id, *start;
        const struct rule *rule, *ext = NULL;
        struct clock_stop stops[MAX_STOPS];
        size_t nstops = 0;
        struct cr_error e = CR_ERROR_INIT;
        day_t start_day, today_day, due = 0;
        char due_text[DATE_LEN] = "";
        int n, used = -1, have_due;
        json_t *out;

        if (strcmp(state, "received") == 0) {
                act = "request_materials";
                rule_id = "deadline.request_materials";
                start = jstr(app, "received_on");
        } else if (strcmp(state, "accepted") == 0 || strcmp(state, "under_review") == 0) {
                act = "decide";
                rule_id = "deadline.decide";
                /* Licensing Law Art 32: not asking for materials in time means accepted on receipt.
                 */
                start = jint(app, "deemed_accepted") ? jstr(app, "received_on")
                                                     : jstr(app, "accepted_on");
                nstops = read_stops(app, stops);
        } else if (strcmp(state, "approved") == 0) {
                act = "issue";
                rule_id = "deadline.issue";
                start = jstr(app, "decided_on");
        } else {
                json_object_set_new(app, "due_act", json_string(""));
                json_object_set_new(app, "due_on", json_string(""));
                json_object_set_new(app, "due_error", json_string(""));
                return NULL;
        }
        rule = rule_in_force(rule_id, start);
        if (!rule)
                rule = rule_latest(rule_id);
        n = rule ? rule->value : 0;
        if (strcmp(act, "decide") == 0 && jstr(app, "extension_approver")[0]) {
                ext = rule_in_force("deadline.decide_extension", start);
                n += ext ? ext->value : 0;
        }
        if (date_parse(start, strlen(start), &start_day) != 0 ||
            date_parse(today, strlen(today), &today_day) != 0) {
                cr_fail(&e, CR_EINTERNAL, "internal", NULL, "the record has no valid start date");
                have_due = 0;
        } else {
                have_due = calendar_deadline(cal, start_day, n, stops, nstops, &due, &e) == CR_OK;
        }
        if (have_due)
                date_format(due, due_text);
        if (e.err == CR_OK || (e.code && strcmp(e.code, "clock_stopped") == 0)) {
                struct cr_error ue = CR_ERROR_INIT;
                day_t until = have_due && due < today_day ? due : today_day;
                if (calendar_working_days_used(cal, start_day, until, stops, nstops, &used, &ue) !=
                    CR_OK)
                        used = -1;
                cr_error_clear(&ue);
        }
        json_object_set_new(app, "due_act", json_string(act));
        json_object_set_new(app, "due_on", json_string(due_text));
        json_object_set_new(app, "due_error", json_string(e.code ? e.code : ""));
        out = json_pack(
            "{s:s, s:o, s:s, s:i, s:o, s:b, s:o, s:o}", "act", act, "due",
            have_due ? json_string(due_text) : json_null(), "start", start, "working_days", n,
            "working_days_used", used >= 0 ? json_integer(used) : json_null(), "overdue",
            have_due && due < today_day, "rule", rule ? rule_to_json(rule) : json_null(), "error",
            e.err
                ? json_pack("{s:s, s:s}", "code", e.code ? e.code : "internal", "detail", e.detail)
                : json_null());
        if (ext)
                json_object_set_new(out, "extension_rule", rule_to_json(ext));
        cr_error_clear(&e);
        return out;
}

/* "" in a stored optional column reads as null in the API. */
static json_t *text_or_null(const json_t *row, const char *key)
{
        const char *v = jstr(row, key);
        return v[0] ? json_string(v) : json_null();
}

/* The API form of a stored application (docs/api.md, Application). */
static json_t *application_view(const struct legal_calendar *cal, json_t *row, const char *today)
{
        static const char *const same[] = {
            "number",      "item",       "state",  "enterprise_uscc", "enterprise_name",
            "bureau_code", "product",    "form",   "received_on",     "decision_reason",
            "created_at",  "updated_at", "version"};
        static const char *const optional[] = {"renewal_of", "accepted_on",        "decided_on",
                                               "outcome",    "certificate_number", "halted_on"};
        json_t *deadline = application_deadline(cal, row, today);
        const char *since = open_stop_since(row);
        json_t *v = json_object();

        for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
                json_object_set(v, same[i], json_object_get(row, same[i]));
        for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++)
                json_object_set_new(v, optional[i], text_or_null(row, optional[i]));
        json_object_set_new(v, "deemed_accepted", json_boolean(jint(row, "deemed_accepted")));
        json_object_set_new(v, "extension",
                            jstr(row, "extension_approver")[0]
                                ? json_pack("{s:s, s:s}", "approver",
                                            jstr(row, "extension_approver"), "reason",
                                            jstr(row, "extension_reason"))
                                : json_null());
        json_object_set_new(v, "clock",
                            json_pack("{s:b, s:o}", "running", since == NULL, "stopped_since",
                                      since ? json_string(since) : json_null()));
        json_object_set_new(v, "deadline", deadline ? deadline : json_null());
        return v;
}

/* Loads an application the caller may see; out of scope reads as not found. */
static enum cr_err load_scoped(struct store *s, const struct caller *c, const char *number,
                               json_t **row, struct cr_error *e)
{
        enum cr_err err = store_application_get(s, number, row, e);

        if (err)
                return err;
        if (!lic_in_scope(c, jstr(*row, "bureau_code"), jstr(*row, "enterprise_uscc"))) {
                json_decref(*row);
                *row = NULL;
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no application %s", number);
        }
        return CR_OK;
}

/* The full view with events and documents, read inside the caller's transaction or not. */
static enum cr_err full_view(struct store *s, const struct legal_calendar *cal, json_t *row,
                             const char *today, json_t **out, struct cr_error *e)
{
        json_t *events = json_array(), *docs = json_array();
        enum cr_err err = store_application_events(s, jint(row, "id"), events, e);

        if (!err)
                err = store_document_list(s, jint(row, "id"), docs, e);
        if (err) {
                json_decref(events);
                json_decref(docs);
                return err;
        }
        *out = application_view(cal, row, today);
        json_object_set_new(*out, "events", events);
        json_object_set_new(*out, "documents", docs);
        return CR_OK;
}

enum cr_err application_get(struct store *s, const struct caller *c, const char *number,
                            json_t **out, struct cr_error *e)
{
        struct legal_calendar *cal = malloc(sizeof(*cal));
        char now[21], today[11];
        json_t *row = NULL;
        enum cr_err err;

        if (!cal)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        caller_time(c, now, today);
        err = load_scoped(s, c, number, &row, e);
        if (!err)
                err = calendar_load(s, cal, e);
        if (!err)
                err = full_view(s, cal, row, today, out, e);
        json_decref(row);
        free(cal);
        return err;
}

enum cr_err application_list(struct store *s, const struct caller *c, struct record_query *q,
                             int overdue, json_t *items, int64_t *next, struct cr_error *e)
{
        struct legal_calendar *cal = malloc(sizeof(*cal));
        json_t *rows = json_array(), *page = json_array();
        char now[21], today[11];
        int limit = q->limit;
        enum cr_err err;
        size_t i;
        json_t *row;

        if (!cal || !rows || !page) {
                free(cal);
                json_decref(rows);
                json_decref(page);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        caller_time(c, now, today);
        if (overdue)
                q->overdue_before = today;
        err = lic_scope_query(c, q, e);
        if (!err)
                err = calendar_load(s, cal, e);
        if (!err) {
                lic_page_start(&q->limit);
                err = store_application_list(s, q, rows, e);
        }
        if (!err) {
                lic_page_start(&limit);
                lic_page_finish(rows, limit - 1, page, next);
                rows = NULL;
                json_array_foreach(page, i, row)
                    json_array_append_new(items, application_view(cal, row, today));
        }
        json_decref(rows);
        json_decref(page);
        free(cal);
        return err;
}

enum cr_err application_create(struct store *s, const struct caller *c, const json_t *body,
                               json_t **out, struct cr_error *e)
{
        const char *item_id = json_string_value(json_object_get(body, "item"));
        const json_t *product_id = json_object_get(body, "product_id");
        const char *renewal_of = json_string_value(json_object_get(body, "renewal_of"));
        const json_t *form = json_object_get(body, "form");
        const struct approval_item *item;
        struct legal_calendar *cal = NULL;
        struct enterprise *ent = NULL;
        json_t *product = NULL, *app = NULL, *cert = NULL, *row = NULL;
        char now[21], today[11], number[32], counter[32];
        int64_t seq, id;
        enum cr_err err;

        caller_time(c, now, today);
        if (c->role != ROLE_ENTERPRISE_USER)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "applications are made by the enterprise's own users");
        item = item_id ? approval_item_find(item_id) : NULL;
        if (!item)
                return cr_fail(e, CR_EINVAL, "invalid_value", "item",
                               "item must be one of type_model, production, sales_permit, "
                               "fie_use, foreign_use");
        if (!rule_in_force(item->rule_open, today)) {
                const struct rule *removed =
                    item->rule_removed ? rule_in_force(item->rule_removed, today) : NULL;
                cr_fail(e, CR_EINVAL, "approval_removed", "item",
                        "the %s was removed on %s and applications for it are no longer "
                        "accepted (%s)",
                        item->en, removed ? removed->effective_from : "an earlier date",
                        removed ? removed->citation : "no rule in force");
                if (removed)
                        e->rule = rule_to_json(removed);
                return CR_EINVAL;
        }
        if (!json_is_integer(product_id))
                return cr_fail(e, CR_EINVAL, "missing_field", "product_id",
                               "product_id names the product to approve");
        err = check_form(form, e);
        if (err)
                return err;

        cal = malloc(sizeof(*cal));
        ent = malloc(sizeof(*ent));
        if (!cal || !ent) {
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                goto out;
        }
        err = store_begin(s, e);
        if (err)
                goto out;
        err = store_enterprise_get(s, c->enterprise_uscc, ent, e);
        if (!err) {
                err = store_product_get(s, json_integer_value(product_id), &product, e);
                if (err == CR_ENOTFOUND ||
                    (!err && strcmp(jstr(product, "enterprise_uscc"), c->enterprise_uscc) != 0))
                        err = cr_fail(e, CR_EINVAL, "invalid_value", "product_id",
                                      "your enterprise has no product %lld",
                                      (long long)json_integer_value(product_id));
        }
        if (!err && renewal_of) {
                err = store_certificate_get(s, renewal_of, &cert, e);
                if (err == CR_ENOTFOUND ||
                    (!err && strcmp(jstr(cert, "holder_uscc"), c->enterprise_uscc) != 0))
                        err = cr_fail(e, CR_EINVAL, "invalid_value", "renewal_of",
                                      "your enterprise holds no certificate %s", renewal_of);
                if (!err && jint(cert, "legacy")) {
                        const struct rule *r = rule_in_force("legacy.no_alteration", today);
                        err = cr_fail(e, CR_EINVAL, "legacy_no_alteration", "renewal_of",
                                      "%s is a document of a removed approval item: it expires "
                                      "naturally and is not renewed or altered (%s)",
                                      renewal_of, r ? r->citation : "Notice 336 item II");
                        if (r)
                                e->rule = rule_to_json(r);
                }
                if (!err) {
                        const struct rule *w = rule_in_force("window.renewal", today);
                        const char *status = certificate_status_on(cert, today);
                        day_t exp, now_day;
                        int days = w ? w->value : 30;
                        date_parse(jstr(cert, "expires_on"), 10, &exp);
                        date_parse(today, 10, &now_day);
                        if (strcmp(status, "valid") != 0)
                                err = cr_fail(e, CR_EINVAL, "renewal_window", "renewal_of",
                                              "certificate %s is %s and cannot be renewed",
                                              renewal_of, status);
                        else if (now_day < exp - days) {
                                char opens[DATE_LEN];
                                date_format(exp - days, opens);
                                err = cr_fail(e, CR_EINVAL, "renewal_window", "renewal_of",
                                              "renewal of %s may be applied for from %s, %d days "
                                              "before it expires on %s (%s)",
                                              renewal_of, opens, days, jstr(cert, "expires_on"),
                                              w ? w->citation : "");
                                if (w)
                                        e->rule = rule_to_json(w);
                        }
                }
        }
        if (err)
                goto rollback;
        snprintf(counter, sizeof(counter), "application-%.4s", today);
        err = store_counter_next(s, counter, &seq, e);
        if (err)
                goto rollback;
        snprintf(number, sizeof(number), "SQ%.4s-%06lld", today, (long long)seq);
        app = json_pack("{s:s, s:s, s:s, s:I, s:s, s:O, s:s, s:O, s:s, s:[], s:s, s:s, s:i}",
                        "number", number, "item", item->id, "state", "received", "enterprise_id",
                        (json_int_t)ent->id, "bureau_code", ent->bureau_code, "product_id",
                        product_id, "renewal_of", renewal_of ? renewal_of : "", "form", form,
                        "received_on", today, "stops", "created_at", now, "updated_at", now,
                        "deemed_accepted", 0);
        err = app ? calendar_load(s, cal, e)
                  : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (err)
                goto rollback;
        json_decref(application_deadline(cal, app, today));
        err = store_application_insert(s, app, &id, e);
        if (!err)
                err = store_application_event_add(s, id, now, c->username, "submit", "", "received",
                                                  "", e);
        if (!err)
                err = store_application_get(s, number, &row, e);
        if (!err)
                err = lic_audit(s, c, "application.create", "application", number, ent->bureau_code,
                                NULL, row, e);
        if (!err)
                err = full_view(s, cal, row, today, out, e);
        if (!err)
                err = store_commit(s, e);
        if (!err)
                goto out;
rollback:
        store_rollback(s);
        if (*out) {
                json_decref(*out);
                *out = NULL;
        }
out:
        json_decref(product);
        json_decref(cert);
        json_decref(app);
        json_decref(row);
        free(cal);
        free(ent);
        return err;
}

/* A state change: the states it starts from, the state it leads to, and who makes it. */
struct transition {
        const char *action;
        const char *from[5];
        const char *to; /* NULL: chosen by the action (decide) or unchanged (extend) */
        int by_applicant;
        int reason_required;
};

static const struct transition transitions[] = {
    {"request-materials", {"received"}, "materials_requested", 0, 1},
    {"supply-materials", {"materials_requested"}, "received", 1, 1},
    {"accept", {"received"}, "accepted", 0, 0},
    {"start-review", {"accepted"}, "under_review", 0, 1},
    {"finish-review", {"under_review"}, "accepted", 0, 1},
    {"extend", {"accepted", "under_review"}, NULL, 0, 1},
    {"decide", {"accepted"}, NULL, 0, 1},
    {"issue", {"approved"}, "issued", 0, 0},
    {"withdraw",
     {"received", "materials_requested", "accepted", "under_review"},
     "withdrawn",
     1,
     1},
};

static const struct transition *transition_find(const char *action)
{
        for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
                if (strcmp(transitions[i].action, action) == 0)
                        return &transitions[i];
        return NULL;
}

static int allowed_from(const struct transition *t, const char *state)
{
        for (size_t i = 0; i < 5 && t->from[i]; i++)
                if (strcmp(t->from[i], state) == 0)
                        return 1;
        return 0;
}

/* The effect of a transition on the record a, beyond its new state. */
static enum cr_err apply_effect(struct store *s, const struct caller *c, struct sm2_keyring *keys,
                                const struct legal_calendar *cal, const struct transition *t,
                                json_t *a, const json_t *body, const char *today, const char *now,
                                const char **to, json_t **cert, struct cr_error *e)
{
        const char *reason = json_string_value(json_object_get(body, "reason"));
        enum cr_err err = CR_OK;

        *to = t->to ? t->to : jstr(a, "state");
        if (strcmp(t->action, "request-materials") == 0 || strcmp(t->action, "start-review") == 0) {
                stop_clock(a, today);
        } else if (strcmp(t->action, "supply-materials") == 0) {
                /* The complete application is received anew: a new five-day window opens. */
                restart_clock(a, today);
                json_object_set_new(a, "received_on", json_string(today));
        } else if (strcmp(t->action, "finish-review") == 0 || strcmp(t->action, "withdraw") == 0) {
                restart_clock(a, today);
        } else if (strcmp(t->action, "accept") == 0) {
                /* Past the five days without asking for materials, it counts as accepted on
                 * receipt. */
                json_t *d = application_deadline(cal, a, today);
                const char *due = d ? json_string_value(json_object_get(d, "due")) : NULL;
                json_object_set_new(a, "deemed_accepted",
                                    json_integer(due && strcmp(today, due) > 0));
                json_object_set_new(a, "accepted_on", json_string(today));
                json_decref(d);
        } else if (strcmp(t->action, "extend") == 0) {
                if (jstr(a, "extension_approver")[0])
                        return cr_fail(e, CR_ECONFLICT, "invalid_transition", NULL,
                                       "the decision period of %s was already extended once; "
                                       "the law allows one extension of 10 working days",
                                       jstr(a, "number"));
                err = lic_check_text(body, "approver", 1, APPROVER_MAX, e);
                if (err)
                        return err;
                json_object_set(a, "extension_approver", json_object_get(body, "approver"));
                json_object_set_new(a, "extension_reason", json_string(reason ? reason : ""));
        } else if (strcmp(t->action, "decide") == 0) {
                const char *outcome = json_string_value(json_object_get(body, "outcome"));
                if (!outcome || (strcmp(outcome, "approved") != 0 && strcmp(outcome, "refused")))
                        return cr_fail(e, CR_EINVAL, "invalid_value", "outcome",
                                       "outcome must be \"approved\" or \"refused\"");
                *to = strcmp(outcome, "approved") == 0 ? "approved" : "refused";
                json_object_set_new(a, "outcome", json_string(outcome));
                json_object_set_new(a, "decided_on", json_string(today));
                json_object_set_new(a, "decision_reason", json_string(reason ? reason : ""));
        } else if (strcmp(t->action, "issue") == 0) {
                err = certificate_issue(s, c, keys, a, today, now, cert, e);
                if (!err)
                        json_object_set(a, "certificate_number", json_object_get(*cert, "number"));
        }
        return err;
}

enum cr_err application_act(struct store *s, const struct caller *c, struct sm2_keyring *keys,
                            const char *number, const char *action, const json_t *body,
                            json_t **out, struct cr_error *e)
{
        const struct transition *t = transition_find(action);
        struct legal_calendar *cal = malloc(sizeof(*cal));
        json_t *before = NULL, *a = NULL, *after = NULL, *cert = NULL, *view = NULL;
        const char *reason, *to = NULL;
        char now[21], today[11], to_state[32];
        enum cr_err err;

        if (!cal)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (!t) {
                free(cal);
                return cr_fail(e, CR_ENOTFOUND, "not_found", NULL, "no action %s", action);
        }
        caller_time(c, now, today);
        reason = json_string_value(json_object_get(body, "reason"));
        err = store_begin(s, e);
        if (err) {
                free(cal);
                return err;
        }
        err = load_scoped(s, c, number, &before, e);
        if (err)
                goto fail;
        if (t->by_applicant ? c->role != ROLE_ENTERPRISE_USER
                            : !lic_acts_for_bureau(c, jstr(before, "bureau_code"))) {
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              t->by_applicant ? "only the applicant may %s"
                                              : "only an officer of the competent bureau or a "
                                                "national administrator may %s",
                              action);
                goto fail;
        }
        if (!allowed_from(t, jstr(before, "state"))) {
                /* Name both ends: where the application is, and where the action would take it. */
                const char *outcome = json_string_value(json_object_get(body, "outcome"));
                const char *target = t->to                                      ? t->to
                                     : strcmp(action, "decide") == 0 && outcome ? outcome
                                     : strcmp(action, "decide") == 0 ? "approved or refused"
                                                                     : "the same state";
                char from[96] = "";
                for (size_t i = 0; i < 5 && t->from[i]; i++)
                        snprintf(from + strlen(from), sizeof(from) - strlen(from), "%s%s",
                                 i ? " or " : "", t->from[i]);
                err = cr_fail(e, CR_ECONFLICT, "invalid_transition", NULL,
                              "cannot %s application %s: it is %s, and %s leads from %s to %s",
                              action, number, jstr(before, "state"), action, from, target);
                goto fail;
        }
        if (t->reason_required || body) {
                err = lic_check_text(body, "reason", t->reason_required, REASON_MAX, e);
                if (err)
                        goto fail;
        }
        a = json_deep_copy(before);
        err =
            a ? calendar_load(s, cal, e) : cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        if (!err)
                err = apply_effect(s, c, keys, cal, t, a, body, today, now, &to, &cert, e);
        if (err)
                goto fail;
        /* `to` may point into the record's own state string, which the next line replaces. */
        str_copy(to_state, sizeof(to_state), to);
        to = to_state;
        json_object_set_new(a, "state", json_string(to));
        json_object_set_new(a, "updated_at", json_string(now));
        json_decref(application_deadline(cal, a, today));
        err = store_application_update(s, a, jint(before, "version"), e);
        if (!err)
                err =
                    store_application_event_add(s, jint(before, "id"), now, c->username, action,
                                                jstr(before, "state"), to, reason ? reason : "", e);
        if (!err)
                err = store_application_get(s, number, &after, e);
        if (!err) {
                char act[48];
                snprintf(act, sizeof(act), "application.%s", action);
                err = lic_audit(s, c, act, "application", number, jstr(before, "bureau_code"),
                                before, after, e);
        }
        if (!err)
                err = full_view(s, cal, after, today, &view, e);
        if (!err)
                err = store_commit(s, e);
        if (err)
                goto fail;
        if (cert) {
                *out = json_pack("{s:o, s:o}", "application", view, "certificate",
                                 certificate_public_json(cert, today, 1));
        } else {
                *out = view;
        }
        view = NULL;
        goto done;
fail:
        store_rollback(s);
done:
        json_decref(view);
        json_decref(before);
        json_decref(a);
        json_decref(after);
        json_decref(cert);
        free(cal);
        return err;
}

/* A stored document's name: what the uploader called it, without paths or control characters. */
static enum cr_err check_document_name(const char *name, struct cr_error *e)
{
        json_t *o = json_pack("{s:s}", "name", name ? name : "");
        enum cr_err err = o ? lic_check_text(o, "name", 1, DOCUMENT_NAME_MAX, e) : CR_ENOMEM;

        json_decref(o);
        if (err)
                return err;
        if (strpbrk(name, "/\\\r\n\t"))
                return cr_fail(e, CR_EINVAL, "invalid_value", "name",
                               "a document name may not contain '/', '\\' or line breaks");
        return CR_OK;
}

enum cr_err application_attach(struct store *s, const struct caller *c, const char *number,
                               const char *name, const char *data, size_t len, json_t **out,
                               struct cr_error *e)
{
        static const char *const open_states[] = {"received", "materials_requested", "accepted",
                                                  "under_review"};
        json_t *row = NULL, *docs = NULL;
        char now[21], today[11], sm3[SM3_HEX_LEN];
        int64_t id = 0;
        int open = 0;
        enum cr_err err;

        if (!name)
                return cr_fail(e, CR_EINVAL, "missing_field", "name",
                               "give the document's file name as ?name=FILE.pdf");
        err = check_document_name(name, e);
        if (err)
                return err;
        if (len > DOCUMENT_MAX)
                return cr_fail(e, CR_ETOOLARGE, "payload_too_large", NULL,
                               "a document is at most %d MiB", DOCUMENT_MAX >> 20);
        if (len < 5 || memcmp(data, "%PDF-", 5) != 0)
                return cr_fail(e, CR_EINVAL, "not_pdf", NULL,
                               "the document is not a PDF file (it must begin with %%PDF-)");
        err = sm3_hex(data, len, sm3);
        if (err)
                return cr_fail(e, err, "internal", NULL, "SM3 failed");
        caller_time(c, now, today);
        err = store_begin(s, e);
        if (err)
                return err;
        err = load_scoped(s, c, number, &row, e);
        if (!err && c->role != ROLE_ENTERPRISE_USER)
                err = cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                              "documents are attached by the applicant");
        for (size_t i = 0; !err && i < sizeof(open_states) / sizeof(open_states[0]); i++)
                open |= strcmp(jstr(row, "state"), open_states[i]) == 0;
        if (!err && !open)
                err = cr_fail(e, CR_ECONFLICT, "invalid_transition", NULL,
                              "application %s is %s: documents can no longer be attached", number,
                              jstr(row, "state"));
        if (!err)
                err = store_document_insert(s, jint(row, "id"), name, data, len, sm3, now,
                                            c->username, &id, e);
        if (!err) {
                json_t *meta = json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)id, "name", name,
                                         "size", (json_int_t)len, "sm3", sm3);
                err = lic_audit(s, c, "application.attach", "application", number,
                                jstr(row, "bureau_code"), NULL, meta, e);
                *out = meta;
                json_object_set_new(meta, "uploaded_at", json_string(now));
                json_object_set_new(meta, "uploaded_by", json_string(c->username));
        }
        if (!err)
                err = store_commit(s, e);
        if (err) {
                store_rollback(s);
                json_decref(*out);
                *out = NULL;
        }
        json_decref(row);
        json_decref(docs);
        return err;
}

enum cr_err application_document(struct store *s, const struct caller *c, const char *number,
                                 int64_t id, json_t **meta, char **data, size_t *len,
                                 struct cr_error *e)
{
        json_t *row = NULL;
        enum cr_err err = load_scoped(s, c, number, &row, e);

        if (!err)
                err = store_document_get(s, jint(row, "id"), id, meta, data, len, e);
        json_decref(row);
        return err;
}

enum cr_err application_recompute_deadlines(struct store *s, const struct caller *c,
                                            const struct legal_calendar *cal, struct cr_error *e)
{
        json_t *rows = json_array();
        char now[21], today[11];
        enum cr_err err;
        size_t i;
        json_t *row;

        caller_time(c, now, today);
        err = store_application_open(s, rows, e);
        json_array_foreach(rows, i, row)
        {
                json_t *before = json_pack("{s:O, s:O}", "due_on", json_object_get(row, "due_on"),
                                           "due_error", json_object_get(row, "due_error"));
                json_t *after;
                if (err) {
                        json_decref(before);
                        break;
                }
                json_decref(application_deadline(cal, row, today));
                after = json_pack("{s:O, s:O}", "due_on", json_object_get(row, "due_on"),
                                  "due_error", json_object_get(row, "due_error"));
                /* The deadline columns are derived data; the version is bumped like any change. */
                if (!json_equal(before, after))
                        err = store_application_update(s, row, jint(row, "version"), e);
                json_decref(before);
                json_decref(after);
        }
        json_decref(rows);
        return err;
}
