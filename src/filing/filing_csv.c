/*
 * The sales filing file's rules, line by line: the header, each column's
 * format, the buyer's identification by buyer type, the resident identity
 * card check (GB 11643), and certificate coverage through the caller's
 * callback.  Also the splitter that turns streamed text into records.
 */
#include "filing/filing_csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/parse.h"
#include "core/utf8.h"
#include "kernel/uscc.h"

const char *const filing_csv_columns[FILING_NCOLS] = {
    [FC_SALE_DATE] = "sale_date",
    [FC_CERTIFICATE_NUMBER] = "certificate_number",
    [FC_PRODUCT_MODEL] = "product_model",
    [FC_QUANTITY] = "quantity",
    [FC_BUYER_TYPE] = "buyer_type",
    [FC_BUYER_NAME] = "buyer_name",
    [FC_BUYER_USCC] = "buyer_uscc",
    [FC_BUYER_ID_TYPE] = "buyer_id_type",
    [FC_BUYER_ID_NUMBER] = "buyer_id_number",
    [FC_BUYER_ADDRESS] = "buyer_address",
    [FC_BUYER_CONTACT] = "buyer_contact",
    [FC_END_USE] = "end_use",
};

/*
 * What every cell of a column must satisfy before its own format is looked
 * at.  max_chars bounds the text (the formats of the other columns bound
 * them more tightly); a coded value (a date, a number, a code) may not have
 * spaces around it, because it is compared exactly, while free text may.
 * The values of the personal columns (buyer_name, buyer_id_number,
 * buyer_address, buyer_contact) are never repeated in a message, since an
 * error report travels further than the filing itself.
 */
struct col_rule {
        int max_chars;
        int coded;
        const char *hint; /* how to write the column, shown with its problems */
};

static const struct col_rule col_rules[FILING_NCOLS] = {
    [FC_SALE_DATE] = {40, 1,
                      "write the day of the sale as YYYY-MM-DD, for example 2025-03-14; if a "
                      "spreadsheet changed the dates, format the column as text"},
    [FC_CERTIFICATE_NUMBER] = {60, 1,
                               "write the number of the type certificate that covers the "
                               "product, for example SXH202500001"},
    [FC_PRODUCT_MODEL] = {100, 1,
                          "write the product model exactly as the type certificate names it"},
    [FC_QUANTITY] = {40, 1,
                     "write the number of units sold in digits only, for example 1200 (no "
                     "thousands separators, decimals or units)"},
    [FC_BUYER_TYPE] = {40, 1,
                       "write organisation for a company or other body with a Unified Social "
                       "Credit Code, or individual for a person"},
    [FC_BUYER_NAME] = {200, 0,
                       "write the buyer's full name; for an organisation, its registered name"},
    [FC_BUYER_USCC] = {40, 1,
                       "copy the buyer's 18-character Unified Social Credit Code from its "
                       "business licence, in capital letters"},
    [FC_BUYER_ID_TYPE] = {40, 1, "write resident_id, passport or other"},
    [FC_BUYER_ID_NUMBER] = {40, 1, "copy the number from the buyer's identity document"},
    [FC_BUYER_ADDRESS] = {300, 0, "write the buyer's address in at most 300 characters"},
    [FC_BUYER_CONTACT] = {100, 0,
                          "write one telephone number or e-mail address, in at most 100 "
                          "characters"},
    [FC_END_USE] = {200, 0,
                    "describe what the buyer uses the product for, in at most 200 "
                    "characters"},
};

#define HINT_HEADER                                                                                \
        "the first line must be the template's header: sale_date,certificate_number,"              \
        "product_model,quantity,buyer_type,buyer_name,buyer_uscc,buyer_id_type,"                   \
        "buyer_id_number,buyer_address,buyer_contact,end_use (download the template again)"
#define HINT_SYNTAX                                                                                \
        "put a value that holds a comma, a quote or a line break in double quotes, and write "     \
        "each quote inside it twice (\"\")"
#define HINT_ORG_NO_ID                                                                             \
        "leave buyer_id_type and buyer_id_number empty for an organisation: it is identified by "  \
        "buyer_uscc; or set buyer_type to individual"
#define HINT_PERSON_NO_USCC "leave buyer_uscc empty for a person, or set buyer_type to organisation"
#define HINT_COVERED                                                                               \
        "each line's product must be covered by one of your type certificates that is valid on "   \
        "the sale date; check the certificate number, the model and the date"

/* Text for messages. */

