/*
 * The Unified Social Credit Code (GB 32100-2015): 18 characters, positions
 * 3-8 an administrative division code, 9-17 an organisation code (GB 11714)
 * with its own check character, and 18 the check character of the whole.
 */
#ifndef CR_USCC_H
#define CR_USCC_H

#include <stddef.h>

#define USCC_LEN 18

enum uscc_result {
        USCC_OK = 0,
        USCC_BAD_LENGTH,    /* not 18 characters */
        USCC_BAD_CHAR,      /* a character outside the 31-letter alphabet */
        USCC_BAD_DIVISION,  /* positions 3-8 are not six digits */
        USCC_BAD_ORG_CHECK, /* the embedded organisation code's check fails */
        USCC_BAD_CHECK,     /* the final check character is wrong */
};

/* Validates len bytes at s; on failure writes a sentence for the user into why. */
enum uscc_result uscc_validate(const char *s, size_t len, char *why, size_t whysize);

/* The check character for the first 17 characters (which must be in the alphabet), or 0. */
char uscc_check_char(const char *first17);

/* The GB 11714 check character for the first 8 organisation-code characters, or 0. */
char org_code_check_char(const char *first8);

/* Copies positions 3-8 (the division code) of a valid USCC into out. */
void uscc_division(const char *uscc, char out[7]);

#endif
