/* The licensing capability: the licensing routes and migrations: products, applications, certificates. */
#include <stdint.h>

#include "platform/capability.h"
#include "platform/http/route.h"
#include "licensing/licensing_int.h"
#include "licensing/licensing.h"

static const char *const approval_item_ids[] = {"type_model", "production",  "sales_permit",
                                                "fie_use",    "foreign_use", NULL};

static const char *const outcomes[] = {"approved", "refused", NULL};

static const char *const cert_statuses[] = {"valid", "suspended", "revoked", NULL};

#define PRODUCT_FIELDS(req)                                                                        \
        {"name", FT_STRING, req, 1, 200, NULL, "product name"},                                    \
            {"model", FT_STRING, req, 1, 100, NULL, "model designation"},                          \
            {"category", FT_STRING, req, 1, 40, NULL, "a category id from /api/v1/reference"},     \
            {"algorithms",                                                                         \
             FT_ARRAY,                                                                             \
             req,                                                                                  \
             1,                                                                                    \
             16,                                                                                   \
             NULL,                                                                                 \
             "[{\"name\":\"SM4\",\"key_bits\":128}, ...]: algorithms with their key lengths"},     \
        {                                                                                          \
                "description", FT_STRING, 0, 0, 2000, NULL, "what the product does"                \
        }

