/*
 * Unit tests of the sales filing file: the decoder that accepts UTF-8 and
 * GB18030 (core/transcode.h), and the streaming validator of the filing
 * template (domain/filing_csv.h) with its resident identity card check.
 * Files go through the same path as an upload: bytes, decoder, record
 * splitter, validator.
 */
#include <check.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/transcode.h"
#include "filing/filing_csv.h"
#include "unit.h"

#if defined(__SANITIZE_ADDRESS__)
/* From AddressSanitizer's allocator interface: the bytes the program has allocated and not freed.
 */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#define HEADER                                                                                     \
        "sale_date,certificate_number,product_model,quantity,buyer_type,buyer_name,buyer_uscc,"    \
        "buyer_id_type,buyer_id_number,buyer_address,buyer_contact,end_use"

/* A valid file with both buyer types and each identity document; 156 units. */
static const char valid_file[] = HEADER
    "\r\n"
    "2025-03-14,SXH202500001,SJJ1012,120,organisation,北京某某科技有限公司,91110000600037341L,,,"
    "北京市海淀区中关村大街1号,010-62345678,数据加密\r\n"
    "2025-11-02,SXH202500001,SJJ1012,1,individual,张三,,resident_id,11010519491231002X,"
    "\"上海市浦东新区, 世纪大道100号\",13800138000,个人通信\r\n"
    "2025-05-20,SXH202400007,SJK19A,5,individual,John Smith,,passport,E12345678,,"
    "john@example.com,\r\n"
    "2025-12-31,SXH202500001,SJJ1012,30,individual,李四,,other,港澳居民来往内地通行证 H1234567,,,"
    "\r\n";

/* The filer's certificates, as the filing service would look them up. */
struct cert {
        const char *number, *model, *from, *to;
};

static const struct cert certs[] = {
    {"SXH202500001", "SJJ1012", "2025-01-10", "2030-01-09"},
    {"SXH202400007", "SJK19A", "2024-03-01", "2025-06-30"},
};

struct cover_ctx {
        long calls;
        int fail; /* answer -1: the lookup failed */
};

static day_t d(const char *text)
{
        day_t v = 0;

        ck_assert_int_eq(date_parse(text, strlen(text), &v), 0);
        return v;
}

/* A date of the certificate table; no Check assertion here, as it runs for every line. */
static day_t day_of(const char *text)
{
        day_t v = 0;

        if (date_parse(text, strlen(text), &v))
                abort();
        return v;
}

static int covered(void *ctx, const char *cert, const char *model, day_t sale_date, char *why,
                   size_t whysize)
{
        struct cover_ctx *c = ctx;

        if (c) {
                c->calls++;
                if (c->fail) {
                        snprintf(why, whysize, "the database is busy");
                        return -1;
                }
        }
        for (size_t i = 0; i < sizeof(certs) / sizeof(certs[0]); i++) {
                if (strcmp(certs[i].number, cert) != 0)
                        continue;
                if (strcmp(certs[i].model, model) != 0) {
                        snprintf(why, whysize, "certificate %s covers model %s, not %s", cert,
                                 certs[i].model, model);
                        return 0;
                }
                if (sale_date < day_of(certs[i].from)) {
                        snprintf(why, whysize, "certificate %s was issued on %s, after the sale",
                                 cert, certs[i].from);
                        return 0;
                }
                if (sale_date > day_of(certs[i].to)) {
                        snprintf(why, whysize, "certificate %s expired on %s, before the sale",
                                 cert, certs[i].to);
                        return 0;
                }
                return 1;
        }
        snprintf(why, whysize, "%s is not one of your type certificates", cert);
        return 0;
}

/* What one run of a file through the upload path gave. */
struct run {
        enum cr_err err; /* of filing_csv_finish, or the pipeline's failure */
        const char *code;
        char detail[512];
        struct filing_csv_summary sum;
        json_t *rows;
        enum transcode_encoding enc;
        int decode_failed;
        uint64_t bad_offset;
        long bad_line;
        long cb_lines;   /* good lines handed to the line callback */
        int64_t cb_qty;  /* and their units */
        struct buf utf8; /* the decoded text, when kept */
        struct cover_ctx cover;
};

static enum cr_err count_line(void *ctx, const struct filing_line *l, struct cr_error *e)
{
        struct run *r = ctx;

        (void)e;
        r->cb_lines++;
        r->cb_qty += l->quantity;
        return CR_OK;
}

/* A sink that keeps the decoded text and passes it on to the validator. */
struct tee {
        struct run *r;
        struct filing_csv *f;
};

static enum cr_err tee_sink(void *ctx, const char *text, size_t len, struct cr_error *e)
{
        struct tee *t = ctx;

        ck_assert_int_eq(buf_append(&t->r->utf8, text, len), CR_OK);
        return filing_csv_text(t->f, text, len, e);
}

