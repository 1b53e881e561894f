/* Unit tests of the RFC 4180 CSV reader. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "unit.h"

/* What reading a whole text gave: the last result, the record count, the last record's shape. */
struct summary {
        int records;
        size_t nfields;
        char first[64], second[64];
};

static int read_all(const char *text, struct summary *sum)
{
        struct csv_reader r;
        struct csv_record rec;
        struct cr_error e = CR_ERROR_INIT;
        int rc;

        memset(sum, 0, sizeof(*sum));
        csv_reader_init(&r, text, strlen(text));
        while ((rc = csv_read(&r, &rec, &e)) > 0) {
                /* The record's fields live in the reader, so copy what the test looks at. */
                sum->records++;
                sum->nfields = rec.nfields;
                snprintf(sum->first, sizeof(sum->first), "%s", rec.field[0]);
                snprintf(sum->second, sizeof(sum->second), "%s",
                         rec.nfields > 1 ? rec.field[1] : "");
        }
        csv_reader_release(&r);
        cr_error_clear(&e);
        return rc;
}

START_TEST(test_plain_and_quoted)
{
        const char *text = "\xEF\xBB\xBF"
                           "a,b,c\r\n"
                           "1,\"two, with comma\",\"say \"\"hi\"\"\"\n";
        struct csv_reader r;
        struct csv_record rec;
        struct cr_error e = CR_ERROR_INIT;

        csv_reader_init(&r, text, strlen(text));
        ck_assert_int_eq(csv_read(&r, &rec, &e), 1);
        ck_assert_int_eq((int)rec.nfields, 3);
        ck_assert_str_eq(rec.field[0], "a"); /* the BOM is skipped */
        ck_assert_int_eq(csv_read(&r, &rec, &e), 1);
        ck_assert_int_eq(rec.line, 2);
        ck_assert_str_eq(rec.field[1], "two, with comma");
        ck_assert_str_eq(rec.field[2], "say \"hi\"");
        ck_assert_int_eq((int)rec.len[2], 8);
        ck_assert_int_eq(csv_read(&r, &rec, &e), 0);
        csv_reader_release(&r);
}
END_TEST

START_TEST(test_newline_in_quotes_counts_lines)
{
        const char *text = "h\n\"multi\nline\"\nnext\n";
        struct csv_reader r;
        struct csv_record rec;
        struct cr_error e = CR_ERROR_INIT;

        csv_reader_init(&r, text, strlen(text));
        ck_assert_int_eq(csv_read(&r, &rec, &e), 1);
        ck_assert_int_eq(csv_read(&r, &rec, &e), 1);
        ck_assert_str_eq(rec.field[0], "multi\nline");
        ck_assert_int_eq(rec.line, 2);
        ck_assert_int_eq(csv_read(&r, &rec, &e), 1);
        ck_assert_int_eq(rec.line, 4);
        ck_assert_str_eq(rec.field[0], "next");
        csv_reader_release(&r);
}
END_TEST

START_TEST(test_empty_fields_and_lines)
{
        struct summary sum;

        ck_assert_int_eq(read_all("a,,c\n\n\n,\n", &sum), 0);
        ck_assert_int_eq(sum.records, 2);
        ck_assert_int_eq((int)sum.nfields, 2);
        ck_assert_str_eq(sum.first, "");
        ck_assert_str_eq(sum.second, "");
        ck_assert_int_eq(read_all("no newline at end", &sum), 0);
        ck_assert_int_eq(sum.records, 1);
        ck_assert_str_eq(sum.first, "no newline at end");
}
END_TEST

START_TEST(test_malformed)
{
        struct summary sum;

        ck_assert_int_eq(read_all("\"unterminated\n", &sum), -1);
        ck_assert_int_eq(read_all("ab\"c\n", &sum), -1);
        ck_assert_int_eq(read_all("\"a\"b\n", &sum), -1);
}
END_TEST

START_TEST(test_limits)
{
        char *big = malloc(CSV_MAX_RECORD + 10);
        struct summary sum;

        memset(big, 'x', CSV_MAX_RECORD + 5);
        big[CSV_MAX_RECORD + 5] = '\0';
        ck_assert_int_eq(read_all(big, &sum), -1);
        /* 65 fields is one too many. */
        memset(big, ',', 64);
        big[64] = '\0';
        ck_assert_int_eq(read_all(big, &sum), -1);
        big[63] = '\0';
        ck_assert_int_eq(read_all(big, &sum), 0);
        ck_assert_int_eq((int)sum.nfields, 64);
        free(big);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("csv");
        TCase *tc = tcase_create("reader");

        tcase_add_test(tc, test_plain_and_quoted);
        tcase_add_test(tc, test_newline_in_quotes_counts_lines);
        tcase_add_test(tc, test_empty_fields_and_lines);
        tcase_add_test(tc, test_malformed);
        tcase_add_test(tc, test_limits);
        suite_add_tcase(s, tc);
        return run_suite(s);
}
