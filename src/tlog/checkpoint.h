/*
 * Checkpoints and witness cosignatures: the C2SP tlog-checkpoint note text
 * (https://c2sp.org/tlog-checkpoint)
 *
 *     <origin>
 *     <tree size, decimal, no leading zeros>
 *     <base64 of the 32-byte root hash>
 *     <extension lines, each non-empty, optional>
 *
 * signed as a signed note (tlog/note.h), and the C2SP tlog-cosignature
 * timestamped cosignature (https://c2sp.org/tlog-cosignature): a note
 * signature line whose bytes after the key ID are an 8-byte big-endian
 * timestamp and a signature over
 *
 *     cosignature/v1
 *     time <timestamp>
 *     <the checkpoint's note text>
 *
 * The log signs checkpoints; a witness cosigns them after checking a
 * consistency proof; a client trusts a checkpoint when the log's signature
 * and enough cosignatures verify.  This file parses and writes the text
 * and the lines and offers the callbacks that turn a plain SM2 (or any)
 * signer or verifier into a cosigning one.  It includes no cryptography.
 */
#ifndef CR_TLOG_CHECKPOINT_H
#define CR_TLOG_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "tlog/merkle.h"
#include "tlog/note.h"

#define TLOG_CHECKPOINT_ORIGIN_MAX 255 /* bytes; the log's key name should equal the origin */
#define TLOG_COSIG_HEADER          "cosignature/v1"
#define TLOG_COSIG_TIME_MAX        ((uint64_t)INT64_MAX) /* the spec's 2^63 - 1 */
#define TLOG_COSIG_SIG_MAX         (TLOG_NOTE_SIG_MAX - 8)

/*
 * A checkpoint's note text, parsed.  origin and extensions point into the
 * parsed text (or, to format, the caller's memory) and are not owned;
 * extensions is the run of extension lines, each ending in "\n", or empty.
 * A plain struct: no release.
 */
struct tlog_checkpoint {
        const char *origin;
        size_t origin_len;
        uint64_t size;
        uint8_t root[TLOG_HASH_LEN];
        const char *extensions;
        size_t extensions_len;
};

/*
 * Parses a note text (ending in "\n") as a checkpoint.  Strict: a
 * non-empty origin of at most TLOG_CHECKPOINT_ORIGIN_MAX bytes, a size up
 * to TLOG_SIZE_MAX with no sign or leading zero, canonical base64 of
 * exactly 32 bytes, no empty line, nothing unterminated.  CR_EINVAL (code
 * "tlog_bad_checkpoint") on refusal.
 */
enum cr_err tlog_checkpoint_parse(const char *text, size_t len, struct tlog_checkpoint *out,
                                  struct cr_error *e);

/* Appends the checkpoint's note text; CR_EINVAL for what the parser would refuse. */
enum cr_err tlog_checkpoint_format(const struct tlog_checkpoint *c, struct buf *out,
                                   struct cr_error *e);

/*
 * A signed checkpoint from outside: tlog_note_open() against the known keys
 * (the log's, and witnesses' with tlog_cosig_verify), then the text parsed
 * as a checkpoint.  The text is looked at only once a signature verified,
 * as the signed-note spec asks.  note->sig[i].verified says which did.
 */
enum cr_err tlog_checkpoint_open(const char *msg, size_t len,
                                 const struct tlog_note_verifier *known, size_t nknown,
                                 struct tlog_note *note, struct tlog_checkpoint *out,
                                 struct cr_error *e);

/* Appends the signed note of checkpoint c, signed by the signers (normally the log's one key). */
enum cr_err tlog_checkpoint_sign(const struct tlog_checkpoint *c,
                                 const struct tlog_note_signer *signers, size_t nsigners,
                                 struct buf *out, struct cr_error *e);

/*
 * Appends the message a cosignature signs: "cosignature/v1\n", "time
 * <timestamp>\n" and body, which must parse as a checkpoint.  CR_EINVAL
 * for a timestamp above TLOG_COSIG_TIME_MAX or a body that is not one.
 */
enum cr_err tlog_cosig_message(uint64_t timestamp, const char *body, size_t body_len,
                               struct buf *out, struct cr_error *e);

/* One cosignature line, decoded; everything is copied in. */
struct tlog_cosignature {
        char name[TLOG_NOTE_NAME_MAX + 1];
        uint32_t key_id;
        uint64_t timestamp;
        size_t sig_len;
        uint8_t sig[TLOG_COSIG_SIG_MAX];
};

/*
 * Decodes a parsed note signature as a timestamped cosignature: at least 8
 * bytes of timestamp, at most TLOG_COSIG_TIME_MAX, and a non-empty
 * signature.  CR_EINVAL (code "tlog_bad_cosignature") otherwise.
 */
enum cr_err tlog_cosig_from_sig(const struct tlog_note_sig *s, struct tlog_cosignature *out,
                                struct cr_error *e);

/* Parses one cosignature line, len bytes ending in "\n", as a witness returns it. */
enum cr_err tlog_cosig_parse(const char *line, size_t len, struct tlog_cosignature *out,
                             struct cr_error *e);

/* Appends the cosignature's line, "— <name> base64(key ID || timestamp || signature)\n". */
enum cr_err tlog_cosig_format(const struct tlog_cosignature *c, struct buf *out,
                              struct cr_error *e);

/*
 * Cosigns the checkpoint whose note text is body at timestamp: builds the
 * message, has cosigner->sign sign it, and fills out.  cosigner's name and
 * key ID are those of its cosignature key (TLOG_KEY_SM2_COSIG for SM2).
 */
enum cr_err tlog_cosign(const char *body, size_t body_len, uint64_t timestamp,
                        const struct tlog_note_signer *cosigner, struct tlog_cosignature *out,
                        struct cr_error *e);

/*
 * Adapters between a plain signature scheme and cosignatures, used as the
 * callback and ctx of a struct tlog_note_signer or tlog_note_verifier:
 * tlog_cosig_sign signs the cosignature message for the note text it is
 * given at timestamp and prefixes the timestamp; tlog_cosig_verify takes
 * the timestamp off, rebuilds the message and calls the plain verify, and
 * on success records the timestamp (a policy may refuse old or future
 * ones).  The plain callbacks sign or verify whatever bytes they get.
 */
struct tlog_cosig_signer {
        enum cr_err (*sign)(void *ctx, const void *msg, size_t len, uint8_t *sig, size_t sigmax,
                            size_t *siglen, struct cr_error *e);
        void *ctx;
        uint64_t timestamp; /* set by the caller before signing */
};

struct tlog_cosig_verifier {
        enum cr_err (*verify)(void *ctx, const void *msg, size_t len, const uint8_t *sig,
                              size_t siglen, int *valid, struct cr_error *e);
        void *ctx;
        uint64_t timestamp; /* set when a cosignature verifies */
};

enum cr_err tlog_cosig_sign(void *cosig_signer, const void *body, size_t len, uint8_t *sig,
                            size_t sigmax, size_t *siglen, struct cr_error *e);
enum cr_err tlog_cosig_verify(void *cosig_verifier, const void *body, size_t len,
                              const uint8_t *sig, size_t siglen, int *valid, struct cr_error *e);

#endif
