/* Checked parsing of integers from text; the only way cryptoreg turns text into numbers. */
#ifndef CR_PARSE_H
#define CR_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parses the len bytes at s as a decimal integer in [min, max].  Accepts an
 * optional leading '-', then digits only: no spaces, no '+', no trailing
 * text.  Returns 0 and sets *out on success, -1 otherwise.
 */
int parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

#endif
