/* Handlers for signing in and out and for API tokens. */
#include <stdio.h>
#include <string.h>

#include "platform/http/http.h"
#include "core/buf.h"
#include "core/parse.h"
#include "registry/auth_service.h"
#include "registry/registry_int.h"
#include "registry/user_service.h"

static json_t *session_json(const struct user *u, const char *csrf)
{
        return json_pack("{s:o, s:s}", "user", user_to_json(u), "csrf_token", csrf);
}

enum cr_err h_session_create(struct http_request *rq, struct http_response *rs)
{
        struct login_result res;
        enum cr_err err =
            auth_login(rq->store, rq->caller.clock, server_throttle(rq->server),
                       json_string_value(json_object_get(rq->body, "username")),
                       json_string_value(json_object_get(rq->body, "password")), rq->caller.ip,
                       server_config(rq->server)->session_hours, &res, &rq->err);

        if (err)
                return err;
        snprintf(rs->set_cookie, sizeof(rs->set_cookie),
                 "cr_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%ld", res.cookie,
                 server_config(rq->server)->session_hours * 3600);
        rs->json = session_json(&res.user, res.csrf);
        return CR_OK;
}

enum cr_err h_session_get(struct http_request *rq, struct http_response *rs)
{
        struct user u;
        enum cr_err err;

        /*
         * The server has already checked the cookie or token; this only reads
         * the user's record.  A bearer token has no session and no CSRF token.
         */
        err = user_get_self(rq->store, &rq->caller, &u, &rq->err);
        if (err)
                return err;
        rs->json = json_pack("{s:o, s:o}", "user", user_to_json(&u), "csrf_token",
                             rq->session_cookie ? json_string(rq->csrf) : json_null());
        return CR_OK;
}

enum cr_err h_session_delete(struct http_request *rq, struct http_response *rs)
{
        enum cr_err err;

        if (!rq->session_cookie)
                return cr_fail(&rq->err, CR_EUNAUTH, "unauthenticated", NULL,
                               "no console session to end");
        err = auth_logout(rq->store, &rq->caller, rq->session_cookie, &rq->err);
        if (err)
                return err;
        str_copy(rs->set_cookie, sizeof(rs->set_cookie),
                 "cr_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        return CR_OK;
}

enum cr_err h_token_create(struct http_request *rq, struct http_response *rs)
{
        struct api_token t;
        char secret[SECRET_TOKEN_TEXT + 8];
        enum cr_err err = token_create(rq->store, &rq->caller,
                                       json_string_value(json_object_get(rq->body, "name")), &t,
                                       secret, &rq->err);

        if (err)
                return err;
        rs->json = token_to_json(&t);
        json_object_set_new(rs->json, "token", json_string(secret));
        return CR_OK;
}

static enum cr_err collect_token(void *arg, const struct api_token *t)
{
        json_array_append_new(arg, token_to_json(t));
        return CR_OK;
}

enum cr_err h_token_list(struct http_request *rq, struct http_response *rs)
{
        json_t *items = json_array();
        enum cr_err err = token_list(rq->store, &rq->caller, collect_token, items, &rq->err);

        if (err) {
                json_decref(items);
                return err;
        }
        rs->json = json_pack("{s:o}", "items", items);
        return CR_OK;
}

enum cr_err h_token_delete(struct http_request *rq, struct http_response *rs)
{
        int64_t id;

        if (parse_int64(rq->params[0], strlen(rq->params[0]), 1, INT64_MAX, &id) != 0)
                return cr_fail(&rq->err, CR_ENOTFOUND, "not_found", NULL,
                               "a token id is a positive number");
        return token_delete(rq->store, &rq->caller, id, &rq->err);
}
