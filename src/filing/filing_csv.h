/*
 * The sales filing file (Notice 336 item IV): a streaming reader and
 * validator of the filing template, one line at a time, which collects every
 * problem of the whole file instead of stopping at the first.  It holds no
 * storage: whether a line's product is covered by one of the filer's type
 * certificates on the sale date is asked of a callback that the caller
 * supplies, and each good line is handed to another, so the filing service
 * can store lines as they pass.  The format is in docs/domain.md, "Sales
 * filing file format".
 *
 * Two ways in: filing_csv_feed takes one record that the caller read with
 * core/csv.h; filing_csv_text takes UTF-8 text in chunks of any size (it is
 * a transcode_sink_fn, so core/transcode.h can feed it directly), cuts it
 * into records and feeds them.  Memory stays bounded whatever the number of
 * lines: one record's text and at most FILING_CSV_MAX_REPORTED error rows.
 */
#ifndef CR_FILING_CSV_H
#define CR_FILING_CSV_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/date.h"
#include "core/err.h"

#define FILING_CSV_MAX_REPORTED 10000       /* error rows listed; all are counted */
#define FILING_CSV_MAX_QUANTITY 1000000000  /* units on one line */
#define FILING_CSV_MAX_RAW      (16 * 1024) /* bytes of one line as written in the file */

/* The template's columns, in the template's order; a file may order them differently. */
enum filing_col {
        FC_SALE_DATE,
        FC_CERTIFICATE_NUMBER,
        FC_PRODUCT_MODEL,
        FC_QUANTITY,
        FC_BUYER_TYPE,
        FC_BUYER_NAME,
        FC_BUYER_USCC,
        FC_BUYER_ID_TYPE,
        FC_BUYER_ID_NUMBER,
        FC_BUYER_ADDRESS,
        FC_BUYER_CONTACT,
        FC_END_USE,
        FILING_NCOLS
};

/* Column names, indexed by enum filing_col. */
extern const char *const filing_csv_columns[FILING_NCOLS];

enum filing_buyer_type {
        FILING_BUYER_NONE = 0, /* not yet known (a bad line) */
        FILING_BUYER_ORGANISATION,
        FILING_BUYER_INDIVIDUAL,
};

enum filing_id_type {
        FILING_ID_NONE = 0, /* organisations */
        FILING_ID_RESIDENT, /* resident identity card, GB 11643 */
        FILING_ID_PASSPORT,
        FILING_ID_OTHER,
};

/*
 * One good line.  The text views point into the record fed and are valid
 * only until the next record; each is NUL-terminated, valid UTF-8 without
 * control characters, and empty for an optional column left blank.
 */
struct filing_line {
        long line; /* in the file, 1-based; the header is line 1 */
        day_t sale_date;
        int64_t quantity;
        enum filing_buyer_type buyer_type;
        enum filing_id_type id_type;
        const char *text[FILING_NCOLS]; /* indexed by enum filing_col */
        size_t len[FILING_NCOLS];
};

/*
 * Asked for each line whose date, certificate number and model are well
 * formed: is this model covered by this certificate of the filer, and is the
 * certificate valid on sale_date?  Returns 1 if so; 0 if not, with a
 * sentence for the user in why (for example which status the certificate
 * had that day); a negative value if the question could not be answered
 * (storage failed), with the reason in why, which stops the validation.
 */
typedef int (*filing_covered_fn)(void *ctx, const char *cert_number, const char *model,
                                 day_t sale_date, char *why, size_t whysize);

/* Receives each good line; a failure it returns stops the validation and is passed back. */
typedef enum cr_err (*filing_line_fn)(void *ctx, const struct filing_line *line,
                                      struct cr_error *e);

struct filing_csv_summary {
        long lines;             /* data lines (not the header, not blank lines) */
        long good_lines;        /* lines without a problem */
        long errors;            /* every problem found, including any not listed */
        long reported;          /* problems listed in the rows: at most FILING_CSV_MAX_REPORTED */
        int64_t total_quantity; /* units on the good lines */
        int nil_return;         /* 1: the header, no lines and no problem: no sales that year */
};

