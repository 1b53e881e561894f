/*
 * Unit tests of the .xlsx writer.  Each workbook is written to a temporary
 * file and read back by python3's zipfile (CRCs checked) and xml.etree, which
 * compare every cell with what the test meant to write.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xlsx.h"
#include "unit.h"

/*
 * The reader: it checks the archive and every XML part, then compares the
 * sheet with the expectation, a JSON object {"sheet": name, "rows": [[row
 * number, [cell, ...]], ...]} whose cells are strings, integers or null
 * (empty).  Column letters are recomputed here, independently of the writer.
 */
static const char checker_py[] =
    "import json, sys, zipfile\n"
    "import xml.etree.ElementTree as ET\n"
    "M = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'\n"
    "R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'\n"
    "PARTS = ['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml',\n"
    "         'xl/_rels/workbook.xml.rels', 'xl/worksheets/sheet1.xml', 'xl/styles.xml']\n"
    "def fail(why):\n"
    "    sys.exit('xlsx check: ' + why)\n"
    "def letters_of(index):\n"
    "    letters = ''\n"
    "    index += 1\n"
    "    while index:\n"
    "        index, rest = divmod(index - 1, 26)\n"
    "        letters = chr(65 + rest) + letters\n"
    "    return letters\n"
    "with open(sys.argv[2], encoding='utf-8') as f:\n"
    "    expected = json.load(f)\n"
    "with zipfile.ZipFile(sys.argv[1]) as z:\n"
    "    bad = z.testzip()\n"
    "    if bad is not None:\n"
    "        fail('bad CRC in ' + bad)\n"
    "    if z.namelist() != PARTS:\n"
    "        fail('the parts are %r' % z.namelist())\n"
    "    parts = {}\n"
    "    for info in z.infolist():\n"
    "        if info.compress_type != zipfile.ZIP_STORED:\n"
    "            fail(info.filename + ' is compressed')\n"
    "        parts[info.filename] = ET.fromstring(z.read(info.filename))\n"
    "sheet = parts['xl/workbook.xml'].find(M + 'sheets/' + M + 'sheet')\n"
    "if sheet.get('name') != expected['sheet'] or sheet.get(R + 'id') != 'rId1':\n"
    "    fail('the sheet is %r' % sheet.attrib)\n"
    "actual, last_row = {}, 0\n"
    "for row in parts['xl/worksheets/sheet1.xml'].iter(M + 'row'):\n"
    "    number = int(row.get('r'))\n"
    "    if number <= last_row:\n"
    "        fail('row %d follows row %d' % (number, last_row))\n"
    "    last_row, cells, last_column = number, {}, -1\n"
    "    for c in row.findall(M + 'c'):\n"
    "        ref = c.get('r')\n"
    "        letters = ref.rstrip('0123456789')\n"
    "        index = 0\n"
    "        for ch in letters:\n"
    "            index = index * 26 + ord(ch) - 64\n"
    "        index -= 1\n"
    "        if ref[len(letters):] != str(number) or letters_of(index) != letters:\n"
    "            fail('cell %s is in row %d' % (ref, number))\n"
    "        if index <= last_column:\n"
    "            fail('cell %s is out of order' % ref)\n"
    "        last_column = index\n"
    "        if (c.get('s') == '1') != (number == 1):\n"
    "            fail('cell %s: only the header row is bold' % ref)\n"
    "        if c.get('t') == 'inlineStr':\n"
    "            cells[index] = ''.join(t.text or '' for t in c.iter(M + 't'))\n"
    "        elif c.get('t') is None:\n"
    "            cells[index] = int(c.find(M + 'v').text)\n"
    "        else:\n"
    "            fail('cell %s has type %s' % (ref, c.get('t')))\n"
    "    if cells:\n"
    "        actual[number] = cells\n"
    "want = {}\n"
    "for number, row in expected['rows']:\n"
    "    cells = {i: v for i, v in enumerate(row) if v is not None}\n"
    "    if cells:\n"
    "        want[number] = cells\n"
    "for number in sorted(set(actual) | set(want)):\n"
    "    if actual.get(number) != want.get(number):\n"
    "        fail('row %d is %r, not %r' % (number, actual.get(number), want.get(number)))\n";

