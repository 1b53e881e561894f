/* Unit tests of enterprise fields and of the all-or-nothing CSV import, on an in-memory store. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "registry/enterprise_service.h"
#include "platform/store/store.h"
#include "unit.h"
#include "kernel/store.h"
#include "registry/store.h"

static struct store *s;
static struct caller admin;

static void setup(void)
{
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(crypto_init(&e), CR_OK);
        ck_assert_int_eq(store_open(":memory:", 1, &s, &e), CR_OK);
        ck_assert_int_eq(store_bureaus_seed(s, &e), CR_OK);
        caller_for_cli(&admin, "test", unit_clock());
}

static void teardown(void)
{
        store_close(s);
}

static int64_t count(void)
{
        int64_t n = -1;
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(store_enterprise_count(s, &n, &e), CR_OK);
        return n;
}

START_TEST(test_field_limits)
{
        struct enterprise *ent = calloc(1, sizeof(*ent));
        const struct ent_field_spec *name = ent_field_by_name("name_zh");
        struct cr_error e = CR_ERROR_INIT;
        char long_name[ENT_NAME_ZH_MAX * 3 + 4] = "";

        for (int i = 0; i < ENT_NAME_ZH_MAX; i++)
                memcpy(long_name + 3 * i, "密", 3);
        ck_assert_int_eq(enterprise_set_text(ent, name, long_name, strlen(long_name), &e), CR_OK);
        memcpy(long_name + 3 * ENT_NAME_ZH_MAX, "码", 4);
        ck_assert_int_eq(enterprise_set_text(ent, name, long_name, strlen(long_name), &e),
                         CR_EINVAL);
        ck_assert_str_eq(e.code, "too_long");
        ck_assert_str_eq(e.field, "name_zh");
        ck_assert_int_eq(enterprise_set_text(ent, name, "a\tb", 3, &e), CR_EINVAL);
        ck_assert_int_eq(enterprise_set_text(ent, name, "", 0, &e), CR_EINVAL);
        ck_assert_int_eq(
            enterprise_set_text(ent, ent_field_by_name("contact_email"), "nobody", 6, &e),
            CR_EINVAL);
        ck_assert_int_eq(enterprise_set_roles_text(ent, "seller; importer", 16, ';', &e), CR_OK);
        ck_assert_uint_eq(ent->roles, ENT_SELLER | ENT_IMPORTER);
        ck_assert_int_eq(enterprise_set_roles_text(ent, "seller;spy", 10, ';', &e), CR_EINVAL);
        ck_assert_int_eq(enterprise_set_roles_text(ent, ";", 1, ';', &e), CR_EINVAL);
        free(ent);
}
END_TEST

static const char good_csv[] =
    "uscc,name_zh,name_en,roles,address\n"
    "911101089243040981,北京海淀密码科技有限公司,Haidian Crypto,manufacturer;seller,海淀区\n"
    "914403052836347237,深圳南山密码芯片有限公司,,manufacturer,\"南山区, 科技园\"\n"
    "916590016748738523,石河子兵团信息安全有限公司,,seller,\n";

START_TEST(test_import_good_file)
{
        struct cr_error e = CR_ERROR_INIT;
        struct enterprise *ent = calloc(1, sizeof(*ent));
        long n = 0;

        ck_assert_int_eq(enterprise_import_csv(s, &admin, good_csv, strlen(good_csv), &n, &e),
                         CR_OK);
        ck_assert_int_eq(n, 3);
        ck_assert_int_eq(count(), 3);
        ck_assert_int_eq(store_enterprise_get(s, "914403052836347237", ent, &e), CR_OK);
        ck_assert_str_eq(ent->bureau_code, "440300");
        ck_assert_str_eq(ent->address, "南山区, 科技园");
        ck_assert_int_eq(store_enterprise_get(s, "916590016748738523", ent, &e), CR_OK);
        ck_assert_str_eq(ent->bureau_code, "660000");
        /* Importing the same file again is refused whole: every row is now a duplicate. */
        ck_assert_int_eq(enterprise_import_csv(s, &admin, good_csv, strlen(good_csv), &n, &e),
                         CR_EINVAL);
        ck_assert_int_eq((int)json_array_size(e.rows), 3);
        ck_assert_int_eq(count(), 3);
        cr_error_clear(&e);
        free(ent);
}
END_TEST

