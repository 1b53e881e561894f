/*
 * The filing capability's storage slice (store.c), for its domain only.
 */
#ifndef CR_FILING_STORE_H
#define CR_FILING_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "kernel/store.h"
#include "platform/store/store.h"

/*
 * The annual sales filing (repo_filing.c).  A Filing travels as a JSON
 * object keyed by the columns of `filings` (migrate.c, migration 5) plus
 * enterprise_name and current; lines, which come by the million, travel as
 * struct store_filing_line.
 */
enum store_filing_col {
        SFL_SALE_DATE,
        SFL_CERTIFICATE_NUMBER,
        SFL_PRODUCT_MODEL,
        SFL_BUYER_TYPE,
        SFL_BUYER_NAME,
        SFL_BUYER_USCC,
        SFL_BUYER_ID_TYPE,
        SFL_BUYER_ID_SEALED,
        SFL_BUYER_ID_MASKED,
        SFL_BUYER_ADDRESS,
        SFL_BUYER_CONTACT_SEALED,
        SFL_BUYER_CONTACT_MASKED,
        SFL_END_USE,
        SFL_NCOLS
};

/* One stored line; the texts are views (not NUL-terminated on insert). */
struct store_filing_line {
        int64_t line; /* in the uploaded file */
        int64_t quantity;
        const char *text[SFL_NCOLS];
        size_t len[SFL_NCOLS];
};

typedef enum cr_err (*store_filing_line_fn)(void *arg, const struct store_filing_line *line,
                                            struct cr_error *e);

enum cr_err store_filing_insert(struct store *s, const json_t *f, int64_t *id, struct cr_error *e);
/* Writes the changeable columns: status, submitted_at, due_on, late, log_index, decision. */
enum cr_err store_filing_update(struct store *s, const json_t *f, struct cr_error *e);
enum cr_err store_filing_get(struct store *s, int64_t id, json_t **out, struct cr_error *e);
/* The newest version of uscc's filing for year, or *out NULL when there is none. */
enum cr_err store_filing_latest(struct store *s, const char *uscc, int year, json_t **out,
                                struct cr_error *e);
enum cr_err store_filing_versions(struct store *s, const char *uscc, int year, json_t *out,
                                  struct cr_error *e);
/* The latest version of each enterprise and year in q's scope (year 0: all), newest first. */
enum cr_err store_filing_list(struct store *s, const struct record_query *q, int year,
                              const char *status, json_t *out, struct cr_error *e);
enum cr_err store_filing_line_insert(struct store *s, int64_t filing_id,
                                     const struct store_filing_line *l, struct cr_error *e);
/* Visits lines after after_line in order, at most limit (0: all); views live for the call. */
enum cr_err store_filing_lines(struct store *s, int64_t filing_id, int64_t after_line, int limit,
                               store_filing_line_fn fn, void *arg, struct cr_error *e);
enum cr_err store_filing_line_get(struct store *s, int64_t filing_id, int64_t line,
                                  store_filing_line_fn fn, void *arg, struct cr_error *e);
enum cr_err store_filing_total_put(struct store *s, int64_t filing_id, const char *certificate,
                                   int64_t lines, int64_t quantity, struct cr_error *e);
enum cr_err store_filing_event_add(struct store *s, int64_t filing_id, const char *at,
                                   const char *actor, const char *action, const char *from,
                                   const char *to, const char *reason, struct cr_error *e);
enum cr_err store_filing_events(struct store *s, int64_t filing_id, json_t *out,
                                struct cr_error *e);
/*
 * Every enterprise obliged to file the sales of year (it held a type
 * certificate valid on some day of the year) with where its filing stands:
 * objects {enterprise_id, uscc, name, bureau_code, certificates, state,
 * filing_id, version, status, submitted_at, late, overdue_event_id},
 * ordered by enterprise_id after after_enterprise, at most limit (0: all).
 * bureau_code and state (on_time, late, returned, missing) filter when set.
 */
enum cr_err store_filing_obligations(struct store *s, int year, const char *bureau_code,
                                     const char *state, int64_t after_enterprise, int limit,
                                     json_t *out, struct cr_error *e);
/* Sets by_bureau, by_category and by_algorithm of out for year (docs/api.md Statistics). */
enum cr_err store_filing_statistics(struct store *s, int year, const char *bureau_code, json_t *out,
                                    struct cr_error *e);
/* The years that have any filing, ascending, as integers appended to out. */
enum cr_err store_filing_years(struct store *s, json_t *out, struct cr_error *e);

/*
 * Enterprise events: {uscc, kind, subject, occurred_on, rule_id, citation,
 * details, recorded_at}.  Adding one that exists (same uscc, kind and
 * subject) changes nothing and sets *added to 0.
 */
enum cr_err store_enterprise_event_add(struct store *s, const json_t *ev, int *added,
                                       struct cr_error *e);
enum cr_err store_enterprise_event_resolve(struct store *s, const char *uscc, const char *kind,
                                           const char *subject, const char *resolved_on,
                                           int64_t filing_id, struct cr_error *e);
enum cr_err store_enterprise_events(struct store *s, const struct record_query *q, const char *kind,
                                    const char *subject, json_t *out, struct cr_error *e);

#endif
