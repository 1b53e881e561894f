/* The filing capability: the annual sales filing's routes, migrations and overdue sweep. */
#include <stdint.h>

#include "platform/capability.h"
#include "platform/http/route.h"
#include "filing/filing_int.h"
#include "filing/filing.h"

static const struct query_param page_query[] = {
    {"limit", "page size, 1-200 (default 50)"},
    {"cursor", "next_cursor of the previous page"},
    {NULL, NULL},
};

static const struct field_schema reason_fields[] = {
    {"reason", FT_STRING, 0, 0, 1000, NULL, "why; required for most actions"},
    {NULL, 0, 0, 0, 0, NULL, NULL},
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

/*
 * Only the streamed routes name a body_stream, the table's last member; the
 * others leave it out, which is what the warning would flag.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route filing_routes[] = {
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
};
#pragma GCC diagnostic pop

static const struct job filing_jobs[] = {
    {"overdue filings", filing_overdue_job, sizeof(struct filing_overdue_state)},
};

const struct capability filing_capability = {
    .name = "filing",
    .routes = filing_routes,
    .routes_len = CAPABILITY_COUNT(filing_routes),
    .migrations = filing_migrations,
    .migrations_len = FILING_MIGRATIONS,
    .jobs = filing_jobs,
    .jobs_len = CAPABILITY_COUNT(filing_jobs),
};
