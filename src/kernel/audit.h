/* Reading the audit trail, scoped to what the caller may see. */
#ifndef CR_AUDIT_SERVICE_H
#define CR_AUDIT_SERVICE_H

#include "platform/store/store.h"

/*
 * A page of audit entries, newest first: national administrators see all,
 * bureau officers the entries in their own jurisdiction.  *next_before is the
 * cursor of the next page, or 0 at the end.
 */
enum cr_err audit_list(struct store *s, const struct caller *c, struct audit_query *q,
                       audit_visit_fn visit, void *arg, int64_t *next_before, struct cr_error *e);

#endif
