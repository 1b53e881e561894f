/* The audit trail: its record, and reading it scoped to what the caller may see. */
#ifndef CR_AUDIT_H
#define CR_AUDIT_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "kernel/role.h"
#include "platform/store/store.h"

/*
 * One entry of the append-only audit trail: who did what to which record,
 * from where, with the record before and after (NULL when absent).  The
 * JSON values are borrowed, not owned.
 */
struct audit_record {
        const struct caller *who;
        const char *action;      /* "enterprise.create", "user.disable", ... */
        const char *entity_type; /* "enterprise", "user", "session", "token" */
        const char *entity_id;
        const char *bureau_code; /* the bureau whose jurisdiction the record is in, or NULL */
        json_t *before;
        json_t *after;
};

struct audit_query {
        const char *entity_type;
        const char *entity_id;
        const char *bureau_code; /* only entries in this bureau's jurisdiction */
        int64_t before_id;       /* cursor: newest first, ids less than this (0: from the newest) */
        int limit;
};
typedef enum cr_err (*audit_visit_fn)(void *arg, int64_t id, json_t *entry);

/*
 * A page of audit entries, newest first: national administrators see all,
 * bureau officers the entries in their own jurisdiction.  *next_before is the
 * cursor of the next page, or 0 at the end.
 */
enum cr_err audit_list(struct store *s, const struct caller *c, struct audit_query *q,
                       audit_visit_fn visit, void *arg, int64_t *next_before, struct cr_error *e);

#endif
