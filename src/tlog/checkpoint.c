/* Parsing and writing checkpoints and timestamped cosignatures; see tlog/checkpoint.h. */
#include "tlog/checkpoint.h"

#include <inttypes.h>
#include <string.h>

#include "core/base64.h"
#include "core/parse.h"

#define ROOT_B64_LEN  BASE64_LEN(TLOG_HASH_LEN) /* 44 */
#define COSIG_MSG_MAX (TLOG_NOTE_MAX + 64)      /* header and time lines, then the body */

static enum cr_err bad(struct cr_error *e, const char *why)
{
        return cr_fail(e, CR_EINVAL, "tlog_bad_checkpoint", "checkpoint",
                       "not a tlog-checkpoint: %s", why);
}

static enum cr_err bad_cosig(struct cr_error *e, const char *why)
{
        return cr_fail(e, CR_EINVAL, "tlog_bad_cosignature", "cosignature",
                       "not a tlog-cosignature: %s", why);
}

static uint64_t be64(const uint8_t *p)
{
        uint64_t v = 0;

        for (int i = 0; i < 8; i++)
                v = v << 8 | p[i];
        return v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
        for (int i = 7; i >= 0; i--, v >>= 8)
                p[i] = (uint8_t)v;
}

/* The next "\n"-terminated line of [*at, len) without its "\n"; -1 if none is left. */
static int next_line(const char *text, size_t len, size_t *at, const char **s, size_t *n)
{
        const char *nl;

        if (*at >= len)
                return -1;
        nl = memchr(text + *at, '\n', len - *at);
        if (!nl)
                return -1;
        *s = text + *at;
        *n = (size_t)(nl - *s);
        *at += *n + 1;
        return 0;
}

/* Extension lines: none, or non-empty lines each ending in "\n" (tlog-checkpoint, item 4). */
static const char *extensions_problem(const char *s, size_t n)
{
        if (n == 0)
                return NULL;
        if (!s || s[n - 1] != '\n')
                return "an extension line does not end with a newline";
        if (s[0] == '\n')
                return "an extension line is empty";
        for (size_t i = 1; i < n; i++)
                if (s[i] == '\n' && s[i - 1] == '\n')
                        return "an extension line is empty";
        if (!tlog_note_text_valid(s, n))
                return "an extension line is not UTF-8 or has a control character";
        return NULL;
}

enum cr_err tlog_checkpoint_parse(const char *text, size_t len, struct tlog_checkpoint *out,
                                  struct cr_error *e)
{
        const char *s, *problem;
        size_t at = 0, n, rootlen = 0;

        if (len > TLOG_NOTE_MAX)
                return cr_fail(e, CR_ETOOLARGE, "tlog_bad_checkpoint", "checkpoint",
                               "a checkpoint is at most %d bytes", TLOG_NOTE_MAX);
        if (len == 0 || text[len - 1] != '\n')
                return bad(e, "the text does not end with a newline");
        if (!tlog_note_text_valid(text, len))
                return bad(e, "the text is not UTF-8 or has a control character");
        if (next_line(text, len, &at, &s, &n) || n == 0 || n > TLOG_CHECKPOINT_ORIGIN_MAX)
                return bad(e, "the origin line is empty or longer than 255 bytes");
        out->origin = s;
        out->origin_len = n;
        /* The tree size as the spec writes it: digits, no sign, no leading zero. */
        if (next_line(text, len, &at, &s, &n) ||
            parse_uint64(s, n, TLOG_SIZE_MAX, PARSE_NO_LEADING_ZERO, &out->size))
                return bad(e, "the tree size is not a decimal without leading zeros below 2^63");
        if (next_line(text, len, &at, &s, &n) || n != ROOT_B64_LEN ||
            base64_decode(s, n, out->root, sizeof(out->root), &rootlen) || rootlen != TLOG_HASH_LEN)
                return bad(e, "the root hash line is not canonical base64 of 32 bytes");
        out->extensions = text + at;
        out->extensions_len = len - at;
        problem = extensions_problem(out->extensions, out->extensions_len);
        return problem ? bad(e, problem) : CR_OK;
}

enum cr_err tlog_checkpoint_format(const struct tlog_checkpoint *c, struct buf *out,
                                   struct cr_error *e)
{
        char root[ROOT_B64_LEN];
        const char *problem = extensions_problem(c->extensions, c->extensions_len);
        size_t start = out->len;
        enum cr_err err;