static void write_file(const char *path, const void *data, size_t len)
{
        FILE *f = fopen(path, "wb");

        ck_assert_msg(f != NULL, "cannot create %s", path);
        ck_assert_uint_eq(fwrite(data, 1, len, f), len);
        ck_assert_int_eq(fclose(f), 0);
}

/* Has python3 read back the .xlsx in file and compare it with expected (which it frees). */
static void check_with_python(const struct buf *file, json_t *expected)
{
        char dir[] = "/tmp/cryptoreg-xlsx-XXXXXX";
        char xlsx_path[64], json_path[64], script_path[64], command[256];
        int status;

        if (system("python3 -c 'import zipfile, xml.etree.ElementTree' >/dev/null 2>&1") != 0)
                ck_abort_msg("python3 (with zipfile and xml.etree) is needed to check the "
                             ".xlsx files this test writes; install python3");
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(xlsx_path, sizeof(xlsx_path), "%s/book.xlsx", dir);
        snprintf(json_path, sizeof(json_path), "%s/expected.json", dir);
        snprintf(script_path, sizeof(script_path), "%s/check.py", dir);
        write_file(xlsx_path, file->data, file->len);
        write_file(script_path, checker_py, sizeof(checker_py) - 1);
        ck_assert_int_eq(json_dump_file(expected, json_path, 0), 0);
        json_decref(expected);
        snprintf(command, sizeof(command), "python3 '%s' '%s' '%s'", script_path, xlsx_path,
                 json_path);
        status = system(command);
        unlink(xlsx_path);
        unlink(json_path);
        unlink(script_path);
        rmdir(dir);
        ck_assert_msg(status == 0, "python3 refused the workbook (status %d)", status);
}

/* One row under construction: the cells given to the writer and what should be read back. */
struct row {
        const char *cells[32];
        int is_number[32];
        int n;
        json_t *expected; /* array: a string, an integer or null (empty) per cell */
};

static void row_start(struct row *r)
{
        memset(r, 0, sizeof(*r));
        r->expected = json_array();
}

static void put_text(struct row *r, const char *cell, const char *read_back)
{
        r->cells[r->n] = cell;
        r->is_number[r->n++] = 0;
        json_array_append_new(r->expected, read_back ? json_string(read_back) : json_null());
}

static void put_number(struct row *r, const char *cell, json_int_t read_back)
{
        r->cells[r->n] = cell;
        r->is_number[r->n++] = 1;
        json_array_append_new(r->expected, json_integer(read_back));
}

/* Writes the row as the next one and records it, as row number, in rows. */
static void row_write(struct xlsx *x, struct row *r, long number, json_t *rows)
{
        struct cr_error e = CR_ERROR_INIT;

        ck_assert_int_eq(xlsx_row(x, r->cells, r->is_number, r->n, &e), CR_OK);
        json_array_append_new(rows, json_pack("[I,o]", (json_int_t)number, r->expected));
}

static json_t *expectation(const char *sheet, json_t *rows)
{
        return json_pack("{s:s,s:o}", "sheet", sheet, "rows", rows);
}

