/*
 * The .xlsx writer: SpreadsheetML parts written as text, packed into a ZIP
 * archive of stored entries with our own CRC-32, so exports need no zlib.
 * Cells are inline strings, so the workbook needs no shared-strings part.
 */
#include "core/xlsx.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/parse.h"
#include "core/utf8.h"

struct xlsx {
        char sheet_name[4 * XLSX_MAX_SHEET_NAME + 1]; /* UTF-8, checked by xlsx_begin */
        struct buf sheet;                             /* the worksheet part written so far */
        long rows;                                    /* rows appended, empty ones included */
};

#define XML_DECLARATION "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_MAIN         "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_PACKAGE_RELS "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_DOC_RELS     "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define CT_PREFIX       "application/vnd.openxmlformats-"

/* The worksheet up to its rows: the header row stays in view when scrolling. */
static const char sheet_head[] = XML_DECLARATION
    "<worksheet xmlns=\"" NS_MAIN "\">"
    "<sheetViews><sheetView workbookViewId=\"0\">"
    "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
    "</sheetView></sheetViews>"
    "<sheetData>";
static const char sheet_tail[] = "</sheetData></worksheet>";

static const char content_types_xml[] = XML_DECLARATION
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"" CT_PREFIX "package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/xl/workbook.xml\" ContentType=\"" CT_PREFIX
    "officedocument.spreadsheetml.sheet.main+xml\"/>"
    "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"" CT_PREFIX
    "officedocument.spreadsheetml.worksheet+xml\"/>"
    "<Override PartName=\"/xl/styles.xml\" ContentType=\"" CT_PREFIX
    "officedocument.spreadsheetml.styles+xml\"/>"
    "</Types>";

static const char package_rels_xml[] =
    XML_DECLARATION "<Relationships xmlns=\"" NS_PACKAGE_RELS "\">"
                    "<Relationship Id=\"rId1\" Type=\"" NS_DOC_RELS "/officeDocument\""
                    " Target=\"xl/workbook.xml\"/>"
                    "</Relationships>";

static const char workbook_rels_xml[] =
    XML_DECLARATION "<Relationships xmlns=\"" NS_PACKAGE_RELS "\">"
                    "<Relationship Id=\"rId1\" Type=\"" NS_DOC_RELS "/worksheet\""
                    " Target=\"worksheets/sheet1.xml\"/>"
                    "<Relationship Id=\"rId2\" Type=\"" NS_DOC_RELS "/styles\""
                    " Target=\"styles.xml\"/>"
                    "</Relationships>";

/*
 * Cell format 0 is the default and 1 is bold, used for the header row.  Excel
 * insists on the two fills below, the second being the reserved gray125.
 */
static const char styles_xml[] =
    XML_DECLARATION "<styleSheet xmlns=\"" NS_MAIN "\">"
                    "<fonts count=\"2\">"
                    "<font><sz val=\"11\"/><name val=\"Calibri\"/></font>"
                    "<font><b/><sz val=\"11\"/><name val=\"Calibri\"/></font>"
                    "</fonts>"
                    "<fills count=\"2\">"
                    "<fill><patternFill patternType=\"none\"/></fill>"
                    "<fill><patternFill patternType=\"gray125\"/></fill>"
                    "</fills>"
                    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/>"
                    "</border></borders>"
                    "<cellStyleXfs count=\"1\">"
                    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>"
                    "</cellStyleXfs>"
                    "<cellXfs count=\"2\">"
                    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
                    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\""
                    " applyFont=\"1\"/>"
                    "</cellXfs>"
                    "<cellStyles count=\"1\">"
                    "<cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>"
                    "</cellStyles>"
                    "</styleSheet>";

/* Returns the buffer to an earlier length, undoing what was appended since. */
static void buf_truncate(struct buf *b, size_t len)
{
        if (b->data && len <= b->len) {
                b->len = len;
                b->data[len] = '\0';
        }
}

