/* USCC validation per GB 32100-2015 with the embedded GB 11714 organisation-code check. */
#include "kernel/uscc.h"

#include <stdio.h>
#include <string.h>


/* The 31 characters of GB 32100-2015, valued 0-30; I, O, S, V and Z are not used. */
static const char uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/* 3^(i-1) mod 31 for positions 1-17. */
static const int uscc_weights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                     29, 25, 13, 8,  24, 10, 30, 28};
static const int org_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};

static int uscc_value(char c)
{
        const char *p = c ? strchr(uscc_alphabet, c) : NULL;

        return p ? (int)(p - uscc_alphabet) : -1;
}

static int org_value(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'A' && c <= 'Z')
                return c - 'A' + 10;
        return -1;
}

char uscc_check_char(const char *first17)
{
        int sum = 0;

        for (int i = 0; i < 17; i++) {
                int v = uscc_value(first17[i]);
                if (v < 0)
                        return 0;
                sum += v * uscc_weights[i];
        }
        return uscc_alphabet[(31 - sum % 31) % 31];
}

char org_code_check_char(const char *first8)
{
        int sum = 0, c;

        for (int i = 0; i < 8; i++) {
                int v = org_value(first8[i]);
                if (v < 0)
                        return 0;
                sum += v * org_weights[i];
        }
        c = 11 - sum % 11;
        if (c == 10)
                return 'X';
        if (c == 11)
                return '0';
        return (char)('0' + c);
}

enum uscc_result uscc_validate(const char *s, size_t len, char *why, size_t whysize)
{
        char expect;

        if (len != USCC_LEN) {
                snprintf(why, whysize, "a Unified Social Credit Code has 18 characters, not %zu",
                         len);
                return USCC_BAD_LENGTH;
        }
        for (size_t i = 0; i < len; i++) {
                if (uscc_value(s[i]) < 0) {
                        snprintf(why, whysize,
                                 "character %zu is not allowed in a Unified Social Credit Code "
                                 "(use digits and capital letters other than I, O, S, V, Z)",
                                 i + 1);
                        return USCC_BAD_CHAR;
                }
        }
        for (size_t i = 2; i < 8; i++) {
                if (s[i] < '0' || s[i] > '9') {
                        snprintf(why, whysize,
                                 "characters 3-8 must be the six-digit administrative division "
                                 "code");
                        return USCC_BAD_DIVISION;
                }
        }
        expect = org_code_check_char(s + 8);
        if (expect != s[16]) {
                snprintf(why, whysize,
                         "the organisation code in characters 9-17 fails its check (GB 11714)");
                return USCC_BAD_ORG_CHECK;
        }
        expect = uscc_check_char(s);
        if (expect != s[17]) {
                snprintf(why, whysize, "the check character (the 18th) is wrong (GB 32100-2015)");
                return USCC_BAD_CHECK;
        }
        return USCC_OK;
}

void uscc_division(const char *uscc, char out[7])
{
        memcpy(out, uscc + 2, 6);
        out[6] = '\0';
}
