/*
 * Registry operations on enterprises: each checks the caller's right, applies
 * the rules, and writes the record with its audit entry in one transaction.
 */
#ifndef CR_ENTERPRISE_SERVICE_H
#define CR_ENTERPRISE_SERVICE_H

#include <stddef.h>

#include "registry/enterprise.h"
#include "kernel/pager.h"
#include "platform/store/store.h"
#include "registry/store.h"

#define LIST_LIMIT_DEFAULT  50
#define LIST_LIMIT_MAX      200
#define CSV_IMPORT_MAX_ROWS 100000

/* A change to some fields of an enterprise: `fields` says which members of `values` to apply. */
struct enterprise_patch {
        unsigned fields; /* enum ent_field bits */
        struct enterprise values;
};

/* Registers ent (fields already set); derives its bureau; fills in the stored record. */
enum cr_err enterprise_create(struct store *s, const struct caller *c, struct enterprise *ent,
                              struct cr_error *e);

/* Applies a patch to the enterprise with this USCC; out receives the new record. */
enum cr_err enterprise_update(struct store *s, const struct caller *c, const char *uscc,
                              const struct enterprise_patch *p, struct enterprise *out,
                              struct cr_error *e);

/*
 * Sets the competent bureau by hand (national administrators only), with a
 * reason; a NULL bureau_code returns to the derived bureau.
 */
enum cr_err enterprise_override_bureau(struct store *s, const struct caller *c, const char *uscc,
                                       const char *bureau_code, const char *reason,
                                       struct enterprise *out, struct cr_error *e);

/* One enterprise's record for the public lookup (enterprise_to_json(ent, 0) shows its public part). */
enum cr_err enterprise_get_public(struct store *s, const char *uscc, struct enterprise *out,
                                  struct cr_error *e);
/* How many enterprises are registered. */
enum cr_err enterprise_count(struct store *s, int64_t *out, struct cr_error *e);

/* One enterprise as the caller may see it: CR_ENOTFOUND outside their scope. */
enum cr_err enterprise_get_scoped(struct store *s, const struct caller *c, const char *uscc,
                                  struct enterprise *out, struct cr_error *e);

/*
 * A page of enterprises.  With scoped non-zero the caller's row scope
 * applies (registry view); otherwise it is the public lookup, which needs a
 * query.  *next_after is set to the cursor of the next page, or 0 at the end.
 */
enum cr_err enterprise_list(struct store *s, const struct caller *c, int scoped,
                            struct enterprise_query *q, enterprise_visit_fn visit, void *arg,
                            int64_t *next_after, struct cr_error *e);

/*
 * Imports a CSV file (docs/api.md has the format).  Every row is checked;
 * if any is bad, e->rows lists each bad row and nothing is written.
 */
enum cr_err enterprise_import_csv(struct store *s, const struct caller *c, const char *data,
                                  size_t len, long *imported, struct cr_error *e);


#endif
