/*
 * A spool: an anonymous temporary file that holds a sequence of records
 * written once and then read back in order.  An upload of a million lines is
 * checked as it arrives and its good lines are spooled, so the database is
 * locked only for the short time it takes to copy them in, not for as long
 * as the client takes to send them, and memory stays bounded.  The file has
 * no name (O_TMPFILE, or unlinked at once), so a crash leaves nothing behind.
 */
#ifndef CR_SPOOL_H
#define CR_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SPOOL_RECORD_MAX (1024 * 1024) /* bytes of one record */

struct spool;

/* Creates an empty spool in directory dir (NULL: $TMPDIR or /tmp). */
enum cr_err spool_open(const char *dir, struct spool **out, struct cr_error *e);
/* Closes and frees the spool; its file disappears with it. */
void spool_close(struct spool *sp);

/* Appends one record of len bytes (at most SPOOL_RECORD_MAX). */
enum cr_err spool_put(struct spool *sp, const void *data, size_t len, struct cr_error *e);
/* Records written so far, and their bytes including framing. */
uint64_t spool_records(const struct spool *sp);
uint64_t spool_bytes(const struct spool *sp);

/*
 * Ends writing and starts reading from the first record.  May be called
 * again to read once more from the start.
 */
enum cr_err spool_rewind(struct spool *sp, struct cr_error *e);
/*
 * Reads the next record: *data points to its bytes (valid until the next
 * call), *len their count.  Returns 1 for a record, 0 at the end, and -1 on
 * failure with e set.
 */
int spool_next(struct spool *sp, const void **data, size_t *len, struct cr_error *e);

#endif
