/* Helpers shared by the licensing services. */
#include "kernel/scope.h"

#include <string.h>

#include "core/timeutil.h"
#include "core/utf8.h"
#include "registry/enterprise_service.h"
#include "kernel/pager.h"
#include "registry/user.h"
#include "kernel/store.h"
#include "kernel/audit.h"

int lic_in_scope(const struct caller *c, const char *bureau_code, const char *enterprise_uscc)
{
        switch (c->role) {
        case ROLE_NATIONAL_ADMIN:
                return 1;
        case ROLE_BUREAU_OFFICER:
        case ROLE_INSPECTOR:
                return strcmp(c->bureau_code, bureau_code) == 0;
        case ROLE_ENTERPRISE_USER:
                return strcmp(c->enterprise_uscc, enterprise_uscc) == 0;
        default:
                return 0;
        }
}

enum cr_err lic_scope_query(const struct caller *c, struct record_query *q, struct cr_error *e)
{
        switch (c->role) {
        case ROLE_NATIONAL_ADMIN:
                return CR_OK;
        case ROLE_BUREAU_OFFICER:
        case ROLE_INSPECTOR:
                if (q->bureau_code && strcmp(q->bureau_code, c->bureau_code) != 0)
                        return cr_fail(e, CR_EFORBIDDEN, "forbidden", "bureau",
                                       "you may list only bureau %s", c->bureau_code);
                q->bureau_code = c->bureau_code;
                return CR_OK;
        case ROLE_ENTERPRISE_USER:
                if (q->enterprise_uscc && strcmp(q->enterprise_uscc, c->enterprise_uscc) != 0)
                        return cr_fail(e, CR_EFORBIDDEN, "forbidden", "enterprise",
                                       "you may list only your own enterprise's records");
                q->enterprise_uscc = c->enterprise_uscc;
                return CR_OK;
        default:
                return cr_fail(e, CR_EUNAUTH, "unauthenticated", NULL, "sign in first");
        }
}

int lic_acts_for_bureau(const struct caller *c, const char *bureau_code)
{
        return c->role == ROLE_NATIONAL_ADMIN ||
               (c->role == ROLE_BUREAU_OFFICER && strcmp(c->bureau_code, bureau_code) == 0);
}

enum cr_err lic_audit(struct store *s, const struct caller *c, const char *action,
                      const char *entity_type, const char *entity_id, const char *bureau_code,
                      json_t *before, json_t *after, struct cr_error *e)
{
        struct audit_record r = {c, action, entity_type, entity_id, bureau_code, before, after};

        return store_audit_append(s, &r, e);
}

void lic_page_start(int *limit)
{
        if (*limit <= 0)
                *limit = LIST_LIMIT_DEFAULT;
        if (*limit > LIST_LIMIT_MAX)
                *limit = LIST_LIMIT_MAX;
        (*limit)++;
}

void lic_page_finish(json_t *fetched, int limit, json_t *items, int64_t *next)
{
        size_t n = json_array_size(fetched);
        size_t take = n < (size_t)limit ? n : (size_t)limit;

        for (size_t i = 0; i < take; i++)
                json_array_append(items, json_array_get(fetched, i));
        *next = n > take && take ? jint(json_array_get(fetched, take - 1), "id") : 0;
        json_decref(fetched);
}

enum cr_err lic_check_text(const json_t *o, const char *key, int required, long max,
                           struct cr_error *e)
{
        const json_t *v = json_object_get(o, key);
        const char *s;
        size_t len;
        long chars;

        if (!v || json_is_null(v)) {
                if (required)
                        return cr_fail(e, CR_EINVAL, "missing_field", key, "%s is required", key);
                return CR_OK;
        }
        if (!json_is_string(v))
                return cr_fail(e, CR_EINVAL, "wrong_type", key, "%s must be a string", key);
        s = json_string_value(v);
        len = json_string_length(v);
        chars = utf8_count(s, len);
        if (chars < 0 || memchr(s, '\0', len))
                return cr_fail(e, CR_EINVAL, "invalid_value", key, "%s is not valid UTF-8 text",
                               key);
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)s[i] < 0x20 && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
                        return cr_fail(e, CR_EINVAL, "invalid_value", key,
                                       "%s contains a control character", key);
        if (required && chars == 0)
                return cr_fail(e, CR_EINVAL, "missing_field", key, "%s must not be empty", key);
        if (chars > max)
                return cr_fail(e, CR_EINVAL, "too_long", key, "%s is longer than %ld characters",
                               key, max);
        return CR_OK;
}