        if (problem)
                return bad(e, problem);
        if (!c->origin || c->origin_len == 0 || c->origin_len > TLOG_CHECKPOINT_ORIGIN_MAX ||
            memchr(c->origin, '\n', c->origin_len) ||
            !tlog_note_text_valid(c->origin, c->origin_len))
                return bad(e, "the origin is empty, too long, or not one line of text");
        if (c->size > TLOG_SIZE_MAX)
                return bad(e, "the tree size is 2^63 or more");
        base64_encode(c->root, TLOG_HASH_LEN, root);
        err = buf_append(out, c->origin, c->origin_len);
        if (!err)
                err = buf_printf(out, "\n%" PRIu64 "\n", c->size);
        if (!err)
                err = buf_append(out, root, sizeof(root));
        if (!err)
                err = buf_puts(out, "\n");
        if (!err && c->extensions_len)
                err = buf_append(out, c->extensions, c->extensions_len);
        if (err) {
                out->len = start;
                if (out->data)
                        out->data[start] = '\0';
                return cr_fail(e, err, "tlog_checkpoint_too_large", "checkpoint",
                               "the checkpoint does not fit its buffer");
        }
        return CR_OK;
}

enum cr_err tlog_checkpoint_open(const char *msg, size_t len,
                                 const struct tlog_note_verifier *known, size_t nknown,
                                 struct tlog_note *note, struct tlog_checkpoint *out,
                                 struct cr_error *e)
{
        enum cr_err err = tlog_note_open(msg, len, known, nknown, note, e);

        return err ? err : tlog_checkpoint_parse(note->text, note->text_len, out, e);
}

enum cr_err tlog_checkpoint_sign(const struct tlog_checkpoint *c,
                                 const struct tlog_note_signer *signers, size_t nsigners,
                                 struct buf *out, struct cr_error *e)
{
        struct tlog_note n = {0};
        struct buf text;
        enum cr_err err;

        buf_init(&text, TLOG_NOTE_MAX);
        err = tlog_checkpoint_format(c, &text, e);
        if (!err) {
                n.text = text.data;
                n.text_len = text.len;
                err = tlog_note_sign(&n, signers, nsigners, out, e);
        }
        buf_release(&text);
        return err;
}

enum cr_err tlog_cosig_message(uint64_t timestamp, const char *body, size_t body_len,
                               struct buf *out, struct cr_error *e)
{
        struct tlog_checkpoint c;
        size_t start = out->len;
        enum cr_err err;

        if (timestamp > TLOG_COSIG_TIME_MAX)
                return bad_cosig(e, "the timestamp is 2^63 or more");
        /* A witness vouches for checkpoints only, so it signs nothing else. */
        err = tlog_checkpoint_parse(body, body_len, &c, e);
        if (err)
                return err;
        err = buf_printf(out, TLOG_COSIG_HEADER "\ntime %" PRIu64 "\n", timestamp);
        if (!err)
                err = buf_append(out, body, body_len);
        if (err) {
                out->len = start;
                if (out->data)
                        out->data[start] = '\0';
                return cr_fail(e, err, "tlog_checkpoint_too_large", "cosignature",
                               "the cosigned message does not fit its buffer");
        }
        return CR_OK;
}

enum cr_err tlog_cosig_from_sig(const struct tlog_note_sig *s, struct tlog_cosignature *out,
                                struct cr_error *e)
{
        uint8_t raw[TLOG_NOTE_SIG_MAX];
        size_t n = 0;
        enum cr_err err = tlog_note_sig_decode(s, raw, sizeof(raw), &n, e);

        if (err)
                return err;
        if (n < 9)
                return bad_cosig(e, "it is shorter than a timestamp and one byte of signature");
        if (be64(raw) > TLOG_COSIG_TIME_MAX)
                return bad_cosig(e, "the timestamp is 2^63 or more");
        if (s->name_len > TLOG_NOTE_NAME_MAX)
                return bad_cosig(e, "the name is too long");
        memcpy(out->name, s->name, s->name_len);
        out->name[s->name_len] = '\0';
        out->key_id = s->key_id;
        out->timestamp = be64(raw);
        out->sig_len = n - 8;
        memcpy(out->sig, raw + 8, n - 8);
        return CR_OK;
}

enum cr_err tlog_cosig_parse(const char *line, size_t len, struct tlog_cosignature *out,
                             struct cr_error *e)
{
        struct tlog_note_sig s;
        enum cr_err err = tlog_note_sig_parse(line, len, &s, e);

        return err ? err : tlog_cosig_from_sig(&s, out, e);
}