/*
 * Appends len bytes of well-formed UTF-8 as XML character data: the markup
 * characters become entities, a carriage return becomes a character
 * reference so that parsers do not fold it into a line feed, and characters
 * that XML 1.0 forbids are dropped.
 */
static enum cr_err xml_text_append(struct buf *b, const char *text, size_t len)
{
        const unsigned char *s = (const unsigned char *)text;
        size_t copied = 0; /* text before this offset is already in b */
        size_t i = 0;
        enum cr_err err;

        while (i < len) {
                const char *replacement = NULL;
                size_t consumed = 1;

                switch (s[i]) {
                case '&':
                        replacement = "&amp;";
                        break;
                case '<':
                        replacement = "&lt;";
                        break;
                case '>':
                        replacement = "&gt;";
                        break;
                case '"':
                        replacement = "&quot;";
                        break;
                case '\r':
                        replacement = "&#13;";
                        break;
                case '\t':
                case '\n':
                        break;
                default:
                        if (s[i] < 0x20) {
                                replacement = "";
                        } else if (s[i] == 0xEF && len - i > 2 && s[i + 1] == 0xBF &&
                                   (s[i + 2] == 0xBE || s[i + 2] == 0xBF)) {
                                replacement = ""; /* U+FFFE or U+FFFF */
                                consumed = 3;
                        }
                }
                if (!replacement) {
                        i++;
                        continue;
                }
                err = buf_append(b, text + copied, i - copied);
                if (!err)
                        err = buf_puts(b, replacement);
                if (err)
                        return err;
                i += consumed;
                copied = i;
        }
        return buf_append(b, text + copied, len - copied);
}

/*
 * Returns the length of the len bytes at s in UTF-16 code units, the measure
 * of Excel's cell limit, or -1 if they are not well-formed UTF-8.
 */
static long utf16_length(const char *s, size_t len)
{
        long units = utf8_count(s, len);

        if (units < 0)
                return -1;
        /* Each four-byte sequence is a character outside the BMP: a surrogate pair. */
        for (size_t i = 0; i < len; i++)
                if ((unsigned char)s[i] >= 0xF0)
                        units++;
        return units;
}

/* Writes the letters of the 0-based column (A ... Z, AA ... XFD) to name. */
static void column_name(int column, char name[4])
{
        char reversed[3];
        int n = 0;

        /* Column letters are bijective base 26: there is no zero digit. */
        for (int rest = column + 1; rest > 0 && n < 3; rest = (rest - 1) / 26)
                reversed[n++] = (char)('A' + (rest - 1) % 26);
        for (int i = 0; i < n; i++)
                name[i] = reversed[n - 1 - i];
        name[n] = '\0';
}

static enum cr_err sheet_name_check(const char *name, struct cr_error *e)
{
        size_t len = strlen(name);
        long chars = utf8_count(name, len);

        if (chars < 1 || chars > XLSX_MAX_SHEET_NAME)
                return cr_fail(e, CR_EINVAL, "invalid_value", "sheet_name",
                               "a sheet name is UTF-8 text of 1 to %d characters",
                               XLSX_MAX_SHEET_NAME);
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)name[i];

                if (c < 0x20 || c == 0x7F || strchr("[]:*?/\\", c))
                        return cr_fail(e, CR_EINVAL, "invalid_value", "sheet_name",
                                       "a sheet name may not contain [ ] : * ? / \\ or "
                                       "control characters");
        }
        if (name[0] == '\'' || name[len - 1] == '\'')
                return cr_fail(e, CR_EINVAL, "invalid_value", "sheet_name",
                               "a sheet name may not begin or end with an apostrophe");
        if (strcasecmp(name, "History") == 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", "sheet_name",
                               "Excel reserves the sheet name \"History\"");
        return CR_OK;
}