/* Runs len bytes through decoder, splitter and validator in chunks of chunk bytes. */
static void run_bytes(const char *data, size_t len, size_t chunk, struct run *r)
{
        struct transcode t;
        struct filing_csv f;
        struct cr_error e = CR_ERROR_INIT;
        struct tee tee;
        enum cr_err err = CR_OK;

        memset(r, 0, sizeof(*r));
        buf_init(&r->utf8, 64 * 1024 * 1024);
        ck_assert_int_eq(filing_csv_init(&f, 2025, covered, &r->cover, &e), CR_OK);
        filing_csv_on_line(&f, count_line, r);
        tee.r = r;
        tee.f = &f;
        transcode_init(&t, tee_sink, &tee);
        for (size_t at = 0; at < len && !err; at += chunk)
                err = transcode_feed(&t, data + at, len - at < chunk ? len - at : chunk, &e);
        if (!err)
                err = transcode_finish(&t, &e);
        r->enc = t.encoding;
        if (err && e.code && strcmp(e.code, "encoding_invalid") == 0) {
                r->decode_failed = 1;
                r->bad_offset = t.bad_offset;
                r->bad_line = t.bad_line;
                snprintf(r->detail, sizeof(r->detail), "%s", e.detail);
                filing_csv_drop_text(&f);
                ck_assert_int_eq(
                    filing_csv_report(&f, t.bad_line, NULL, e.detail, "save the file as CSV UTF-8"),
                    CR_OK);
                cr_error_clear(&e);
                err = CR_OK;
        }
        if (!err) {
                err = filing_csv_finish(&f, &r->sum, &e);
                if (!r->decode_failed)
                        snprintf(r->detail, sizeof(r->detail), "%s", e.detail);
        }
        r->err = err;
        r->code = e.code;
        r->rows = e.rows;
        e.rows = NULL;
        cr_error_clear(&e);
        filing_csv_release(&f);
        transcode_release(&t);
}

static void run_text(const char *text, struct run *r)
{
        run_bytes(text, strlen(text), 4096, r);
}

static void run_release(struct run *r)
{
        json_decref(r->rows);
        r->rows = NULL;
        buf_release(&r->utf8);
}

/* The number of error rows at line with this column whose message contains part. */
static int rows_at(const struct run *r, long line, const char *column, const char *part)
{
        size_t i;
        json_t *row;
        int n = 0;

        if (!r->rows)
                return 0;
        json_array_foreach(r->rows, i, row)
        {
                const char *col = json_string_value(json_object_get(row, "column"));
                const char *msg = json_string_value(json_object_get(row, "message"));
                const char *hint = json_string_value(json_object_get(row, "hint"));
                ck_assert_ptr_nonnull(hint);
                if (json_integer_value(json_object_get(row, "line")) == line &&
                    strcmp(col, column) == 0 && (!part || strstr(msg, part)))
                        n++;
        }
        return n;
}

static void dump_rows(const struct run *r)
{
        char *s = r->rows ? json_dumps(r->rows, JSON_INDENT(1)) : NULL;

        fprintf(stderr, "%s\n%s\n", r->detail, s ? s : "(no rows)");
        free(s);
}

START_TEST(test_valid_file)
{
        struct run r;

        run_text(valid_file, &r);
        if (r.err)
                dump_rows(&r);
        ck_assert_int_eq(r.err, CR_OK);
        ck_assert_int_eq(r.enc, TRANSCODE_UTF8);
        ck_assert_int_eq(r.sum.lines, 4);
        ck_assert_int_eq(r.sum.good_lines, 4);
        ck_assert_int_eq(r.sum.errors, 0);
        ck_assert_int_eq(r.sum.total_quantity, 156);
        ck_assert_int_eq(r.sum.nil_return, 0);
        ck_assert_int_eq(r.cb_lines, 4);
        ck_assert_int_eq(r.cb_qty, 156);
        ck_assert_int_eq(r.cover.calls, 4);
        ck_assert_ptr_null(r.rows);
        run_release(&r);
}
END_TEST

/* The parsed form of each good line, seen through the line callback. */
static enum cr_err check_parsed(void *ctx, const struct filing_line *l, struct cr_error *e)
{
        int *n = ctx;

        (void)e;
        switch ((*n)++) {
        case 0:
                ck_assert_int_eq(l->line, 2);
                ck_assert_int_eq(l->sale_date, d("2025-03-14"));
                ck_assert_int_eq(l->quantity, 120);
                ck_assert_int_eq(l->buyer_type, FILING_BUYER_ORGANISATION);
                ck_assert_int_eq(l->id_type, FILING_ID_NONE);
                ck_assert_str_eq(l->text[FC_BUYER_USCC], "91110000600037341L");
                ck_assert_str_eq(l->text[FC_BUYER_NAME], "北京某某科技有限公司");
                ck_assert_uint_eq(l->len[FC_BUYER_ID_NUMBER], 0);
                break;
        case 1:
                ck_assert_int_eq(l->line, 3);
                ck_assert_int_eq(l->buyer_type, FILING_BUYER_INDIVIDUAL);
                ck_assert_int_eq(l->id_type, FILING_ID_RESIDENT);
                ck_assert_str_eq(l->text[FC_BUYER_ID_NUMBER], "11010519491231002X");
                ck_assert_str_eq(l->text[FC_BUYER_ADDRESS], "上海市浦东新区, 世纪大道100号");
                break;
        case 2:
                ck_assert_int_eq(l->id_type, FILING_ID_PASSPORT);
                ck_assert_str_eq(l->text[FC_END_USE], "");
                break;
        case 3:
                ck_assert_int_eq(l->id_type, FILING_ID_OTHER);
                ck_assert_int_eq(l->sale_date, d("2025-12-31"));
                break;
        }
        return CR_OK;
}

START_TEST(test_records_from_csv_reader)
{
        /* The same file through core/csv.h's reader and filing_csv_feed, record by record. */
        struct filing_csv f;
        struct csv_reader rd;
        struct csv_record rec;
        struct cr_error e = CR_ERROR_INIT;
        struct filing_csv_summary sum;
        int n = 0, rc;

        ck_assert_int_eq(filing_csv_init(&f, 2025, covered, NULL, &e), CR_OK);
        filing_csv_on_line(&f, check_parsed, &n);
        csv_reader_init(&rd, valid_file, strlen(valid_file));
        while ((rc = csv_read(&rd, &rec, &e)) > 0)
                ck_assert_int_eq(filing_csv_feed(&f, &rec, &e), CR_OK);
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(filing_csv_finish(&f, &sum, &e), CR_OK);
        ck_assert_int_eq(n, 4);
        ck_assert_int_eq(sum.good_lines, 4);
        csv_reader_release(&rd);
        filing_csv_release(&f);
}
END_TEST

