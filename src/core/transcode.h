/*
 * Decoding an uploaded text file into UTF-8 as a stream.  Chinese
 * spreadsheet programs save CSV either as UTF-8 or as GB18030, and nothing
 * in the file says which, so the decoder decides from the bytes, the same
 * way for the same bytes however they are split into chunks:
 *
 *   - a UTF-8 byte order mark at the start: UTF-8 (the mark is dropped);
 *   - a UTF-16 byte order mark at the start: refused, with advice;
 *   - text that is plain ASCII up to its end: passed through;
 *   - otherwise the TRANSCODE_SNIFF bytes from the first byte above 0x7F
 *     (or all of them, if fewer) decide: if they are well-formed UTF-8 the
 *     file is UTF-8, else it is read as GB18030 through glibc's iconv.
 *
 * After the decision every later byte must be valid in the chosen encoding;
 * the first one that is not stops the stream with encoding_invalid, naming
 * its byte offset (counted from 0) and line.  A NUL byte is refused in any
 * encoding, because no text file holds one.  Output reaches the caller's
 * sink in pieces of at most TRANSCODE_OUT bytes; each piece is whole
 * characters of well-formed UTF-8 without NUL.  A leading U+FEFF is removed
 * from the output in either encoding.
 *
 * Memory is bounded whatever the input size: the sniff window, one input
 * stage and one output buffer, allocated on first need.  Ownership: the
 * struct belongs to the caller; transcode_release frees what it allocated.
 */
#ifndef CR_TRANSCODE_H
#define CR_TRANSCODE_H

#include <iconv.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define TRANSCODE_SNIFF (64 * 1024) /* bytes from the first non-ASCII byte that decide */
#define TRANSCODE_STAGE (16 * 1024) /* input bytes decoded per step */
#define TRANSCODE_OUT   (2 * TRANSCODE_STAGE)

enum transcode_encoding {
        TRANSCODE_UNDECIDED = 0, /* only ASCII seen so far, which both encodings read alike */
        TRANSCODE_UTF8,
        TRANSCODE_GB18030,
};

/* Receives decoded UTF-8; a failure it returns stops the stream and is passed back. */
typedef enum cr_err (*transcode_sink_fn)(void *ctx, const char *utf8, size_t len,
                                         struct cr_error *e);

struct transcode {
        transcode_sink_fn sink;
        void *ctx;
        enum transcode_encoding encoding;
        int state;           /* enum tc_state in transcode.c */
        int bom;             /* 1 if a UTF-8 byte order mark opened the file */
        int emitted;         /* 1 once any output reached the sink */
        uint64_t offset;     /* offset of stage[0] in the input */
        long line;           /* line of stage[0]: 1 plus the LFs before it */
        uint64_t bad_offset; /* after encoding_invalid: the offending byte */
        long bad_line;       /* and its line */
        uint64_t utf8_bad;   /* where a GB18030 file first stopped being UTF-8 */
        long utf8_bad_line;
        unsigned char head[3]; /* the first bytes, until a byte order mark is ruled out */
        size_t nhead;
        char *window; /* TRANSCODE_SNIFF bytes from the first non-ASCII byte */
        size_t nwindow, wvalid;
        char *stage; /* an incomplete character carried over, then new input */
        size_t nstage;
        char *out; /* iconv's output */
        iconv_t cd;
        int failed; /* 1 after any failure: later calls fail at once */
};

/* Prepares t to send its output to sink(ctx, ...); allocates nothing. */
void transcode_init(struct transcode *t, transcode_sink_fn sink, void *ctx);

/* Decodes the next len bytes of input; any chunking gives the same output. */
enum cr_err transcode_feed(struct transcode *t, const void *data, size_t len, struct cr_error *e);

/* Ends the input: decides if still undecided and refuses a character cut off at the end. */
enum cr_err transcode_finish(struct transcode *t, struct cr_error *e);

/* Frees the buffers and the iconv descriptor; t may then be initialised again. */
void transcode_release(struct transcode *t);

/* "UTF-8", "GB18030" or "ASCII" (undecided at the end means plain ASCII, valid in both). */
const char *transcode_encoding_name(enum transcode_encoding enc);

#endif
