/*
 * Fuzz target: signed notes, their single signature lines and verifier
 * keys all arrive from strangers (a checkpoint fetched from a log, a
 * witness's reply, a key pasted into a configuration).  None of the
 * parsers may read past its input, and each accepts only canonical text:
 * whatever parses is written back byte for byte, so a note has one
 * spelling and a verified note cannot be re-spelled into a different one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "crypto/crypto.h"
#include "tlog/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The key-ID hash; a digest that fails would make every check below meaningless. */
static void sha256_parts(void *ctx, const void *const *parts, const size_t *lens, size_t n,
                         uint8_t out[TLOG_HASH_LEN])
{
        static uint8_t joined[TLOG_NOTE_MAX + 64];
        size_t at = 0;

        for (size_t i = 0; i < n; i++) {
                if (at + lens[i] > sizeof(joined))
                        abort();
                memcpy(joined + at, parts[i], lens[i]);
                at += lens[i];
        }
        if (sha256_digest(joined, at, out) != CR_OK)
                abort();
}

static const struct tlog_hasher SHA256 = {sha256_parts, NULL};

/* A verifier that answers what its ctx says, to drive every branch of tlog_note_verify. */
static enum cr_err answer(void *ctx, const void *msg, size_t len, const uint8_t *sig, size_t siglen,
                          int *valid, struct cr_error *e)
{
        if (siglen == 0 || siglen > TLOG_NOTE_SIG_MAX || len == 0 || !msg || !sig)
                abort();
        *valid = *(const int *)ctx;
        return CR_OK;
}

static void check_note(const char *text, size_t size)
{
        static struct tlog_note n;
        static const int yes = 1, no = 0;
        struct cr_error e = CR_ERROR_INIT;
        struct tlog_note_verifier v[2];
        char name[TLOG_NOTE_NAME_MAX + 1];
        size_t count = 0;
        struct buf b;

        if (tlog_note_parse(text, size, &n, &e) != CR_OK) {
                cr_error_clear(&e);
                return;
        }
        if (n.nsigs == 0 || n.nsigs > TLOG_NOTE_SIGS_MAX || n.text != text || n.text_len == 0 ||
            n.text_len >= size || text[n.text_len - 1] != '\n' || text[n.text_len] != '\n')
                abort();
        buf_init(&b, TLOG_NOTE_MAX);
        if (tlog_note_format(&n, &b, &e) != CR_OK || b.len != size ||
            memcmp(b.data, text, size) != 0)
                abort();
        buf_release(&b);
        /* The first signer known and accepted: the note verifies with exactly one signature. */
        memcpy(name, n.sig[0].name, n.sig[0].name_len);
        name[n.sig[0].name_len] = '\0';
        v[0] = (struct tlog_note_verifier){name, n.sig[0].key_id, answer, (void *)&yes};
        if (tlog_note_verify(&n, v, 1, &count, &e) != CR_OK || count != 1 || !n.sig[0].verified)
                abort();
        /* Known and refused, or known twice: the whole note is refused and nothing is trusted. */
        v[0].ctx = (void *)&no;
        if (tlog_note_verify(&n, v, 1, &count, &e) != CR_EINVAL || n.sig[0].verified)
                abort();
        v[0].ctx = (void *)&yes;
        v[1] = v[0];
        if (tlog_note_verify(&n, v, 2, &count, &e) != CR_EINVAL || n.sig[0].verified)
                abort();
        cr_error_clear(&e);
}

static void check_sig_line(const char *text, size_t size)
{
        static uint8_t sig[TLOG_NOTE_SIG_MAX];
        struct cr_error e = CR_ERROR_INIT;
        struct tlog_note_sig s;
        size_t siglen = 0;
        struct buf b;

        if (tlog_note_sig_parse(text, size, &s, &e) == CR_OK) {
                if (tlog_note_sig_decode(&s, sig, sizeof(sig), &siglen, &e) != CR_OK)
                        abort();
                buf_init(&b, TLOG_NOTE_MAX);
                if (tlog_note_sig_format(s.name, s.name_len, s.key_id, sig, siglen, &b, &e) !=
                        CR_OK ||
                    b.len != size || memcmp(b.data, text, size) != 0)
                        abort();
                buf_release(&b);
        }
        cr_error_clear(&e);
}

static void check_vkey(const char *text, size_t size)
{
        static struct tlog_vkey k;
        struct cr_error e = CR_ERROR_INIT;
        size_t off;
        struct buf b;

        if (tlog_vkey_parse(&SHA256, text, size, &k, &e) == CR_OK) {
                if (k.key_len == 0 || k.key_len > TLOG_VKEY_KEY_MAX ||
                    tlog_key_type_of(k.key, k.key_len, &off) > TLOG_KEY_SM2_COSIG ||
                    off > k.key_len)
                        abort();
                buf_init(&b, TLOG_VKEY_MAX + 1);
                if (tlog_vkey_format(&SHA256, k.name, k.key, k.key_len, &b, &e) != CR_OK ||
                    b.len != size || memcmp(b.data, text, size) != 0)
                        abort();
                buf_release(&b);
        }
        cr_error_clear(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        check_note((const char *)data, size);
        check_sig_line((const char *)data, size);
        check_vkey((const char *)data, size);
        return 0;
}
