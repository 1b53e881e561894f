/*
 * Streaming decoder of uploaded text into UTF-8: validates UTF-8, converts
 * GB18030 with glibc's iconv, and decides between them from the bytes alone
 * (see transcode.h for the rule and why it does not depend on chunking).
 */
#include "core/transcode.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


enum tc_state {
        TC_START, /* the first bytes, which may be a byte order mark */
        TC_ASCII, /* only ASCII so far, passed straight through */
        TC_SNIFF, /* collecting the window that decides the encoding */
        TC_UTF8,
        TC_GB,
};

enum utf8_scan { SCAN_OK, SCAN_INCOMPLETE, SCAN_INVALID };

/*
 * Finds how much of s is well-formed UTF-8 (RFC 3629, NUL refused).  *valid
 * receives the length of the good prefix; the result says whether the rest
 * is empty, the beginning of a character that is cut off, or a bad byte.
 */
static enum utf8_scan utf8_scan(const unsigned char *s, size_t len, size_t *valid)
{
        size_t i = 0;

        while (i < len) {
                unsigned c = s[i];
                unsigned lo = 0x80, hi = 0xBF;
                size_t extra;

                if (c < 0x80) {
                        if (c == 0)
                                break;
                        i++;
                        continue;
                }
                if (c >= 0xC2 && c <= 0xDF) {
                        extra = 1;
                } else if (c >= 0xE0 && c <= 0xEF) {
                        extra = 2;
                        if (c == 0xE0)
                                lo = 0xA0; /* no overlong forms */
                        if (c == 0xED)
                                hi = 0x9F; /* no surrogates */
                } else if (c >= 0xF0 && c <= 0xF4) {
                        extra = 3;
                        if (c == 0xF0)
                                lo = 0x90;
                        if (c == 0xF4)
                                hi = 0x8F; /* nothing above U+10FFFF */
                } else {
                        break;
                }
                for (size_t k = 1; k <= extra; k++) {
                        unsigned b;
                        if (i + k >= len) {
                                *valid = i;
                                return SCAN_INCOMPLETE;
                        }
                        b = s[i + k];
                        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
                                *valid = i;
                                return SCAN_INVALID;
                        }
                }
                i += extra + 1;
        }
        *valid = i;
        return i == len ? SCAN_OK : SCAN_INVALID;
}

static long count_lf(const char *p, size_t n)
{
        long lines = 0;
        const char *end = p + n;

        while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
                lines++;
                p++;
        }
        return lines;
}

/* Moves the position past n decoded input bytes at p. */
static void advance(struct transcode *t, const char *p, size_t n)
{
        t->offset += n;
        t->line += count_lf(p, n);
}

static enum cr_err refuse(struct transcode *t, uint64_t offset, long line, struct cr_error *e,
                          const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Stops the stream with encoding_invalid at the given byte. */
static enum cr_err refuse(struct transcode *t, uint64_t offset, long line, struct cr_error *e,
                          const char *fmt, ...)
{
        char msg[400];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        t->failed = 1;
        t->bad_offset = offset;
        t->bad_line = line;
        return cr_fail(e, CR_EINVAL, "encoding_invalid", NULL, "%s", msg);
}

static enum cr_err fail_internal(struct transcode *t, struct cr_error *e, enum cr_err err,
                                 const char *what)
{
        t->failed = 1;
        return cr_fail(e, err, "internal", NULL, "%s", what);
}

/* Hands decoded text to the sink in pieces of at most TRANSCODE_OUT bytes. */
static enum cr_err emit(struct transcode *t, const char *p, size_t n, struct cr_error *e)
{
        if (n && !t->emitted) {
                t->emitted = 1;
                /* U+FEFF opening the text is a byte order mark, not content. */
                if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
                        p += 3;
                        n -= 3;
                }
        }
        while (n) {
                size_t piece = n < TRANSCODE_OUT ? n : TRANSCODE_OUT;
                enum cr_err err;

                /* Only ASCII text comes longer than a piece, so cutting keeps characters whole. */
                err = t->sink(t->ctx, p, piece, e);
                if (err) {
                        t->failed = 1;
                        return err;
                }
                p += piece;
                n -= piece;
        }
        return CR_OK;
}