enum cr_err xlsx_begin(struct xlsx **out, const char *sheet_name, struct cr_error *e)
{
        struct xlsx *x;
        enum cr_err err;

        *out = NULL;
        err = sheet_name_check(sheet_name, e);
        if (err)
                return err;
        x = calloc(1, sizeof(*x));
        if (!x)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        /* The check above bounds the name to 31 characters of at most 4 bytes, so it fits. */
        str_copy(x->sheet_name, sizeof(x->sheet_name), sheet_name);
        buf_init(&x->sheet, XLSX_MAX_SHEET_BYTES);
        if (buf_append(&x->sheet, sheet_head, sizeof(sheet_head) - 1)) {
                xlsx_free(x);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        *out = x;
        return CR_OK;
}

/* Records a failure of buf: the sheet's ceiling or memory. */
static enum cr_err sheet_fail(enum cr_err err, struct cr_error *e)
{
        if (err == CR_ETOOLARGE)
                return cr_fail(e, CR_ETOOLARGE, "export_too_large", NULL,
                               "the export exceeds %zu bytes of sheet data",
                               (size_t)XLSX_MAX_SHEET_BYTES);
        return cr_fail(e, err, "internal", NULL, "out of memory");
}

/*
 * Appends one cell to the sheet; row is 1-based and column 0-based.  Empty
 * cells are not written at all, which is how SpreadsheetML leaves them out.
 */
static enum cr_err cell_write(struct xlsx *x, long row, int column, const char *text, int is_number,
                              struct cr_error *e)
{
        const char *style = row == 1 ? " s=\"1\"" : "";
        char ref[4];
        size_t len;
        long units;
        enum cr_err err;

        if (!text || !*text)
                return CR_OK;
        column_name(column, ref);
        len = strlen(text);
        if (is_number) {
                int64_t value;

                if (parse_int64(text, len, -XLSX_MAX_NUMBER, XLSX_MAX_NUMBER, &value))
                        return cr_fail(e, CR_EINVAL, "invalid_value", "cells",
                                       "cell %s%ld is not an integer of at most 15 digits", ref,
                                       row);
                err = buf_printf(&x->sheet, "<c r=\"%s%ld\"%s><v>%" PRId64 "</v></c>", ref, row,
                                 style, value);
                return err ? sheet_fail(err, e) : CR_OK;
        }
        units = utf16_length(text, len);
        if (units < 0)
                return cr_fail(e, CR_EINVAL, "invalid_value", "cells",
                               "cell %s%ld is not UTF-8 text", ref, row);
        if (units > XLSX_MAX_CELL_CHARS)
                return cr_fail(e, CR_EINVAL, "invalid_value", "cells",
                               "cell %s%ld is longer than Excel's %d characters", ref, row,
                               XLSX_MAX_CELL_CHARS);
        err =
            buf_printf(&x->sheet, "<c r=\"%s%ld\"%s t=\"inlineStr\"><is><t xml:space=\"preserve\">",
                       ref, row, style);
        if (!err)
                err = xml_text_append(&x->sheet, text, len);
        if (!err)
                err = buf_puts(&x->sheet, "</t></is></c>");
        return err ? sheet_fail(err, e) : CR_OK;
}

enum cr_err xlsx_row(struct xlsx *x, const char *const *cells, const int *is_number, int n,
                     struct cr_error *e)
{
        size_t row_start = x->sheet.len;
        long row = x->rows + 1;
        enum cr_err err;

