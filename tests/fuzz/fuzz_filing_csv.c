/*
 * Fuzz target: an uploaded sales filing file, through the decoder
 * (core/transcode.h), the record splitter and CSV reader, and the filing
 * validator (domain/filing_csv.h), the path an upload takes.  Besides not
 * crashing, the outcome must not depend on how the bytes were split into
 * chunks, so each input runs whole and again in small chunks and the two
 * results are compared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/transcode.h"
#include "filing/filing_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct outcome {
        enum cr_err err;
        struct filing_csv_summary sum;
        json_t *rows;
        uint64_t bad_offset;
};

/* Covers models of certificates that start with SXH; the reason given is cut inside a character. */
static int covered(void *ctx, const char *cert, const char *model, day_t sale_date, char *why,
                   size_t whysize)
{
        (void)ctx;
        (void)sale_date;
        if (strncmp(cert, "SXH", 3) == 0)
                return 1;
        snprintf(why, whysize < 8 ? whysize : 8, "证书%s%s", cert, model);
        return 0;
}

/* Every good line must hold what the validator promised. */
static enum cr_err check_line(void *ctx, const struct filing_line *l, struct cr_error *e)
{
        (void)ctx;
        (void)e;
        if (l->quantity < 1 || l->quantity > FILING_CSV_MAX_QUANTITY)
                abort();
        if (l->buyer_type != FILING_BUYER_ORGANISATION && l->buyer_type != FILING_BUYER_INDIVIDUAL)
                abort();
        for (int k = 0; k < FILING_NCOLS; k++)
                if (!l->text[k] || strlen(l->text[k]) != l->len[k])
                        abort();
        return CR_OK;
}

static void run(const uint8_t *data, size_t size, size_t chunk, struct outcome *out)
{
        struct transcode t;
        struct filing_csv f;
        struct cr_error e = CR_ERROR_INIT;
        enum cr_err err;

        memset(out, 0, sizeof(*out));
        if (filing_csv_init(&f, 2025, covered, NULL, &e))
                abort();
        filing_csv_on_line(&f, check_line, NULL);
        transcode_init(&t, filing_csv_text, &f);
        err = CR_OK;
        for (size_t at = 0; at < size && !err; at += chunk)
                err = transcode_feed(&t, data + at, size - at < chunk ? size - at : chunk, &e);
        if (!err)
                err = transcode_finish(&t, &e);
        if (err && e.code && strcmp(e.code, "encoding_invalid") == 0) {
                out->bad_offset = t.bad_offset;
                filing_csv_drop_text(&f);
                filing_csv_report(&f, t.bad_line, NULL, e.detail, "save the file as CSV UTF-8");
                cr_error_clear(&e);
                err = CR_OK;
        } else if (err) {
                abort(); /* nothing but the encoding may stop this pipeline */
        }
        err = filing_csv_finish(&f, &out->sum, &e);
        if (err != CR_OK && err != CR_EINVAL)
                abort();
        if ((err == CR_OK) != (out->sum.errors == 0))
                abort();
        if (out->sum.reported > FILING_CSV_MAX_REPORTED || out->sum.reported > out->sum.errors)
                abort();
        out->err = err;
        out->rows = e.rows;
        e.rows = NULL;
        cr_error_clear(&e);
        filing_csv_release(&f);
        transcode_release(&t);
}

static int same_summary(const struct filing_csv_summary *a, const struct filing_csv_summary *b)
{
        return a->lines == b->lines && a->good_lines == b->good_lines && a->errors == b->errors &&
               a->reported == b->reported && a->total_quantity == b->total_quantity &&
               a->nil_return == b->nil_return;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct outcome whole, pieces;
        size_t chunk = 1 + (size ? data[size / 2] % 13 : 0);

        run(data, size, size ? size : 1, &whole);
        run(data, size, chunk, &pieces);
        if (whole.err != pieces.err || whole.bad_offset != pieces.bad_offset ||
            !same_summary(&whole.sum, &pieces.sum))
                abort();
        if ((whole.rows == NULL) != (pieces.rows == NULL) ||
            (whole.rows && !json_equal(whole.rows, pieces.rows)))
                abort();
        json_decref(whole.rows);
        json_decref(pieces.rows);
        return 0;
}
