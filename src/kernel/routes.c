/*
 * Handlers of the kernel's public reference data: the bureaus, the rules in
 * force on a date, the legal calendar, and the audit trail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/http.h"
#include "kernel/calendar_service.h"
#include "core/parse.h"
#include "kernel/audit.h"
#include "kernel/bureau.h"
#include "kernel/kernel_int.h"
#include "kernel/rules.h"
#include "licensing/licensing.h"
#include "registry/enterprise_service.h"

static json_t *bureau_json(const struct bureau *b)
{
        return json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", b->code, "name_zh", b->name_zh,
                         "name_en", b->name_en, "kind", b->kind, "division_code", b->code);
}

enum cr_err h_bureau_list(struct http_request *rq, struct http_response *rs)
{
        json_t *items = json_array();

        for (size_t i = 0; i < bureau_table_len; i++)
                json_array_append_new(items, bureau_json(&bureau_table[i]));
        rs->json = json_pack("{s:o}", "items", items);
        return CR_OK;
}

enum cr_err h_bureau_get(struct http_request *rq, struct http_response *rs)
{
        const struct bureau *b = bureau_find(rq->params[0]);

        if (!b)
                return cr_fail(&rq->err, CR_ENOTFOUND, "not_found", NULL,
                               "there is no bureau with code %.10s", rq->params[0]);
        rs->json = bureau_json(b);
        return CR_OK;
}

enum cr_err h_reference(struct http_request *rq, struct http_response *rs)
{
        rs->json = reference_to_json();
        return CR_OK;
}

enum cr_err h_rules(struct http_request *rq, struct http_response *rs)
{
        const char *at = http_query(rq, "at");
        const char *all = http_query(rq, "all");
        char today[11], date[DATE_LEN];
        json_t *items = json_array();
        day_t d;

        if (at) {
                if (date_parse(at, strlen(at), &d) != 0) {
                        json_decref(items);
                        return cr_fail(&rq->err, CR_EINVAL, "invalid_date", "at",
                                       "at must be a date written YYYY-MM-DD");
                }
                date_format(d, date);
        } else {
                clock_today(rq->caller.clock, today);
                memcpy(date, today, DATE_LEN);
        }
        for (size_t i = 0; i < rules_table_len; i++) {
                const struct rule *r = &rules_table[i];
                if ((all && strcmp(all, "1") == 0) || rule_in_force(r->id, date) == r)
                        json_array_append_new(items, rule_to_json(r));
        }
        rs->json = json_pack("{s:s, s:o}", "at", date, "items", items);
        return CR_OK;
}

enum cr_err h_calendar_list(struct http_request *rq, struct http_response *rs)
{
        return calendar_list_json(rq->store, &rs->json, &rq->err);
}

static enum cr_err path_year(struct http_request *rq, int *year)
{
        int64_t y;

        if (parse_int64(rq->params[0], strlen(rq->params[0]), 1900, 2999, &y) != 0)
                return cr_fail(&rq->err, CR_ENOTFOUND, "not_found", NULL,
                               "no legal calendar year %s", rq->params[0]);
        *year = (int)y;
        return CR_OK;
}

enum cr_err h_calendar_year(struct http_request *rq, struct http_response *rs)
{
        int year = 0;
        enum cr_err err = path_year(rq, &year);

        return err ? err : calendar_year_json(rq->store, year, &rs->json, &rq->err);
}

enum cr_err h_calendar_put(struct http_request *rq, struct http_response *rs)
{
        int year = 0;
        enum cr_err err = path_year(rq, &year);

        return err ? err
                   : calendar_put_year(rq->store, &rq->caller, year, rq->raw, rq->raw_len,
                                       &rs->json, &rq->err);
}

enum cr_err h_calendar_deadline(struct http_request *rq, struct http_response *rs)
{
        return calendar_deadline_json(rq->store, http_query(rq, "start"), http_query(rq, "days"),
                                      &rs->json, &rq->err);
}

static enum cr_err collect_audit(void *arg, int64_t id, json_t *entry)
{
        json_array_append_new(arg, entry);
        return CR_OK;
}

enum cr_err h_audit_list(struct http_request *rq, struct http_response *rs)
{
        struct audit_query q;
        json_t *items = json_array();
        int64_t next = 0;
        enum cr_err err;

        memset(&q, 0, sizeof(q));
        q.entity_type = http_query(rq, "entity_type");
        q.entity_id = http_query(rq, "entity_id");
        err = http_query_limit(rq, &q.limit);
        if (!err)
                err = http_query_cursor(rq, &q.before_id);
        if (!err)
                err = audit_list(rq->store, &rq->caller, &q, collect_audit, items, &next, &rq->err);
        if (err) {
                json_decref(items);
                return err;
        }
        http_page(rs, items, next);
        return CR_OK;
}
