/*
 * Fuzz target: receipts (C2SP tlog-proof) arrive as files from anyone, and
 * tile paths as URL paths from anyone.  Neither parser may read past its
 * input, and each accepts only canonical text: whatever parses must be
 * written back byte for byte, so one receipt or tile has one spelling.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tlog/receipt.h"
#include "tlog/tile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_receipt(const char *text, size_t size)
{
        static struct tlog_receipt r;
        struct cr_error e = CR_ERROR_INIT;
        struct buf b;

        if (tlog_receipt_parse(text, size, &r, &e) == CR_OK) {
                if (r.proof.len > TLOG_RECEIPT_HASHES_MAX || r.extra_len > TLOG_RECEIPT_EXTRA_MAX ||
                    r.checkpoint < text || r.checkpoint + r.checkpoint_len != text + size)
                        abort();
                buf_init(&b, TLOG_RECEIPT_MAX);
                if (tlog_receipt_format(&r, &b, &e) != CR_OK || b.len != size ||
                    memcmp(b.data, text, size) != 0)
                        abort();
                buf_release(&b);
        }
        cr_error_clear(&e);
}

static void check_tile_path(const char *text, size_t size)
{
        struct tlog_tile t;
        char path[TLOG_TILE_PATH_MAX];
        struct cr_error e = CR_ERROR_INIT;

        if (size < TLOG_TILE_PATH_MAX && tlog_tile_path_parse(text, size, &t, &e) == CR_OK) {
                if (tlog_tile_path(&t, path, &e) != CR_OK || strlen(path) != size ||
                    memcmp(path, text, size) != 0)
                        abort();
        } else if (size >= TLOG_TILE_PATH_MAX &&
                   tlog_tile_path_parse(text, size, &t, &e) == CR_OK) {
                abort(); /* no canonical path is that long */
        }
        cr_error_clear(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        check_receipt((const char *)data, size);
        check_tile_path((const char *)data, size);
        return 0;
}