enum cr_err tlog_cosig_format(const struct tlog_cosignature *c, struct buf *out, struct cr_error *e)
{
        uint8_t raw[TLOG_NOTE_SIG_MAX];

        if (c->timestamp > TLOG_COSIG_TIME_MAX)
                return bad_cosig(e, "the timestamp is 2^63 or more");
        if (c->sig_len == 0 || c->sig_len > TLOG_COSIG_SIG_MAX)
                return bad_cosig(e, "the signature is empty or too long");
        put_be64(raw, c->timestamp);
        memcpy(raw + 8, c->sig, c->sig_len);
        return tlog_note_sig_format(c->name, strnlen(c->name, sizeof(c->name)), c->key_id, raw,
                                    8 + c->sig_len, out, e);
}

/* Signs the cosignature message of body at timestamp into sig (room for sigmax). */
static enum cr_err sign_message(enum cr_err (*sign)(void *, const void *, size_t, uint8_t *, size_t,
                                                    size_t *, struct cr_error *),
                                void *ctx, uint64_t timestamp, const char *body, size_t len,
                                uint8_t *sig, size_t sigmax, size_t *siglen, struct cr_error *e)
{
        struct buf msg;
        enum cr_err err;

        *siglen = 0;
        buf_init(&msg, COSIG_MSG_MAX);
        err = tlog_cosig_message(timestamp, body, len, &msg, e);
        if (!err)
                err = sign(ctx, msg.data, msg.len, sig, sigmax, siglen, e);
        buf_release(&msg);
        if (!err && (*siglen == 0 || *siglen > sigmax))
                err = cr_fail(e, CR_EINTERNAL, "internal", "cosignature",
                              "the cosigner returned %zu signature bytes", *siglen);
        return err;
}

enum cr_err tlog_cosign(const char *body, size_t body_len, uint64_t timestamp,
                        const struct tlog_note_signer *cosigner, struct tlog_cosignature *out,
                        struct cr_error *e)
{
        size_t name_len = cosigner->name ? strlen(cosigner->name) : 0;
        enum cr_err err;

        if (!tlog_note_name_valid(cosigner->name, name_len) || !cosigner->sign)
                return bad_cosig(e, "the cosigner's key name is not valid");
        err = sign_message(cosigner->sign, cosigner->ctx, timestamp, body, body_len, out->sig,
                           sizeof(out->sig), &out->sig_len, e);
        if (err)
                return err;
        memcpy(out->name, cosigner->name, name_len);
        out->name[name_len] = '\0';
        out->key_id = cosigner->key_id;
        out->timestamp = timestamp;
        return CR_OK;
}

enum cr_err tlog_cosig_sign(void *cosig_signer, const void *body, size_t len, uint8_t *sig,
                            size_t sigmax, size_t *siglen, struct cr_error *e)
{
        const struct tlog_cosig_signer *cs = cosig_signer;
        size_t inner = 0;
        enum cr_err err;

        if (sigmax < 9)
                return cr_fail(e, CR_EINTERNAL, "internal", "cosignature",
                               "no room for a timestamped signature");
        err = sign_message(cs->sign, cs->ctx, cs->timestamp, body, len, sig + 8, sigmax - 8, &inner,
                           e);
        if (err)
                return err;
        put_be64(sig, cs->timestamp);
        *siglen = 8 + inner;
        return CR_OK;
}

enum cr_err tlog_cosig_verify(void *cosig_verifier, const void *body, size_t len,
                              const uint8_t *sig, size_t siglen, int *valid, struct cr_error *e)
{
        struct tlog_cosig_verifier *cv = cosig_verifier;
        struct cr_error local = CR_ERROR_INIT;
        struct buf msg;
        uint64_t timestamp;
        enum cr_err err;

        *valid = 0;
        if (siglen < 9 || be64(sig) > TLOG_COSIG_TIME_MAX)
                return CR_OK; /* not a timestamped signature: it cannot verify */
        timestamp = be64(sig);
        buf_init(&msg, COSIG_MSG_MAX);
        err = tlog_cosig_message(timestamp, body, len, &msg, &local);
        if (err == CR_EINVAL) {
                /* A note that is not a checkpoint was never cosigned: invalid, not broken. */
                err = CR_OK;
        } else if (err) {
                err = cr_fail(e, err, local.code, local.field, "%s", local.detail);
        } else {
                err = cv->verify(cv->ctx, msg.data, msg.len, sig + 8, siglen - 8, valid, e);
                if (!err && *valid)
                        cv->timestamp = timestamp;
        }
        buf_release(&msg);
        cr_error_clear(&local);
        return err;
}
