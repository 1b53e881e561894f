/* Unit tests of the 33 bureaus and the derivation of the competent bureau from a division code. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "kernel/bureau.h"
#include "registry/enterprise.h"
#include "unit.h"

static const char *derive(const char *division, const char *date)
{
        const struct jurisdiction_rule *r = bureau_rule_for_division(division, date);

        return r ? r->bureau_code : NULL;
}

START_TEST(test_33_bureaus)
{
        ck_assert_int_eq((int)bureau_table_len, 33);
        for (size_t i = 0; i < bureau_table_len; i++) {
                ck_assert_int_eq((int)strlen(bureau_table[i].code), 6);
                for (size_t j = 0; j < i; j++)
                        ck_assert_str_ne(bureau_table[i].code, bureau_table[j].code);
        }
        ck_assert_ptr_nonnull(bureau_find("440300"));
        ck_assert_ptr_nonnull(bureau_find("660000"));
        ck_assert_ptr_null(bureau_find("710000")); /* Taiwan is not among the addressees */
}
END_TEST

START_TEST(test_rules_point_to_bureaus)
{
        for (size_t i = 0; i < jurisdiction_rules_len; i++) {
                ck_assert_ptr_nonnull(bureau_find(jurisdiction_rules[i].bureau_code));
                ck_assert_ptr_nonnull(jurisdiction_rules[i].citation);
                ck_assert_int_eq((int)strlen(jurisdiction_rules[i].effective_from), 10);
        }
        /* Every bureau is reachable by some rule. */
        for (size_t b = 0; b < bureau_table_len; b++) {
                int found = 0;
                for (size_t i = 0; i < jurisdiction_rules_len; i++)
                        found |=
                            strcmp(jurisdiction_rules[i].bureau_code, bureau_table[b].code) == 0;
                ck_assert_msg(found, "no rule leads to bureau %s", bureau_table[b].code);
        }
}
END_TEST

START_TEST(test_derivation)
{
        const char *d = "2026-11-21";

        ck_assert_str_eq(derive("110108", d), "110000");
        ck_assert_str_eq(derive("440106", d), "440000"); /* Guangzhou: Guangdong */
        ck_assert_str_eq(derive("440305", d), "440300"); /* Shenzhen Nanshan: Shenzhen */
        ck_assert_str_eq(derive("440300", d), "440300");
        ck_assert_str_eq(derive("441900", d), "440000"); /* Dongguan: Guangdong */
        ck_assert_str_eq(derive("650102", d), "650000"); /* Urumqi: Xinjiang */
        ck_assert_str_eq(derive("659001", d), "660000"); /* Shihezi: XPCC */
        ck_assert_str_eq(derive("660000", d), "660000"); /* registered with the Corps */
        ck_assert_str_eq(derive("540102", d), "540000");
        ck_assert_ptr_null(derive("710000", d));
        ck_assert_ptr_null(derive("990000", d));
        /* Before Notice 336 the rules did not apply. */
        ck_assert_ptr_null(derive("110108", "2017-10-10"));
        ck_assert_str_eq(derive("110108", "2017-10-11"), "110000");
}
END_TEST

START_TEST(test_enterprise_derivation_and_override)
{
        struct enterprise *ent = calloc(1, sizeof(*ent));
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(enterprise_set_uscc(ent, "914403052836347237", 18, &e), CR_OK);
        ck_assert_int_eq(enterprise_derive_bureau(ent, "2026-01-01", &e), CR_OK);
        ck_assert_str_eq(ent->bureau_code, "440300");
        ck_assert_str_eq(ent->derived_bureau_code, "440300");
        /* An override with a reason survives re-derivation. */
        str_copy(ent->bureau_code, sizeof(ent->bureau_code), "440000");
        str_copy(ent->bureau_override_reason, sizeof(ent->bureau_override_reason), "registered in Shenzhen, operates in Guangzhou");
        ck_assert_int_eq(enterprise_derive_bureau(ent, "2026-01-01", &e), CR_OK);
        ck_assert_str_eq(ent->bureau_code, "440000");
        ck_assert_str_eq(ent->derived_bureau_code, "440300");
        free(ent);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("bureau");
        TCase *tc = tcase_create("rules");

        tcase_add_test(tc, test_33_bureaus);
        tcase_add_test(tc, test_rules_point_to_bureaus);
        tcase_add_test(tc, test_derivation);
        tcase_add_test(tc, test_enterprise_derivation_and_override);
        suite_add_tcase(s, tc);
        return run_suite(s);
}
