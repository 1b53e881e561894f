/*
 * The spool's file: records framed by a 4-byte little-endian length, written
 * and read through a 256 KiB buffer, so that a million small records cost a
 * few hundred system calls rather than a million.
 */
#include "core/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#define SPOOL_BUFFER (256 * 1024)

struct spool {
        int fd;
        int reading;
        unsigned char *buf;    /* SPOOL_BUFFER bytes: pending writes, or read-ahead */
        size_t used;           /* writing: bytes pending; reading: bytes in buf */
        size_t pos;            /* reading: the next unread byte in buf */
        unsigned char *record; /* reading: a record that straddles the buffer's end */
        size_t record_cap;
        uint64_t records, bytes;
};

static enum cr_err io_fail(struct cr_error *e, const char *what)
{
        return cr_fail(e, CR_EIO, "internal", NULL, "spool file: %s: %s", what, strerror(errno));
}

/* Opens a nameless file in dir: O_TMPFILE where the file system allows, else mkstemp and unlink. */
static int open_nameless(const char *dir)
{
        char path[4096];
        int fd;

#ifdef O_TMPFILE
        fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
        if (fd >= 0)
                return fd;
#endif
        if ((size_t)snprintf(path, sizeof(path), "%s/cryptoreg-spool-XXXXXX", dir) >=
            sizeof(path)) {
                errno = ENAMETOOLONG;
                return -1;
        }
        fd = mkostemp(path, O_CLOEXEC);
        if (fd >= 0)
                unlink(path);
        return fd;
}

enum cr_err spool_open(const char *dir, struct spool **out, struct cr_error *e)
{
        struct spool *sp = calloc(1, sizeof(*sp));
        const char *tmp = getenv("TMPDIR");

        if (!dir || !*dir)
                dir = tmp && *tmp ? tmp : "/tmp";
        if (!sp || !(sp->buf = malloc(SPOOL_BUFFER))) {
                free(sp);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        sp->fd = open_nameless(dir);
        if (sp->fd < 0) {
                enum cr_err err =
                    cr_fail(e, CR_EIO, "internal", NULL, "cannot create a temporary file in %s: %s",
                            dir, strerror(errno));
                free(sp->buf);
                free(sp);
                return err;
        }
        *out = sp;
        return CR_OK;
}

void spool_close(struct spool *sp)
{
        if (!sp)
                return;
        close(sp->fd);
        free(sp->buf);
        free(sp->record);
        free(sp);
}

static enum cr_err write_all(int fd, const unsigned char *p, size_t n, struct cr_error *e)
{
        while (n) {
                ssize_t w = write(fd, p, n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return io_fail(e, "write");
                }
                p += w;
                n -= (size_t)w;
        }
        return CR_OK;
}

static enum cr_err flush(struct spool *sp, struct cr_error *e)
{
        enum cr_err err = write_all(sp->fd, sp->buf, sp->used, e);

        sp->used = 0;
        return err;
}

static enum cr_err put_bytes(struct spool *sp, const void *data, size_t len, struct cr_error *e)
{
        const unsigned char *p = data;

        while (len) {
                size_t room = SPOOL_BUFFER - sp->used;
                size_t n = len < room ? len : room;
                memcpy(sp->buf + sp->used, p, n);
                sp->used += n;
                p += n;
                len -= n;
                if (sp->used == SPOOL_BUFFER) {
                        enum cr_err err = flush(sp, e);
                        if (err)
                                return err;
                }
        }
        return CR_OK;
}

enum cr_err spool_put(struct spool *sp, const void *data, size_t len, struct cr_error *e)
{
        unsigned char frame[4] = {(unsigned char)len, (unsigned char)(len >> 8),
                                  (unsigned char)(len >> 16), (unsigned char)(len >> 24)};
        enum cr_err err;

        if (sp->reading)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "spool: written after rewind");
        if (len > SPOOL_RECORD_MAX)
                return cr_fail(e, CR_EINVAL, "too_long", NULL, "a spooled record of %zu bytes",
                               len);
        err = put_bytes(sp, frame, sizeof(frame), e);
        if (!err)
                err = put_bytes(sp, data, len, e);
        if (!err) {
                sp->records++;
                sp->bytes += sizeof(frame) + len;
        }
        return err;
}

uint64_t spool_records(const struct spool *sp)
{
        return sp->records;
}

uint64_t spool_bytes(const struct spool *sp)
{
        return sp->bytes;
}

enum cr_err spool_rewind(struct spool *sp, struct cr_error *e)
{
        if (!sp->reading) {
                enum cr_err err = flush(sp, e);
                if (err)
                        return err;
                sp->reading = 1;
        }
        if (lseek(sp->fd, 0, SEEK_SET) < 0)
                return io_fail(e, "seek");
        sp->used = sp->pos = 0;
        return CR_OK;
}

/* Tops up the read-ahead so that at least want bytes are unread, if the file has them. */
static int fill(struct spool *sp, size_t want, struct cr_error *e)
{
        if (sp->used - sp->pos >= want)
                return 1;
        memmove(sp->buf, sp->buf + sp->pos, sp->used - sp->pos);
        sp->used -= sp->pos;
        sp->pos = 0;
        while (sp->used < want) {
                ssize_t r = read(sp->fd, sp->buf + sp->used, SPOOL_BUFFER - sp->used);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        io_fail(e, "read");
                        return -1;
                }
                if (r == 0)
                        return 0;
                sp->used += (size_t)r;
        }
        return 1;
}

int spool_next(struct spool *sp, const void **data, size_t *len, struct cr_error *e)
{
        const unsigned char *f;
        size_t n;
        int rc;

        if (!sp->reading) {
                cr_fail(e, CR_EINTERNAL, "internal", NULL, "spool: read before rewind");
                return -1;
        }
        rc = fill(sp, 4, e);
        if (rc <= 0) {
                if (rc == 0 && sp->used != sp->pos) {
                        cr_fail(e, CR_EIO, "internal", NULL, "spool file: a torn frame");
                        return -1;
                }
                return rc;
        }
        f = sp->buf + sp->pos;
        n = (size_t)f[0] | (size_t)f[1] << 8 | (size_t)f[2] << 16 | (size_t)f[3] << 24;
        if (n > SPOOL_RECORD_MAX) {
                cr_fail(e, CR_EIO, "internal", NULL, "spool file: a frame of %zu bytes", n);
                return -1;
        }
        sp->pos += 4;
        if (n <= SPOOL_BUFFER) {
                rc = fill(sp, n, e);
                if (rc <= 0) {
                        if (rc == 0)
                                cr_fail(e, CR_EIO, "internal", NULL, "spool file: a torn record");
                        return -1;
                }
                *data = sp->buf + sp->pos;
                *len = n;
                sp->pos += n;
                return 1;
        }
        /* A record larger than the buffer is gathered into its own allocation. */
        if (sp->record_cap < n) {
                unsigned char *p = realloc(sp->record, n);
                if (!p) {
                        cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                        return -1;
                }
                sp->record = p;
                sp->record_cap = n;
        }
        for (size_t got = 0; got < n;) {
                size_t take;
                rc = fill(sp, 1, e);
                if (rc <= 0) {
                        if (rc == 0)
                                cr_fail(e, CR_EIO, "internal", NULL, "spool file: a torn record");
                        return -1;
                }
                take = sp->used - sp->pos < n - got ? sp->used - sp->pos : n - got;
                memcpy(sp->record + got, sp->buf + sp->pos, take);
                sp->pos += take;
                got += take;
        }
        *data = sp->record;
        *len = n;
        return 1;
}
