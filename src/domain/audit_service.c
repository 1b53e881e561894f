/* Scoped, paginated reading of the audit trail. */
#include "domain/audit_service.h"

#include "domain/enterprise_service.h"
#include "core/banned.h"

struct audit_page {
        audit_visit_fn visit;
        void *arg;
        int limit, seen, more;
        int64_t last_id;
};

static enum cr_err audit_page_visit(void *arg, int64_t id, json_t *entry)
{
        struct audit_page *p = arg;

        if (p->seen == p->limit) {
                p->more = 1;
                json_decref(entry);
                return CR_OK;
        }
        p->seen++;
        p->last_id = id;
        return p->visit(p->arg, id, entry);
}

enum cr_err audit_list(struct store *s, const struct caller *c, struct audit_query *q,
                       audit_visit_fn visit, void *arg, int64_t *next_before, struct cr_error *e)
{
        struct audit_page page = {visit, arg, 0, 0, 0, 0};
        enum cr_err err;

        if (c->role == ROLE_BUREAU_OFFICER)
                q->bureau_code = c->bureau_code;
        else if (c->role != ROLE_NATIONAL_ADMIN)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "only administrators and bureau officers may read the audit trail");
        if (q->limit <= 0)
                q->limit = LIST_LIMIT_DEFAULT;
        if (q->limit > LIST_LIMIT_MAX)
                q->limit = LIST_LIMIT_MAX;
        page.limit = q->limit;
        q->limit++;
        err = store_audit_list(s, q, audit_page_visit, &page, e);
        q->limit--;
        *next_before = (!err && page.more) ? page.last_id : 0;
        return err;
}
