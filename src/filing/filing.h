/*
 * The annual sales registration and filing (Notice 336 item IV): holders of
 * a type certificate file the previous year's sales before 31 January.
 * This part holds the deadline; the filings themselves build on it.
 */
#ifndef CR_FILING_H
#define CR_FILING_H

#include "core/date.h"
#include "core/err.h"
#include "kernel/calendar.h"
#include "kernel/rules.h"

/*
 * The last day to file the sales of year: the day of January after it that
 * the rule deadline.sales_filing in force names (31), moved to the next
 * working day when it is not one (Civil Code Art 203).  *rule receives the
 * rule applied.  Fails with calendar_year_missing when the calendar lacks
 * the year after, and invalid_value when no rule was in force.
 */
enum cr_err filing_deadline(const struct legal_calendar *cal, int year, day_t *due,
                            const struct rule **rule, struct cr_error *e);

/* Whether a filing received on day (Beijing) for year is late: after its deadline's end. */
enum cr_err filing_is_late(const struct legal_calendar *cal, int year, day_t received, int *late,
                           struct cr_error *e);

/*
 * The filing service (filing_service.c).  Filing, FilingLine, Obligation,
 * Statistics and EnterpriseEvent are the JSON objects of docs/api.md; every
 * write is one audited transaction.
 */
#include <jansson.h>
#include <stdint.h>

#include "filing/filing_csv.h"
#include "kernel/role.h"
#include "platform/store/store.h"
#include "kernel/store.h"

struct fieldcrypt;
struct filing_upload;

/*
 * Starts an upload of the enterprise user's sales of year (a year that has
 * ended), as a draft or submitted.  Loads the filer's certificates (the
 * coverage check needs no database afterwards), and refuses with
 * no_certificate when it held no type certificate during the year.  Good
 * lines are sealed with keys and spooled to a nameless file in spool_dir.
 */
enum cr_err filing_upload_begin(struct store *s, const struct caller *c, struct fieldcrypt *keys,
                                const char *spool_dir, int year, int draft,
                                struct filing_upload **out, struct cr_error *e);
/*
 * Takes the next bytes of the file as they arrive.  Problems in the file
 * are collected for filing_upload_finish, never returned here; this fails
 * only when it cannot go on.
 */
enum cr_err filing_upload_data(struct filing_upload *u, const void *data, size_t len,
                               struct cr_error *e);
/*
 * Ends the file.  With any problem: CR_EINVAL filing_invalid, e->rows every
 * problem (docs/domain.md), nothing stored.  Otherwise stores the version,
 * its lines and its log entry in one transaction and sets *out to the
 * Filing; *created is 0 when the bytes are those of the latest version,
 * which is then returned unchanged with "unchanged": true.
 */
enum cr_err filing_upload_finish(struct filing_upload *u, struct store *s, json_t **out,
                                 int *created, struct cr_error *e);
void filing_upload_free(struct filing_upload *u);

/* A Filing with its versions and events, if within the caller's scope. */
enum cr_err filing_get(struct store *s, const struct caller *c, int64_t id, json_t **out,
                       struct cr_error *e);
enum cr_err filing_list(struct store *s, const struct caller *c, struct record_query *q, int year,
                        const char *status, json_t *items, int64_t *next, struct cr_error *e);
/* "submit" (draft -> submitted), "accept" or "return" (submitted -> accepted/returned). */
enum cr_err filing_act(struct store *s, const struct caller *c, int64_t id, const char *action,
                       const json_t *body, json_t **out, struct cr_error *e);
/* A page of FilingLine (masked) after line `after`; *next is the next cursor or 0. */
enum cr_err filing_lines(struct store *s, const struct caller *c, int64_t id, int64_t after,
                         int limit, json_t *items, int64_t *next, struct cr_error *e);
/* A line's protected values in clear, to an officer of the filing's bureau only; audited. */
enum cr_err filing_reveal(struct store *s, const struct caller *c, struct fieldcrypt *keys,
                          int64_t id, int64_t line, const json_t *body, json_t **out,
                          struct cr_error *e);
enum cr_err filing_deadline_json(struct store *s, int year, json_t **out, struct cr_error *e);
/* Obligations of year in the caller's scope; limit 0 gives every row (exports). */
enum cr_err filing_obligations(struct store *s, const struct caller *c, int year,
                               const char *bureau, const char *state, int64_t after, int limit,
                               json_t *items, int64_t *next, struct cr_error *e);
/* Statistics of year (0: only by_year) in the caller's scope. */
enum cr_err filing_statistics(struct store *s, const struct caller *c, int year, const char *bureau,
                              json_t **out, struct cr_error *e);
/*
 * Records an overdue-filing event for every enterprise obliged to file the
 * sales of year without a submitted version, once its deadline has passed
 * (deadline_not_passed before).  Events already recorded stay as they are.
 */
enum cr_err filing_record_overdue(struct store *s, const struct caller *c, int year, int *recorded,
                                  int *already, char due[DATE_LEN], struct cr_error *e);
enum cr_err filing_events(struct store *s, const struct caller *c, struct record_query *q,
                          const char *kind, const char *subject, json_t *items, int64_t *next,
                          struct cr_error *e);

#endif
