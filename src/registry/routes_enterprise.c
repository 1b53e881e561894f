/* Handlers for the public enterprise lookup and the registry. */
#include <stdlib.h>
#include <string.h>

#include "platform/http/http.h"
#include "registry/enterprise_service.h"
#include "registry/registry_int.h"

/* Copies the fields present in a validated JSON body into ent; *fields says which were set. */
static enum cr_err enterprise_from_json(json_t *body, struct enterprise *ent, unsigned *fields,
                                        struct cr_error *e)
{
        json_t *v;
        enum cr_err err;

        *fields = 0;
        v = json_object_get(body, "uscc");
        if (v) {
                err = enterprise_set_uscc(ent, json_string_value(v), json_string_length(v), e);
                if (err)
                        return err;
        }
        for (size_t i = 0; i < ent_text_fields_len; i++) {
                const struct ent_field_spec *f = &ent_text_fields[i];
                v = json_object_get(body, f->name);
                if (!v)
                        continue;
                err = enterprise_set_text(ent, f, json_string_value(v), json_string_length(v), e);
                if (err)
                        return err;
                *fields |= f->field;
        }
        v = json_object_get(body, "roles");
        if (v) {
                size_t i;
                json_t *item;
                ent->roles = 0;
                json_array_foreach(v, i, item)
                {
                        ent->roles |=
                            ent_role_parse(json_string_value(item), json_string_length(item));
                }
                *fields |= EF_ROLES;
        }
        return CR_OK;
}

struct list_ctx {
        json_t *items;
        int full;
};

static enum cr_err collect_enterprise(void *arg, const struct enterprise *ent)
{
        struct list_ctx *lc = arg;

        json_array_append_new(lc->items, enterprise_to_json(ent, lc->full));
        return CR_OK;
}

static enum cr_err list_enterprises(struct http_request *rq, struct http_response *rs, int scoped)
{
        struct enterprise_query q;
        struct list_ctx lc = {json_array(), scoped};
        int64_t next = 0;
        enum cr_err err;

        memset(&q, 0, sizeof(q));
        q.q = http_query(rq, "q");
        if (scoped)
                q.bureau_code = http_query(rq, "bureau");
        err = http_query_limit(rq, &q.limit);
        if (!err)
                err = http_query_cursor(rq, &q.after_id);
        if (!err)
                err = enterprise_list(rq->store, &rq->caller, scoped, &q, collect_enterprise, &lc,
                                      &next, &rq->err);
        if (err) {
                json_decref(lc.items);
                return err;
        }
        http_page(rs, lc.items, next);
        return CR_OK;
}

enum cr_err h_public_enterprise_list(struct http_request *rq, struct http_response *rs)
{
        return list_enterprises(rq, rs, 0);
}

enum cr_err h_registry_list(struct http_request *rq, struct http_response *rs)
{
        return list_enterprises(rq, rs, 1);
}

/* Runs fn with a heap-allocated enterprise, which is too large for a worker's stack frame. */
static struct enterprise *new_enterprise(struct http_request *rq)
{
        struct enterprise *ent = calloc(1, sizeof(*ent));

        if (!ent)
                cr_fail(&rq->err, CR_ENOMEM, "internal", NULL, "out of memory");
        return ent;
}

enum cr_err h_public_enterprise_get(struct http_request *rq, struct http_response *rs)
{
        struct enterprise *ent = new_enterprise(rq);
        enum cr_err err;

        if (!ent)
                return CR_ENOMEM;
        err = enterprise_get_public(rq->store, rq->params[0], ent, &rq->err);
        if (!err)
                rs->json = enterprise_to_json(ent, 0);
        free(ent);
        return err;
}

enum cr_err h_registry_get(struct http_request *rq, struct http_response *rs)
{
        struct enterprise *ent = new_enterprise(rq);
        enum cr_err err;

        if (!ent)
                return CR_ENOMEM;
        err = enterprise_get_scoped(rq->store, &rq->caller, rq->params[0], ent, &rq->err);
        if (!err)
                rs->json = enterprise_to_json(ent, 1);
        free(ent);
        return err;
}

enum cr_err h_registry_create(struct http_request *rq, struct http_response *rs)
{
        struct enterprise *ent = new_enterprise(rq);
        unsigned fields;
        enum cr_err err;

        if (!ent)
                return CR_ENOMEM;
        err = enterprise_from_json(rq->body, ent, &fields, &rq->err);
        if (!err)
                err = enterprise_create(rq->store, &rq->caller, ent, &rq->err);
        if (!err)
                rs->json = enterprise_to_json(ent, 1);
        free(ent);
        return err;
}

enum cr_err h_registry_patch(struct http_request *rq, struct http_response *rs)
{
        struct enterprise_patch *p = calloc(1, sizeof(*p));
        struct enterprise *out = new_enterprise(rq);
        enum cr_err err = CR_ENOMEM;

        if (p && out) {
                err = enterprise_from_json(rq->body, &p->values, &p->fields, &rq->err);
                if (!err)
                        err = enterprise_update(rq->store, &rq->caller, rq->params[0], p, out,
                                                &rq->err);
                if (!err)
                        rs->json = enterprise_to_json(out, 1);
        } else {
                cr_fail(&rq->err, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        free(p);
        free(out);
        return err;
}

enum cr_err h_registry_bureau(struct http_request *rq, struct http_response *rs)
{
        struct enterprise *out = new_enterprise(rq);
        json_t *code = json_object_get(rq->body, "bureau_code");
        enum cr_err err;

        if (!out)
                return CR_ENOMEM;
        err = enterprise_override_bureau(rq->store, &rq->caller, rq->params[0],
                                         json_is_null(code) ? NULL : json_string_value(code),
                                         json_string_value(json_object_get(rq->body, "reason")),
                                         out, &rq->err);
        if (!err)
                rs->json = enterprise_to_json(out, 1);
        free(out);
        return err;
}

enum cr_err h_registry_import(struct http_request *rq, struct http_response *rs)
{
        long imported = 0;
        enum cr_err err = enterprise_import_csv(rq->store, &rq->caller, rq->raw, rq->raw_len,
                                                &imported, &rq->err);

        if (err)
                return err;
        rs->json = json_pack("{s:i}", "imported", (int)imported);
        return CR_OK;
}