/* Writes at most 40 characters of valid UTF-8 s into out (an ellipsis if cut), and returns out. */
static const char *shown(char out[200], const char *s, size_t len)
{
        size_t i = 0, chars = 0;

        while (i < len && chars < 40) {
                i++;
                while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
                        i++;
                chars++;
        }
        memcpy(out, s, i);
        if (i < len)
                memcpy(out + i, "\xE2\x80\xA6", 4); /* U+2026 and the NUL */
        else
                out[i] = '\0';
        return out;
}

/* Cuts s back to whole UTF-8 characters after a bounded snprintf; 0 if it is valid then. */
static int utf8_trim(char *s)
{
        size_t len = strlen(s);

        for (int k = 0; k < 4 && len > 0 && utf8_count(s, len) < 0; k++)
                s[--len] = '\0';
        return utf8_count(s, len) < 0 ? -1 : 0;
}

/* Adds one problem: counted always, listed while the list is below its cap. */
static void add_row(struct filing_csv *f, long line, const char *column, const char *message,
                    const char *hint)
{
        json_t *row;

        f->sum.errors++;
        if (!f->rows && !(f->rows = json_array())) {
                f->oom = 1;
                return;
        }
        if (json_array_size(f->rows) >= FILING_CSV_MAX_REPORTED)
                return;
        row = json_pack("{s:I, s:s, s:s, s:s}", "line", (json_int_t)line, "column",
                        column ? column : "", "message", message, "hint", hint ? hint : "");
        if (!row || json_array_append_new(f->rows, row))
                f->oom = 1;
}

enum cr_err filing_csv_report(struct filing_csv *f, long line, const char *column,
                              const char *message, const char *hint)
{
        char msg[512], h[512];

        /* A message from elsewhere may have been cut inside a character by a bounded copy. */
        snprintf(msg, sizeof(msg), "%s", message ? message : "");
        snprintf(h, sizeof(h), "%s", hint ? hint : "");
        if (utf8_trim(msg))
                snprintf(msg, sizeof(msg), "this line has a problem that cannot be shown");
        if (utf8_trim(h))
                h[0] = '\0';
        add_row(f, line, column, msg, h);
        return f->oom ? CR_ENOMEM : CR_OK;
}

/* One line under check: where problems go, and how many it has. */
struct check {
        struct filing_csv *f;
        long line;
        int bad;
};

static void flag(struct check *c, int col, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void flag(struct check *c, int col, const char *hint, const char *fmt, ...)
{
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (utf8_trim(msg))
                snprintf(msg, sizeof(msg), "this cell has a problem that cannot be shown");
        add_row(c->f, c->line, col >= 0 ? filing_csv_columns[col] : NULL, msg,
                hint ? hint : (col >= 0 ? col_rules[col].hint : NULL));
        c->bad++;
}

/* Header. */

/*
 * The fields of a record without empty ones at its end: spreadsheets write
 * trailing empty cells when a column right of the data was ever touched.
 */
static size_t trimmed_fields(const struct csv_record *rec)
{
        size_t n = rec->nfields;

        while (n > 0 && rec->len[n - 1] == 0)
                n--;
        return n;
}

static int column_named(const char *s, size_t len)
{
        for (int k = 0; k < FILING_NCOLS; k++)
                if (strlen(filing_csv_columns[k]) == len &&
                    memcmp(filing_csv_columns[k], s, len) == 0)
                        return k;
        return -1;
}

static void read_header(struct filing_csv *f, const struct csv_record *rec)
{
        struct check c = {f, rec->line, 0};
        int seen[FILING_NCOLS] = {0};
        int known = 0;

        f->have_header = 1;
        f->ncols = (int)trimmed_fields(rec);
        for (int i = 0; i < f->ncols; i++) {
                f->col_of[i] = column_named(rec->field[i], rec->len[i]);
                known += f->col_of[i] >= 0;
        }
        if (known == 0) {
                /* Most likely the header was deleted and this is the first line of data. */
                flag(&c, -1, HINT_HEADER,
                     "the first line is not the header of the filing template");
                f->header_bad = 1;
                return;
        }
        for (int i = 0; i < f->ncols; i++) {
                int k = f->col_of[i];
                char v[200];

                if (k < 0 && utf8_count(rec->field[i], rec->len[i]) >= 0 &&
                    !memchr(rec->field[i], '\n', rec->len[i]))
                        flag(&c, -1, HINT_HEADER,
                             "column %d of the header, \"%s\", is not a column of the filing "
                             "template",
                             i + 1, shown(v, rec->field[i], rec->len[i]));
                else if (k < 0)
                        flag(&c, -1, HINT_HEADER,
                             "column %d of the header is not a column of the filing template",
                             i + 1);
                else if (seen[k]++) {
                        flag(&c, k, HINT_HEADER, "the header names %s twice",
                             filing_csv_columns[k]);
                        f->col_of[i] = -1;
                }
        }
        for (int k = 0; k < FILING_NCOLS; k++)
                if (!seen[k])
                        flag(&c, k, HINT_HEADER, "the header lacks the column %s",
                             filing_csv_columns[k]);
        f->header_bad = c.bad > 0;
}

/* Cells. */

/* The checks every cell passes first; returns 1 if the cell is usable text. */
static int check_text(struct check *c, int col, const char *s, size_t len)
{
        long chars = utf8_count(s, len);

        if (chars < 0) {
                flag(c, col, "save the file as CSV UTF-8 (or GB18030) from the spreadsheet",
                     "%s is not valid text", filing_csv_columns[col]);
                return 0;
        }
        for (size_t i = 0; i < len; i++) {
                unsigned char b = (unsigned char)s[i];
                /* C0 controls, DEL, and the C1 controls U+0080-U+009F (C2 80 - C2 9F). */
                if (b < 0x20 || b == 0x7F ||
                    (b == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] < 0xA0)) {
                        flag(c, col,
                             "remove line breaks, tabs and other control characters "
                             "from the cell",
                             "%s contains a line break, a tab or another control character",
                             filing_csv_columns[col]);
                        return 0;
                }
        }
        if (chars > col_rules[col].max_chars) {
                flag(c, col, NULL, "%s is %ld characters long; at most %d are allowed",
                     filing_csv_columns[col], chars, col_rules[col].max_chars);
                return 0;
        }
        if (col_rules[col].coded && len > 0 && (s[0] == ' ' || s[len - 1] == ' ')) {
                flag(c, col, "remove the spaces before and after the value",
                     "%s has spaces before or after the value", filing_csv_columns[col]);
                return 0;
        }
        return 1;
}

