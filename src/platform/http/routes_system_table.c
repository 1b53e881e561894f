/* The system capability: the platform's own routes: liveness, metrics, the API description. */
#include <stdint.h>

#include "platform/capability.h"
#include "platform/http/route.h"
#include "platform/http/system_int.h"


/*
 * Only the streamed routes name a body_stream, the table's last member; the
 * others leave it out, which is what the warning would flag.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route system_routes[] = {
    {"GET", "/healthz", PUBLIC, BODY_NONE, NULL, NULL, h_healthz, 200, 0, "operations",
     "Liveness and database check", NULL},
    {"GET", "/metrics", PUBLIC, BODY_NONE, NULL, NULL, h_metrics, 200, 0, "operations",
     "Prometheus metrics", NULL},
    {"GET", "/api/v1/openapi.json", PUBLIC, BODY_NONE, NULL, NULL, h_openapi, 200, 1, "operations",
     "This API description (OpenAPI 3.1)", NULL},
};
#pragma GCC diagnostic pop

const struct capability system_capability = {
    .name = "system",
    .routes = system_routes,
    .routes_len = CAPABILITY_COUNT(system_routes),
};
