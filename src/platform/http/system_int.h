/* The platform's own handlers, for its route table. */
#ifndef CR_SYSTEM_INT_H
#define CR_SYSTEM_INT_H

#include "platform/capability.h"
struct http_request;
struct http_response;

enum cr_err h_healthz(struct http_request *rq, struct http_response *rs);
enum cr_err h_metrics(struct http_request *rq, struct http_response *rs);
enum cr_err h_openapi(struct http_request *rq, struct http_response *rs);

#endif
