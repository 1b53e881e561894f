/* Unit tests of the USCC check (GB 32100-2015) and its embedded organisation code (GB 11714). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/uscc.h"
#include "unit.h"

static const char *const valid_codes[] = {
    "91110000600037341L", /* the known-valid code of FACTS.md section 8 */
    "911101089243040981", "91440106465460437U", "914403052836347237",
    "916590016748738523", "916600001590591945", "91310115316873713L",
};

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

START_TEST(test_valid_codes)
{
        char why[200];

        for (size_t i = 0; i < sizeof(valid_codes) / sizeof(valid_codes[0]); i++)
                ck_assert_msg(uscc_validate(valid_codes[i], 18, why, sizeof(why)) == USCC_OK,
                              "%s: %s", valid_codes[i], why);
}
END_TEST

START_TEST(test_every_single_substitution_rejected)
{
        char code[19], why[200];
        int rejected = 0;

        for (size_t v = 0; v < sizeof(valid_codes) / sizeof(valid_codes[0]); v++) {
                for (int pos = 0; pos < 18; pos++) {
                        for (const char *c = alphabet; *c; c++) {
                                memcpy(code, valid_codes[v], 19);
                                if (code[pos] == *c)
                                        continue;
                                code[pos] = *c;
                                ck_assert_msg(uscc_validate(code, 18, why, sizeof(why)) != USCC_OK,
                                              "%s (position %d) was accepted", code, pos + 1);
                                rejected++;
                        }
                }
        }
        /* 7 codes x 18 positions x 30 other characters. */
        ck_assert_int_eq(rejected, 7 * 18 * 30);
}
END_TEST

START_TEST(test_bad_characters_and_lengths)
{
        char why[200];

        ck_assert_int_eq(uscc_validate("91110000600037341", 17, why, sizeof(why)), USCC_BAD_LENGTH);
        ck_assert_int_eq(uscc_validate("91110000600037341LL", 19, why, sizeof(why)),
                         USCC_BAD_LENGTH);
        ck_assert_int_eq(uscc_validate("91110000600037341l", 18, why, sizeof(why)), USCC_BAD_CHAR);
        /* I, O, S, V, Z are not in the alphabet. */
        ck_assert_int_eq(uscc_validate("9111000060003734IL", 18, why, sizeof(why)), USCC_BAD_CHAR);
        ck_assert_int_eq(uscc_validate("91110000600037341\0", 18, why, sizeof(why)), USCC_BAD_CHAR);
        ck_assert_int_eq(uscc_validate("91A10000600037341L", 18, why, sizeof(why)),
                         USCC_BAD_DIVISION);
}
END_TEST

START_TEST(test_org_code_check)
{
        char why[200];

        /* GB 11714: 60003734 has check character 1. */
        ck_assert_int_eq(org_code_check_char("60003734"), '1');
        /* A code whose overall check is right but whose organisation check is wrong. */
        {
                char code[19] = "91110000600037342";
                code[17] = uscc_check_char(code);
                code[18] = '\0';
                ck_assert_int_eq(uscc_validate(code, 18, why, sizeof(why)), USCC_BAD_ORG_CHECK);
        }
        /* Check values 10 and 11 are written X and 0. */
        for (int n = 0; n < 100000; n++) {
                char org[9];
                char c;
                snprintf(org, sizeof(org), "%08d", n);
                c = org_code_check_char(org);
                ck_assert(c == 'X' || (c >= '0' && c <= '9'));
        }
}
END_TEST

START_TEST(test_check_char_matches_formula)
{
        /* The check of the first 17 of each valid code is its 18th character. */
        for (size_t i = 0; i < sizeof(valid_codes) / sizeof(valid_codes[0]); i++)
                ck_assert_int_eq(uscc_check_char(valid_codes[i]), valid_codes[i][17]);
        ck_assert_int_eq(uscc_check_char("9111000060003734I"), 0);
}
END_TEST

START_TEST(test_division)
{
        char d[7];

        uscc_division("914403052836347237", d);
        ck_assert_str_eq(d, "440305");
}
END_TEST

int main(void)
{
        Suite *s = suite_create("uscc");
        TCase *tc = tcase_create("rules");

        tcase_add_test(tc, test_valid_codes);
        tcase_add_test(tc, test_every_single_substitution_rejected);
        tcase_add_test(tc, test_bad_characters_and_lengths);
        tcase_add_test(tc, test_org_code_check);
        tcase_add_test(tc, test_check_char_matches_formula);
        tcase_add_test(tc, test_division);
        suite_add_tcase(s, tc);
        return run_suite(s);
}
