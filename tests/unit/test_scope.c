/* Unit tests of role scoping: who sees which enterprises, and who may change what. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "crypto/crypto.h"
#include "registry/enterprise_service.h"
#include "platform/store/store.h"
#include "unit.h"
#include "kernel/store.h"
#include "registry/store.h"

static struct store *s;

#define SEEN_MAX 512

static const char csv[] = "uscc,name_zh,roles\n"
                          "911101089243040981,北京甲,seller\n"
                          "911101059492671314,北京乙,seller\n"
                          "91440106465460437U,广州丙,seller\n"
                          "914403052836347237,深圳丁,manufacturer\n"
                          "916590016748738523,兵团戊,seller\n";

static void setup(void)
{
        struct cr_error e = CR_ERROR_INIT;
        struct caller cli;
        long n;

        ck_assert_int_eq(crypto_init(&e), CR_OK);
        ck_assert_int_eq(store_open(":memory:", 1, &s, &e), CR_OK);
        ck_assert_int_eq(store_bureaus_seed(s, &e), CR_OK);
        caller_for_cli(&cli, "test", unit_clock());
        ck_assert_int_eq(enterprise_import_csv(s, &cli, csv, strlen(csv), &n, &e), CR_OK);
}

static void teardown(void)
{
        store_close(s);
}

static struct caller make_caller(enum role role, const char *bureau, const char *uscc)
{
        struct caller c;

        memset(&c, 0, sizeof(c));
        c.role = role;
        c.user_id = 1;
        c.clock = unit_clock();
        str_copy(c.username, sizeof(c.username), "tester");
        str_copy(c.bureau_code, sizeof(c.bureau_code), bureau ? bureau : "");
        str_copy(c.enterprise_uscc, sizeof(c.enterprise_uscc), uscc ? uscc : "");
        return c;
}

static enum cr_err collect(void *arg, const struct enterprise *ent)
{
        /* The caller's buffer (SEEN_MAX bytes) holds every USCC of the small registry. */
        size_t used = strlen(arg);
        snprintf((char *)arg + used, SEEN_MAX - used, "%s ", ent->uscc);
        return CR_OK;
}

/* The USCCs the caller sees in the registry, space-separated, in id order. */
static void visible(const struct caller *c, char *out)
{
        struct enterprise_query q;
        struct cr_error e = CR_ERROR_INIT;
        int64_t next;

        memset(&q, 0, sizeof(q));
        out[0] = '\0';
        ck_assert_int_eq(enterprise_list(s, c, 1, &q, collect, out, &next, &e), CR_OK);
}

START_TEST(test_registry_scoping)
{
        char seen[SEEN_MAX];
        struct caller admin = make_caller(ROLE_NATIONAL_ADMIN, NULL, NULL);
        struct caller bj = make_caller(ROLE_BUREAU_OFFICER, "110000", NULL);
        struct caller gd = make_caller(ROLE_BUREAU_OFFICER, "440000", NULL);
        struct caller insp = make_caller(ROLE_INSPECTOR, "440300", NULL);
        struct caller ent = make_caller(ROLE_ENTERPRISE_USER, NULL, "91440106465460437U");
        struct caller pub = make_caller(ROLE_PUBLIC, NULL, NULL);
        struct enterprise_query q;
        struct cr_error e = CR_ERROR_INIT;
        int64_t next;

        visible(&admin, seen);
        ck_assert_str_eq(seen, "911101089243040981 911101059492671314 91440106465460437U "
                               "914403052836347237 916590016748738523 ");
        visible(&bj, seen);
        ck_assert_str_eq(seen, "911101089243040981 911101059492671314 ");
        visible(&gd, seen);
        ck_assert_str_eq(seen, "91440106465460437U ");
        visible(&insp, seen);
        ck_assert_str_eq(seen, "914403052836347237 ");
        visible(&ent, seen);
        ck_assert_str_eq(seen, "91440106465460437U ");
        /* An officer asking for another bureau is refused, not silently narrowed. */
        memset(&q, 0, sizeof(q));
        q.bureau_code = "110000";
        ck_assert_int_eq(enterprise_list(s, &gd, 1, &q, collect, seen, &next, &e), CR_EFORBIDDEN);
        memset(&q, 0, sizeof(q));
        ck_assert_int_eq(enterprise_list(s, &pub, 1, &q, collect, seen, &next, &e), CR_EUNAUTH);
}
END_TEST

