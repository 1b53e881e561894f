/*
 * The kernel's storage slice: bureaus, the audit trail, the legal calendar,
 * and the scoped list query that the capabilities' slices share.
 */
#ifndef CR_KERNEL_STORE_H
#define CR_KERNEL_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "kernel/audit.h"
#include "platform/store/store.h"

/* Bureaus: seeded from the domain's table; idempotent. */
enum cr_err store_bureaus_seed(struct store *s, struct cr_error *e);


enum cr_err store_audit_append(struct store *s, const struct audit_record *r, struct cr_error *e);
enum cr_err store_audit_list(struct store *s, const struct audit_query *q, audit_visit_fn visit,
                             void *arg, struct cr_error *e);

/* What a list of a capability's records is narrowed to: scope, filters and cursor. */
struct record_query {
        const char *bureau_code;     /* only this bureau's; NULL for all */
        const char *enterprise_uscc; /* only this enterprise's; NULL for all */
        const char *state;           /* applications in this state; NULL for all */
        const char *overdue_before;  /* applications whose deadline is before this date */
        const char *q;               /* products: name or model text */
        int64_t after_id;            /* cursor */
        int limit;
};

/* The legal calendar: one file per year, as loaded. */
enum cr_err store_calendar_put(struct store *s, int year, const char *source, const char *file,
                               const char *sm3, int days, const char *now, const char *by,
                               struct cr_error *e);
/* Appends {year, source, sm3, days, loaded_at, loaded_by} (and "file" if with_file) per year. */
enum cr_err store_calendar_list(struct store *s, int with_file, json_t *out, struct cr_error *e);

#endif
