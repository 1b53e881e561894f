/* The transparency capability: the transparency log's routes, migrations and integrator job. */
#include <stdint.h>

#include "platform/capability.h"
#include "platform/http/route.h"
#include "transparency/transparency_int.h"
#include "transparency/transparency.h"

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

/*
 * Only the streamed routes name a body_stream, the table's last member; the
 * others leave it out, which is what the warning would flag.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route transparency_routes[] = {
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

static const struct job transparency_jobs[] = {
    {"log integration", log_integrate_job, 0},
};

const struct capability transparency_capability = {
    .name = "transparency",
    .routes = transparency_routes,
    .routes_len = CAPABILITY_COUNT(transparency_routes),
    .migrations = transparency_migrations,
    .migrations_len = TRANSPARENCY_MIGRATIONS,
    .jobs = transparency_jobs,
    .jobs_len = CAPABILITY_COUNT(transparency_jobs),
};
