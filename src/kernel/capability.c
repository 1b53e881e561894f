/* The kernel capability: the kernel's routes: bureaus, rules, the legal calendar, the audit trail. */
#include <stdint.h>

#include "platform/capability.h"
#include "platform/http/route.h"
#include "kernel/kernel_int.h"
#include "kernel/audit.h"

static const struct query_param audit_query[] = {
    {"entity_type", "enterprise, user, session or token"},
    {"entity_id", "the record's key (USCC, user name, ...)"},
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
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

/*
 * Only the streamed routes name a body_stream, the table's last member; the
 * others leave it out, which is what the warning would flag.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route kernel_routes[] = {
    {"GET", "/api/v1/bureaus", PUBLIC, BODY_NONE, NULL, NULL, h_bureau_list, 200, 1, "bureaus",
     "The 33 provincial-level bureaus", "BureauList"},
    {"GET", "/api/v1/bureaus/{code}", PUBLIC, BODY_NONE, NULL, NULL, h_bureau_get, 200, 1,
     "bureaus", "One bureau", "Bureau"},
    {"GET", "/api/v1/audit", ADMIN | OFFICER, BODY_NONE, NULL, audit_query, h_audit_list, 200, 0,
     "audit", "The audit trail, newest first (officers: their own bureau's)", "AuditPage"},
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
};
#pragma GCC diagnostic pop

const struct capability kernel_capability = {
    .name = "kernel",
    .routes = kernel_routes,
    .routes_len = CAPABILITY_COUNT(kernel_routes),
};
