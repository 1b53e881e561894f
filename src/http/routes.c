/* The route table of the HTTP API, version 1: the one place where routes are declared. */
#include "http/routes.h"

#include <stdint.h>

#include "domain/enterprise.h"
#include "domain/user.h"
#include "http/handlers.h"
#include "core/banned.h"

#define ADMIN   ROLE_BIT(ROLE_NATIONAL_ADMIN)
#define OFFICER ROLE_BIT(ROLE_BUREAU_OFFICER)
#define INSPECT ROLE_BIT(ROLE_INSPECTOR)
#define ENTUSER ROLE_BIT(ROLE_ENTERPRISE_USER)
#define PUBLIC  ROLES_ANY
#define SIGNED  ROLES_SIGNED

static const char *const enterprise_roles[] = {
    "manufacturer", "seller", "importer", "integrator", "foreign_invested", "foreign_entity", NULL};
static const char *const user_roles[] = {"national_admin", "bureau_officer", "inspector",
                                         "enterprise_user", NULL};

static const struct field_schema login_fields[] = {
    {"username", FT_STRING, 1, 1, USER_NAME_MAX, NULL, "user name"},
    {"password", FT_STRING, 1, 1, PASSWORD_MAX, NULL, "password"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

#define ENTERPRISE_TEXT_FIELDS(req)                                                                  \
        {"name_zh", FT_STRING, req, 1, ENT_NAME_ZH_MAX, NULL, "registered name in Chinese"},         \
            {"name_en", FT_STRING, 0, 0, ENT_NAME_EN_MAX, NULL, "name in English"},                  \
            {"roles",                                                                                \
             FT_ENUM_ARRAY,                                                                          \
             req,                                                                                    \
             1,                                                                                      \
             ENT_ROLE_COUNT,                                                                         \
             enterprise_roles,                                                                       \
             "roles the enterprise plays"},                                                          \
            {"address", FT_STRING, 0, 0, ENT_ADDRESS_MAX, NULL, "registered address"},               \
            {"legal_representative", FT_STRING, 0, 0, ENT_PERSON_MAX, NULL, "legal representative"}, \
            {"contact_name", FT_STRING, 0, 0, ENT_PERSON_MAX, NULL, "contact person"},               \
            {"contact_phone", FT_STRING, 0, 0, ENT_PHONE_MAX, NULL, "contact telephone"},            \
        {                                                                                            \
                "contact_email", FT_STRING, 0, 0, ENT_EMAIL_MAX, NULL, "contact e-mail"              \
        }

static const struct field_schema enterprise_create_fields[] = {
    /* Length and check characters are the domain's rule, which names what is wrong. */
    {"uscc", FT_STRING, 1, 0, 64, NULL,
     "Unified Social Credit Code (GB 32100-2015), 18 characters"},
    ENTERPRISE_TEXT_FIELDS(1),
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema enterprise_patch_fields[] = {
    ENTERPRISE_TEXT_FIELDS(0),
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema bureau_override_fields[] = {
    {"bureau_code", FT_STRING_OR_NULL, 1, 6, 6, NULL,
     "the competent bureau, or null to return to the derived one"},
    {"reason", FT_STRING, 1, 1, ENT_REASON_MAX, NULL, "why the bureau is set by hand"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema user_create_fields[] = {
    {"username", FT_STRING, 1, USER_NAME_MIN, USER_NAME_MAX, NULL, "a-z, 0-9, '.', '_', '-'"},
    {"display_name", FT_STRING, 1, 1, USER_DISPLAY_MAX, NULL, "name shown in the console"},
    {"role", FT_ENUM, 1, 0, 0, user_roles, "the user's role"},
    {"password", FT_STRING, 1, PASSWORD_MIN, PASSWORD_MAX, NULL, "initial password"},
    {"bureau_code", FT_STRING_OR_NULL, 0, 6, 6, NULL, "bureau of an officer or inspector"},
    {"enterprise_uscc", FT_STRING_OR_NULL, 0, 18, 18, NULL, "enterprise of an enterprise user"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema password_fields[] = {
    {"password", FT_STRING, 1, PASSWORD_MIN, PASSWORD_MAX, NULL, "the new password"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct field_schema token_fields[] = {
    {"name", FT_STRING, 1, 1, TOKEN_NAME_MAX, NULL, "what the token is for"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct query_param page_query[] = {
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};
static const struct query_param public_lookup_query[] = {
    {"q", "name (Chinese or English) or exact USCC; required"},
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};
static const struct query_param registry_query[] = {
    {"q", "name or USCC"},
    {"bureau", "bureau code (national administrators)"},
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};
static const struct query_param audit_query[] = {
    {"entity_type", "enterprise, user, session or token"},
    {"entity_id", "the record's key (USCC, user name, ...)"},
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};

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

static const struct query_param rules_query[] = {
    {"at", "the date (YYYY-MM-DD; default today)"},
    {"all", "1 to list every version of every rule"},
    {NULL, NULL},
};
static const struct query_param deadline_query[] = {
    {"start", "the starting day, not counted (YYYY-MM-DD)"},
    {"days", "working days, 1-1000"},
    {NULL, NULL},
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
static const struct query_param filing_year_query[] = {
    {"year", "the filing year, such as 2025 (required)"},
    {NULL, NULL},
};

static const struct query_param obligations_query[] = {
    {"year", "the filing year (required)"},
    {"state", "on_time, late, returned or missing"},
    {"bureau", "administrators: one bureau's enterprises"},
    {"format", "json (paged, the default), csv or xlsx (every row, as a file)"},
    {"limit", "page size, 1-200 (JSON)"},
    {"cursor", "the next_cursor of the previous page (JSON)"},
    {NULL, NULL},
};

static const struct query_param statistics_query[] = {
    {"year", "the filing year; without it only by_year is filled"},
    {"bureau", "administrators: one bureau"},
    {NULL, NULL},
};

static const struct query_param filing_events_query[] = {
    {"kind", "filing_overdue"},
    {"year", "events about this filing year"},
    {"enterprise", "one enterprise's USCC"},
    {"bureau", "administrators: one bureau"},
    {"limit", "page size, 1-200"},
    {"cursor", "the next_cursor of the previous page"},
    {NULL, NULL},
};

static const struct query_param filing_list_query[] = {
    {"year", "one filing year"},
    {"status", "draft, submitted, accepted or returned"},
    {"enterprise", "one enterprise's USCC"},
    {"bureau", "administrators: one bureau"},
    {"limit", "page size, 1-200"},
    {"cursor", "the next_cursor of the previous page"},
    {NULL, NULL},
};

static const struct query_param filing_upload_query[] = {
    {"draft", "1 keeps the version as a draft, to submit later"},
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
static const struct query_param receipt_query[] = {
    {"index", "the entry's index in the log"},
    {NULL, NULL},
};
static const struct field_schema cosignature_fields[] = {
    {"size", FT_INTEGER, 1, 1, INT64_MAX, NULL, "the size of the checkpoint cosigned"},
    {"cosignature", FT_STRING, 1, 10, 2000, NULL,
     "the cosignature line (C2SP tlog-cosignature), ending in a newline"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
};

static const struct query_param consistency_query[] = {
    {"from", "the smaller tree size (at least 1)"},
    {"to", "the larger tree size (at most the signed size)"},
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
const struct route routes[] = {
    {"GET", "/healthz", PUBLIC, BODY_NONE, NULL, NULL, h_healthz, 200, 0, "operations",
     "Liveness and database check", NULL},
    {"GET", "/metrics", PUBLIC, BODY_NONE, NULL, NULL, h_metrics, 200, 0, "operations",
     "Prometheus metrics", NULL},
    {"GET", "/api/v1/openapi.json", PUBLIC, BODY_NONE, NULL, NULL, h_openapi, 200, 1, "operations",
     "This API description (OpenAPI 3.1)", NULL},

    {"POST", "/api/v1/session", PUBLIC, BODY_JSON, login_fields, NULL, h_session_create, 200, 0,
     "session", "Sign in; sets the console session cookie", "Session"},
    {"GET", "/api/v1/session", SIGNED, BODY_NONE, NULL, NULL, h_session_get, 200, 0, "session",
     "The signed-in user and the CSRF token", "Session"},
    {"DELETE", "/api/v1/session", SIGNED, BODY_NONE, NULL, NULL, h_session_delete, 204, 0,
     "session", "Sign out", NULL},

    {"GET", "/api/v1/bureaus", PUBLIC, BODY_NONE, NULL, NULL, h_bureau_list, 200, 1, "bureaus",
     "The 33 provincial-level bureaus", "BureauList"},
    {"GET", "/api/v1/bureaus/{code}", PUBLIC, BODY_NONE, NULL, NULL, h_bureau_get, 200, 1,
     "bureaus", "One bureau", "Bureau"},

    {"GET", "/api/v1/enterprises", PUBLIC, BODY_NONE, NULL, public_lookup_query,
     h_public_enterprise_list, 200, 1, "public", "Public lookup of enterprises by name or USCC",
     "PublicEnterprisePage"},
    {"GET", "/api/v1/enterprises/{uscc}", PUBLIC, BODY_NONE, NULL, NULL, h_public_enterprise_get,
     200, 1, "public", "One enterprise's public record", "PublicEnterprise"},

    {"GET", "/api/v1/registry/enterprises", ADMIN | OFFICER | INSPECT | ENTUSER, BODY_NONE, NULL,
     registry_query, h_registry_list, 200, 0, "registry",
     "Enterprises in the caller's scope, full records", "EnterprisePage"},
    {"POST", "/api/v1/registry/enterprises", ADMIN | OFFICER, BODY_JSON, enterprise_create_fields,
     NULL, h_registry_create, 201, 0, "registry", "Register an enterprise", "Enterprise"},
    {"POST", "/api/v1/registry/enterprises/import", ADMIN | OFFICER, BODY_CSV, NULL, NULL,
     h_registry_import, 201, 0, "registry", "Import enterprises from CSV: all rows or none", NULL},
    {"GET", "/api/v1/registry/enterprises/{uscc}", ADMIN | OFFICER | INSPECT | ENTUSER, BODY_NONE,
     NULL, NULL, h_registry_get, 200, 0, "registry", "One enterprise in the caller's scope",
     "Enterprise"},
    {"PATCH", "/api/v1/registry/enterprises/{uscc}", ADMIN | OFFICER | ENTUSER, BODY_JSON,
     enterprise_patch_fields, NULL, h_registry_patch, 200, 0, "registry",
     "Change an enterprise (enterprise users: address and contact only)", "Enterprise"},
    {"PUT", "/api/v1/registry/enterprises/{uscc}/bureau", ADMIN, BODY_JSON, bureau_override_fields,
     NULL, h_registry_bureau, 200, 0, "registry", "Set the competent bureau by hand, with a reason",
     "Enterprise"},

    {"GET", "/api/v1/users", ADMIN | OFFICER, BODY_NONE, NULL, page_query, h_user_list, 200, 0,
     "users", "Users (officers: their own bureau's)", "UserPage"},
    {"POST", "/api/v1/users", ADMIN, BODY_JSON, user_create_fields, NULL, h_user_create, 201, 0,
     "users", "Add a user", "User"},
    {"POST", "/api/v1/users/{username}/disable", ADMIN, BODY_NONE, NULL, NULL, h_user_disable, 200,
     0, "users", "Disable a user and end their sessions", "User"},
    {"POST", "/api/v1/users/{username}/password", SIGNED, BODY_JSON, password_fields, NULL,
     h_user_password, 204, 0, "users", "Set a password (administrators, or the user themself)",
     NULL},

    {"GET", "/api/v1/audit", ADMIN | OFFICER, BODY_NONE, NULL, audit_query, h_audit_list, 200, 0,
     "audit", "The audit trail, newest first (officers: their own bureau's)", "AuditPage"},

    {"POST", "/api/v1/tokens", SIGNED, BODY_JSON, token_fields, NULL, h_token_create, 201, 0,
     "tokens", "Create an API token; the secret is shown only in this answer", "NewToken"},
    {"GET", "/api/v1/tokens", SIGNED, BODY_NONE, NULL, NULL, h_token_list, 200, 0, "tokens",
     "The caller's API tokens", "TokenList"},
    {"DELETE", "/api/v1/tokens/{id}", SIGNED, BODY_NONE, NULL, NULL, h_token_delete, 204, 0,
     "tokens", "Revoke one of the caller's tokens", NULL},

    {"GET", "/api/v1/reference", PUBLIC, BODY_NONE, NULL, NULL, h_reference, 200, 1, "rules",
     "Product categories, algorithms, approval items, states and statuses, labelled", NULL},
    {"GET", "/api/v1/rules", PUBLIC, BODY_NONE, NULL, rules_query, h_rules, 200, 1, "rules",
     "The rules in force on a date, each with its citation", NULL},
    {"GET", "/api/v1/calendar", PUBLIC, BODY_NONE, NULL, NULL, h_calendar_list, 200, 1, "rules",
     "The years of the legal calendar that are loaded, with their sources", NULL},
    {"GET", "/api/v1/calendar/deadline", PUBLIC, BODY_NONE, NULL, deadline_query,
     h_calendar_deadline, 200, 1, "rules", "The end of a period of working days", NULL},
    {"GET", "/api/v1/calendar/{year}", PUBLIC, BODY_NONE, NULL, NULL, h_calendar_year, 200, 1,
     "rules", "One year's holidays and moved working days", NULL},
    {"PUT", "/api/v1/calendar/{year}", ADMIN, BODY_CSV, NULL, NULL, h_calendar_put, 200, 0, "rules",
     "Load or replace a year of the legal calendar from its file", NULL},

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

    {"GET", "/api/v1/filings/deadline", PUBLIC, BODY_NONE, NULL, filing_year_query,
     h_filing_deadline, 200, 1, "filings", "The last day to file a year's sales, with its rule",
     NULL},
    {"GET", "/api/v1/filings/obligations", ADMIN | OFFICER | INSPECT, BODY_NONE, NULL,
     obligations_query, h_filing_obligations, 200, 0, "filings",
     "Who had to file a year's sales and where each filing stands; CSV or XLSX export", NULL},
    {"GET", "/api/v1/filings/statistics", ADMIN | OFFICER | INSPECT, BODY_NONE, NULL,
     statistics_query, h_filing_statistics, 200, 0, "filings",
     "Filing statistics by bureau, product category, algorithm and year", NULL},
    {"POST", "/api/v1/filings/overdue", ADMIN, BODY_NONE, NULL, filing_year_query, h_filing_overdue,
     200, 0, "filings", "Record overdue-filing events for a year whose deadline has passed", NULL},
    {"GET", "/api/v1/filings/events", SIGNED, BODY_NONE, NULL, filing_events_query, h_filing_events,
     200, 0, "filings", "Enterprise events such as an overdue filing", NULL},
    {"GET", "/api/v1/filings", SIGNED, BODY_NONE, NULL, filing_list_query, h_filing_list, 200, 0,
     "filings", "The latest filing version of each enterprise and year in the caller's scope",
     NULL},
    {"POST", "/api/v1/filings/years/{year}", ENTUSER, BODY_STREAM, NULL, filing_upload_query, NULL,
     201, 0, "filings", "Upload a year's sales filing file (CSV, streamed; at most 512 MiB)", NULL,
     &filing_upload_stream},
    {"GET", "/api/v1/filings/{id}", SIGNED, BODY_NONE, NULL, NULL, h_filing_get, 200, 0, "filings",
     "One filing version with every version and its events", NULL},
    {"GET", "/api/v1/filings/{id}/lines", SIGNED, BODY_NONE, NULL, page_query, h_filing_lines, 200,
     0, "filings", "A version's lines, personal data masked", NULL},
    {"POST", "/api/v1/filings/{id}/lines/{line}/reveal", OFFICER, BODY_JSON, reason_fields, NULL,
     h_filing_reveal, 200, 0, "filings",
     "Reveal a buyer's identity number and contact (competent bureau only; audited)", NULL},
    {"POST", "/api/v1/filings/{id}/submit", ENTUSER, BODY_NONE, NULL, NULL, h_filing_action, 200, 0,
     "filings", "Submit a draft version", NULL},
    {"POST", "/api/v1/filings/{id}/accept", ADMIN | OFFICER, BODY_JSON, reason_fields, NULL,
     h_filing_action, 200, 0, "filings", "Accept a submitted version", NULL},
    {"POST", "/api/v1/filings/{id}/return", ADMIN | OFFICER, BODY_JSON, reason_fields, NULL,
     h_filing_action, 200, 0, "filings", "Return a submitted version for correction", NULL},

    {"GET", "/log/checkpoint", PUBLIC, BODY_NONE, NULL, NULL, h_log_checkpoint, 200, 1, "log",
     "The latest signed checkpoint (C2SP tlog-checkpoint, signed note)", NULL},
    {"GET", "/log/key", PUBLIC, BODY_NONE, NULL, NULL, h_log_key, 200, 1, "log",
     "The log's verifier key (C2SP signed-note vkey, SM2)", NULL},
    {"GET", "/log/tile/{*}", PUBLIC, BODY_NONE, NULL, NULL, h_log_tile, 200, 1, "log",
     "A tile or entry bundle (C2SP tlog-tiles)", NULL},
    {"GET", "/api/v1/log", PUBLIC, BODY_NONE, NULL, NULL, h_log_status, 200, 1, "log",
     "The log's origin, size, latest checkpoint and key", NULL},
    {"GET", "/api/v1/log/entries/{index}", PUBLIC, BODY_NONE, NULL, NULL, h_log_entry, 200, 1,
     "log", "One log entry (canonical JSON)", NULL},
    {"GET", "/api/v1/log/consistency", PUBLIC, BODY_NONE, NULL, consistency_query,
     h_log_consistency, 200, 1, "log", "A consistency proof between two tree sizes (RFC 9162)",
     NULL},
    {"GET", "/api/v1/log/witnesses", PUBLIC, BODY_NONE, NULL, NULL, h_log_witnesses, 200, 1, "log",
     "The log's registered witnesses and the last size each cosigned", NULL},
    {"POST", "/api/v1/log/cosignatures", PUBLIC, BODY_JSON, cosignature_fields, NULL, h_log_cosign,
     201, 0, "log",
     "A registered witness adds its cosignature of a checkpoint (verified, then published)", NULL},
    {"GET", "/api/v1/log/receipt", PUBLIC, BODY_NONE, NULL, receipt_query, h_log_receipt, 200, 1,
     "log", "The receipt of an entry (C2SP tlog-proof)", NULL},
};
#pragma GCC diagnostic pop
const size_t routes_len = sizeof(routes) / sizeof(routes[0]);