static int all_digits(const char *s, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (s[i] < '0' || s[i] > '9')
                        return 0;
        return len > 0;
}

static int check_date(struct check *c, const char *s, size_t len, day_t *out)
{
        const struct filing_csv *f = c->f;
        char v[200], d[DATE_LEN];

        if (len == 0) {
                flag(c, FC_SALE_DATE, NULL, "sale_date is empty");
                return 0;
        }
        if (date_parse(s, len, out) != 0) {
                if (len == 10 && s[4] == '-' && s[7] == '-' && all_digits(s, 4) &&
                    all_digits(s + 5, 2) && all_digits(s + 8, 2))
                        flag(c, FC_SALE_DATE, NULL, "sale_date %s is not a day of the calendar",
                             shown(v, s, len));
                else
                        flag(c, FC_SALE_DATE, NULL,
                             "sale_date \"%s\" is not a date in the form YYYY-MM-DD",
                             shown(v, s, len));
                return 0;
        }
        if (*out < f->first_day || *out > f->last_day) {
                date_format(*out, d);
                flag(c, FC_SALE_DATE,
                     "a filing holds the sales of one calendar year; file this sale with the "
                     "filing for the year in which it was made",
                     "sale_date %s is not in %d, the year of this filing", d, f->year);
                return 0;
        }
        return 1;
}

static int check_quantity(struct check *c, const char *s, size_t len, int64_t *q)
{
        char v[200];

        if (len == 0) {
                flag(c, FC_QUANTITY, NULL, "quantity is empty");
                return 0;
        }
        if (all_digits(s, len) || (s[0] == '-' && all_digits(s + 1, len - 1))) {
                if (s[0] == '-' || (parse_int64(s, len, 0, INT64_MAX, q) == 0 && *q == 0)) {
                        flag(c, FC_QUANTITY, "leave out lines on which no units were sold",
                             "quantity must be at least 1, not %s", shown(v, s, len));
                        return 0;
                }
                if (parse_int64(s, len, 1, FILING_CSV_MAX_QUANTITY, q) != 0) {
                        flag(c, FC_QUANTITY,
                             "check the number; split a larger sale over several lines",
                             "quantity %s is more than %d, the most one line may hold",
                             shown(v, s, len), FILING_CSV_MAX_QUANTITY);
                        return 0;
                }
                return 1;
        }
        flag(c, FC_QUANTITY, NULL, "quantity \"%s\" is not a whole number", shown(v, s, len));
        return 0;
}