/* A file with a different problem on nearly every line, built line by line. */
static void many_errors_file(struct buf *b)
{
        static const char *const lines[] = {
            /* 2 */ "2024-12-31,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,,",
            /* 3 */ "2025/3/14,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,,",
            /* 4 */ "2025-02-29,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,,",
            /* 5 */ "2025-03-14,,SJJ1012,1,organisation,某公司,91110000600037341L,,,,,",
            /* 6 */ "2025-03-14,SXH202500001,,1,organisation,某公司,91110000600037341L,,,,,",
            /* 7 */ "2025-03-14,SXH202500001,SJJ1012,0,organisation,某公司,91110000600037341L,,,,,",
            /* 8 */
            "2025-03-14,SXH202500001,SJJ1012,\"1,200\",organisation,某公司,91110000600037341L,,,,,",
            /* 9 */
            "2025-03-14,SXH202500001,SJJ1012,1000000001,organisation,某公司,91110000600037341L,,,,"
            ",",
            /* 10 */ "2025-03-14,SXH202500001,SJJ1012,1,company,某公司,91110000600037341L,,,,,",
            /* 11 */ "2025-03-14,SXH202500001,SJJ1012,1,organisation,,91110000600037341L,,,,,",
            /* 12 */
            "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341X,,,,,",
            /* 13 */ "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,,,,,,",
            /* 14 */
            "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,resident_id,"
            "11010519491231002X,,,",
            /* 15 */
            "2025-03-14,SXH202500001,SJJ1012,1,individual,张三,91110000600037341L,resident_id,"
            "11010519491231002X,,,",
            /* 16 */ "2025-03-14,SXH202500001,SJJ1012,1,individual,张三,,,11010519491231002X,,,",
            /* 17 */
            "2025-03-14,SXH202500001,SJJ1012,1,individual,张三,,身份证,11010519491231002X,,,",
            /* 18 */
            "2025-03-14,SXH202500001,SJJ1012,1,individual,张三,,resident_id,110105194912310021,,,",
            /* 19 */ "2025-03-14,SXH202500001,SJJ1012,1,individual,John,,passport,12,,,",
            /* 20 */ NULL, /* an address of 301 characters, written below */
            /* 21 */
            "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,\"a\tb\",",
            /* 22 */
            "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,,,extra",
            /* 23 */ "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,",
            /* 24 */
            "2025-03-14, SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,,",
            /* 25 */ "2025-08-01,SXH202400007,SJK19A,1,organisation,某公司,91110000600037341L,,,,,",
            /* 26 */ "2025-13-01,SXH202500001,SJJ1012,-4,person,某公司,91110000600037341L,,,,,",
            /* 27 */ "2025-03-14,SXH\"2025\",SJJ1012,1,organisation,某公司,91110000600037341L,,,,,",
            /* 28-29 */
            "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,,"
            "\"first line\nsecond line\"",
            /* 30 */
            "2025-03-14,SXH202500001,SJJ1012,7,organisation,某公司,91110000600037341L,,,,,good",
            /* 31 */
            "2025-03-14,SXH202500001,SJJ1012,+5,organisation,某公司,91110000600037341L,,,,,",
            /* 32 */ "2025-03-14,SXH202500001,SJK19A,1,organisation,某公司,91110000600037341L,,,,,",
        };

        buf_puts(b, HEADER "\n");
        for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
                if (lines[i]) {
                        buf_puts(b, lines[i]);
                } else {
                        buf_puts(b, "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,"
                                    "91110000600037341L,,,");
                        for (int k = 0; k < 301; k++)
                                buf_puts(b, "路");
                        buf_puts(b, ",,");
                }
                buf_puts(b, i % 2 ? "\r\n" : "\n");
        }
}

static const struct expect {
        long line;
        const char *column, *part;
} many_expected[] = {
    {2, "sale_date", "not in 2025"},
    {3, "sale_date", "not a date in the form YYYY-MM-DD"},
    {4, "sale_date", "not a day of the calendar"},
    {5, "certificate_number", "is empty"},
    {6, "product_model", "is empty"},
    {7, "quantity", "at least 1"},
    {8, "quantity", "not a whole number"},
    {9, "quantity", "more than 1000000000"},
    {10, "buyer_type", "not a buyer type"},
    {11, "buyer_name", "is empty"},
    {12, "buyer_uscc", "check character"},
    {13, "buyer_uscc", "needs buyer_uscc"},
    {14, "buyer_id_type", "organisation buyer has no"},
    {14, "buyer_id_number", "organisation buyer has no"},
    {15, "buyer_uscc", "individual buyer has no buyer_uscc"},
    {16, "buyer_id_type", "needs buyer_id_type"},
    {17, "buyer_id_type", "not a document type"},
    {18, "buyer_id_number", "check character"},
    {19, "buyer_id_number", "not a passport number"},
    {20, "buyer_address", "301 characters"},
    {21, "buyer_contact", "control character"},
    {22, "", "the line has 13 fields; the header has 12"},
    {23, "", "the line has 11 fields; the header has 12"},
    {24, "certificate_number", "spaces"},
    {25, "certificate_number", "expired on 2025-06-30"},
    {26, "sale_date", "not a day of the calendar"},
    {26, "quantity", "at least 1"},
    {26, "buyer_type", "not a buyer type"},
    {27, "", "not valid CSV"},
    {28, "end_use", "control character"},
    {31, "quantity", "not a whole number"},
    {32, "certificate_number", "covers model SJJ1012, not SJK19A"},
};

