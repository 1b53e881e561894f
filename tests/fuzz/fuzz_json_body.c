/* Fuzz target: JSON request bodies through the parser and every route's schema validation. */
#include <stdint.h>

#include "platform/http/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        json_error_t jerr;
        json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);

        if (!body)
                return 0;
        for (size_t i = 0; i < route_count(); i++) {
                struct cr_error e = CR_ERROR_INIT;
                if (route_at(i)->body == BODY_JSON)
                        schema_validate(route_at(i)->fields, body, &e);
                cr_error_clear(&e);
        }
        json_decref(body);
        return 0;
}
