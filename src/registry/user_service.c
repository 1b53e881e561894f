/* User operations, each checked against the caller's role and audited. */
#include "registry/user_service.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "kernel/bureau.h"
#include "registry/enterprise_service.h"
#include "kernel/store.h"
#include "registry/store.h"
#include "kernel/audit.h"

json_t *user_to_json(const struct user *u)
{
        return json_pack("{s:s, s:s, s:s, s:o, s:o, s:b, s:s}", "username", u->username,
                         "display_name", u->display_name, "role", role_name(u->role), "bureau_code",
                         u->bureau_code[0] ? json_string(u->bureau_code) : json_null(),
                         "enterprise_uscc",
                         u->enterprise_uscc[0] ? json_string(u->enterprise_uscc) : json_null(),
                         "disabled", u->disabled, "created_at", u->created_at);
}

void caller_from_user(struct caller *c, const struct user *u, const char *ip)
{
        memset(c, 0, sizeof(*c));
        c->role = u->role;
        c->user_id = u->id;
        str_copy(c->username, sizeof(c->username), u->username);
        str_copy(c->bureau_code, sizeof(c->bureau_code), u->bureau_code);
        str_copy(c->enterprise_uscc, sizeof(c->enterprise_uscc), u->enterprise_uscc);
        str_copy(c->ip, sizeof(c->ip), ip ? ip : "");
}

enum cr_err user_check_password(const char *password, struct cr_error *e)
{
        long n = utf8_count(password, strlen(password));

        if (n < 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", "password",
                               "password is not valid UTF-8 text");
        if (n < PASSWORD_MIN || n > PASSWORD_MAX)
                return cr_fail(e, CR_EINVAL, "invalid_value", "password",
                               "password must have %d to %d characters", PASSWORD_MIN,
                               PASSWORD_MAX);
        return CR_OK;
}

static enum cr_err check_user_fields(struct store *s, const struct user *u, struct cr_error *e)
{
        size_t n = strlen(u->username);
        long dn = utf8_count(u->display_name, strlen(u->display_name));

        if (n < USER_NAME_MIN || n > USER_NAME_MAX)
                return cr_fail(e, CR_EINVAL, "invalid_value", "username",
                               "username must have %d to %d characters", USER_NAME_MIN,
                               USER_NAME_MAX);
        for (size_t i = 0; i < n; i++) {
                char ch = u->username[i];
                if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                      ch == '_' || ch == '-'))
                        return cr_fail(e, CR_EINVAL, "invalid_value", "username",
                                       "username may hold only a-z, 0-9, '.', '_' and '-'");
        }
        if (dn < 1 || dn > USER_DISPLAY_MAX)
                return cr_fail(e, CR_EINVAL, "invalid_value", "display_name",
                               "display_name must have 1 to %d characters", USER_DISPLAY_MAX);
        switch (u->role) {
        case ROLE_NATIONAL_ADMIN:
                if (u->bureau_code[0] || u->enterprise_uscc[0])
                        return cr_fail(e, CR_EINVAL, "invalid_value", "role",
                                       "a national administrator is bound to no bureau or "
                                       "enterprise");
                break;
        case ROLE_BUREAU_OFFICER:
        case ROLE_INSPECTOR:
                if (!u->bureau_code[0])
                        return cr_fail(e, CR_EINVAL, "missing_field", "bureau_code",
                                       "a %s must be bound to a bureau", role_name(u->role));
                if (!bureau_find(u->bureau_code))
                        return cr_fail(e, CR_EINVAL, "invalid_value", "bureau_code",
                                       "there is no bureau with code %s", u->bureau_code);
                if (u->enterprise_uscc[0])
                        return cr_fail(e, CR_EINVAL, "invalid_value", "enterprise_uscc",
                                       "a %s is not bound to an enterprise", role_name(u->role));
                break;
        case ROLE_ENTERPRISE_USER: {
                int exists = 0;
                enum cr_err err;
                if (!u->enterprise_uscc[0])
                        return cr_fail(e, CR_EINVAL, "missing_field", "enterprise_uscc",
                                       "an enterprise user must be bound to an enterprise");
                if (u->bureau_code[0])
                        return cr_fail(e, CR_EINVAL, "invalid_value", "bureau_code",
                                       "an enterprise user is not bound to a bureau");
                err = store_enterprise_exists(s, u->enterprise_uscc, &exists, e);
                if (err)
                        return err;
                if (!exists)
                        return cr_fail(e, CR_EINVAL, "invalid_value", "enterprise_uscc",
                                       "no enterprise %s is registered", u->enterprise_uscc);
                break;
        }
        default:
                return cr_fail(e, CR_EINVAL, "invalid_value", "role", "unknown role");
        }
        return CR_OK;
}

