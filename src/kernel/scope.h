/* Helpers shared by the licensing services: record fields, scope, audit, pages and text checks. */
#ifndef CR_LICENSING_UTIL_H
#define CR_LICENSING_UTIL_H

#include <jansson.h>
#include <stdint.h>

#include "core/err.h"
#include "kernel/role.h"
#include "platform/store/store.h"
#include "kernel/store.h"

/* A string member of a record, or "" when absent. */
static inline const char *jstr(const json_t *o, const char *key)
{
        const char *v = json_string_value(json_object_get(o, key));
        return v ? v : "";
}

static inline int64_t jint(const json_t *o, const char *key)
{
        return json_integer_value(json_object_get(o, key));
}

/*
 * Whether a record of this bureau and enterprise is within the caller's
 * scope: administrators see all, officers and inspectors their bureau's,
 * enterprise users their own enterprise's.
 */
int lic_in_scope(const struct caller *c, const char *bureau_code, const char *enterprise_uscc);

/* Narrows a list query to the caller's scope; fails if the caller asks for another's. */
enum cr_err lic_scope_query(const struct caller *c, struct record_query *q, struct cr_error *e);

/* Whether the caller acts for the bureau (an officer of it, or an administrator). */
int lic_acts_for_bureau(const struct caller *c, const char *bureau_code);

/* Appends an audit record for a licensing record (before/after may be NULL; not stolen). */
enum cr_err lic_audit(struct store *s, const struct caller *c, const char *action,
                      const char *entity_type, const char *entity_id, const char *bureau_code,
                      json_t *before, json_t *after, struct cr_error *e);

/* Clamps a page size and widens it by one so the store shows whether a next page exists. */
void lic_page_start(int *limit);
/* Moves at most limit rows of fetched (stolen) into items; *next is the next cursor or 0. */
void lic_page_finish(json_t *fetched, int limit, json_t *items, int64_t *next);

/*
 * Checks an optional or required text member: a string of 1..max
 * characters (0..max when optional), valid UTF-8 without control
 * characters other than line breaks in multi-line text.
 */
enum cr_err lic_check_text(const json_t *o, const char *key, int required, long max,
                           struct cr_error *e);


#endif