        if (x->rows >= XLSX_MAX_ROWS)
                return cr_fail(e, CR_EINVAL, "invalid_value", "rows",
                               "a sheet holds at most %d rows", XLSX_MAX_ROWS);
        if (n < 0 || n > XLSX_MAX_COLUMNS)
                return cr_fail(e, CR_EINVAL, "invalid_value", "cells",
                               "a row holds 0 to %d cells, not %d", XLSX_MAX_COLUMNS, n);
        if (n > 0) {
                err = buf_printf(&x->sheet, "<row r=\"%ld\">", row);
                if (err) {
                        sheet_fail(err, e);
                        goto out;
                }
                for (int i = 0; i < n; i++) {
                        err = cell_write(x, row, i, cells[i], is_number && is_number[i], e);
                        if (err)
                                goto out;
                }
                err = buf_puts(&x->sheet, "</row>");
                if (err) {
                        sheet_fail(err, e);
                        goto out;
                }
        }
        x->rows = row;
        err = CR_OK;
out:
        if (err)
                buf_truncate(&x->sheet, row_start);
        return err;
}

/* The standard CRC-32 of ZIP (reflected polynomial 0xEDB88320), one table lookup per byte. */
struct crc32_table {
        uint32_t entry[256];
};

static void crc32_table_init(struct crc32_table *t)
{
        for (uint32_t n = 0; n < 256; n++) {
                uint32_t c = n;

                for (int bit = 0; bit < 8; bit++)
                        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                t->entry[n] = c;
        }
}

static uint32_t crc32_of(const struct crc32_table *t, const void *data, size_t len)
{
        const unsigned char *p = data;
        uint32_t c = 0xFFFFFFFFu;

        for (size_t i = 0; i < len; i++)
                c = t->entry[(c ^ p[i]) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
}

/* One file of the archive and where its local header went. */
struct zip_entry {
        const char *name;
        const char *data;
        size_t len;
        uint32_t crc;
        uint32_t offset;
};

static void put_le16(unsigned char *p, uint32_t v)
{
        p[0] = (unsigned char)(v & 0xFF);
        p[1] = (unsigned char)((v >> 8) & 0xFF);
}

static void put_le32(unsigned char *p, uint32_t v)
{
        put_le16(p, v & 0xFFFF);
        put_le16(p + 2, v >> 16);
}

/*
 * Every entry carries the same timestamp, 1980-01-01 00:00 in MS-DOS form, the
 * earliest ZIP can say, so the same workbook always gives the same bytes.
 */
#define ZIP_DOS_TIME     0
#define ZIP_DOS_DATE     ((0 << 9) | (1 << 5) | 1)
#define ZIP_VERSION      20 /* 2.0, the version that stored entries need */
#define ZIP_LOCAL_HEADER 30
#define ZIP_CENTRAL_FILE 46
#define ZIP_END_RECORD   22

/*
 * Fills the fields that a local header and a central directory record share,
 * starting with "version needed": method 0 (stored), no flags.
 */
static void zip_common_fields(unsigned char *p, const struct zip_entry *z)
{
        put_le16(p, ZIP_VERSION);
        put_le16(p + 2, 0); /* flags */
        put_le16(p + 4, 0); /* method: stored */
        put_le16(p + 6, ZIP_DOS_TIME);
        put_le16(p + 8, ZIP_DOS_DATE);
        put_le32(p + 10, z->crc);
        put_le32(p + 14, (uint32_t)z->len); /* compressed size */
        put_le32(p + 18, (uint32_t)z->len); /* uncompressed size */
        put_le16(p + 22, (uint32_t)strlen(z->name));
        put_le16(p + 24, 0); /* extra field length */
}

/* Appends the ZIP archive of the n entries to out; sizes must fit 32 bits. */
static enum cr_err zip_write(struct zip_entry *entries, size_t n, struct buf *out)
{
        struct crc32_table table;
        size_t start = out->len, directory;
        unsigned char h[ZIP_CENTRAL_FILE];
        enum cr_err err = CR_OK;

        crc32_table_init(&table);
        for (size_t i = 0; i < n && !err; i++) {
                struct zip_entry *z = &entries[i];

                if (z->len > UINT32_MAX || out->len - start > UINT32_MAX)
                        return CR_ETOOLARGE;
                z->crc = crc32_of(&table, z->data, z->len);
                z->offset = (uint32_t)(out->len - start);
                put_le32(h, 0x04034b50);
                zip_common_fields(h + 4, z);
                err = buf_append(out, h, ZIP_LOCAL_HEADER);
                if (!err)
                        err = buf_puts(out, z->name);
                if (!err)
                        err = buf_append(out, z->data, z->len);
        }
        directory = out->len - start;
        for (size_t i = 0; i < n && !err; i++) {
                const struct zip_entry *z = &entries[i];

                put_le32(h, 0x02014b50);
                put_le16(h + 4, ZIP_VERSION); /* made by: MS-DOS attributes */
                zip_common_fields(h + 6, z);
                put_le16(h + 32, 0); /* comment length */
                put_le16(h + 34, 0); /* disk number */
                put_le16(h + 36, 0); /* internal attributes */
                put_le32(h + 38, 0); /* external attributes */
                put_le32(h + 42, z->offset);
                err = buf_append(out, h, ZIP_CENTRAL_FILE);
                if (!err)
                        err = buf_puts(out, z->name);
        }
        if (err)
                return err;
        if (out->len - start > UINT32_MAX)
                return CR_ETOOLARGE;
        put_le32(h, 0x06054b50);
        put_le16(h + 4, 0); /* this disk */
        put_le16(h + 6, 0); /* the disk where the directory starts */
        put_le16(h + 8, (uint32_t)n);
        put_le16(h + 10, (uint32_t)n);
        put_le32(h + 12, (uint32_t)(out->len - start - directory));
        put_le32(h + 16, (uint32_t)directory);
        put_le16(h + 20, 0); /* comment length */
        return buf_append(out, h, ZIP_END_RECORD);
}

enum cr_err xlsx_finish(struct xlsx *x, struct buf *out, struct cr_error *e)
{
        struct buf workbook;
        size_t out_start = out->len;
        enum cr_err err;

        if (!x)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "no workbook to finish");
        buf_init(&workbook, 4096);
        err = buf_puts(&x->sheet, sheet_tail);
        if (err) {
                sheet_fail(err, e);
                goto out;
        }
        err = buf_puts(&workbook, XML_DECLARATION "<workbook xmlns=\"" NS_MAIN
                                                  "\" xmlns:r=\"" NS_DOC_RELS "\">"
                                                  "<sheets><sheet name=\"");
        if (!err)
                err = xml_text_append(&workbook, x->sheet_name, strlen(x->sheet_name));
        if (!err)
                err = buf_puts(&workbook, "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
        if (err) {
                cr_fail(e, err, "internal", NULL, "cannot write the workbook part");
                goto out;
        }
        {
                struct zip_entry entries[] = {
                    {"[Content_Types].xml", content_types_xml, sizeof(content_types_xml) - 1, 0, 0},
                    {"_rels/.rels", package_rels_xml, sizeof(package_rels_xml) - 1, 0, 0},
                    {"xl/workbook.xml", workbook.data, workbook.len, 0, 0},
                    {"xl/_rels/workbook.xml.rels", workbook_rels_xml, sizeof(workbook_rels_xml) - 1,
                     0, 0},
                    {"xl/worksheets/sheet1.xml", x->sheet.data, x->sheet.len, 0, 0},
                    {"xl/styles.xml", styles_xml, sizeof(styles_xml) - 1, 0, 0},
                };

                err = zip_write(entries, sizeof(entries) / sizeof(entries[0]), out);
        }
        if (err == CR_ETOOLARGE)
                cr_fail(e, err, "export_too_large", NULL,
                        "the workbook does not fit in the space for the export");
        else if (err)
                cr_fail(e, err, "internal", NULL, "out of memory");
out:
        if (err)
                buf_truncate(out, out_start);
        buf_release(&workbook);
        xlsx_free(x);
        return err;
}

void xlsx_free(struct xlsx *x)
{
        if (!x)
                return;
        buf_release(&x->sheet);
        free(x);
}
