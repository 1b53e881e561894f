/* The kernel's handlers, for its route table (capability.c). */
#ifndef CR_KERNEL_INT_H
#define CR_KERNEL_INT_H

#include "platform/capability.h"
struct http_request;
struct http_response;

enum cr_err h_bureau_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_bureau_get(struct http_request *rq, struct http_response *rs);
enum cr_err h_audit_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_reference(struct http_request *rq, struct http_response *rs);
enum cr_err h_rules(struct http_request *rq, struct http_response *rs);
enum cr_err h_calendar_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_calendar_year(struct http_request *rq, struct http_response *rs);
enum cr_err h_calendar_put(struct http_request *rq, struct http_response *rs);
enum cr_err h_calendar_deadline(struct http_request *rq, struct http_response *rs);

#endif