static enum cr_err refuse_nul(struct transcode *t, struct cr_error *e)
{
        return refuse(t, t->offset, t->line, e,
                      "byte %llu (line %ld) is a NUL byte, which a text file never holds; if the "
                      "file was saved as UTF-16 (\"Unicode text\"), save it again as CSV UTF-8",
                      (unsigned long long)t->offset, t->line);
}

static enum cr_err refuse_cut(struct transcode *t, const char *enc, struct cr_error *e)
{
        return refuse(t, t->offset, t->line, e,
                      "the file ends in the middle of a %s character at byte %llu (line %ld); "
                      "it may have been cut off",
                      enc, (unsigned long long)t->offset, t->line);
}

/* Decodes the stage as UTF-8, keeping a character cut off at its end for the next input. */
static enum cr_err decode_utf8(struct transcode *t, int final, struct cr_error *e)
{
        size_t valid = 0;
        enum utf8_scan r = utf8_scan((const unsigned char *)t->stage, t->nstage, &valid);
        enum cr_err err = emit(t, t->stage, valid, e);

        if (err)
                return err;
        advance(t, t->stage, valid);
        if (r == SCAN_INVALID) {
                if (t->stage[valid] == '\0')
                        return refuse_nul(t, e);
                if (t->bom)
                        return refuse(t, t->offset, t->line, e,
                                      "the file starts with a UTF-8 byte order mark, but byte "
                                      "%llu (line %ld) is not valid UTF-8; save the file again "
                                      "as CSV UTF-8",
                                      (unsigned long long)t->offset, t->line);
                return refuse(t, t->offset, t->line, e,
                              "the file reads as UTF-8 up to byte %llu (line %ld), which is not "
                              "valid UTF-8; a file must be entirely UTF-8 or entirely GB18030: "
                              "save it again as CSV UTF-8",
                              (unsigned long long)t->offset, t->line);
        }
        if (r == SCAN_INCOMPLETE && final)
                return refuse_cut(t, "UTF-8", e);
        memmove(t->stage, t->stage + valid, t->nstage - valid);
        t->nstage -= valid;
        return CR_OK;
}

static enum cr_err refuse_gb(struct transcode *t, struct cr_error *e)
{
        if (t->utf8_bad >= t->offset)
                /* The UTF-8 reading went further: most likely a UTF-8 file with a bad byte. */
                return refuse(t, t->utf8_bad, t->utf8_bad_line, e,
                              "the file is neither UTF-8 nor GB18030: byte %llu (line %ld) is not "
                              "valid UTF-8, and byte %llu (line %ld) is not valid GB18030; save "
                              "it again as CSV UTF-8",
                              (unsigned long long)t->utf8_bad, t->utf8_bad_line,
                              (unsigned long long)t->offset, t->line);
        return refuse(t, t->offset, t->line, e,
                      "the file is neither UTF-8 nor GB18030: byte %llu (line %ld) is not valid "
                      "GB18030, and byte %llu (line %ld) is not valid UTF-8; save it again as "
                      "CSV UTF-8",
                      (unsigned long long)t->offset, t->line, (unsigned long long)t->utf8_bad,
                      t->utf8_bad_line);
}

/* Converts the stage from GB18030, keeping a character cut off at its end for the next input. */
static enum cr_err decode_gb(struct transcode *t, int final, struct cr_error *e)
{
        const char *nul = memchr(t->stage, '\0', t->nstage);
        char *in = t->stage;
        size_t inleft = nul ? (size_t)(nul - t->stage) : t->nstage;
        int cut = 0;

        /* iconv would pass a NUL through, so the input stops before one and refuses it after. */
        while (inleft) {
                char *start = in, *o = t->out;
                size_t oleft = TRANSCODE_OUT;
                size_t rc = iconv(t->cd, &in, &inleft, &o, &oleft);
                int why = rc == (size_t)-1 ? errno : 0;
                enum cr_err err = emit(t, t->out, TRANSCODE_OUT - oleft, e);

                if (err)
                        return err;
                advance(t, start, (size_t)(in - start));
                if (why == E2BIG)
                        continue;
                if (why == EILSEQ)
                        return refuse_gb(t, e);
                if (why == EINVAL) {
                        cut = 1;
                        break;
                }
                if (why)
                        return fail_internal(t, e, CR_EINTERNAL, "GB18030 conversion failed");
        }
        if (nul)
                return cut ? refuse_gb(t, e) : refuse_nul(t, e);
        if (cut && final)
                return refuse_cut(t, "GB18030", e);
        memmove(t->stage, in, inleft);
        t->nstage = inleft;
        return CR_OK;
}

