/* Scoped, paginated reading of the audit trail. */
#include "kernel/audit.h"

#include "kernel/pager.h"
#include "kernel/store.h"

struct audit_page {
        struct pager pager;
        audit_visit_fn visit;
        void *arg;
};

static enum cr_err audit_page_visit(void *arg, int64_t id, json_t *entry)
{
        struct audit_page *p = arg;

        if (pager_take(&p->pager, id))
                return p->visit(p->arg, id, entry);
        json_decref(entry);
        return CR_OK;
}

enum cr_err audit_list(struct store *s, const struct caller *c, struct audit_query *q,
                       audit_visit_fn visit, void *arg, int64_t *next_before, struct cr_error *e)
{
        struct audit_page page = {{0, 0, 0, 0}, visit, arg};
        enum cr_err err;

        if (c->role == ROLE_BUREAU_OFFICER)
                q->bureau_code = c->bureau_code;
        else if (c->role != ROLE_NATIONAL_ADMIN)
                return cr_fail(e, CR_EFORBIDDEN, "forbidden", NULL,
                               "only administrators and bureau officers may read the audit trail");
        pager_start(&page.pager, &q->limit);
        err = store_audit_list(s, q, audit_page_visit, &page, e);
        *next_before = pager_finish(&page.pager, &q->limit);
        return err;
}