START_TEST(test_many_errors)
{
        struct buf b;
        struct run r, bytewise;
        char *text;
        const size_t nexp = sizeof(many_expected) / sizeof(many_expected[0]);

        buf_init(&b, 1 << 20);
        many_errors_file(&b);
        run_bytes(b.data, b.len, 4096, &r);
        if (r.sum.errors != (long)nexp)
                dump_rows(&r);
        ck_assert_int_eq(r.err, CR_EINVAL);
        ck_assert_str_eq(r.code, "filing_invalid");
        for (size_t i = 0; i < nexp; i++)
                ck_assert_msg(rows_at(&r, many_expected[i].line, many_expected[i].column,
                                      many_expected[i].part) == 1,
                              "line %ld column %s: no \"%s\"", many_expected[i].line,
                              many_expected[i].column, many_expected[i].part);
        ck_assert_int_eq(r.sum.errors, (long)nexp);
        ck_assert_int_eq(r.sum.reported, (long)nexp);
        ck_assert_int_eq(r.sum.lines, 30); /* lines 2-32, the record on 28-29 counted once */
        ck_assert_int_eq(r.sum.good_lines, 1);
        ck_assert_int_eq(rows_at(&r, 30, "", NULL) + rows_at(&r, 30, "end_use", NULL), 0);
        ck_assert_int_eq(r.sum.total_quantity, 7);
        /* Personal data never appears in a message: the buyer's ID number is not repeated. */
        text = json_dumps(r.rows, 0);
        ck_assert_ptr_nonnull(text);
        ck_assert_ptr_null(strstr(text, "110105194912310021"));
        free(text);

        /* One byte at a time gives exactly the same report. */
        run_bytes(b.data, b.len, 1, &bytewise);
        ck_assert(json_equal(r.rows, bytewise.rows));
        ck_assert_int_eq(bytewise.sum.lines, r.sum.lines);
        run_release(&r);
        run_release(&bytewise);
        buf_release(&b);
}
END_TEST

START_TEST(test_error_cap)
{
        /* 10,500 bad lines: every problem is counted, the first 10,000 are listed. */
        struct buf b;
        struct run r;

        buf_init(&b, 4 << 20);
        buf_puts(&b, HEADER "\n");
        for (int i = 0; i < 10500; i++)
                buf_puts(&b, "2025-03-14,SXH202500001,SJJ1012,0,organisation,某公司,"
                             "91110000600037341L,,,,,\n");
        run_bytes(b.data, b.len, 65536, &r);
        ck_assert_int_eq(r.err, CR_EINVAL);
        ck_assert_int_eq(r.sum.errors, 10500);
        ck_assert_int_eq(r.sum.reported, FILING_CSV_MAX_REPORTED);
        ck_assert_int_eq(json_array_size(r.rows), FILING_CSV_MAX_REPORTED);
        ck_assert_ptr_nonnull(strstr(r.detail, "10500 problems; the first 10000 are listed"));
        ck_assert_int_eq(rows_at(&r, 10001, "quantity", "at least 1"), 1);
        ck_assert_int_eq(rows_at(&r, 10002, "quantity", NULL), 0);
        run_release(&r);
        buf_release(&b);
}
END_TEST

/* Converts UTF-8 text to GB18030 with the iconv command, as a spreadsheet export would. */
static void to_gb18030(const char *utf8, struct buf *out)
{
        char path[] = "/tmp/cr_filing_csv_XXXXXX", cmd[128], chunk[4096];
        int fd = mkstemp(path);
        FILE *p;
        size_t n;

        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, utf8, strlen(utf8)), (ssize_t)strlen(utf8));
        close(fd);
        snprintf(cmd, sizeof(cmd), "iconv -f UTF-8 -t GB18030 %s", path);
        p = popen(cmd, "r");
        ck_assert_ptr_nonnull(p);
        while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
                ck_assert_int_eq(buf_append(out, chunk, n), CR_OK);
        ck_assert_int_eq(pclose(p), 0);
        unlink(path);
}

START_TEST(test_gb18030)
{
        struct buf gb;
        struct run r, r1;

        buf_init(&gb, 1 << 20);
        to_gb18030(valid_file, &gb);
        ck_assert_uint_ne(gb.len, strlen(valid_file)); /* it really is another encoding */
        run_bytes(gb.data, gb.len, 4096, &r);
        ck_assert_int_eq(r.enc, TRANSCODE_GB18030);
        ck_assert_int_eq(r.err, CR_OK);
        ck_assert_int_eq(r.sum.good_lines, 4);
        ck_assert_int_eq(r.sum.total_quantity, 156);
        /* The decoded text is exactly the UTF-8 file. */
        ck_assert_uint_eq(r.utf8.len, strlen(valid_file));
        ck_assert_mem_eq(r.utf8.data, valid_file, r.utf8.len);
        /* However the bytes arrive. */
        run_bytes(gb.data, gb.len, 1, &r1);
        ck_assert_uint_eq(r1.utf8.len, strlen(valid_file));
        ck_assert_mem_eq(r1.utf8.data, valid_file, r1.utf8.len);
        run_release(&r);
        run_release(&r1);
        buf_release(&gb);
}
END_TEST

