/* Every route handler, declared for the route table. */
#ifndef CR_HANDLERS_H
#define CR_HANDLERS_H

#include "http/http.h"

enum cr_err h_healthz(struct http_request *rq, struct http_response *rs);
enum cr_err h_metrics(struct http_request *rq, struct http_response *rs);
enum cr_err h_openapi(struct http_request *rq, struct http_response *rs);
enum cr_err h_bureau_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_bureau_get(struct http_request *rq, struct http_response *rs);

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
enum cr_err h_audit_list(struct http_request *rq, struct http_response *rs);

enum cr_err h_reference(struct http_request *rq, struct http_response *rs);
enum cr_err h_rules(struct http_request *rq, struct http_response *rs);
enum cr_err h_calendar_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_calendar_year(struct http_request *rq, struct http_response *rs);
enum cr_err h_calendar_put(struct http_request *rq, struct http_response *rs);
enum cr_err h_calendar_deadline(struct http_request *rq, struct http_response *rs);
enum cr_err h_product_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_product_create(struct http_request *rq, struct http_response *rs);
enum cr_err h_product_get(struct http_request *rq, struct http_response *rs);
enum cr_err h_product_patch(struct http_request *rq, struct http_response *rs);
enum cr_err h_application_create(struct http_request *rq, struct http_response *rs);
enum cr_err h_application_list(struct http_request *rq, struct http_response *rs);
enum cr_err h_application_get(struct http_request *rq, struct http_response *rs);
enum cr_err h_application_action(struct http_request *rq, struct http_response *rs);
enum cr_err h_application_attach(struct http_request *rq, struct http_response *rs);
enum cr_err h_application_document(struct http_request *rq, struct http_response *rs);
enum cr_err h_certificate_lookup(struct http_request *rq, struct http_response *rs);
enum cr_err h_certificate_get(struct http_request *rq, struct http_response *rs);
enum cr_err h_certificate_document(struct http_request *rq, struct http_response *rs);
enum cr_err h_certificate_signature(struct http_request *rq, struct http_response *rs);
enum cr_err h_certificate_qr(struct http_request *rq, struct http_response *rs);
enum cr_err h_signing_keys(struct http_request *rq, struct http_response *rs);
enum cr_err h_signing_key(struct http_request *rq, struct http_response *rs);
enum cr_err h_registry_certificates(struct http_request *rq, struct http_response *rs);
enum cr_err h_certificate_status(struct http_request *rq, struct http_response *rs);
enum cr_err h_legacy_import(struct http_request *rq, struct http_response *rs);

enum cr_err h_log_checkpoint(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_key(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_tile(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_entry(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_receipt(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_status(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_consistency(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_witnesses(struct http_request *rq, struct http_response *rs);
enum cr_err h_log_cosign(struct http_request *rq, struct http_response *rs);

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
/* The streamed upload of a filing file (handlers_filing.c). */
struct body_stream;
extern const struct body_stream filing_upload_stream;

#endif
