/*
 * Unit tests of the core helpers: checked integers, base64, bounded buffers,
 * UTF-8 and configuration.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base64.h"
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

START_TEST(test_parse_uint64)
{
        uint64_t v;

        ck_assert_int_eq(parse_uint64("0", 1, 10, PARSE_NO_LEADING_ZERO, &v), 0);
        ck_assert_uint_eq(v, 0);
        ck_assert_int_eq(parse_uint64("007", 3, 999, 0, &v), 0);
        ck_assert_uint_eq(v, 7);
        ck_assert_int_eq(parse_uint64("007", 3, 999, PARSE_NO_LEADING_ZERO, &v), -1);
        ck_assert_int_eq(parse_uint64("00", 2, 999, PARSE_NO_LEADING_ZERO, &v), -1);
        ck_assert_int_eq(parse_uint64("18446744073709551615", 20, UINT64_MAX, 0, &v), 0);
        ck_assert(v == UINT64_MAX);
        ck_assert_int_eq(parse_uint64("18446744073709551616", 20, UINT64_MAX, 0, &v), -1);
        ck_assert_int_eq(parse_uint64("9223372036854775807", 19, INT64_MAX, 0, &v), 0);
        ck_assert_int_eq(parse_uint64("9223372036854775808", 19, INT64_MAX, 0, &v), -1);
        ck_assert_int_eq(parse_uint64("63", 2, 63, 0, &v), 0);
        ck_assert_int_eq(parse_uint64("64", 2, 63, 0, &v), -1);
        ck_assert_int_eq(parse_uint64("5", 1, 0, 0, &v), -1);
        /* Digits only: no sign, no spaces, no trailing text, not empty. */
        v = 99;
        ck_assert_int_eq(parse_uint64("", 0, 10, 0, &v), -1);
        ck_assert_int_eq(parse_uint64("-1", 2, 10, 0, &v), -1);
        ck_assert_int_eq(parse_uint64("+1", 2, 10, 0, &v), -1);
        ck_assert_int_eq(parse_uint64("1 ", 2, 10, 0, &v), -1);
        ck_assert_int_eq(parse_uint64(" 1", 2, 10, 0, &v), -1);
        ck_assert_uint_eq(v, 99); /* a refusal leaves *out alone */
        /* Only len bytes count. */
        ck_assert_int_eq(parse_uint64("12x", 2, 100, 0, &v), 0);
        ck_assert_uint_eq(v, 12);
        ck_assert_uint_eq(parse_digit_span("123.key", 7), 3);
        ck_assert_uint_eq(parse_digit_span("123", 2), 2);
        ck_assert_uint_eq(parse_digit_span(".1", 2), 0);
        ck_assert_uint_eq(parse_digit_span("", 0), 0);
}
END_TEST

/* Fills p with n bytes that vary with seed. */
static void fill_bytes(uint8_t *p, size_t n, unsigned seed)
{
        for (size_t i = 0; i < n; i++)
                p[i] = (uint8_t)((i + 1) * 167 + seed * 13);
}

START_TEST(test_base64_round_trip)
{
        uint8_t in[64], out[64];
        char enc[BASE64_LEN(64)], url[BASE64URL_LEN(64)];
        size_t n;

        for (size_t len = 0; len <= sizeof(in); len++) {
                fill_bytes(in, len, (unsigned)len);
                base64_encode(in, len, enc);
                ck_assert_int_eq(base64_decode(enc, BASE64_LEN(len), out, len, &n), 0);
                ck_assert_uint_eq(n, len);
                ck_assert_mem_eq(out, in, len);
                base64url_encode(in, len, url);
                ck_assert_int_eq(base64url_decode(url, BASE64URL_LEN(len), out, len, &n), 0);
                ck_assert_uint_eq(n, len);
                ck_assert_mem_eq(out, in, len);
                /* The url spelling is the standard one with "-_" for "+/" and no padding. */
                for (size_t i = 0; i < BASE64URL_LEN(len); i++) {
                        char want = enc[i];
                        if (want == '+')
                                want = '-';
                        else if (want == '/')
                                want = '_';
                        ck_assert_int_eq(url[i], want);
                }
                for (size_t i = BASE64URL_LEN(len); i < BASE64_LEN(len); i++)
                        ck_assert_int_eq(enc[i], '=');
                /* One byte too little room is refused. */
                if (len > 0) {
                        ck_assert_int_ne(base64_decode(enc, BASE64_LEN(len), out, len - 1, &n), 0);
                        ck_assert_int_ne(
                            base64url_decode(url, BASE64URL_LEN(len), out, len - 1, &n), 0);
                }
        }
}
END_TEST

