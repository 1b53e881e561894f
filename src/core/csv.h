/*
 * A reader of RFC 4180 CSV held in memory: quoted fields, doubled quotes,
 * line breaks inside quotes, CRLF or LF line ends, an optional UTF-8 byte
 * order mark.  Records and fields are bounded; it never trusts a NUL.
 */
#ifndef CR_CSV_H
#define CR_CSV_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define CSV_MAX_FIELDS 64
#define CSV_MAX_RECORD (64 * 1024)

struct csv_record {
        size_t nfields;
        const char *field[CSV_MAX_FIELDS]; /* NUL-terminated views, valid until the next read */
        size_t len[CSV_MAX_FIELDS];
        long line; /* 1-based line on which the record starts */
};

struct csv_reader {
        const char *p, *end;
        long line;
        struct buf scratch;
};

void csv_reader_init(struct csv_reader *r, const char *data, size_t len);
void csv_reader_release(struct csv_reader *r);

/*
 * Reads the next record.  Returns 1 with rec filled, 0 at the end of the
 * data, -1 on malformed input with e naming the line.  Completely empty
 * lines are skipped.
 */
int csv_read(struct csv_reader *r, struct csv_record *rec, struct cr_error *e);

#endif
