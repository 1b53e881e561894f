/* RFC 9457 problem details: the one table from error values to HTTP statuses. */
#ifndef CR_PROBLEM_H
#define CR_PROBLEM_H

#include <jansson.h>

#include "core/err.h"

/* The HTTP status for an error and its stable code. */
int problem_status(const struct cr_error *e);

/* The problem+json body for e; internal details are replaced by a neutral sentence. */
json_t *problem_json(const struct cr_error *e, int status, const char *instance);

#endif