/* Decodes bytes alone (no validator) and returns the text, or NULL with the failure in r. */
static enum cr_err keep_sink(void *ctx, const char *text, size_t len, struct cr_error *e)
{
        (void)e;
        return buf_append(ctx, text, len);
}

static enum cr_err decode(const char *in, size_t len, size_t chunk, struct buf *out,
                          struct transcode *t, struct cr_error *e)
{
        enum cr_err err = CR_OK;

        buf_init(out, 1 << 24);
        transcode_init(t, keep_sink, out);
        for (size_t at = 0; at < len && !err; at += chunk)
                err = transcode_feed(t, in + at, len - at < chunk ? len - at : chunk, e);
        if (!err)
                err = transcode_finish(t, e);
        transcode_release(t);
        return err;
}

START_TEST(test_gb18030_known_bytes)
{
        /* 北京 in GB18030 is B1 B1 BE A9; in UTF-8 E5 8C 97 E4 BA AC. */
        static const char gb[] = "a,\xB1\xB1\xBE\xA9\n";
        /* 微软: 微 (CE A2) alone happens to be valid UTF-8, 软 (C8 ED) is not. */
        static const char gb2[] = "\xCE\xA2\xC8\xED";
        /* A four-byte GB18030 sequence (U+00DE) and the euro sign (A2 E3). */
        static const char gb3[] = "\x81\x30\x89\x37 \xA2\xE3";
        struct transcode t;
        struct cr_error e = CR_ERROR_INIT;
        struct buf out;

        ck_assert_int_eq(decode(gb, strlen(gb), 3, &out, &t, &e), CR_OK);
        ck_assert_int_eq(t.encoding, TRANSCODE_GB18030);
        ck_assert_str_eq(out.data, "a,北京\n");
        buf_release(&out);
        ck_assert_int_eq(decode(gb2, strlen(gb2), 1, &out, &t, &e), CR_OK);
        ck_assert_str_eq(out.data, "微软");
        buf_release(&out);
        ck_assert_int_eq(decode(gb3, strlen(gb3), 2, &out, &t, &e), CR_OK);
        ck_assert_str_eq(out.data, "\xC3\x9E \xE2\x82\xAC");
        buf_release(&out);
        /* The GB18030 byte order mark (84 31 95 33) is dropped like the UTF-8 one. */
        ck_assert_int_eq(decode("\x84\x31\x95\x33\xB1\xB1", 6, 1, &out, &t, &e), CR_OK);
        ck_assert_str_eq(out.data, "北");
        buf_release(&out);
        ck_assert_int_eq(decode("\xEF\xBB\xBFsale_date", 12, 1, &out, &t, &e), CR_OK);
        ck_assert_int_eq(t.encoding, TRANSCODE_UTF8);
        ck_assert_str_eq(out.data, "sale_date");
        buf_release(&out);
        /* Plain ASCII is valid in both and stays undecided. */
        ck_assert_int_eq(decode("a,b\n", 4, 1, &out, &t, &e), CR_OK);
        ck_assert_int_eq(t.encoding, TRANSCODE_UNDECIDED);
        ck_assert_str_eq(out.data, "a,b\n");
        buf_release(&out);
}
END_TEST

/* Expects decoding to fail at offset on line, with part in the message. */
static void refused_at(const char *in, size_t len, uint64_t offset, long line, const char *part)
{
        static const size_t chunks[] = {1, 2, 3, 7, 4096};
        struct transcode t;
        struct cr_error e = CR_ERROR_INIT;
        struct buf out;

        for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
                ck_assert_int_eq(decode(in, len, chunks[i], &out, &t, &e), CR_EINVAL);
                ck_assert_str_eq(e.code, "encoding_invalid");
                ck_assert_msg(t.bad_offset == offset && t.bad_line == line,
                              "chunk %zu: offset %llu line %ld, expected %llu line %ld: %s",
                              chunks[i], (unsigned long long)t.bad_offset, t.bad_line,
                              (unsigned long long)offset, line, e.detail);
                ck_assert_msg(strstr(e.detail, part), "%s", e.detail);
                cr_error_clear(&e);
                buf_release(&out);
        }
}

START_TEST(test_invalid_bytes)
{
        struct buf big;

        /* Not UTF-8 at byte 4 (B1), not GB18030 at byte 6 (80 is no lead byte): the later. */
        refused_at("abc\n\xB1\xB1\x80z", 8, 6, 2, "neither UTF-8 nor GB18030: byte 6 (line 2)");
        /* UTF-8 text with a stray byte: GB18030 reads the UTF-8 as other characters up to FF. */
        refused_at("x\n\xE4\xB8\xAD\xE6\x96\x87\xFF", 9, 8, 2, "byte 8 (line 2)");
        /* A NUL byte is text in neither. */
        refused_at("a,b\nc\0d", 7, 5, 2, "NUL byte");
        refused_at("\xB1\xB1\n\xBE\0", 5, 3, 2, "neither");
        /* Cut off in the middle of a character. */
        refused_at("\xEF\xBB\xBF\xE4\xB8", 5, 3, 1, "ends in the middle of a UTF-8 character");
        refused_at("\xB1\xB1\xBE", 3, 2, 1, "ends in the middle of a GB18030 character");
        /* Byte order marks. */
        refused_at("\xFF\xFEs\0", 4, 0, 1, "UTF-16");
        refused_at("\xEF\xBB\xBF\xE4\xB8\xAD\n\xB1\xB1", 9, 7, 2, "byte order mark");

        /* Past the sniffing window the file is UTF-8 for good; a later bad byte is named. */
        buf_init(&big, 1 << 20);
        for (int i = 0; i < 30000; i++)
                buf_puts(&big, i % 10 ? "中" : "中\n");
        ck_assert_uint_gt(big.len, TRANSCODE_SNIFF);
        buf_append(&big, "\xB1\xB1", 2);
        refused_at(big.data, big.len, big.len - 2, 3001, "reads as UTF-8 up to byte");
        buf_release(&big);
}
END_TEST