static const char id_check_chars[] = "10X98765432";
static const int id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

char resident_id_check_char(const char *first17)
{
        int sum = 0;

        for (int i = 0; i < 17; i++) {
                if (first17[i] < '0' || first17[i] > '9')
                        return 0;
                sum += (first17[i] - '0') * id_weights[i];
        }
        return id_check_chars[sum % 11];
}

int resident_id_validate(const char *s, size_t len, day_t born_by, char *why, size_t whysize)
{
        char iso[DATE_LEN];
        day_t born;

        if (len == 15 && all_digits(s, len)) {
                snprintf(why, whysize,
                         "it has the 15 digits of a first-generation card, which is no longer "
                         "valid; use the 18-character number of the current card");
                return -1;
        }
        if (len != 18) {
                snprintf(why, whysize, "a resident identity card number has 18 characters, not %zu",
                         len);
                return -1;
        }
        if (!all_digits(s, 17)) {
                snprintf(why, whysize, "its first 17 characters must be digits");
                return -1;
        }
        if (s[17] == 'x') {
                snprintf(why, whysize, "it ends in a small x; write a capital X");
                return -1;
        }
        if (s[17] != 'X' && (s[17] < '0' || s[17] > '9')) {
                snprintf(why, whysize, "its last character must be a digit or X");
                return -1;
        }
        snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2s", s + 6, s + 10, s + 12);
        if (date_parse(iso, 10, &born) != 0) {
                snprintf(why, whysize, "characters 7-14 must be the birth date (YYYYMMDD)");
                return -1;
        }
        if (born_by && born > born_by) {
                snprintf(why, whysize, "the birth date in characters 7-14 is after the sale date");
                return -1;
        }
        if (resident_id_check_char(s) != s[17]) {
                snprintf(why, whysize,
                         "the check character (the 18th) does not match the other 17, so one of "
                         "them is mistyped");
                return -1;
        }
        return 0;
}

