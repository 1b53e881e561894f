/*
 * Growable byte buffers with a hard maximum.  Every buffer that grows with
 * outside input is a struct buf, so no input can make the process allocate
 * without bound.  The contents are always NUL-terminated for convenience but
 * carry their length; embedded NULs are preserved.
 */
#ifndef CR_BUF_H
#define CR_BUF_H

#include <stddef.h>

#include "core/err.h"

struct buf {
        char *data;
        size_t len;
        size_t cap;
        size_t max; /* appends that would exceed this fail with CR_ETOOLARGE */
};

/* Prepares an empty buffer that may grow to max bytes; allocates nothing yet. */
void buf_init(struct buf *b, size_t max);
/* Frees the contents and returns the buffer to its just-initialised state. */
void buf_release(struct buf *b);
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);

enum cr_err buf_append(struct buf *b, const void *data, size_t len);
enum cr_err buf_puts(struct buf *b, const char *s);
enum cr_err buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Hands the contents to the caller (free() them) and resets the buffer. */
char *buf_detach(struct buf *b, size_t *len);

/* Copies src into dst of size dstsize, always terminating; returns 0 if it fit, -1 if truncated. */
int str_copy(char *dst, size_t dstsize, const char *src);

#endif
