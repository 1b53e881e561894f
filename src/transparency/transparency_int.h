/* Inside the transparency log: handlers, migrations and the integrator job, for capability.c. */
#ifndef CR_TRANSPARENCY_INT_H
#define CR_TRANSPARENCY_INT_H

#include "platform/capability.h"
struct http_request;
struct http_response;

enum cr_err h_log_checkpoint(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_key(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_tile(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_entry(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_receipt(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_status(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_consistency(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_witnesses(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_cosign(struct http_request *rq, struct http_response *rs);

/* The released migrations of this capability (migrations.c). */
#define TRANSPARENCY_MIGRATIONS 2
extern const struct migration transparency_migrations[TRANSPARENCY_MIGRATIONS];

/* Folds new entries into a signed checkpoint (transparency.c). */
enum cr_err log_integrate_job(const struct job_env *env, void *state, struct cr_error *e);

#endif
