/* Inside the registry: its handlers and migrations, for capability.c. */
#ifndef CR_REGISTRY_INT_H
#define CR_REGISTRY_INT_H

#include "platform/capability.h"
struct http_request;
struct http_response;

enum cr_err h_session_create(struct http_request *rq, struct http_response *rs);
enum cr_err h_session_get(struct http_request *rq, struct http_response *rs);
enum cr_err h_session_delete(struct http_request *rq, struct http_response *rs);
enum cr_err h_token_create(struct http_request *rq, struct http_response *rs);
enum cr_err h_token_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_token_delete(struct http_request *rq, struct http_response *rs);
enum cr_err h_public_enterprise_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_public_enterprise_get(struct http_request *rq, struct http_response *rs);
enum cr_err h_registry_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_registry_get(struct http_request *rq, struct http_response *rs);
enum cr_err h_registry_create(struct http_request *rq, struct http_response *rs);
enum cr_err h_registry_patch(struct http_request *rq, struct http_response *rs);
enum cr_err h_registry_bureau(struct http_request *rq, struct http_response *rs);
enum cr_err h_registry_import(struct http_request *rq, struct http_response *rs);
enum cr_err h_user_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_user_create(struct http_request *rq, struct http_response *rs);
enum cr_err h_user_disable(struct http_request *rq, struct http_response *rs);
enum cr_err h_user_password(struct http_request *rq, struct http_response *rs);

/* The released migrations of this capability (migrations.c). */
#define REGISTRY_MIGRATIONS 1
extern const struct migration registry_migrations[REGISTRY_MIGRATIONS];

/* The platform's authenticator: bearer tokens and console sessions (auth_service.c). */
enum cr_err registry_authenticate(struct store *s, const struct clock *clk, const char *bearer,
                                  const char *cookie, struct user *out, char csrf[48],
                                  struct cr_error *e);

#endif