/* Runs decided input through the stage, which holds at most 3 bytes between calls. */
static enum cr_err decode(struct transcode *t, const char *p, size_t n, struct cr_error *e)
{
        while (n) {
                size_t take = TRANSCODE_STAGE - t->nstage;
                enum cr_err err;

                if (take > n)
                        take = n;
                memcpy(t->stage + t->nstage, p, take);
                t->nstage += take;
                p += take;
                n -= take;
                err = t->state == TC_UTF8 ? decode_utf8(t, 0, e) : decode_gb(t, 0, e);
                if (err)
                        return err;
        }
        return CR_OK;
}

static enum cr_err enter(struct transcode *t, enum transcode_encoding enc, struct cr_error *e)
{
        if (!t->stage && !(t->stage = malloc(TRANSCODE_STAGE)))
                return fail_internal(t, e, CR_ENOMEM, "out of memory");
        if (enc == TRANSCODE_GB18030) {
                if (!t->out && !(t->out = malloc(TRANSCODE_OUT)))
                        return fail_internal(t, e, CR_ENOMEM, "out of memory");
                if (t->cd == (iconv_t)-1) {
                        t->cd = iconv_open("UTF-8", "GB18030");
                        if (t->cd == (iconv_t)-1)
                                return fail_internal(t, e, CR_EINTERNAL,
                                                     "this system's iconv cannot read GB18030");
                }
        }
        t->encoding = enc;
        t->state = enc == TRANSCODE_UTF8 ? TC_UTF8 : TC_GB;
        return CR_OK;
}

/* Settles the encoding of the sniffed window and decodes the window, then the rest. */
static enum cr_err decide(struct transcode *t, enum transcode_encoding enc, const char *rest,
                          size_t nrest, struct cr_error *e)
{
        enum cr_err err;

        if (enc == TRANSCODE_GB18030) {
                t->utf8_bad = t->offset + t->wvalid;
                t->utf8_bad_line = t->line + count_lf(t->window, t->wvalid);
        }
        err = enter(t, enc, e);
        if (!err)
                err = decode(t, t->window, t->nwindow, e);
        free(t->window);
        t->window = NULL;
        t->nwindow = t->wvalid = 0;
        if (!err)
                err = decode(t, rest, nrest, e);
        return err;
}

static enum cr_err sniff(struct transcode *t, const char *p, size_t n, struct cr_error *e)
{
        size_t take = TRANSCODE_SNIFF - t->nwindow, valid = 0;
        enum utf8_scan r;

        if (!t->window && !(t->window = malloc(TRANSCODE_SNIFF)))
                return fail_internal(t, e, CR_ENOMEM, "out of memory");
        if (take > n)
                take = n;
        memcpy(t->window + t->nwindow, p, take);
        t->nwindow += take;
        r = utf8_scan((const unsigned char *)t->window + t->wvalid, t->nwindow - t->wvalid, &valid);
        t->wvalid += valid;
        if (r == SCAN_INVALID)
                return decide(t, TRANSCODE_GB18030, p + take, n - take, e);
        if (t->nwindow == TRANSCODE_SNIFF)
                return decide(t, TRANSCODE_UTF8, p + take, n - take, e);
        return CR_OK;
}

static enum cr_err ascii(struct transcode *t, const char *p, size_t n, struct cr_error *e)
{
        size_t i = 0;
        enum cr_err err;

        while (i < n && (unsigned char)p[i] < 0x80 && p[i] != '\0')
                i++;
        err = emit(t, p, i, e);
        if (err)
                return err;
        advance(t, p, i);
        if (i == n)
                return CR_OK;
        if (p[i] == '\0')
                return refuse_nul(t, e);
        t->state = TC_SNIFF;
        return sniff(t, p + i, n - i, e);
}

