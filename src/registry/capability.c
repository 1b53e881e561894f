/* The registry capability: the registry's routes and migrations: enterprises, users, sessions, tokens. */
#include <stdint.h>

#include "platform/capability.h"
#include "platform/http/route.h"
#include "registry/registry_int.h"
#include "registry/enterprise.h"
#include "registry/user.h"

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

/*
 * Only the streamed routes name a body_stream, the table's last member; the
 * others leave it out, which is what the warning would flag.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route registry_routes[] = {
    {"POST", "/api/v1/session", PUBLIC, BODY_JSON, login_fields, NULL, h_session_create, 200, 0,
     "session", "Sign in; sets the console session cookie", "Session"},
    {"GET", "/api/v1/session", SIGNED, BODY_NONE, NULL, NULL, h_session_get, 200, 0, "session",
     "The signed-in user and the CSRF token", "Session"},
    {"DELETE", "/api/v1/session", SIGNED, BODY_NONE, NULL, NULL, h_session_delete, 204, 0,
     "session", "Sign out", NULL},
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
    {"POST", "/api/v1/tokens", SIGNED, BODY_JSON, token_fields, NULL, h_token_create, 201, 0,
     "tokens", "Create an API token; the secret is shown only in this answer", "NewToken"},
    {"GET", "/api/v1/tokens", SIGNED, BODY_NONE, NULL, NULL, h_token_list, 200, 0, "tokens",
     "The caller's API tokens", "TokenList"},
    {"DELETE", "/api/v1/tokens/{id}", SIGNED, BODY_NONE, NULL, NULL, h_token_delete, 204, 0,
     "tokens", "Revoke one of the caller's tokens", NULL},
};
#pragma GCC diagnostic pop

const struct capability registry_capability = {
    .name = "registry",
    .routes = registry_routes,
    .routes_len = CAPABILITY_COUNT(registry_routes),
    .migrations = registry_migrations,
    .migrations_len = REGISTRY_MIGRATIONS,
    .authenticate = registry_authenticate,
};
