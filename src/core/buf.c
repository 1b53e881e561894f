/* Growable byte buffers with a hard maximum, and a bounded string copy. */
#include "core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void buf_init(struct buf *b, size_t max)
{
        b->data = NULL;
        b->len = 0;
        b->cap = 0;
        b->max = max;
}

void buf_release(struct buf *b)
{
        free(b->data);
        buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
        b->len = 0;
        if (b->data)
                b->data[0] = '\0';
}

/* Makes room for extra more bytes plus the terminating NUL. */
static enum cr_err buf_grow(struct buf *b, size_t extra)
{
        size_t need, cap;
        char *p;

        if (extra > b->max || b->len > b->max - extra)
                return CR_ETOOLARGE;
        need = b->len + extra + 1;
        if (need <= b->cap)
                return CR_OK;
        cap = b->cap ? b->cap : 64;
        while (cap < need)
                cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        if (cap > b->max + 1)
                cap = b->max + 1;
        p = realloc(b->data, cap);
        if (!p)
                return CR_ENOMEM;
        b->data = p;
        b->cap = cap;
        return CR_OK;
}

enum cr_err buf_append(struct buf *b, const void *data, size_t len)
{
        enum cr_err err = buf_grow(b, len);

        if (err)
                return err;
        if (len)
                memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
        return CR_OK;
}

enum cr_err buf_puts(struct buf *b, const char *s)
{
        return buf_append(b, s, strlen(s));
}

enum cr_err buf_printf(struct buf *b, const char *fmt, ...)
{
        va_list ap;
        int n;
        enum cr_err err;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return CR_EINTERNAL;
        err = buf_grow(b, (size_t)n);
        if (err)
                return err;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return CR_OK;
}

char *buf_detach(struct buf *b, size_t *len)
{
        char *p = b->data;

        if (len)
                *len = b->len;
        if (!p)
                p = calloc(1, 1);
        buf_init(b, b->max);
        return p;
}

int str_copy(char *dst, size_t dstsize, const char *src)
{
        size_t n;

        if (dstsize == 0)
                return -1;
        n = strlen(src);
        if (n >= dstsize) {
                memcpy(dst, src, dstsize - 1);
                dst[dstsize - 1] = '\0';
                return -1;
        }
        memcpy(dst, src, n + 1);
        return 0;
}