static enum cr_err process(struct transcode *t, const char *p, size_t n, struct cr_error *e);

/* Looks at the first bytes for a byte order mark; final means the input has ended. */
static enum cr_err start(struct transcode *t, const char *p, size_t n, int final,
                         struct cr_error *e)
{
        static const unsigned char boms[3][3] = {{0xEF, 0xBB, 0xBF}, {0xFF, 0xFE}, {0xFE, 0xFF}};
        static const size_t bomlen[3] = {3, 2, 2};
        int possible = 0;
        enum cr_err err;

        while (n && t->nhead < sizeof(t->head)) {
                t->head[t->nhead++] = (unsigned char)*p++;
                n--;
        }
        for (int i = 0; i < 3; i++) {
                size_t k = t->nhead < bomlen[i] ? t->nhead : bomlen[i];
                if (memcmp(t->head, boms[i], k) == 0) {
                        if (k == bomlen[i] && i > 0)
                                return refuse(t, 0, 1, e,
                                              "the file starts with a UTF-16 byte order mark; "
                                              "save it again as CSV UTF-8");
                        if (k == bomlen[i]) {
                                t->bom = 1;
                                t->offset = 3;
                                err = enter(t, TRANSCODE_UTF8, e);
                                return err ? err : decode(t, p, n, e);
                        }
                        possible = 1;
                }
        }
        if (possible && !final)
                return CR_OK; /* too few bytes yet to rule out a byte order mark */
        t->state = TC_ASCII;
        err = process(t, (const char *)t->head, t->nhead, e);
        return err ? err : process(t, p, n, e);
}

static enum cr_err process(struct transcode *t, const char *p, size_t n, struct cr_error *e)
{
        if (n == 0)
                return CR_OK; /* p may be NULL then, which memcpy must not see */
        switch (t->state) {
        case TC_START:
                return start(t, p, n, 0, e);
        case TC_ASCII:
                return ascii(t, p, n, e);
        case TC_SNIFF:
                return sniff(t, p, n, e);
        default:
                return decode(t, p, n, e);
        }
}

void transcode_init(struct transcode *t, transcode_sink_fn sink, void *ctx)
{
        memset(t, 0, sizeof(*t));
        t->sink = sink;
        t->ctx = ctx;
        t->state = TC_START;
        t->line = 1;
        t->cd = (iconv_t)-1;
}

enum cr_err transcode_feed(struct transcode *t, const void *data, size_t len, struct cr_error *e)
{
        if (t->failed)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL,
                               "the decoder was fed after it had failed");
        return process(t, data, len, e);
}

enum cr_err transcode_finish(struct transcode *t, struct cr_error *e)
{
        enum cr_err err = CR_OK;

        if (t->failed)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL,
                               "the decoder was finished after it had failed");
        if (t->state == TC_START)
                err = start(t, NULL, 0, 1, e);
        if (!err && t->state == TC_SNIFF) {
                /* At the end a character cut off in the window is not UTF-8 either. */
                size_t valid = 0;
                enum utf8_scan r = utf8_scan((const unsigned char *)t->window + t->wvalid,
                                             t->nwindow - t->wvalid, &valid);
                t->wvalid += valid;
                err = decide(t, r == SCAN_OK ? TRANSCODE_UTF8 : TRANSCODE_GB18030, NULL, 0, e);
        }
        if (!err && t->state == TC_UTF8)
                err = decode_utf8(t, 1, e);
        else if (!err && t->state == TC_GB)
                err = decode_gb(t, 1, e);
        return err;
}

void transcode_release(struct transcode *t)
{
        free(t->window);
        free(t->stage);
        free(t->out);
        if (t->cd != (iconv_t)-1)
                iconv_close(t->cd);
        t->window = t->stage = t->out = NULL;
        t->cd = (iconv_t)-1;
}

const char *transcode_encoding_name(enum transcode_encoding enc)
{
        switch (enc) {
        case TRANSCODE_UTF8:
                return "UTF-8";
        case TRANSCODE_GB18030:
                return "GB18030";
        default:
                return "ASCII";
        }
}