START_TEST(test_import_reports_every_bad_row_and_writes_nothing)
{
        static const char bad_csv[] =
            "uscc,name_zh,roles\n"
            "911101089243040981,好的企业,seller\n"
            "911101089243040982,校验位错误,seller\n" /* line 3: bad check character */
            "911101059492671314,,seller\n"           /* line 4: empty name */
            "91440106465460437U,广州企业,pirate\n"   /* line 5: unknown role */
            "911101089243040981,重复,seller\n"       /* line 6: duplicate of line 2 */
            "91440106465460437U\n";                  /* line 7: too few fields */
        struct cr_error e = CR_ERROR_INIT;
        long n = 0;
        int lines[8] = {0};
        size_t i;
        json_t *row;

        ck_assert_int_eq(enterprise_import_csv(s, &admin, bad_csv, strlen(bad_csv), &n, &e),
                         CR_EINVAL);
        ck_assert_str_eq(e.code, "csv_invalid");
        json_array_foreach(e.rows, i, row)
        {
                int line = (int)json_integer_value(json_object_get(row, "line"));
                ck_assert(line >= 2 && line <= 7);
                lines[line]++;
        }
        ck_assert_int_eq(lines[2], 0);
        for (int l = 3; l <= 7; l++)
                ck_assert_msg(lines[l] == 1, "line %d reported %d times", l, lines[l]);
        ck_assert_int_eq(n, 0);
        ck_assert_int_eq(count(), 0);
        cr_error_clear(&e);
}
END_TEST

START_TEST(test_import_header_rules)
{
        struct cr_error e = CR_ERROR_INIT;
        long n;

        ck_assert_int_eq(enterprise_import_csv(s, &admin, "", 0, &n, &e), CR_EINVAL);
        ck_assert_int_eq(enterprise_import_csv(s, &admin, "uscc,name_zh\n", 13, &n, &e), CR_EINVAL);
        ck_assert_int_eq(
            enterprise_import_csv(s, &admin, "uscc,name_zh,roles,shoe_size\n", 29, &n, &e),
            CR_EINVAL);
        ck_assert_ptr_nonnull(strstr(e.detail, "shoe_size"));
        ck_assert_int_eq(enterprise_import_csv(s, &admin, "uscc,name_zh,roles\n", 19, &n, &e),
                         CR_EINVAL);
        cr_error_clear(&e);
}
END_TEST

START_TEST(test_duplicate_create_refused)
{
        struct enterprise *ent = calloc(1, sizeof(*ent));
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(enterprise_set_uscc(ent, "911101089243040981", 18, &e), CR_OK);
        ck_assert_int_eq(enterprise_set_text(ent, ent_field_by_name("name_zh"), "甲", 3, &e),
                         CR_OK);
        ent->roles = ENT_SELLER;
        ck_assert_int_eq(enterprise_create(s, &admin, ent, &e), CR_OK);
        ck_assert_int_eq(enterprise_create(s, &admin, ent, &e), CR_ECONFLICT);
        ck_assert_str_eq(e.code, "duplicate_uscc");
        ck_assert_int_eq(count(), 1);
        free(ent);
}
END_TEST

int main(void)
{
        Suite *s_ = suite_create("enterprise");
        TCase *tc = tcase_create("registry");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_field_limits);
        tcase_add_test(tc, test_import_good_file);
        tcase_add_test(tc, test_import_reports_every_bad_row_and_writes_nothing);
        tcase_add_test(tc, test_import_header_rules);
        tcase_add_test(tc, test_duplicate_create_refused);
        suite_add_tcase(s_, tc);
        return run_suite(s_);
}
