/* Inside licensing: its handlers and migrations, for capability.c. */
#ifndef CR_LICENSING_INT_H
#define CR_LICENSING_INT_H

#include "platform/capability.h"
struct http_request;
struct http_response;

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

/* The released migrations of this capability (migrations.c). */
#define LICENSING_MIGRATIONS 1
extern const struct migration licensing_migrations[LICENSING_MIGRATIONS];

/* Reads the public address that certificates and QR codes print (certificate.c). */
void licensing_configure(const struct config *cfg);

#endif