/* An independent MOD 11-2 for the tests: the check character of 17 digits. */
static char check_of(const char *d17)
{
        static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
        int sum = 0;

        for (int i = 0; i < 17; i++)
                sum += (d17[i] - '0') * w[i];
        return "10X98765432"[sum % 11];
}

START_TEST(test_resident_id)
{
        /* The example of GB 11643-1999 itself, and another widely published one. */
        static const char *const known[] = {"11010519491231002X", "440524188001010014"};
        char why[200], id[40];
        unsigned seed = 12345;

        for (size_t i = 0; i < 2; i++) {
                ck_assert_msg(resident_id_validate(known[i], 18, 0, why, sizeof(why)) == 0, "%s",
                              why);
                ck_assert_int_eq(resident_id_check_char(known[i]), known[i][17]);
        }
        /* Generated numbers with their computed check are valid; any one digit changed is not. */
        for (int n = 0; n < 200; n++) {
                seed = seed * 1103515245u + 12345u;
                snprintf(id, sizeof(id), "%06u%04u%02u%02u%03u", 110000 + seed % 700000,
                         1930 + seed % 90, 1 + seed % 12, 1 + seed % 28, seed % 1000);
                id[17] = check_of(id);
                id[18] = '\0';
                ck_assert_msg(resident_id_validate(id, 18, 0, why, sizeof(why)) == 0, "%s: %s", id,
                              why);
                for (int pos = 0; pos < 17; pos++) {
                        char bad[19];
                        memcpy(bad, id, sizeof(bad));
                        bad[18] = '\0';
                        bad[pos] = (char)('0' + (bad[pos] - '0' + 1 + n % 9) % 10);
                        if (pos >= 6 && pos < 14)
                                continue; /* a changed birth date may be no date at all */
                        ck_assert_msg(resident_id_validate(bad, 18, 0, why, sizeof(why)) != 0,
                                      "%s passed", bad);
                        ck_assert_ptr_nonnull(strstr(why, "check character"));
                }
        }
        ck_assert_int_ne(resident_id_validate("11010519491231002x", 18, 0, why, sizeof(why)), 0);
        ck_assert_ptr_nonnull(strstr(why, "capital X"));
        ck_assert_int_ne(resident_id_validate("110105491231002", 15, 0, why, sizeof(why)), 0);
        ck_assert_ptr_nonnull(strstr(why, "first-generation"));
        ck_assert_int_ne(resident_id_validate("11010519491231002", 17, 0, why, sizeof(why)), 0);
        ck_assert_int_ne(resident_id_validate("1101051949123100AX", 18, 0, why, sizeof(why)), 0);
        ck_assert_int_ne(resident_id_validate("11010519491231002Y", 18, 0, why, sizeof(why)), 0);
        /* 1949-02-30 is no date; the check character is made right so the date is what fails. */
        memcpy(id, "11010519490230002", 17);
        id[17] = check_of(id);
        ck_assert_int_ne(resident_id_validate(id, 18, 0, why, sizeof(why)), 0);
        ck_assert_ptr_nonnull(strstr(why, "birth date"));
        /* Someone born after the sale cannot have bought. */
        memcpy(id, "11010520251201002", 17);
        id[17] = check_of(id);
        ck_assert_int_eq(resident_id_validate(id, 18, d("2025-12-01"), why, sizeof(why)), 0);
        ck_assert_int_ne(resident_id_validate(id, 18, d("2025-11-30"), why, sizeof(why)), 0);
        ck_assert_ptr_nonnull(strstr(why, "after the sale date"));
}
END_TEST

START_TEST(test_nil_return)
{
        struct run r;

        run_text(HEADER "\n", &r);
        ck_assert_int_eq(r.err, CR_OK);
        ck_assert_int_eq(r.sum.nil_return, 1);
        ck_assert_int_eq(r.sum.lines, 0);
        run_release(&r);
        /* Blank lines and rows of empty cells, as spreadsheets leave them, are no lines. */
        run_text("\xEF\xBB\xBF" HEADER ",,\r\n\r\n,,,,,,,,,,,,,,\r\n\n", &r);
        ck_assert_int_eq(r.err, CR_OK);
        ck_assert_int_eq(r.sum.nil_return, 1);
        run_release(&r);
        /* An empty file is not a nil return: it has no header. */
        run_text("", &r);
        ck_assert_int_eq(r.err, CR_EINVAL);
        ck_assert_int_eq(r.sum.nil_return, 0);
        ck_assert_int_eq(rows_at(&r, 1, "", "the file is empty"), 1);
        run_release(&r);
}
END_TEST