START_TEST(test_round_trip)
{
        static const char sheet[] = "监管名录 2024";
        struct xlsx *x = NULL;
        struct cr_error e = CR_ERROR_INIT;
        struct buf file;
        json_t *rows = json_array();
        char headers[30][16], numbers[30][16];
        struct row r;

        ck_assert_int_eq(xlsx_begin(&x, sheet, &e), CR_OK);
        /* The header: 30 columns, so the last ones are AA to AD. */
        row_start(&r);
        put_text(&r, "统一社会信用代码", "统一社会信用代码");
        put_text(&r, "名称 & <简称>", "名称 & <简称>");
        for (int i = 2; i < 30; i++) {
                snprintf(headers[i], sizeof(headers[i]), "列%d", i + 1);
                put_text(&r, headers[i], headers[i]);
        }
        row_write(x, &r, 1, rows);

        /* Text that needs escaping or loses characters XML forbids, and numbers. */
        row_start(&r);
        put_text(&r, "91110000100000000X", "91110000100000000X");
        put_text(&r, "北京加密资产交易所有限公司", "北京加密资产交易所有限公司");
        put_text(&r, "<a href=\"x\">&amp;</a> 'q'", "<a href=\"x\">&amp;</a> 'q'");
        put_number(&r, "0", 0);
        put_number(&r, "-42", -42);
        put_number(&r, "999999999999999", 999999999999999LL);
        put_number(&r, "007", 7);
        put_text(&r, "bell\x07 and\x01\x1f gone", "bell and gone");
        put_text(&r, "not\xEF\xBF\xBE a\xEF\xBF\xBF character", "not a character");
        put_text(&r, "line one\r\nline two\ttabbed", "line one\r\nline two\ttabbed");
        put_text(&r, "  padded  ", "  padded  ");
        put_text(&r, "emoji \xF0\x9F\x98\x80 ¥€", "emoji \xF0\x9F\x98\x80 ¥€");
        put_text(&r, NULL, NULL);
        put_text(&r, "", NULL);
        r.cells[r.n] = ""; /* an empty number is an empty cell */
        r.is_number[r.n++] = 1;
        json_array_append_new(r.expected, json_null());
        for (int i = r.n; i < 30; i++) {
                snprintf(numbers[i], sizeof(numbers[i]), "%d", i * 1000);
                if (i % 2)
                        put_number(&r, numbers[i], i * 1000);
                else
                        put_text(&r, numbers[i], numbers[i]);
        }
        ck_assert_int_eq(r.n, 30);
        row_write(x, &r, 2, rows);

        /* An empty row keeps its place, so the next one is row 4. */
        ck_assert_int_eq(xlsx_row(x, NULL, NULL, 0, &e), CR_OK);
        row_start(&r);
        put_text(&r, "上海", "上海");
        row_write(x, &r, 4, rows);

        buf_init(&file, 1 << 20);
        ck_assert_int_eq(xlsx_finish(x, &file, &e), CR_OK);
        ck_assert_mem_eq(file.data, "PK\x03\x04", 4);

        check_with_python(&file, expectation(sheet, rows));
        buf_release(&file);
}
END_TEST

START_TEST(test_deterministic_and_appends)
{
        const char *cells[] = {"甲", "1"};
        const int is_number[] = {0, 1};
        struct cr_error e = CR_ERROR_INIT;
        struct xlsx *x = NULL;
        struct buf first, second;

        buf_init(&first, 1 << 20);
        buf_init(&second, 1 << 20);
        ck_assert_int_eq(buf_puts(&second, "prefix"), CR_OK);
        ck_assert_int_eq(xlsx_begin(&x, "Sheet1", &e), CR_OK);
        ck_assert_int_eq(xlsx_row(x, cells, is_number, 2, &e), CR_OK);
        ck_assert_int_eq(xlsx_finish(x, &first, &e), CR_OK);
        ck_assert_int_eq(xlsx_begin(&x, "Sheet1", &e), CR_OK);
        ck_assert_int_eq(xlsx_row(x, cells, is_number, 2, &e), CR_OK);
        ck_assert_int_eq(xlsx_finish(x, &second, &e), CR_OK);
        /* The archive follows what out held, and no clock goes into it. */
        ck_assert_uint_eq(second.len, first.len + 6);
        ck_assert_mem_eq(second.data, "prefix", 6);
        ck_assert_mem_eq(second.data + 6, first.data, first.len);
        buf_release(&first);
        buf_release(&second);
}
END_TEST

