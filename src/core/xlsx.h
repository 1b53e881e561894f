/*
 * A minimal writer of Office Open XML spreadsheets (.xlsx), so that lists can
 * be exported for Excel, WPS and LibreOffice without a library.  A workbook
 * has one sheet of text and integer cells; the first row is set in bold as
 * the header.  The file is built in memory: the caller bounds the export (the
 * sheet may not grow beyond XLSX_MAX_SHEET_BYTES of XML).
 *
 * Ownership: xlsx_begin hands the caller a writer, which xlsx_finish or
 * xlsx_free releases.  A refused row leaves the workbook as it was, so the
 * caller may go on or give up.  A writer is not shared between threads.
 */
#ifndef CR_XLSX_H
#define CR_XLSX_H

#include "core/buf.h"
#include "core/err.h"

/* Excel's own limits on a worksheet; anything beyond them is refused. */
#define XLSX_MAX_ROWS       1048576
#define XLSX_MAX_COLUMNS    16384
#define XLSX_MAX_CELL_CHARS 32767 /* counted in UTF-16 code units, as Excel counts */
#define XLSX_MAX_SHEET_NAME 31    /* characters */
/* Integers beyond 15 digits would lose their last digits in Excel, so they are refused. */
#define XLSX_MAX_NUMBER 999999999999999LL
/* The ceiling of the sheet's XML, well inside the 4 GiB that a ZIP without ZIP64 can hold. */
#define XLSX_MAX_SHEET_BYTES ((size_t)1 << 30)

struct xlsx;

/*
 * Starts a workbook with one sheet named sheet_name: UTF-8 of 1 to 31
 * characters, none of [ ] : * ? / \ or a control character, and not beginning
 * or ending with an apostrophe.  On failure *out is NULL and e says why
 * (CR_EINVAL with code "invalid_value", or CR_ENOMEM).
 */
enum cr_err xlsx_begin(struct xlsx **out, const char *sheet_name, struct cr_error *e);

/*
 * Appends one row of n cells.  Each cell is UTF-8 text; a NULL cell is left
 * empty.  A cell for which is_number[i] is nonzero is written as a number:
 * its text must be a decimal integer of at most 15 digits (an optional '-'
 * and digits only) or empty, which leaves the cell empty.  is_number may be
 * NULL, making every cell text.  Characters that XML 1.0 does not allow (C0
 * controls other than tab, line feed and carriage return; U+FFFE, U+FFFF)
 * are dropped from text.  A row of no cells is an empty row.
 *
 * Refusals, all CR_EINVAL with code "invalid_value" unless noted: more than
 * XLSX_MAX_ROWS rows, n < 0 or above XLSX_MAX_COLUMNS, text that is not
 * UTF-8 or longer than XLSX_MAX_CELL_CHARS, a number that is not an integer
 * of 15 digits; CR_ETOOLARGE ("export_too_large") when the sheet would pass
 * XLSX_MAX_SHEET_BYTES; CR_ENOMEM.  A refused row is not written.
 */
enum cr_err xlsx_row(struct xlsx *x, const char *const *cells, const int *is_number, int n,
                     struct cr_error *e);

/*
 * Finishes the workbook and appends the whole .xlsx file, a ZIP archive of
 * stored (uncompressed) entries, to out.  Frees x in every case.  On failure
 * out is left as it was: CR_ETOOLARGE if out's maximum is too small, or
 * CR_ENOMEM.
 */
enum cr_err xlsx_finish(struct xlsx *x, struct buf *out, struct cr_error *e);

/* Abandons a workbook; x may be NULL. */
void xlsx_free(struct xlsx *x);

#endif
