/*
 * Fuzz target: checkpoints come from logs and witnesses that a client
 * does not trust yet, and cosignature lines from witnesses.  The parsers
 * may not read past their input, must accept only the canonical spelling
 * (whatever parses is written back byte for byte), and the cosigned
 * message must be exactly the two header lines followed by the body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tlog/checkpoint.h"
#include "tlog/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_checkpoint_text(const char *text, size_t size)
{
        struct tlog_checkpoint c;
        struct cr_error e = CR_ERROR_INIT;
        struct buf b;

        if (tlog_checkpoint_parse(text, size, &c, &e) == CR_OK) {
                if (c.origin != text || c.origin_len == 0 ||
                    c.origin_len > TLOG_CHECKPOINT_ORIGIN_MAX || c.size > TLOG_SIZE_MAX ||
                    c.extensions + c.extensions_len != text + size)
                        abort();
                buf_init(&b, TLOG_NOTE_MAX);
                if (tlog_checkpoint_format(&c, &b, &e) != CR_OK || b.len != size ||
                    memcmp(b.data, text, size) != 0)
                        abort();
                /* A parsed checkpoint is something a witness can be asked to cosign. */
                buf_reset(&b);
                if (tlog_cosig_message(1679315147, text, size, &b, &e) != CR_OK ||
                    b.len != size + strlen("cosignature/v1\ntime 1679315147\n") ||
                    memcmp(b.data + b.len - size, text, size) != 0)
                        abort();
                buf_release(&b);
        }
        cr_error_clear(&e);
}

/* A whole signed checkpoint: the note, then its text as a checkpoint, then each cosignature. */
static void check_signed_checkpoint(const char *text, size_t size)
{
        static struct tlog_note n;
        static struct tlog_cosignature cs;
        struct tlog_checkpoint c;
        struct cr_error e = CR_ERROR_INIT;
        struct buf b;

        if (tlog_note_parse(text, size, &n, &e) == CR_OK &&
            tlog_checkpoint_parse(n.text, n.text_len, &c, &e) == CR_OK) {
                for (size_t i = 0; i < n.nsigs; i++) {
                        if (tlog_cosig_from_sig(&n.sig[i], &cs, &e) != CR_OK)
                                continue;
                        if (cs.sig_len == 0 || cs.sig_len > TLOG_COSIG_SIG_MAX ||
                            cs.timestamp > TLOG_COSIG_TIME_MAX)
                                abort();
                        buf_init(&b, TLOG_NOTE_MAX);
                        if (tlog_cosig_format(&cs, &b, &e) != CR_OK ||
                            b.len != 4 + n.sig[i].name_len + 1 + n.sig[i].b64_len + 1 ||
                            memcmp(b.data + 4 + n.sig[i].name_len + 1, n.sig[i].b64,
                                   n.sig[i].b64_len) != 0)
                                abort();
                        buf_release(&b);
                }
        }
        cr_error_clear(&e);
}

static void check_cosig_line(const char *text, size_t size)
{
        static struct tlog_cosignature cs;
        struct cr_error e = CR_ERROR_INIT;
        struct buf b;

        if (tlog_cosig_parse(text, size, &cs, &e) == CR_OK) {
                buf_init(&b, TLOG_NOTE_MAX);
                if (tlog_cosig_format(&cs, &b, &e) != CR_OK || b.len != size ||
                    memcmp(b.data, text, size) != 0)
                        abort();
                buf_release(&b);
        }
        cr_error_clear(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        check_checkpoint_text((const char *)data, size);
        check_signed_checkpoint((const char *)data, size);
        check_cosig_line((const char *)data, size);
        return 0;
}
