/* Inside the filing capability: handlers, migrations and the overdue job, for capability.c. */
#ifndef CR_FILING_INT_H
#define CR_FILING_INT_H

#include "platform/capability.h"
struct http_request;
struct http_response;

enum cr_err h_filing_deadline(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_obligations(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_statistics(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_overdue(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_events(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_get(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_lines(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_reveal(struct http_request *rq, struct http_response *rs);
enum cr_err h_filing_action(struct http_request *rq, struct http_response *rs);
/* The streamed upload of a filing file (routes.c). */
struct body_stream;
extern const struct body_stream filing_upload_stream;

/* The released migrations of this capability (migrations.c). */
#define FILING_MIGRATIONS 1
extern const struct migration filing_migrations[FILING_MIGRATIONS];

/* Records last year's overdue filings once a day, after the deadline (overdue_job.c). */
enum cr_err filing_overdue_job(const struct job_env *env, void *state, struct cr_error *e);
/* What the job remembers between rounds. */
struct filing_overdue_state {
        char swept_on[DATE_LEN]; /* the Beijing date of the last sweep */
};

#endif