START_TEST(test_base64url_strict)
{
        static const char *const ok[] = {"",       "Zg",      "Zm8",      "Zm9v",
                                         "Zm9vYg", "Zm9vYmE", "Zm9vYmFy", "-_8"};
        static const char *const bad[] = {"Z",   "Zm9vY", "Zg==",   "Zm8=", "Zh",   "Zm9",
                                          "+/8", "Zm 9",  "Zm9v\n", "Zg=",  "Zm9v="};
        uint8_t out[16];
        char enc[16];
        size_t n;

        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
                size_t len = strlen(ok[i]);
                ck_assert_int_eq(base64url_decode(ok[i], len, out, sizeof(out), &n), 0);
                base64url_encode(out, n, enc);
                ck_assert_uint_eq(BASE64URL_LEN(n), len);
                ck_assert_mem_eq(enc, ok[i], len);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                ck_assert_msg(base64url_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n) != 0,
                              "accepted %s", bad[i]);
        ck_assert_int_ne(base64url_decode("Z\0g", 3, out, sizeof(out), &n), 0);
        /* The standard decoder refuses the url alphabet, and the other way round. */
        ck_assert_int_ne(base64_decode("-_8=", 4, out, sizeof(out), &n), 0);
        ck_assert_int_eq(base64_decode("+/8=", 4, out, sizeof(out), &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_int_eq(out[0], 0xfb);
        ck_assert_int_eq(out[1], 0xff);
}
END_TEST

/*
 * Every two-character group, alone or padded, decodes only if its unused
 * bits are zero, and then encodes back to itself: one spelling per value.
 */
START_TEST(test_base64_canonical_tails)
{
        static const char std[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        static const char url[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        uint8_t out[4];
        size_t n;

        for (int a = 0; a < 64; a++) {
                for (int b = 0; b < 64; b++) {
                        char s[4] = {std[a], std[b], '=', '='}, u[2] = {url[a], url[b]}, enc[4];
                        int canonical = (b & 15) == 0;
                        ck_assert_int_eq(base64_decode(s, 4, out, sizeof(out), &n) == 0, canonical);
                        if (canonical) {
                                base64_encode(out, n, enc);
                                ck_assert_mem_eq(enc, s, 4);
                        }
                        ck_assert_int_eq(base64url_decode(u, 2, out, sizeof(out), &n) == 0,
                                         canonical);
                        if (canonical) {
                                base64url_encode(out, n, enc);
                                ck_assert_mem_eq(enc, u, 2);
                        }
                        /* Without its padding the standard form is refused. */
                        ck_assert_int_ne(base64_decode(s, 2, out, sizeof(out), &n), 0);
                }
        }
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
        tcase_add_test(tc, test_parse_uint64);
        tcase_add_test(tc, test_base64_round_trip);
        tcase_add_test(tc, test_base64url_strict);
        tcase_add_test(tc, test_base64_canonical_tails);
        tcase_add_test(tc, test_buf_limit);
        tcase_add_test(tc, test_utf8);
        tcase_add_test(tc, test_config_precedence);
        suite_add_tcase(s, tc);
        return run_suite(s);
}