START_TEST(test_covered_callback)
{
        struct run r;
        struct filing_csv f;
        struct cover_ctx fail = {0, 1};
        struct cr_error e = CR_ERROR_INIT;
        static const char file[] = HEADER
            "\n"
            "2025-03-14,SXH202500001,SJJ1012,1,organisation,甲公司,91110000600037341L,,,,,\n"
            "2025-06-30,SXH202400007,SJK19A,2,organisation,乙公司,911101089243040981,,,,,\n"
            "2025-07-01,SXH202400007,SJK19A,3,organisation,丙公司,91440106465460437U,,,,,\n"
            "2025-01-09,SXH202500001,SJJ1012,4,organisation,丁公司,91110000600037341L,,,,,\n"
            "2025-01-09,SXH209900001,SJJ1012,5,organisation,戊公司,91110000600037341L,,,,,\n"
            "2025-99-09,SXH209900001,SJJ1012,6,organisation,己公司,91110000600037341L,,,,,\n";

        run_text(file, &r);
        ck_assert_int_eq(r.err, CR_EINVAL);
        ck_assert_int_eq(r.sum.errors, 4);
        ck_assert_int_eq(r.sum.good_lines, 2);
        ck_assert_int_eq(r.sum.total_quantity, 3);
        /* The certificate expired on 30 June: the sale on that day is covered, the next is not. */
        ck_assert_int_eq(rows_at(&r, 3, "certificate_number", NULL), 0);
        ck_assert_int_eq(rows_at(&r, 4, "certificate_number", "expired on 2025-06-30"), 1);
        ck_assert_int_eq(rows_at(&r, 5, "certificate_number", "issued on 2025-01-10"), 1);
        ck_assert_int_eq(rows_at(&r, 6, "certificate_number", "not one of your"), 1);
        /* A line whose date is bad is not asked about. */
        ck_assert_int_eq(rows_at(&r, 7, "sale_date", NULL), 1);
        ck_assert_int_eq(rows_at(&r, 7, "certificate_number", NULL), 0);
        ck_assert_int_eq(r.cover.calls, 5);
        run_release(&r);

        /* When the certificates cannot be looked up, validation stops with a storage failure. */
        ck_assert_int_eq(filing_csv_init(&f, 2025, covered, &fail, &e), CR_OK);
        ck_assert_int_eq(filing_csv_text(&f, file, strlen(file), &e), CR_ESTORE);
        ck_assert_ptr_nonnull(strstr(e.detail, "line 2"));
        ck_assert_ptr_nonnull(strstr(e.detail, "the database is busy"));
        cr_error_clear(&e);
        filing_csv_release(&f);

        /* The callback is required, and the year must be one. */
        ck_assert_int_eq(filing_csv_init(&f, 2025, NULL, NULL, &e), CR_EINVAL);
        cr_error_clear(&e);
        ck_assert_int_eq(filing_csv_init(&f, 20250, covered, NULL, &e), CR_EINVAL);
        cr_error_clear(&e);
}
END_TEST

START_TEST(test_header)
{
        struct run r;

        /* Columns in another order are read by name. */
        run_text("end_use,quantity,sale_date,certificate_number,product_model,buyer_type,"
                 "buyer_name,buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,"
                 "buyer_contact\n"
                 "加密,9,2025-04-01,SXH202500001,SJJ1012,organisation,某公司,"
                 "91110000600037341L,,,,\n",
                 &r);
        ck_assert_int_eq(r.err, CR_OK);
        ck_assert_int_eq(r.sum.total_quantity, 9);
        run_release(&r);
        /* A missing, a repeated and an unknown column, each reported; lines counted, not checked.
         */
        run_text("sale_date,sale_date,certificate_number,product_model,quantity,buyer_type,"
                 "buyer_name,buyer_uscc,buyer_id_type,buyer_id_number,buyer_address,Buyer_Contact\n"
                 "x\ny\n",
                 &r);
        ck_assert_int_eq(r.err, CR_EINVAL);
        ck_assert_int_eq(rows_at(&r, 1, "sale_date", "twice"), 1);
        ck_assert_int_eq(rows_at(&r, 1, "", "\"Buyer_Contact\", is not a column"), 1);
        ck_assert_int_eq(rows_at(&r, 1, "buyer_contact", "lacks"), 1);
        ck_assert_int_eq(rows_at(&r, 1, "end_use", "lacks"), 1);
        ck_assert_int_eq(r.sum.errors, 4);
        ck_assert_int_eq(r.sum.lines, 2);
        run_release(&r);
        /* Data where the header should be. */
        run_text("2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,91110000600037341L,,,,,\n",
                 &r);
        ck_assert_int_eq(r.sum.errors, 1);
        ck_assert_int_eq(rows_at(&r, 1, "", "not the header"), 1);
        run_release(&r);
}
END_TEST

START_TEST(test_lines_and_limits)
{
        struct buf b;
        struct run r;

        /* Bare CR line ends (old Mac exports) count as lines too. */
        run_text(HEADER "\r"
                        "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,"
                        "91110000600037341L,,,,,\r"
                        "2025-03-14,SXH202500001,SJJ1012,0,organisation,某公司,"
                        "91110000600037341L,,,,,",
                 &r);
        ck_assert_int_eq(r.sum.lines, 2);
        ck_assert_int_eq(rows_at(&r, 3, "quantity", NULL), 1);
        run_release(&r);

        /* A line beyond the byte limit is reported and skipped; reading goes on after it. */
        buf_init(&b, 1 << 20);
        buf_puts(&b, HEADER "\n2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,"
                            "91110000600037341L,,,");
        for (int i = 0; i < FILING_CSV_MAX_RAW; i++)
                buf_puts(&b, "x");
        buf_puts(&b, ",,\n2025-03-14,SXH202500001,SJJ1012,0,organisation,某公司,"
                     "91110000600037341L,,,,,\n");
        run_bytes(b.data, b.len, 1000, &r);
        ck_assert_int_eq(r.sum.errors, 2);
        ck_assert_int_eq(rows_at(&r, 2, "", "longer than"), 1);
        ck_assert_int_eq(rows_at(&r, 3, "quantity", NULL), 1);
        run_release(&r);
        /* An unclosed quote runs to the end of the file, and is reported once. */
        buf_reset(&b);
        buf_puts(&b, HEADER "\n2025-03-14,\"SXH202500001,SJJ1012,1\n");
        for (int i = 0; i < 2000; i++)
                buf_puts(&b, "2025-03-14,SXH202500001,SJJ1012,1,organisation,某公司,"
                             "91110000600037341L,,,,,\n");
        run_bytes(b.data, b.len, 4096, &r);
        ck_assert_int_eq(r.sum.errors, 1);
        ck_assert_int_eq(rows_at(&r, 2, "", NULL), 1);
        run_release(&r);
        buf_release(&b);
}
END_TEST