static int is_alnum_ascii(char ch)
{
        return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

static void check_id_number(struct check *c, enum filing_id_type type, const char *s, size_t len,
                            day_t born_by)
{
        char why[200];

        if (len == 0) {
                flag(c, FC_BUYER_ID_NUMBER, NULL, "an individual buyer needs buyer_id_number");
                return;
        }
        if (type == FILING_ID_RESIDENT) {
                if (resident_id_validate(s, len, born_by, why, sizeof(why)))
                        flag(c, FC_BUYER_ID_NUMBER,
                             "copy the 18-character number from the buyer's resident identity "
                             "card",
                             "buyer_id_number is not a valid resident identity card number: %s",
                             why);
        } else if (type == FILING_ID_PASSPORT) {
                int ok = len >= 5 && len <= 20;
                for (size_t i = 0; ok && i < len; i++)
                        ok = is_alnum_ascii(s[i]);
                if (!ok)
                        flag(c, FC_BUYER_ID_NUMBER,
                             "copy the passport number as printed: 5 to 20 letters and digits, "
                             "without spaces",
                             "buyer_id_number is not a passport number");
        }
}

/*
 * Checks who the buyer is: an organisation by its USCC alone, a person by
 * an identity document alone.  Nothing but text checks is done when the
 * buyer type itself is bad, since the rest would only repeat that problem.
 */
static void check_buyer(struct check *c, const int *ok, const char *const *v, const size_t *n,
                        enum filing_buyer_type type, day_t born_by, enum filing_id_type *id_type)
{
        char why[200], shown_v[200];

        *id_type = FILING_ID_NONE;
        if (type == FILING_BUYER_ORGANISATION) {
                if (ok[FC_BUYER_USCC] && n[FC_BUYER_USCC] == 0)
                        flag(c, FC_BUYER_USCC, NULL, "an organisation buyer needs buyer_uscc");
                else if (ok[FC_BUYER_USCC] &&
                         uscc_validate(v[FC_BUYER_USCC], n[FC_BUYER_USCC], why, sizeof(why)))
                        flag(c, FC_BUYER_USCC, NULL, "buyer_uscc %s is not valid: %s",
                             shown(shown_v, v[FC_BUYER_USCC], n[FC_BUYER_USCC]), why);
                if (ok[FC_BUYER_ID_TYPE] && n[FC_BUYER_ID_TYPE])
                        flag(c, FC_BUYER_ID_TYPE, HINT_ORG_NO_ID,
                             "an organisation buyer has no buyer_id_type");
                if (ok[FC_BUYER_ID_NUMBER] && n[FC_BUYER_ID_NUMBER])
                        flag(c, FC_BUYER_ID_NUMBER, HINT_ORG_NO_ID,
                             "an organisation buyer has no buyer_id_number");
                return;
        }
        if (type != FILING_BUYER_INDIVIDUAL)
                return;
        if (ok[FC_BUYER_USCC] && n[FC_BUYER_USCC])
                flag(c, FC_BUYER_USCC, HINT_PERSON_NO_USCC,
                     "an individual buyer has no buyer_uscc");
        if (!ok[FC_BUYER_ID_TYPE])
                return;
        if (n[FC_BUYER_ID_TYPE] == 0) {
                flag(c, FC_BUYER_ID_TYPE, NULL, "an individual buyer needs buyer_id_type");
                if (ok[FC_BUYER_ID_NUMBER] && n[FC_BUYER_ID_NUMBER] == 0)
                        flag(c, FC_BUYER_ID_NUMBER, NULL,
                             "an individual buyer needs buyer_id_number");
                return;
        }
        if (strcmp(v[FC_BUYER_ID_TYPE], "resident_id") == 0)
                *id_type = FILING_ID_RESIDENT;
        else if (strcmp(v[FC_BUYER_ID_TYPE], "passport") == 0)
                *id_type = FILING_ID_PASSPORT;
        else if (strcmp(v[FC_BUYER_ID_TYPE], "other") == 0)
                *id_type = FILING_ID_OTHER;
        else {
                flag(c, FC_BUYER_ID_TYPE, NULL, "buyer_id_type \"%s\" is not a document type",
                     shown(shown_v, v[FC_BUYER_ID_TYPE], n[FC_BUYER_ID_TYPE]));
                return;
        }
        if (ok[FC_BUYER_ID_NUMBER])
                check_id_number(c, *id_type, v[FC_BUYER_ID_NUMBER], n[FC_BUYER_ID_NUMBER], born_by);
}

/* Asks the caller whether the line's product is covered; a negative answer stops everything. */
static enum cr_err check_covered(struct check *c, const char *cert, const char *model, day_t date,
                                 struct cr_error *e)
{
        struct filing_csv *f = c->f;
        char why[256] = "";
        char d[DATE_LEN];
        int rc = f->covered(f->covered_ctx, cert, model, date, why, sizeof(why));

        why[sizeof(why) - 1] = '\0';
        if (why[0] && utf8_trim(why))
                why[0] = '\0';
        if (rc < 0)
                return cr_fail(e, CR_ESTORE, "internal", NULL,
                               "line %ld: the certificates could not be checked: %s", c->line,
                               why[0] ? why : "no reason given");
        if (rc == 0) {
                char vc[200], vm[200];
                date_format(date, d);
                if (why[0])
                        flag(c, FC_CERTIFICATE_NUMBER, HINT_COVERED, "%s", why);
                else
                        flag(c, FC_CERTIFICATE_NUMBER, HINT_COVERED,
                             "certificate %s does not cover model %s on %s",
                             shown(vc, cert, strlen(cert)), shown(vm, model, strlen(model)), d);
        }
        return CR_OK;
}

/* Checks one data line; fills l and returns 1 through *good when it has no problem. */
static enum cr_err check_line(struct filing_csv *f, const struct csv_record *rec,
                              struct filing_line *l, int *good, struct cr_error *e)
{
        struct check c = {f, rec->line, 0};
        const char *v[FILING_NCOLS];
        size_t n[FILING_NCOLS];
        int ok[FILING_NCOLS];
        int date_ok = 0, qty_ok = 0;
        char sv[200];
        enum cr_err err = CR_OK;

        *good = 0;
        memset(l, 0, sizeof(*l));
        l->line = rec->line;
        if (rec->nfields != (size_t)f->ncols &&
            (rec->nfields < (size_t)f->ncols || trimmed_fields(rec) > (size_t)f->ncols)) {
                flag(&c, -1,
                     rec->nfields > (size_t)f->ncols
                         ? "remove the cells beyond the last column; a value that holds a comma "
                           "must be in double quotes"
                         : "give every line all the header's columns, leaving empty cells empty",
                     "the line has %zu fields; the header has %d", rec->nfields, f->ncols);
                return CR_OK;
        }
        for (int i = 0; i < f->ncols; i++) {
                int k = f->col_of[i];
                v[k] = rec->field[i];
                n[k] = rec->len[i];
        }
        for (int k = 0; k < FILING_NCOLS; k++)
                ok[k] = check_text(&c, k, v[k], n[k]);

        if (ok[FC_SALE_DATE])
                date_ok = check_date(&c, v[FC_SALE_DATE], n[FC_SALE_DATE], &l->sale_date);
        if (ok[FC_CERTIFICATE_NUMBER] && n[FC_CERTIFICATE_NUMBER] == 0) {
                flag(&c, FC_CERTIFICATE_NUMBER, NULL, "certificate_number is empty");
                ok[FC_CERTIFICATE_NUMBER] = 0;
        }
        if (ok[FC_PRODUCT_MODEL] && n[FC_PRODUCT_MODEL] == 0) {
                flag(&c, FC_PRODUCT_MODEL, NULL, "product_model is empty");
                ok[FC_PRODUCT_MODEL] = 0;
        }
        if (ok[FC_QUANTITY])
                qty_ok = check_quantity(&c, v[FC_QUANTITY], n[FC_QUANTITY], &l->quantity);
        if (ok[FC_BUYER_TYPE]) {
                if (n[FC_BUYER_TYPE] == 0)
                        flag(&c, FC_BUYER_TYPE, NULL, "buyer_type is empty");
                else if (strcmp(v[FC_BUYER_TYPE], "organisation") == 0)
                        l->buyer_type = FILING_BUYER_ORGANISATION;
                else if (strcmp(v[FC_BUYER_TYPE], "individual") == 0)
                        l->buyer_type = FILING_BUYER_INDIVIDUAL;
                else
                        flag(&c, FC_BUYER_TYPE, NULL, "buyer_type \"%s\" is not a buyer type",
                             shown(sv, v[FC_BUYER_TYPE], n[FC_BUYER_TYPE]));
        }
        if (ok[FC_BUYER_NAME] && n[FC_BUYER_NAME] == 0)
                flag(&c, FC_BUYER_NAME, NULL, "buyer_name is empty");
        check_buyer(&c, ok, v, n, l->buyer_type, date_ok ? l->sale_date : 0, &l->id_type);
        if (date_ok && ok[FC_CERTIFICATE_NUMBER] && ok[FC_PRODUCT_MODEL])
                err = check_covered(&c, v[FC_CERTIFICATE_NUMBER], v[FC_PRODUCT_MODEL], l->sale_date,
                                    e);
        if (err || c.bad || !qty_ok)
                return err;
        for (int k = 0; k < FILING_NCOLS; k++) {
                l->text[k] = v[k];
                l->len[k] = n[k];
        }
        *good = 1;
        return CR_OK;
}

static int record_is_blank(const struct csv_record *rec)
{
        return trimmed_fields(rec) == 0;
}

enum cr_err filing_csv_init(struct filing_csv *f, int year, filing_covered_fn covered, void *ctx,
                            struct cr_error *e)
{
        memset(f, 0, sizeof(*f));
        buf_init(&f->text, 2 * FILING_CSV_MAX_RAW);
        f->text_line = 1;
        if (year < 1970 || year > 9999)
                return cr_fail(e, CR_EINVAL, "invalid_value", "year",
                               "a filing year is a year from 1970 to 9999");
        if (!covered)
                return cr_fail(e, CR_EINVAL, "invalid_value", NULL,
                               "the filing file needs a certificate coverage check");
        f->year = year;
        f->first_day = date_from_ymd(year, 1, 1);
        f->last_day = date_from_ymd(year, 12, 31);
        f->covered = covered;
        f->covered_ctx = ctx;
        return CR_OK;
}

void filing_csv_on_line(struct filing_csv *f, filing_line_fn fn, void *ctx)
{
        f->on_line = fn;
        f->line_ctx = ctx;
}

enum cr_err filing_csv_feed(struct filing_csv *f, const struct csv_record *rec, struct cr_error *e)
{
        struct filing_line l;
        int good = 0;
        enum cr_err err = CR_OK;

        if (record_is_blank(rec))
                return CR_OK; /* spreadsheets write empty rows as a line of commas */
        if (!f->have_header) {
                read_header(f, rec);
                return f->oom ? cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory") : CR_OK;
        }
        f->sum.lines++;
        /* With a bad header the columns are unknown: lines are counted, not checked. */
        if (!f->header_bad)
                err = check_line(f, rec, &l, &good, e);
        if (!err && good) {
                if (l.quantity > INT64_MAX - f->sum.total_quantity)
                        return cr_fail(e, CR_ETOOLARGE, "too_large", NULL,
                                       "the quantities add up to more than can be counted");
                f->sum.good_lines++;
                f->sum.total_quantity += l.quantity;
                if (f->on_line)
                        err = f->on_line(f->line_ctx, &l, e);
        }
        if (!err && f->oom)
                err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        return err;
}

/* Streamed text. */

/* Where the splitter is within a record, by the rules of RFC 4180 as core/csv.c reads them. */
enum split_state {
        SP_FIELD_START,
        SP_UNQUOTED,
        SP_QUOTED,
        SP_QUOTE_IN_QUOTED, /* a quote inside quotes: doubled, or the closing one */
        SP_AFTER_QUOTE,
        SP_CR,     /* a CR outside quotes: the line ends, with or without an LF after it */
        SP_BROKEN, /* a quote where none may be: the line is bad, read on to its end */
};

static void report_too_long(struct filing_csv *f, long line)
{
        char msg[160];
        struct check c = {f, line, 0};

        snprintf(msg, sizeof(msg), "the line is longer than %d bytes", FILING_CSV_MAX_RAW);
        flag(&c, -1, "a cell may be far too long, or a quote may not be closed", "%s", msg);
        if (!f->have_header) {
                f->have_header = 1;
                f->header_bad = 1;
        } else {
                f->sum.lines++;
        }
}

/* Reads one record's bytes (with their line end) and feeds it. */
static enum cr_err take_record(struct filing_csv *f, const char *p, size_t n, size_t content,
                               struct cr_error *e)
{
        struct csv_reader r;
        struct csv_record rec;
        struct cr_error ce = CR_ERROR_INIT;
        enum cr_err err = CR_OK;
        int rc;

        if (content > FILING_CSV_MAX_RAW) {
                report_too_long(f, f->text_line);
                return f->oom ? cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory") : CR_OK;
        }
        csv_reader_init(&r, p, n);
        rc = csv_read(&r, &rec, &ce);
        if (rc > 0) {
                rec.line = f->text_line;
                err = filing_csv_feed(f, &rec, e);
        } else if (rc < 0) {
                /* csv.c words it "line N: why"; the line is given separately here. */
                const char *why = ce.detail, *colon = strstr(ce.detail, ": ");
                struct check c = {f, f->text_line, 0};

                if (strncmp(why, "line ", 5) == 0 && colon)
                        why = colon + 2;
                flag(&c, -1, HINT_SYNTAX, "the line is not valid CSV: %s", why);
                if (!f->have_header) {
                        f->have_header = 1;
                        f->header_bad = 1;
                } else {
                        f->sum.lines++;
                }
                if (f->oom)
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        csv_reader_release(&r);
        cr_error_clear(&ce);
        return err;
}

/* Bytes that end a run of unquoted text. */
static const unsigned char plain_end[256] = {['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1};

/* Lines a record moves the count by: its LFs, and one for a CR alone that ends it. */
static long lines_in(const char *p, size_t n)
{
        const char *end = p + n, *q = p;
        long lines = 0;

        while (q < end && (q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
                lines++;
                q++;
        }
        if (n > 0 && p[n - 1] == '\r')
                lines++;
        return lines;
}

/*
 * Scans the unscanned text, feeding each record that ends in it, then keeps
 * only the unfinished record.  final: the text has ended, so what is left
 * is the last record.
 */
static enum cr_err split(struct filing_csv *f, int final, struct cr_error *e)
{
        char *d = f->text.data;
        size_t len = f->text.len, start = 0, i = f->scan;
        enum cr_err err = CR_OK;

        while (i < len && !err) {
                char ch;
                size_t end = 0; /* one past the record's last byte, when it ends here */
                int terminator = 1;

                /* Most bytes are plain text: skip them without the state machine. */
                if (f->split == SP_QUOTED) {
                        const char *q = memchr(d + i, '"', len - i);
                        i = q ? (size_t)(q - d) : len;
                } else if (f->split == SP_UNQUOTED || f->split == SP_BROKEN) {
                        while (i < len && !plain_end[(unsigned char)d[i]])
                                i++;
                }
                if (i == len)
                        break;
                ch = d[i];
                switch ((enum split_state)f->split) {
                case SP_QUOTED:
                        if (ch == '"')
                                f->split = SP_QUOTE_IN_QUOTED;
                        i++;
                        continue;
                case SP_QUOTE_IN_QUOTED:
                        if (ch == '"') {
                                f->split = SP_QUOTED;
                                i++;
                                continue;
                        }
                        f->split = SP_AFTER_QUOTE;
                        continue; /* the same byte again, after the closing quote */
                case SP_CR:
                        if (ch == '\n') {
                                end = i + 1;
                                terminator = 2;
                                i++;
                        } else {
                                end = i; /* the byte begins the next record */
                        }
                        break;
                default:
                        if (ch == '\n') {
                                end = ++i;
                        } else if (ch == '\r') {
                                f->split = SP_CR;
                                i++;
                                continue;
                        } else if (f->split == SP_BROKEN) {
                                i++;
                                continue;
                        } else if (ch == ',') {
                                f->split = SP_FIELD_START;
                                i++;
                                continue;
                        } else if (ch == '"') {
                                f->split = f->split == SP_FIELD_START ? SP_QUOTED : SP_BROKEN;
                                i++;
                                continue;
                        } else {
                                f->split = f->split == SP_AFTER_QUOTE ? SP_BROKEN : SP_UNQUOTED;
                                i++;
                                continue;
                        }
                }
                if (f->skipping) {
                        f->skipping = 0;
                } else {
                        err = take_record(f, d + start, end - start, end - start - terminator, e);
                }
                f->text_line += lines_in(d + start, end - start);
                f->split = SP_FIELD_START;
                start = end;
        }
        if (!err && final && start < len) {
                size_t content = len - start - (f->split == SP_CR);
                if (!f->skipping)
                        err = take_record(f, d + start, len - start, content, e);
                f->text_line += lines_in(d + start, len - start);
                start = len;
        } else if (!err && len - start - (f->split == SP_CR) > FILING_CSV_MAX_RAW) {
                /* Report now and drop the bytes, so a line never holds more than the limit. */
                if (!f->skipping)
                        report_too_long(f, f->text_line);
                f->skipping = 1;
                f->text_line += lines_in(d + start, len - start) - (f->split == SP_CR);
                start = len - (f->split == SP_CR);
                if (f->oom)
                        err = cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        if (final)
                f->split = SP_FIELD_START;
        memmove(d, d + start, len - start);
        f->text.len = len - start;
        f->scan = i - start;
        if (final || err)
                f->scan = 0;
        return err;
}

enum cr_err filing_csv_text(void *ctx, const char *text, size_t len, struct cr_error *e)
{
        struct filing_csv *f = ctx;

        while (len) {
                size_t take = f->text.max - f->text.len;
                enum cr_err err;

                if (take > len)
                        take = len;
                err = buf_append(&f->text, text, take);
                if (err)
                        return cr_fail(e, err, "internal", NULL, "the line buffer is full");
                text += take;
                len -= take;
                err = split(f, 0, e);
                if (err)
                        return err;
        }
        return CR_OK;
}

void filing_csv_drop_text(struct filing_csv *f)
{
        buf_reset(&f->text);
        f->scan = 0;
        f->split = SP_FIELD_START;
        f->skipping = 0;
}

enum cr_err filing_csv_finish(struct filing_csv *f, struct filing_csv_summary *sum,
                              struct cr_error *e)
{
        enum cr_err err = CR_OK;

        if (f->text.len)
                err = split(f, 1, e);
        buf_release(&f->text);
        if (err)
                return err;
        /* Unless a problem from outside (the decoder's) already explains why nothing came. */
        if (!f->have_header && f->sum.errors == 0)
                add_row(f, 1, NULL, "the file is empty; the first line must be the header",
                        HINT_HEADER);
        if (f->oom)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        f->sum.reported = f->rows ? (long)json_array_size(f->rows) : 0;
        f->sum.nil_return = f->sum.errors == 0 && f->sum.lines == 0;
        *sum = f->sum;
        if (f->sum.errors == 0)
                return CR_OK;
        if (e->rows)
                json_decref(e->rows);
        e->rows = f->rows;
        f->rows = NULL;
        if (sum->errors > sum->reported)
                return cr_fail(e, CR_EINVAL, "filing_invalid", NULL,
                               "the filing file has %ld problems; the first %ld are listed",
                               sum->errors, sum->reported);
        return cr_fail(e, CR_EINVAL, "filing_invalid", NULL, "the filing file has %ld problem%s",
                       sum->errors, sum->errors == 1 ? "" : "s");
}

void filing_csv_release(struct filing_csv *f)
{
        buf_release(&f->text);
        if (f->rows)
                json_decref(f->rows);
        f->rows = NULL;
}
