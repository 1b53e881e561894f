/*
 * Receipts: the text form of an inclusion proof that anyone can check
 * offline, in the C2SP tlog-proof format (https://c2sp.org/tlog-proof):
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64>            (optional, opaque, not authenticated)
 *     index <decimal>
 *     <base64 hash>             (zero or more, leaf's sibling first)
 *
 *     <the signed checkpoint, verbatim>
 *
 * This file parses and writes that envelope.  It does not look inside the
 * checkpoint (tlog-checkpoint and signed-note parsing live apart) and does
 * not verify anything: a caller parses the checkpoint, checks its
 * signatures, then calls tlog_verify_inclusion() with its size and root.
 *
 * The parser reads files from strangers, so it is strict and bounded: the
 * whole text at most TLOG_RECEIPT_MAX bytes, at most 63 hashes, extra data
 * at most TLOG_RECEIPT_EXTRA_MAX bytes, canonical base64 and decimals only,
 * "\n" line ends only.  Whatever it accepts, tlog_receipt_format() writes
 * back byte for byte.
 */
#ifndef CR_TLOG_RECEIPT_H
#define CR_TLOG_RECEIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "tlog/merkle.h"

#define TLOG_RECEIPT_HEADER     "c2sp.org/tlog-proof@v1"
#define TLOG_RECEIPT_MAX        32768 /* the whole text */
#define TLOG_RECEIPT_EXTRA_MAX  4096  /* decoded extra data: room for an entry's canonical JSON */
#define TLOG_RECEIPT_HASHES_MAX 63    /* an inclusion proof in a tree below 2^63 leaves */
#define TLOG_CHECKPOINT_MAX     16384 /* a checkpoint with a few dozen cosignatures */

/*
 * A parsed receipt.  checkpoint points into the text that was parsed (or,
 * for formatting, into the caller's memory) and is not owned; the rest is
 * copied in, so the struct is plain data with no release function.
 */
struct tlog_receipt {
        bool has_extra;
        size_t extra_len;
        uint8_t extra[TLOG_RECEIPT_EXTRA_MAX];
        uint64_t index;
        struct tlog_proof proof;
        const char *checkpoint; /* the checkpoint text, ending in "\n" */
        size_t checkpoint_len;
};

/* Parses the len bytes at text.  CR_EINVAL (code "tlog_bad_receipt") or CR_ETOOLARGE on refusal. */
enum cr_err tlog_receipt_parse(const char *text, size_t len, struct tlog_receipt *out,
                               struct cr_error *e);

/* Appends the receipt's text to out; CR_EINVAL if r breaks a rule the parser enforces. */
enum cr_err tlog_receipt_format(const struct tlog_receipt *r, struct buf *out, struct cr_error *e);

#endif
