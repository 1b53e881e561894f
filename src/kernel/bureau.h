/*
 * The 33 provincial-level bureaus that Notice 336 addresses, and the
 * jurisdiction rules that map an administrative division code to the
 * competent bureau.  Both are data carrying their citation and the date
 * from which they apply.
 */
#ifndef CR_BUREAU_H
#define CR_BUREAU_H

#include <stddef.h>

#define BUREAU_CODE_LEN 6

struct bureau {
        const char *code; /* GB/T 2260 code of the jurisdiction; XPCC uses 660000 */
        const char *name_zh;
        const char *name_en;
        const char *kind; /* province, municipality, autonomous_region, xpcc, sub_provincial_city */
};

/*
 * One jurisdiction rule: enterprises whose division code starts with
 * division_prefix belong to bureau_code.  The longest matching prefix in
 * force on a date wins, which is how Shenzhen (4403) is carved out of
 * Guangdong (44) and the XPCC cities (6590) out of Xinjiang (65).
 */
struct jurisdiction_rule {
        const char *division_prefix;
        const char *bureau_code;
        const char *effective_from; /* YYYY-MM-DD, inclusive */
        const char *effective_to;   /* YYYY-MM-DD, exclusive; NULL while in force */
        const char *citation;
};

extern const struct bureau bureau_table[];
extern const size_t bureau_table_len;
extern const struct jurisdiction_rule jurisdiction_rules[];
extern const size_t jurisdiction_rules_len;

/* The bureau with this code, or NULL. */
const struct bureau *bureau_find(const char *code);

/*
 * The rule that assigns a six-digit division code to a bureau on a date
 * (YYYY-MM-DD), or NULL when no rule covers it.
 */
const struct jurisdiction_rule *bureau_rule_for_division(const char *division, const char *on_date);

#endif
