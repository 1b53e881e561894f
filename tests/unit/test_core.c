/* Unit tests of the core helpers: checked integers, bounded buffers, UTF-8, configuration. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/parse.h"
#include "core/utf8.h"
#include "unit.h"

START_TEST(test_parse_int64)
{
        int64_t v;

        ck_assert_int_eq(parse_int64("42", 2, 0, 100, &v), 0);
        ck_assert_int_eq(v, 42);
        ck_assert_int_eq(parse_int64("-9223372036854775808", 20, INT64_MIN, 0, &v), 0);
        ck_assert(v == INT64_MIN);
        ck_assert_int_eq(parse_int64("9223372036854775807", 19, 0, INT64_MAX, &v), 0);
        ck_assert_int_eq(parse_int64("9223372036854775808", 19, 0, INT64_MAX, &v), -1);
        ck_assert_int_eq(parse_int64("101", 3, 0, 100, &v), -1);
        ck_assert_int_eq(parse_int64("", 0, 0, 100, &v), -1);
        ck_assert_int_eq(parse_int64("-", 1, -5, 100, &v), -1);
        ck_assert_int_eq(parse_int64(" 1", 2, 0, 100, &v), -1);
        ck_assert_int_eq(parse_int64("1x", 2, 0, 100, &v), -1);
        ck_assert_int_eq(parse_int64("+1", 2, 0, 100, &v), -1);
}
END_TEST

START_TEST(test_buf_limit)
{
        struct buf b;

        buf_init(&b, 10);
        ck_assert_int_eq(buf_puts(&b, "0123456789"), CR_OK);
        ck_assert_int_eq(buf_puts(&b, "x"), CR_ETOOLARGE);
        ck_assert_int_eq((int)b.len, 10);
        ck_assert_str_eq(b.data, "0123456789");
        buf_reset(&b);
        ck_assert_int_eq(buf_printf(&b, "%d-%s", 7, "ab"), CR_OK);
        ck_assert_str_eq(b.data, "7-ab");
        ck_assert_int_eq(buf_printf(&b, "%s", "too long for it"), CR_ETOOLARGE);
        buf_release(&b);
}
END_TEST

START_TEST(test_utf8)
{
        ck_assert_int_eq(utf8_count("abc", 3), 3);
        ck_assert_int_eq(utf8_count("北京", strlen("北京")), 2);
        ck_assert_int_eq(utf8_count("\xF0\x9F\x94\x90", 4), 1);
        ck_assert_int_eq(utf8_count("\xC0\x80", 2), -1);     /* overlong NUL */
        ck_assert_int_eq(utf8_count("\xED\xA0\x80", 3), -1); /* surrogate */
        ck_assert_int_eq(utf8_count("\xE5\x8C", 2), -1);     /* truncated */
        ck_assert_int_eq(utf8_count("a\0b", 3), -1);         /* embedded NUL */
}
END_TEST

START_TEST(test_config_precedence)
{
        struct config c;
        struct cr_error e = CR_ERROR_INIT;
        char path[] = "/tmp/cryptoreg-conf-XXXXXX";
        int fd = mkstemp(path);
        FILE *f = fdopen(fd, "w");

        fputs("# comment\ndb = from-file.db\nthreads = 3\n", f);
        fclose(f);
        config_defaults(&c);
        ck_assert_str_eq(c.db, "cryptoreg.db");
        ck_assert_int_eq(config_load_file(&c, path, 1, &e), CR_OK);
        ck_assert_str_eq(c.db, "from-file.db");
        ck_assert_int_eq(c.threads, 3);
        setenv("CRYPTOREG_DB", "from-env.db", 1);
        ck_assert_int_eq(config_load_env(&c, &e), CR_OK);
        ck_assert_str_eq(c.db, "from-env.db");
        unsetenv("CRYPTOREG_DB");
        ck_assert_int_eq(config_set(&c, "threads", "0", &e), CR_EINVAL);
        ck_assert_int_eq(config_set(&c, "nonsense", "1", &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "unknown_field");
        f = fopen(path, "w");
        fputs("threads 3\n", f);
        fclose(f);
        ck_assert_int_eq(config_load_file(&c, path, 1, &e), CR_EINVAL);
        ck_assert_ptr_nonnull(strstr(e.detail, ":1:"));
        unlink(path);
        ck_assert_int_eq(config_load_file(&c, path, 0, &e), CR_OK);
        ck_assert_int_eq(config_load_file(&c, path, 1, &e), CR_EIO);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("core");
        TCase *tc = tcase_create("helpers");

        tcase_add_test(tc, test_parse_int64);
        tcase_add_test(tc, test_buf_limit);
        tcase_add_test(tc, test_utf8);
        tcase_add_test(tc, test_config_precedence);
        suite_add_tcase(s, tc);
        return run_suite(s);
}