START_TEST(test_single_record_scope_is_not_found)
{
        struct enterprise *out = calloc(1, sizeof(*out));
        struct caller gd = make_caller(ROLE_BUREAU_OFFICER, "440000", NULL);
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(enterprise_get_scoped(s, &gd, "91440106465460437U", out, &e), CR_OK);
        ck_assert_int_eq(enterprise_get_scoped(s, &gd, "914403052836347237", out, &e),
                         CR_ENOTFOUND);
        ck_assert_int_eq(enterprise_get_scoped(s, &gd, "911101089243040981", out, &e),
                         CR_ENOTFOUND);
        free(out);
}
END_TEST

START_TEST(test_who_may_change_what)
{
        struct enterprise_patch *p = calloc(1, sizeof(*p));
        struct enterprise *out = calloc(1, sizeof(*out));
        struct caller own = make_caller(ROLE_ENTERPRISE_USER, NULL, "911101089243040981");
        struct caller other = make_caller(ROLE_ENTERPRISE_USER, NULL, "911101059492671314");
        struct caller insp = make_caller(ROLE_INSPECTOR, "110000", NULL);
        struct caller gd = make_caller(ROLE_BUREAU_OFFICER, "440000", NULL);
        struct caller bj = make_caller(ROLE_BUREAU_OFFICER, "110000", NULL);
        struct cr_error e = CR_ERROR_INIT;

        str_copy(p->values.contact_phone, sizeof(p->values.contact_phone), "010-12345678");
        p->fields = EF_CONTACT_PHONE;
        ck_assert_int_eq(enterprise_update(s, &own, "911101089243040981", p, out, &e), CR_OK);
        ck_assert_str_eq(out->contact_phone, "010-12345678");
        ck_assert_int_eq(out->version, 2);
        ck_assert_int_eq(enterprise_update(s, &other, "911101089243040981", p, out, &e),
                         CR_ENOTFOUND);
        ck_assert_int_eq(enterprise_update(s, &insp, "911101089243040981", p, out, &e),
                         CR_EFORBIDDEN);
        ck_assert_int_eq(enterprise_update(s, &gd, "911101089243040981", p, out, &e), CR_ENOTFOUND);
        str_copy(p->values.name_zh, sizeof(p->values.name_zh), "改名");
        p->fields = EF_NAME_ZH;
        ck_assert_int_eq(enterprise_update(s, &own, "911101089243040981", p, out, &e),
                         CR_EFORBIDDEN);
        ck_assert_str_eq(e.field, "name_zh");
        ck_assert_int_eq(enterprise_update(s, &bj, "911101089243040981", p, out, &e), CR_OK);
        ck_assert_str_eq(out->name_zh, "改名");
        /* Only a national administrator may set the bureau by hand, and only with a reason. */
        ck_assert_int_eq(
            enterprise_override_bureau(s, &bj, "911101089243040981", "120000", "moved", out, &e),
            CR_EFORBIDDEN);
        free(p);
        free(out);
}
END_TEST

START_TEST(test_bureau_override)
{
        struct enterprise *out = calloc(1, sizeof(*out));
        struct caller admin = make_caller(ROLE_NATIONAL_ADMIN, NULL, NULL);
        struct caller tj = make_caller(ROLE_BUREAU_OFFICER, "120000", NULL);
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(
            enterprise_override_bureau(s, &admin, "911101089243040981", "120000", "", out, &e),
            CR_EINVAL);
        ck_assert_int_eq(
            enterprise_override_bureau(s, &admin, "911101089243040981", "999999", "why", out, &e),
            CR_EINVAL);
        ck_assert_int_eq(enterprise_override_bureau(s, &admin, "911101089243040981", "120000",
                                                    "operates from Tianjin", out, &e),
                         CR_OK);
        ck_assert_str_eq(out->bureau_code, "120000");
        ck_assert_str_eq(out->derived_bureau_code, "110000");
        ck_assert_int_eq(enterprise_get_scoped(s, &tj, "911101089243040981", out, &e), CR_OK);
        ck_assert_int_eq(
            enterprise_override_bureau(s, &admin, "911101089243040981", NULL, "back home", out, &e),
            CR_OK);
        ck_assert_str_eq(out->bureau_code, "110000");
        ck_assert_str_eq(out->bureau_override_reason, "");
        free(out);
}
END_TEST

int main(void)
{
        Suite *su = suite_create("scope");
        TCase *tc = tcase_create("roles");

        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_registry_scoping);
        tcase_add_test(tc, test_single_record_scope_is_not_found);
        tcase_add_test(tc, test_who_may_change_what);
        tcase_add_test(tc, test_bureau_override);
        suite_add_tcase(su, tc);
        return run_suite(su);
}