START_TEST(test_widest_row)
{
        const char **cells = calloc(XLSX_MAX_COLUMNS + 1, sizeof(*cells));
        int *is_number = calloc(XLSX_MAX_COLUMNS + 1, sizeof(*is_number));
        char *text = calloc(XLSX_MAX_COLUMNS + 1, 8);
        json_t *row = json_array(), *rows = json_array();
        struct cr_error e = CR_ERROR_INIT;
        struct xlsx *x = NULL;
        struct buf file;

        ck_assert_ptr_nonnull(cells);
        ck_assert_ptr_nonnull(is_number);
        ck_assert_ptr_nonnull(text);
        for (int i = 0; i <= XLSX_MAX_COLUMNS; i++) {
                snprintf(text + 8 * i, 8, "%d", i);
                cells[i] = text + 8 * i;
                is_number[i] = i % 3 == 0;
                if (i < XLSX_MAX_COLUMNS)
                        json_array_append_new(row, is_number[i] ? json_integer(i)
                                                                : json_string(cells[i]));
        }
        ck_assert_int_eq(xlsx_begin(&x, "wide", &e), CR_OK);
        ck_assert_int_eq(xlsx_row(x, cells, is_number, XLSX_MAX_COLUMNS + 1, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "invalid_value");
        ck_assert_str_eq(e.field, "cells");
        ck_assert_int_eq(xlsx_row(x, cells, is_number, -1, &e), CR_EINVAL);
        /* A refused row is not counted, so this one is row 1 and ends at XFD1. */
        ck_assert_int_eq(xlsx_row(x, cells, is_number, XLSX_MAX_COLUMNS, &e), CR_OK);
        json_array_append_new(rows, json_pack("[i,o]", 1, row));
        buf_init(&file, 64 << 20);
        ck_assert_int_eq(xlsx_finish(x, &file, &e), CR_OK);
        check_with_python(&file, expectation("wide", rows));
        buf_release(&file);
        free(cells);
        free(is_number);
        free(text);
}
END_TEST

START_TEST(test_sheet_names)
{
        static const char *const refused[] = {
            "",
            "abcdefghijklmnopqrstuvwxyz012345",
            "a/b",
            "a\\b",
            "a[b",
            "a]b",
            "a:b",
            "a*b",
            "a?b",
            "'quoted'",
            "quoted'",
            "history",
            "tab\there",
            "bad \xFF utf-8",
            "\xE4\xB8\xAD\xE6",
        };
        /* 31 Chinese characters are 93 bytes, still one sheet name of 31 characters. */
        static const char longest[] =
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一";
        struct cr_error e = CR_ERROR_INIT;
        struct xlsx *x = NULL;
        struct buf file;
        json_t *rows = json_array();
        const char *cells[] = {"x"};

        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
                ck_assert_msg(xlsx_begin(&x, refused[i], &e) == CR_EINVAL, "accepted %s",
                              refused[i]);
                ck_assert_ptr_null(x);
                ck_assert_str_eq(e.code, "invalid_value");
                ck_assert_str_eq(e.field, "sheet_name");
                cr_error_clear(&e);
        }
        ck_assert_int_eq(xlsx_begin(&x, longest, &e), CR_OK);
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 1, &e), CR_OK);
        json_array_append_new(rows, json_pack("[i,[s]]", 1, "x"));
        buf_init(&file, 1 << 20);
        ck_assert_int_eq(xlsx_finish(x, &file, &e), CR_OK);
        check_with_python(&file, expectation(longest, rows));
        buf_release(&file);

        /* Markup characters are allowed in a name and escaped in the workbook part. */
        rows = json_array();
        ck_assert_int_eq(xlsx_begin(&x, "R&D <\"2024\">", &e), CR_OK);
        buf_init(&file, 1 << 20);
        ck_assert_int_eq(xlsx_finish(x, &file, &e), CR_OK);
        check_with_python(&file, expectation("R&D <\"2024\">", rows));
        buf_release(&file);
}
END_TEST