static enum cr_err audit_user(struct store *s, const struct caller *c, const char *action,
                              const struct user *before, const struct user *after,
                              struct cr_error *e)
{
        json_t *jb = before ? user_to_json(before) : NULL;
        json_t *ja = after ? user_to_json(after) : NULL;
        const struct user *u = after ? after : before;
        struct audit_record r = {
            c, action, "user", u->username, u->bureau_code[0] ? u->bureau_code : NULL, jb, ja};
        enum cr_err err = store_audit_append(s, &r, e);

        json_decref(jb);
        json_decref(ja);
        return err;
}

enum cr_err user_create(struct store *s, const struct caller *c, struct user *u,
                        const char *password, struct cr_error *e)
{
        enum cr_err err;

        if (c->role != ROLE_NATIONAL_ADMIN)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "only a national administrator may add users");
        err = user_check_password(password, e);
        if (!err)
                err = check_user_fields(s, u, e);
        if (!err)
                err = password_hash(password, u->password_hash, e);
        if (err)
                return err;
        u->disabled = 0;
        caller_now(c, u->created_at);
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_user_insert(s, u, e);
        if (!err)
                err = audit_user(s, c, "user.create", NULL, u, e);
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}

enum cr_err user_disable(struct store *s, const struct caller *c, const char *username,
                         struct user *out, struct cr_error *e)
{
        struct user before;
        enum cr_err err;

        if (c->role != ROLE_NATIONAL_ADMIN)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "only a national administrator may disable users");
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_user_get(s, username, &before, e);
        if (!err) {
                *out = before;
                out->disabled = 1;
                err = store_user_update(s, out, e);
        }
        if (!err)
                err = store_session_delete_for_user(s, out->id, e);
        if (!err)
                err = audit_user(s, c, "user.disable", &before, out, e);
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}

enum cr_err user_set_password(struct store *s, const struct caller *c, const char *username,
                              const char *password, struct cr_error *e)
{
        struct user u;
        enum cr_err err;

        if (c->role != ROLE_NATIONAL_ADMIN && strcmp(c->username, username) != 0)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "you may change only your own password");
        err = user_check_password(password, e);
        if (err)
                return err;
        err = store_begin(s, e);
        if (err)
                return err;
        err = store_user_get(s, username, &u, e);
        if (!err)
                err = password_hash(password, u.password_hash, e);
        if (!err)
                err = store_user_update(s, &u, e);
        if (!err)
                err = store_session_delete_for_user(s, u.id, e);
        if (!err) {
                /* The audit shows that the password changed, never a hash of it. */
                json_t *after =
                    json_pack("{s:s, s:b}", "username", u.username, "password_changed", 1);
                struct audit_record r = {c,
                                         "user.password",
                                         "user",
                                         u.username,
                                         u.bureau_code[0] ? u.bureau_code : NULL,
                                         NULL,
                                         after};
                err = store_audit_append(s, &r, e);
                json_decref(after);
        }
        if (!err)
                err = store_commit(s, e);
        if (err)
                store_rollback(s);
        return err;
}

struct user_page {
        struct pager pager;
        user_visit_fn visit;
        void *arg;
};

static enum cr_err user_page_visit(void *arg, const struct user *u)
{
        struct user_page *p = arg;

        return pager_take(&p->pager, u->id) ? p->visit(p->arg, u) : CR_OK;
}

enum cr_err user_list(struct store *s, const struct caller *c, struct user_query *q,
                      user_visit_fn visit, void *arg, int64_t *next_after, struct cr_error *e)
{
        struct user_page page = {{0, 0, 0, 0}, visit, arg};
        enum cr_err err;

        if (c->role == ROLE_BUREAU_OFFICER)
                q->bureau_code = c->bureau_code;
        else if (c->role != ROLE_NATIONAL_ADMIN)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "only administrators and bureau officers may list users");
        pager_start(&page.pager, &q->limit);
        err = store_user_list(s, q, user_page_visit, &page, e);
        *next_after = pager_finish(&page.pager, &q->limit);
        return err;
}

enum cr_err user_get_self(struct store *s, const struct caller *c, struct user *out,
                          struct cr_error *e)
{
        if (!c->user_id)
                return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL, "sign in first");
        return store_user_get(s, c->username, out, e);
}
