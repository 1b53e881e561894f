/* Parsing and writing receipts in the C2SP tlog-proof text format; see tlog/receipt.h. */
#include "tlog/receipt.h"

#include <inttypes.h>
#include <string.h>

#include "core/base64.h"
#include "core/parse.h"

#define HASH_B64_LEN BASE64_LEN(TLOG_HASH_LEN) /* 44 */

/* A line of the text without its "\n". */
struct line {
        const char *s;
        size_t len;
};

/* Takes the next "\n"-terminated line from [*at, len); -1 if the text ends without one. */
static int next_line(const char *text, size_t len, size_t *at, struct line *l)
{
        const char *nl;

        if (*at >= len)
                return -1;
        nl = memchr(text + *at, '\n', len - *at);
        if (!nl)
                return -1;
        l->s = text + *at;
        l->len = (size_t)(nl - l->s);
        *at += l->len + 1;
        return 0;
}

static int has_prefix(const struct line *l, const char *prefix)
{
        size_t n = strlen(prefix);

        return l->len >= n && memcmp(l->s, prefix, n) == 0;
}

static enum cr_err bad(struct cr_error *e, const char *why)
{
        return cr_fail(e, CR_EINVAL, "tlog_bad_receipt", "receipt", "not a tlog-proof receipt: %s",
                       why);
}

/*
 * The checkpoint must be something a checkpoint parser can be handed: not
 * empty, not starting with a blank line (that would make the blank line
 * that ends the hashes ambiguous), ending in "\n", no NUL bytes.
 */
static const char *checkpoint_problem(const char *s, size_t len)
{
        if (len == 0 || !s)
                return "the checkpoint is missing";
        if (len > TLOG_CHECKPOINT_MAX)
                return "the checkpoint is too long";
        if (s[0] == '\n')
                return "the checkpoint starts with a blank line";
        if (s[len - 1] != '\n')
                return "the checkpoint does not end with a newline";
        if (memchr(s, '\0', len))
                return "the checkpoint contains a NUL byte";
        return NULL;
}

enum cr_err tlog_receipt_parse(const char *text, size_t len, struct tlog_receipt *out,
                               struct cr_error *e)
{
        static const char extra[] = "extra ", index[] = "index ";
        struct line l;
        size_t at = 0;
        const char *problem;

        if (len > TLOG_RECEIPT_MAX)
                return cr_fail(e, CR_ETOOLARGE, "tlog_bad_receipt", "receipt",
                               "a receipt is at most %d bytes", TLOG_RECEIPT_MAX);
        out->has_extra = false;
        out->extra_len = 0;
        out->proof.len = 0;
        if (next_line(text, len, &at, &l) || l.len != strlen(TLOG_RECEIPT_HEADER) ||
            memcmp(l.s, TLOG_RECEIPT_HEADER, l.len) != 0)
                return bad(e, "the first line must be " TLOG_RECEIPT_HEADER);
        if (next_line(text, len, &at, &l))
                return bad(e, "the index line is missing");
        if (has_prefix(&l, extra)) {
                if (base64_decode(l.s + strlen(extra), l.len - strlen(extra), out->extra,
                                  sizeof(out->extra), &out->extra_len))
                        return bad(e,
                                   "the extra data is not canonical base64 of at most 4096 bytes");
                out->has_extra = true;
                if (next_line(text, len, &at, &l))
                        return bad(e, "the index line is missing");
        }
        /* A decimal with no sign, no leading zero (except "0") and below TLOG_SIZE_MAX. */
        if (!has_prefix(&l, index) ||
            parse_uint64(l.s + strlen(index), l.len - strlen(index), TLOG_SIZE_MAX - 1,
                         PARSE_NO_LEADING_ZERO, &out->index))
                return bad(e, "the index line must be \"index\" and a decimal");
        for (;;) {
                if (next_line(text, len, &at, &l))
                        return bad(e, "the blank line before the checkpoint is missing");
                if (l.len == 0)
                        break;
                if (out->proof.len == TLOG_RECEIPT_HASHES_MAX)
                        return bad(e, "more than 63 proof hashes");
                {
                        size_t n = 0;
                        if (l.len != HASH_B64_LEN ||
                            base64_decode(l.s, l.len, out->proof.hash[out->proof.len],
                                          TLOG_HASH_LEN, &n) ||
                            n != TLOG_HASH_LEN)
                                return bad(e, "a proof line is not the base64 of a 32-byte hash");
                }
                out->proof.len++;
        }
        out->checkpoint = text + at;
        out->checkpoint_len = len - at;
        problem = checkpoint_problem(out->checkpoint, out->checkpoint_len);
        if (problem)
                return bad(e, problem);
        return CR_OK;
}

enum cr_err tlog_receipt_format(const struct tlog_receipt *r, struct buf *out, struct cr_error *e)
{
        char b64[BASE64_LEN(TLOG_RECEIPT_EXTRA_MAX)];
        const char *problem = checkpoint_problem(r->checkpoint, r->checkpoint_len);
        enum cr_err err;

        if (problem)
                return bad(e, problem);
        if (r->index >= TLOG_SIZE_MAX || r->proof.len > TLOG_RECEIPT_HASHES_MAX ||
            (r->has_extra && r->extra_len > TLOG_RECEIPT_EXTRA_MAX))
                return bad(e, "the index, proof or extra data is out of range");
        err = buf_puts(out, TLOG_RECEIPT_HEADER "\n");
        if (!err && r->has_extra) {
                base64_encode(r->extra, r->extra_len, b64);
                err = buf_puts(out, "extra ");
                if (!err)
                        err = buf_append(out, b64, BASE64_LEN(r->extra_len));
                if (!err)
                        err = buf_puts(out, "\n");
        }
        if (!err)
                err = buf_printf(out, "index %" PRIu64 "\n", r->index);
        for (size_t i = 0; !err && i < r->proof.len; i++) {
                base64_encode(r->proof.hash[i], TLOG_HASH_LEN, b64);
                b64[HASH_B64_LEN] = '\n';
                err = buf_append(out, b64, HASH_B64_LEN + 1);
        }
        if (!err)
                err = buf_puts(out, "\n");
        if (!err)
                err = buf_append(out, r->checkpoint, r->checkpoint_len);
        if (err)
                return cr_fail(e, err, "tlog_receipt_too_large", "receipt",
                               "the receipt does not fit its buffer");
        return CR_OK;
}