START_TEST(test_refused_cells)
{
        static const char *const bad_numbers[] = {
            "12a", "1.5", " 1", "+1", "--1", "1e3", "1000000000000000", "-1000000000000000"};
        /* The longest text cells: ASCII, and characters outside the BMP plus one more. */
        char *ascii = malloc(XLSX_MAX_CELL_CHARS + 2);
        char *emoji = malloc(4 * (XLSX_MAX_CELL_CHARS / 2 + 1) + 2);
        struct cr_error e = CR_ERROR_INIT;
        struct xlsx *x = NULL;
        struct buf file;
        json_t *rows = json_array();
        const char *cells[2];
        int is_number[2] = {0, 1};
        struct row r;

        ck_assert_ptr_nonnull(ascii);
        ck_assert_ptr_nonnull(emoji);
        ck_assert_int_eq(xlsx_begin(&x, "cells", &e), CR_OK);
        row_start(&r);
        put_text(&r, "header", "header");
        row_write(x, &r, 1, rows);

        cells[0] = "ok";
        for (size_t i = 0; i < sizeof(bad_numbers) / sizeof(bad_numbers[0]); i++) {
                cells[1] = bad_numbers[i];
                ck_assert_msg(xlsx_row(x, cells, is_number, 2, &e) == CR_EINVAL, "accepted %s",
                              bad_numbers[i]);
                ck_assert_str_eq(e.code, "invalid_value");
                ck_assert_str_eq(e.field, "cells");
                ck_assert_ptr_nonnull(strstr(e.detail, "B2"));
        }
        cells[1] = "fine";
        cells[0] = "bad \xC0\xAF utf-8";
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 2, &e), CR_EINVAL);
        cells[0] = "cut \xE4\xB8";
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 2, &e), CR_EINVAL);

        /* The limit counts UTF-16 code units: a character outside the BMP counts twice. */
        memset(ascii, 'x', XLSX_MAX_CELL_CHARS + 1);
        ascii[XLSX_MAX_CELL_CHARS + 1] = '\0';
        cells[0] = ascii;
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 1, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "invalid_value");
        for (int i = 0; i <= XLSX_MAX_CELL_CHARS / 2; i++)
                memcpy(emoji + 4 * i, "\xF0\x9F\x98\x80", 4);
        emoji[4 * (XLSX_MAX_CELL_CHARS / 2 + 1)] = '\0';
        cells[0] = emoji;
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 1, &e), CR_EINVAL);

        /* One character less is allowed; none of the refused rows was written, so this is row 2. */
        ascii[XLSX_MAX_CELL_CHARS] = '\0';
        memcpy(emoji + 4 * (XLSX_MAX_CELL_CHARS / 2), "z", 2);
        row_start(&r);
        put_text(&r, ascii, ascii);
        put_text(&r, emoji, emoji);
        row_write(x, &r, 2, rows);

        buf_init(&file, 1 << 20);
        ck_assert_int_eq(xlsx_finish(x, &file, &e), CR_OK);
        check_with_python(&file, expectation("cells", rows));
        buf_release(&file);
        free(ascii);
        free(emoji);
}
END_TEST

START_TEST(test_too_many_rows)
{
        const char *cells[] = {"last"};
        struct cr_error e = CR_ERROR_INIT;
        struct xlsx *x = NULL;
        struct buf file;
        json_t *rows = json_array();

        ck_assert_int_eq(xlsx_begin(&x, "tall", &e), CR_OK);
        for (long i = 1; i < XLSX_MAX_ROWS; i++)
                ck_assert_int_eq(xlsx_row(x, NULL, NULL, 0, &e), CR_OK);
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 1, &e), CR_OK);
        json_array_append_new(rows, json_pack("[i,[s]]", XLSX_MAX_ROWS, "last"));
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 1, &e), CR_EINVAL);
        ck_assert_str_eq(e.code, "invalid_value");
        ck_assert_str_eq(e.field, "rows");
        ck_assert_int_eq(xlsx_row(x, NULL, NULL, 0, &e), CR_EINVAL);
        buf_init(&file, 1 << 20);
        ck_assert_int_eq(xlsx_finish(x, &file, &e), CR_OK);
        check_with_python(&file, expectation("tall", rows));
        buf_release(&file);
}
END_TEST

START_TEST(test_out_too_small)
{
        const char *cells[] = {"a", "b"};
        struct cr_error e = CR_ERROR_INIT;
        struct xlsx *x = NULL;
        struct buf out;

        /* The writer is freed and out keeps what it held; LeakSanitizer checks the first. */
        buf_init(&out, 1000);
        ck_assert_int_eq(buf_puts(&out, "abc"), CR_OK);
        ck_assert_int_eq(xlsx_begin(&x, "small", &e), CR_OK);
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 2, &e), CR_OK);
        ck_assert_int_eq(xlsx_finish(x, &out, &e), CR_ETOOLARGE);
        ck_assert_str_eq(e.code, "export_too_large");
        ck_assert_uint_eq(out.len, 3);
        ck_assert_str_eq(out.data, "abc");
        buf_release(&out);

        /* Abandoning a workbook frees it too. */
        ck_assert_int_eq(xlsx_begin(&x, "abandoned", &e), CR_OK);
        ck_assert_int_eq(xlsx_row(x, cells, NULL, 2, &e), CR_OK);
        xlsx_free(x);
        xlsx_free(NULL);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("xlsx");
        TCase *tc = tcase_create("writer");

        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_round_trip);
        tcase_add_test(tc, test_deterministic_and_appends);
        tcase_add_test(tc, test_widest_row);
        tcase_add_test(tc, test_sheet_names);
        tcase_add_test(tc, test_refused_cells);
        tcase_add_test(tc, test_too_many_rows);
        tcase_add_test(tc, test_out_too_small);
        suite_add_tcase(s, tc);
        return run_suite(s);
}