static size_t heap_in_use(void)
{
#if defined(__SANITIZE_ADDRESS__)
        return __sanitizer_get_current_allocated_bytes();
#else
        return mallinfo2().uordblks;
#endif
}

/* Writes line i of a generated filing, alternating buyer types, into out. */
static size_t generated_line(long i, const char *id, char *out, size_t size, int64_t *qty)
{
        char date[DATE_LEN];
        int q = (int)(i % 1000) + 1;
        int n;

        date_format(date_from_ymd(2025, 1, 10) + (day_t)(i % 355), date);
        if (i % 2)
                n = snprintf(out, size,
                             "%s,SXH202500001,SJJ1012,%d,organisation,某某科技有限公司%ld,"
                             "91110000600037341L,,,北京市海淀区中关村大街%ld号,010-6234%04ld,"
                             "数据加密\n",
                             date, q, i, i % 1000, i % 10000);
        else
                n = snprintf(out, size,
                             "%s,SXH202500001,SJJ1012,%d,individual,张三%ld,,resident_id,%s,"
                             "\"上海市浦东新区, 世纪大道%ld号\",138%08ld,个人通信\n",
                             date, q, i, id, i % 1000, i);
        *qty += q;
        return (size_t)n;
}

START_TEST(test_streaming_memory)
{
        /*
         * 200,000 lines generated chunk by chunk (never held whole), through the
         * decoder and the validator: the heap in use after 20,000 lines and after
         * 200,000 must be the same, so nothing is kept per line.  LeakSanitizer
         * (the suite runs under ASan) reports anything left after release.
         */
        static char chunk[65536];
        char line[512], id[19] = "11010519491231002X";
        struct transcode t;
        struct filing_csv f;
        struct cr_error e = CR_ERROR_INIT;
        struct filing_csv_summary sum;
        struct run counts;
        size_t fill = 0, before, at_20k = 0, at_200k;
        int64_t qty = 0;
        const long nlines = 200000;

        memset(&counts, 0, sizeof(counts));
        before = heap_in_use();
        ck_assert_int_eq(filing_csv_init(&f, 2025, covered, NULL, &e), CR_OK);
        filing_csv_on_line(&f, count_line, &counts);
        transcode_init(&t, filing_csv_text, &f);
        fill = (size_t)snprintf(chunk, sizeof(chunk), "%s\r\n", HEADER);
        for (long i = 0; i < nlines; i++) {
                size_t n = generated_line(i, id, line, sizeof(line), &qty);
                if (fill + n > sizeof(chunk)) {
                        /* A plain test, not ck_assert, so that Check itself allocates nothing. */
                        if (transcode_feed(&t, chunk, fill, &e) != CR_OK)
                                ck_abort_msg("line %ld: %s", i, e.detail);
                        fill = 0;
                }
                memcpy(chunk + fill, line, n);
                fill += n;
                if (i == 20000)
                        at_20k = heap_in_use();
        }
        ck_assert_int_eq(transcode_feed(&t, chunk, fill, &e), CR_OK);
        ck_assert_int_eq(transcode_finish(&t, &e), CR_OK);
        at_200k = heap_in_use();
        ck_assert_msg(at_200k <= at_20k + 1024, "heap grew from %zu to %zu bytes", at_20k, at_200k);
        ck_assert_msg(at_200k - before < 256 * 1024, "the stream holds %zu bytes",
                      at_200k - before);
        ck_assert_int_eq(filing_csv_finish(&f, &sum, &e), CR_OK);
        ck_assert_int_eq(sum.lines, nlines);
        ck_assert_int_eq(sum.good_lines, nlines);
        ck_assert_int_eq(sum.total_quantity, qty);
        ck_assert_int_eq(counts.cb_lines, nlines);
        ck_assert_ptr_null(f.rows);
        ck_assert_ptr_null(f.text.data); /* finishing let go of the line buffer */
        filing_csv_release(&f);
        transcode_release(&t);
        ck_assert_uint_le(heap_in_use(), before);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("filing_csv");
        TCase *tc = tcase_create("file");

        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, test_valid_file);
        tcase_add_test(tc, test_records_from_csv_reader);
        tcase_add_test(tc, test_many_errors);
        tcase_add_test(tc, test_error_cap);
        tcase_add_test(tc, test_gb18030);
        tcase_add_test(tc, test_gb18030_known_bytes);
        tcase_add_test(tc, test_invalid_bytes);
        tcase_add_test(tc, test_resident_id);
        tcase_add_test(tc, test_nil_return);
        tcase_add_test(tc, test_covered_callback);
        tcase_add_test(tc, test_header);
        tcase_add_test(tc, test_lines_and_limits);
        tcase_add_test(tc, test_streaming_memory);
        suite_add_tcase(s, tc);
        return run_suite(s);
}