static const struct field_schema product_create_fields[] = {
    PRODUCT_FIELDS(1),
    {"enterprise_uscc", FT_STRING, 0, 18, 18, NULL,
     "the maker (administrators and officers; enterprise users register their own)"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema product_patch_fields[] = {
    PRODUCT_FIELDS(0),
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema application_fields[] = {
    {"item", FT_ENUM, 1, 0, 0, approval_item_ids,
     "the approval applied for; the four removed items are refused (Notice 336 item I)"},
    {"product_id", FT_INTEGER, 1, 1, INT32_MAX, NULL, "the product to approve"},
    {"renewal_of", FT_STRING, 0, 1, 60, NULL, "the certificate this renews"},
    {"form", FT_OBJECT, 1, 0, 0, NULL, "the application form's fields (docs/api.md)"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema reason_fields[] = {
    {"reason", FT_STRING, 0, 0, 1000, NULL, "why; required for most actions"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema extend_fields[] = {
    {"approver", FT_STRING, 1, 1, 100, NULL, "the head of the authority who approved it"},
    {"reason", FT_STRING, 1, 1, 1000, NULL, "why more time is needed"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema decide_fields[] = {
    {"outcome", FT_ENUM, 1, 0, 0, outcomes, "approved or refused"},
    {"reason", FT_STRING, 1, 1, 1000, NULL, "the reasons for the decision"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema cert_status_fields[] = {
    {"status", FT_ENUM, 1, 0, 0, cert_statuses, "the new status"},
    {"reason", FT_STRING, 1, 1, 1000, NULL, "why, shown publicly in the history"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct query_param product_query[] = {
    {"enterprise", "USCC of the maker"},
    {"q", "text in the name or model"},
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};

static const struct query_param application_query[] = {
    {"state", "only applications in this state"},
    {"overdue", "1: only those past their deadline"},
    {"bureau", "bureau code (national administrators)"},
    {"enterprise", "USCC of the applicant"},
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};

static const struct query_param attach_query[] = {
    {"name", "the document's file name"},
    {NULL, NULL},
};

static const struct query_param certificate_query[] = {
    {"q", "certificate number, holder USCC or name, or model; required"},
    {"at", "the date whose status to show (default today)"},
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};

static const struct query_param at_query[] = {
    {"at", "the date whose status to show (default today)"},
    {NULL, NULL},
};

static const struct query_param registry_cert_query[] = {
    {"status", "valid, suspended, revoked, expired or not_yet_valid (today)"},
    {"holder", "USCC of the holder"},
    {"bureau", "bureau code (national administrators)"},
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};

/*
 * Only the streamed routes name a body_stream, the table's last member; the
 * others leave it out, which is what the warning would flag.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route licensing_routes[] = {
    {"GET", "/api/v1/products", SIGNED, BODY_NONE, NULL, product_query, h_product_list, 200, 0,
     "products", "Products in the caller's scope", NULL},
    {"POST", "/api/v1/products", ADMIN | OFFICER | ENTUSER, BODY_JSON, product_create_fields, NULL,
     h_product_create, 201, 0, "products", "Register a product", NULL},
    {"GET", "/api/v1/products/{id}", SIGNED, BODY_NONE, NULL, NULL, h_product_get, 200, 0,
     "products", "One product", NULL},
    {"PATCH", "/api/v1/products/{id}", ADMIN | OFFICER | ENTUSER, BODY_JSON, product_patch_fields,
     NULL, h_product_patch, 200, 0, "products", "Change a product", NULL},
    {"POST", "/api/v1/applications", ENTUSER, BODY_JSON, application_fields, NULL,
     h_application_create, 201, 0, "applications", "Apply for type approval", NULL},
    {"GET", "/api/v1/applications", SIGNED, BODY_NONE, NULL, application_query, h_application_list,
     200, 0, "applications", "Applications in the caller's scope", NULL},
    {"GET", "/api/v1/applications/{number}", SIGNED, BODY_NONE, NULL, NULL, h_application_get, 200,
     0, "applications", "One application with its events and documents", NULL},
    {"POST", "/api/v1/applications/{number}/documents", ENTUSER, BODY_PDF, NULL, attach_query,
     h_application_attach, 201, 0, "applications", "Attach a PDF document (at most 10 MiB)", NULL},
    {"GET", "/api/v1/applications/{number}/documents/{id}", SIGNED, BODY_NONE, NULL, NULL,
     h_application_document, 200, 0, "applications", "Download an attached document", NULL},
    {"POST", "/api/v1/applications/{number}/request-materials", ADMIN | OFFICER, BODY_JSON,
     reason_fields, NULL, h_application_action, 200, 0, "applications",
     "Ask for missing materials; the clock stops", NULL},
    {"POST", "/api/v1/applications/{number}/supply-materials", ENTUSER, BODY_JSON, reason_fields,
     NULL, h_application_action, 200, 0, "applications",
     "Answer a request for materials; a new five-day window opens", NULL},
    {"POST", "/api/v1/applications/{number}/accept", ADMIN | OFFICER, BODY_JSON, reason_fields,
     NULL, h_application_action, 200, 0, "applications", "Accept the application", NULL},
    {"POST", "/api/v1/applications/{number}/start-review", ADMIN | OFFICER, BODY_JSON,
     reason_fields, NULL, h_application_action, 200, 0, "applications",
     "Start technical review; the clock stops and the applicant is told why", NULL},
    {"POST", "/api/v1/applications/{number}/finish-review", ADMIN | OFFICER, BODY_JSON,
     reason_fields, NULL, h_application_action, 200, 0, "applications",
     "Finish technical review; the clock runs again", NULL},
    {"POST", "/api/v1/applications/{number}/extend", ADMIN | OFFICER, BODY_JSON, extend_fields,
     NULL, h_application_action, 200, 0, "applications",
     "Extend the decision period by 10 working days, once, with the head's approval", NULL},
    {"POST", "/api/v1/applications/{number}/decide", ADMIN | OFFICER, BODY_JSON, decide_fields,
     NULL, h_application_action, 200, 0, "applications", "Approve or refuse, with reasons", NULL},
    {"POST", "/api/v1/applications/{number}/issue", ADMIN | OFFICER, BODY_JSON, reason_fields, NULL,
     h_application_action, 201, 0, "applications",
     "Issue the signed certificate of an approved application", NULL},
    {"POST", "/api/v1/applications/{number}/withdraw", ENTUSER, BODY_JSON, reason_fields, NULL,
     h_application_action, 200, 0, "applications", "Withdraw an open application", NULL},
    {"GET", "/api/v1/certificates", PUBLIC, BODY_NONE, NULL, certificate_query,
     h_certificate_lookup, 200, 1, "public",
     "Public lookup of certificates by number, holder name or USCC, or model", NULL},
    {"POST", "/api/v1/certificates/legacy/import", ADMIN | OFFICER, BODY_CSV, NULL, NULL,
     h_legacy_import, 201, 0, "certificates",
     "Record documents of the four removed items from CSV: all rows or none", NULL},
    {"GET", "/api/v1/certificates/{number}", PUBLIC, BODY_NONE, NULL, at_query, h_certificate_get,
     200, 1, "public", "One certificate with its status history", NULL},
    {"GET", "/api/v1/certificates/{number}/document", PUBLIC, BODY_NONE, NULL, NULL,
     h_certificate_document, 200, 1, "public", "The signed certificate document (JSON bytes)",
     NULL},
    {"GET", "/api/v1/certificates/{number}/signature", PUBLIC, BODY_NONE, NULL, NULL,
     h_certificate_signature, 200, 1, "public", "The document's SM2 signature (DER)", NULL},
    {"GET", "/api/v1/certificates/{number}/qr.svg", PUBLIC, BODY_NONE, NULL, NULL, h_certificate_qr,
     200, 1, "public", "A QR code of the public lookup address", NULL},
    {"POST", "/api/v1/certificates/{number}/status", ADMIN | OFFICER, BODY_JSON, cert_status_fields,
     NULL, h_certificate_status, 200, 0, "certificates",
     "Suspend, reinstate or revoke a certificate, with a reason", NULL},
    {"GET", "/api/v1/registry/certificates", SIGNED, BODY_NONE, NULL, registry_cert_query,
     h_registry_certificates, 200, 0, "certificates", "Certificates in the caller's scope", NULL},
    {"GET", "/api/v1/signing-keys", PUBLIC, BODY_NONE, NULL, NULL, h_signing_keys, 200, 1, "public",
     "The SM2 public keys that sign certificate documents", NULL},
    {"GET", "/api/v1/signing-keys/{key_id}", PUBLIC, BODY_NONE, NULL, NULL, h_signing_key, 200, 1,
     "public", "One public key as JSON, or as PEM with .pem appended", NULL},
};
#pragma GCC diagnostic pop

const struct capability licensing_capability = {
    .name = "licensing",
    .routes = licensing_routes,
    .routes_len = CAPABILITY_COUNT(licensing_routes),
    .migrations = licensing_migrations,
    .migrations_len = LICENSING_MIGRATIONS,
    .configure = licensing_configure,
    .calendar_changed = application_recompute_deadlines,
};
