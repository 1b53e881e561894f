/* RFC 4180 CSV reader over a memory buffer, with bounded records. */
#include "core/csv.h"

#include <string.h>


void csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
        r->p = data;
        r->end = data + len;
        r->line = 1;
        buf_init(&r->scratch, CSV_MAX_RECORD);
        if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
                r->p += 3;
}

void csv_reader_release(struct csv_reader *r)
{
        buf_release(&r->scratch);
}

static int csv_error(struct cr_error *e, long line, const char *why)
{
        cr_fail(e, CR_EINVAL, "csv_invalid", NULL, "line %ld: %s", line, why);
        return -1;
}

int csv_read(struct csv_reader *r, struct csv_record *rec, struct cr_error *e)
{
        size_t starts[CSV_MAX_FIELDS];
        size_t nfields = 0;
        int at_field_start = 1, in_quotes = 0, after_quote = 0;

        /* Skip empty lines between records. */
        while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
                if (*r->p == '\n')
                        r->line++;
                r->p++;
        }
        if (r->p >= r->end)
                return 0;

        buf_reset(&r->scratch);
        rec->line = r->line;
        starts[nfields++] = 0;
        for (;;) {
                char c;

                if (r->p >= r->end) {
                        if (in_quotes)
                                return csv_error(e, rec->line, "a quoted field is not closed");
                        break;
                }
                c = *r->p++;
                if (in_quotes) {
                        if (c == '"') {
                                if (r->p < r->end && *r->p == '"') {
                                        r->p++;
                                } else {
                                        in_quotes = 0;
                                        after_quote = 1;
                                        continue;
                                }
                        } else if (c == '\n') {
                                r->line++;
                        }
                } else if (c == ',') {
                        if (nfields == CSV_MAX_FIELDS)
                                return csv_error(e, rec->line, "too many fields");
                        if (buf_append(&r->scratch, "", 1))
                                return csv_error(e, rec->line, "record too long");
                        starts[nfields++] = r->scratch.len;
                        at_field_start = 1;
                        after_quote = 0;
                        continue;
                } else if (c == '\n' || c == '\r') {
                        if (c == '\r' && r->p < r->end && *r->p == '\n')
                                r->p++;
                        r->line++;
                        break;
                } else if (after_quote) {
                        return csv_error(e, rec->line, "text after the closing quote of a field");
                } else if (c == '"') {
                        if (!at_field_start)
                                return csv_error(e, rec->line, "a quote inside an unquoted field");
                        in_quotes = 1;
                        at_field_start = 0;
                        continue;
                }
                at_field_start = 0;
                /*
                 * c begins a run of characters that need no decision (no comma, quote or
                 * line end, or inside quotes no quote or line feed): copy it in one step.
                 */
                {
                        const char *run = r->p - 1, *q = r->p;

                        if (in_quotes)
                                while (q < r->end && *q != '"' && *q != '\n')
                                        q++;
                        else
                                while (q < r->end && *q != ',' && *q != '\n' && *q != '\r' &&
                                       *q != '"')
                                        q++;
                        if (buf_append(&r->scratch, run, (size_t)(q - run)))
                                return csv_error(e, rec->line, "record too long");
                        r->p = q;
                }
        }
        if (buf_append(&r->scratch, "", 1))
                return csv_error(e, rec->line, "record too long");
        /* The scratch buffer is final now, so pointers into it stay valid. */
        rec->nfields = nfields;
        for (size_t i = 0; i < nfields; i++) {
                size_t next = i + 1 < nfields ? starts[i + 1] - 1 : r->scratch.len - 1;
                rec->field[i] = r->scratch.data + starts[i];
                rec->len[i] = next - starts[i];
        }
        return 1;
}
