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

/* Flags for parse_uint64. */
enum parse_flags {
        /* Refuse a '0' followed by more digits, so that each number has one spelling. */
        PARSE_NO_LEADING_ZERO = 1,
};

/*
 * Parses the len bytes at s as a decimal integer in [0, max]: digits only,
 * no sign, no spaces, no trailing text, and with PARSE_NO_LEADING_ZERO in
 * flags no leading zero ("0" itself is allowed).  Returns 0 and sets *out
 * on success, -1 otherwise, an empty s included.
 */
int parse_uint64(const char *s, size_t len, uint64_t max, unsigned flags, uint64_t *out);

/*
 * The number of ASCII digits that s[0..len) begins with, for a number that
 * ends inside longer text: parse_uint64(s, parse_digit_span(s, len), ...).
 */
size_t parse_digit_span(const char *s, size_t len);

#endif
