/* Sessions, API tokens and throttled login. */
#include "registry/auth_service.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "registry/registry_int.h"
#include "kernel/store.h"
#include "registry/store.h"
#include "kernel/audit.h"

static enum cr_err audit_simple(struct store *s, const struct caller *c, const char *action,
                                const char *type, const char *id, json_t *before, json_t *after,
                                struct cr_error *e)
{
        struct audit_record r = {
            c, action, type, id, c->bureau_code[0] ? c->bureau_code : NULL, before, after};
        enum cr_err err = store_audit_append(s, &r, e);

        json_decref(before);
        json_decref(after);
        return err;
}

enum cr_err auth_login(struct store *s, const struct clock *clk, struct throttle *t,
                       const char *username, const char *password, const char *ip,
                       long session_hours, struct login_result *out, struct cr_error *e)
{
        char ukey[96], ikey[96];
        time_t now = clock_now(clk);
        struct session sess;
        struct caller c;
        enum cr_err err;
        int ok = 0;

        snprintf(ukey, sizeof(ukey), "u:%.80s", username);
        snprintf(ikey, sizeof(ikey), "ip:%.80s", ip);
        if (throttle_blocked(t, ukey, now) || throttle_blocked(t, ikey, now))
                return cr_fail(e, CR_ETOOMANY, "too_many_requests", NULL,
                               "too many failed sign-ins; try again in %d minutes",
                               LOGIN_WINDOW_SECONDS / 60);
        err = store_user_get(s, username, &out->user, e);
        if (err == CR_ENOTFOUND) {
                password_verify_dummy(password);
        } else if (err) {
                return err;
        } else {
                ok = password_verify(out->user.password_hash, password) && !out->user.disabled;
        }
        if (!ok) {
                throttle_failure(t, ukey, now);
                throttle_failure(t, ikey, now);
                cr_error_clear(e);
                return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL,
                               "the user name or password is wrong, or the account is disabled");
        }
        throttle_success(t, ukey);

        memset(&sess, 0, sizeof(sess));
        random_token(out->cookie, sizeof(out->cookie), SECRET_TOKEN_BYTES);
        random_token(out->csrf, sizeof(out->csrf), SECRET_TOKEN_BYTES);
        err = sm3_hex(out->cookie, strlen(out->cookie), sess.token_hash);
        if (err)
                return cr_fail(e, err, "internal", NULL, "SM3 failed");
        sess.user_id = out->user.id;
        str_copy(sess.csrf, sizeof(sess.csrf), out->csrf);
        time_format_rfc3339(now, sess.created_at);
        time_format_rfc3339(now + session_hours * 3600, sess.expires_at);
        str_copy(sess.ip, sizeof(sess.ip), ip);

        caller_from_user(&c, &out->user, ip);
        c.clock = clk;
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_session_insert(s, &sess, e);
        if (!err)
                err = audit_simple(s, &c, "session.login", "session", out->user.username, NULL,
                                   json_pack("{s:s}", "expires_at", sess.expires_at), e);
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}

enum cr_err auth_session(struct store *s, const struct clock *clk, const char *cookie,
                         struct user *u, char csrf[SECRET_TOKEN_TEXT], struct cr_error *e)
{
        char hash[SM3_HEX_LEN], now[RFC3339_LEN];
        enum cr_err err;

        if (sm3_hex(cookie, strlen(cookie), hash))
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM3 failed");
        clock_now_rfc3339(clk, now);
        err = store_session_find(s, hash, now, u, csrf, e);
        if (err == CR_ENOTFOUND)
                return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL,
                               "the session has ended; sign in again");
        return err;
}

enum cr_err auth_bearer(struct store *s, const char *token, struct user *u, struct cr_error *e)
{
        char hash[SM3_HEX_LEN];
        enum cr_err err;

        if (sm3_hex(token, strlen(token), hash))
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM3 failed");
        err = store_token_find(s, hash, u, e);
        if (err == CR_ENOTFOUND)
                return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL,
                               "the API token is not valid");
        return err;
}

enum cr_err auth_logout(struct store *s, const struct caller *c, const char *cookie,
                        struct cr_error *e)
{
        char hash[SM3_HEX_LEN];
        enum cr_err err;

        if (sm3_hex(cookie, strlen(cookie), hash))
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM3 failed");
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_session_delete(s, hash, e);
        if (!err)
                err = audit_simple(s, c, "session.logout", "session", c->username, NULL, NULL, e);
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}

json_t *token_to_json(const struct api_token *t)
{
        return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t->id, "name", t->name, "created_at",
                         t->created_at);
}

enum cr_err token_create(struct store *s, const struct caller *c, const char *name,
                         struct api_token *out, char secret[SECRET_TOKEN_TEXT + 8],
                         struct cr_error *e)
{
        long n = utf8_count(name, strlen(name));
        char raw[SECRET_TOKEN_TEXT];
        char idtext[24];
        enum cr_err err;

        if (c->user_id == 0)
                return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL, "sign in first");
        if (n < 1 || n > TOKEN_NAME_MAX)
                return cr_fail(e, CR_EINVAL, "invalid_value", "name",
                               "name must have 1 to %d characters", TOKEN_NAME_MAX);
        memset(out, 0, sizeof(*out));
        random_token(raw, sizeof(raw), SECRET_TOKEN_BYTES);
        snprintf(secret, SECRET_TOKEN_TEXT + 8, API_TOKEN_PREFIX "%s", raw);
        if (sm3_hex(secret, strlen(secret), out->token_hash))
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM3 failed");
        out->user_id = c->user_id;
        str_copy(out->name, sizeof(out->name), name);
        caller_now(c, out->created_at);
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_token_insert(s, out, e);
        if (!err) {
                snprintf(idtext, sizeof(idtext), "%lld", (long long)out->id);
                err = audit_simple(s, c, "token.create", "token", idtext, NULL, token_to_json(out),
                                   e);
        }
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}

enum cr_err token_list(struct store *s, const struct caller *c, token_visit_fn visit, void *arg,
                       struct cr_error *e)
{
        if (c->user_id == 0)
                return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL, "sign in first");
        return store_token_list(s, c->user_id, visit, arg, e);
}

enum cr_err token_delete(struct store *s, const struct caller *c, int64_t id, struct cr_error *e)
{
        struct api_token t;
        char idtext[24];
        enum cr_err err;

        if (c->user_id == 0)
                return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL, "sign in first");
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_token_delete(s, id, c->user_id, &t, e);
        if (!err) {
                snprintf(idtext, sizeof(idtext), "%lld", (long long)id);
                err =
                    audit_simple(s, c, "token.delete", "token", idtext, token_to_json(&t), NULL, e);
        }
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}

enum cr_err registry_authenticate(struct store *s, const struct clock *clk, const char *bearer,
                                  const char *cookie, struct user *out, char csrf[48],
                                  struct cr_error *e)
{
        if (bearer)
                return auth_bearer(s, bearer, out, e);
        return auth_session(s, clk, cookie, out, csrf, e);
}