struct filing_csv {
        int year;
        day_t first_day, last_day;
        filing_covered_fn covered;
        void *covered_ctx;
        filing_line_fn on_line;
        void *line_ctx;
        int have_header, header_bad;
        int ncols;                  /* fields in the header */
        int col_of[CSV_MAX_FIELDS]; /* enum filing_col of each header field, or -1 */
        struct filing_csv_summary sum;
        json_t *rows; /* the error rows, owned until filing_csv_finish moves them */
        int oom;      /* 1 if an error row could not be allocated */
        /* Splitting streamed text into records (filing_csv_text). */
        struct buf text; /* the current record's bytes, then any that follow it */
        size_t scan;     /* bytes of text already scanned */
        int split;       /* the splitter's state: enum split_state in filing_csv.c */
        long text_line;  /* the line on which the current record starts */
        int skipping;    /* 1 while dropping the rest of a record that is too long */
};

/*
 * Prepares f for the filing of year (1971-9998); covered must not be NULL.
 * Allocates nothing.  Fails with CR_EINVAL on a bad year or missing callback.
 */
enum cr_err filing_csv_init(struct filing_csv *f, int year, filing_covered_fn covered, void *ctx,
                            struct cr_error *e);

/* Asks for each good line to be handed to fn(ctx, ...); optional. */
void filing_csv_on_line(struct filing_csv *f, filing_line_fn fn, void *ctx);

/*
 * Checks one record: the first non-blank record is the header, the rest are
 * lines.  A record whose fields are all empty is a blank line and skipped.
 * Problems are recorded in f and do not fail the call; the call fails only
 * when it cannot go on (the covered or line callback failed, or memory ran
 * out), with e set.
 */
enum cr_err filing_csv_feed(struct filing_csv *f, const struct csv_record *rec, struct cr_error *e);

/*
 * Takes the next len bytes of UTF-8 text (ctx is the struct filing_csv), and
 * feeds every record completed so far; a record may span any number of
 * calls.  The last record needs no line end: filing_csv_finish reads it.
 * A CSV syntax error is reported on its line, and reading goes on at the
 * next line end; a line longer than FILING_CSV_MAX_RAW bytes is reported and
 * skipped.
 */
enum cr_err filing_csv_text(void *ctx, const char *text, size_t len, struct cr_error *e);

/*
 * Forgets an unfinished record of streamed text.  For when the text stops
 * in the middle (the decoder refused a byte): the cut line would only add
 * problems that are not in the file.
 */
void filing_csv_drop_text(struct filing_csv *f);

/*
 * Adds a problem found outside the validator (for example the decoder's
 * encoding_invalid, at the line of the bad byte), so that it is reported
 * with the rest.  column may be NULL; hint may be NULL.
 */
enum cr_err filing_csv_report(struct filing_csv *f, long line, const char *column,
                              const char *message, const char *hint);

/*
 * Ends the file: reads any last record of streamed text and fills *sum.
 * Returns CR_OK when the file has no problem (sum->nil_return says whether
 * it is a nil return).  Otherwise CR_EINVAL with code filing_invalid and
 * e->rows the problems as a JSON array, in file order, of
 * {"line", "column", "message", "hint"} (column "" for the whole line),
 * at most FILING_CSV_MAX_REPORTED of them; sum->errors counts them all.
 */
enum cr_err filing_csv_finish(struct filing_csv *f, struct filing_csv_summary *sum,
                              struct cr_error *e);

/* Frees what f holds (the text buffer and any rows not handed over). */
void filing_csv_release(struct filing_csv *f);

/*
 * Checks a resident identity card number (GB 11643-1999): 17 digits, the
 * first six an address code and the next eight the birth date, and the check
 * character of ISO 7064 MOD 11-2 ('0'-'9' or 'X').  Returns 0 if valid, else
 * -1 with a sentence for the user in why.  When born_by is not 0 the birth
 * date must not be after that day.
 */
int resident_id_validate(const char *s, size_t len, day_t born_by, char *why, size_t whysize);

/* The check character for the first 17 digits of a resident identity card number, or 0. */
char resident_id_check_char(const char *first17);

#endif
