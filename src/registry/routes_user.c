/* Handlers for users and the audit trail. */
#include <string.h>

#include "platform/http/http.h"
#include "core/buf.h"
#include "kernel/audit.h"
#include "registry/user_service.h"
#include "registry/registry_int.h"

static enum cr_err collect_user(void *arg, const struct user *u)
{
        json_array_append_new(arg, user_to_json(u));
        return CR_OK;
}

enum cr_err h_user_list(struct http_request *rq, struct http_response *rs)
{
        struct user_query q;
        json_t *items = json_array();
        int64_t next = 0;
        enum cr_err err;

        memset(&q, 0, sizeof(q));
        err = http_query_limit(rq, &q.limit);
        if (!err)
                err = http_query_cursor(rq, &q.after_id);
        if (!err)
                err = user_list(rq->store, &rq->caller, &q, collect_user, items, &next, &rq->err);
        if (err) {
                json_decref(items);
                return err;
        }
        http_page(rs, items, next);
        return CR_OK;
}

static const char *optional_string(json_t *body, const char *name)
{
        json_t *v = json_object_get(body, name);

        return json_is_string(v) ? json_string_value(v) : "";
}

enum cr_err h_user_create(struct http_request *rq, struct http_response *rs)
{
        struct user u;
        enum cr_err err;

        memset(&u, 0, sizeof(u));
        str_copy(u.username, sizeof(u.username), optional_string(rq->body, "username"));
        str_copy(u.display_name, sizeof(u.display_name), optional_string(rq->body, "display_name"));
        str_copy(u.bureau_code, sizeof(u.bureau_code), optional_string(rq->body, "bureau_code"));
        str_copy(u.enterprise_uscc, sizeof(u.enterprise_uscc),
                 optional_string(rq->body, "enterprise_uscc"));
        /* The schema has checked that role is one of the user roles. */
        role_parse(optional_string(rq->body, "role"), &u.role);
        err = user_create(rq->store, &rq->caller, &u, optional_string(rq->body, "password"),
                          &rq->err);
        if (!err)
                rs->json = user_to_json(&u);
        return err;
}

enum cr_err h_user_disable(struct http_request *rq, struct http_response *rs)
{
        struct user u;
        enum cr_err err = user_disable(rq->store, &rq->caller, rq->params[0], &u, &rq->err);

        if (!err)
                rs->json = user_to_json(&u);
        return err;
}

enum cr_err h_user_password(struct http_request *rq, struct http_response *rs)
{
        return user_set_password(rq->store, &rq->caller, rq->params[0],
                                 optional_string(rq->body, "password"), &rq->err);
}

