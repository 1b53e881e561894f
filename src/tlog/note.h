/*
 * C2SP signed notes (https://c2sp.org/signed-note): a text ending in "\n",
 * a blank line, and one or more signature lines
 *
 *     — <key name> <base64(4-byte big-endian key ID || signature)>
 *
 * (the dash is the em dash U+2014).  Checkpoints, cosignatures and witness
 * replies are all signed notes, so this file is the one place that reads
 * and writes them: it parses a note from a stranger, writes it back byte
 * for byte, verifies it against a set of known keys, signs a text, and
 * reads and writes verifier keys ("vkeys", <name>+<hex key ID>+<base64>).
 *
 * Like the rest of src/tlog it includes no cryptography: signing and
 * verifying are callbacks, and the SHA-256 that key IDs need is injected
 * as a struct tlog_hasher (tlog/merkle.h).  docs/tlog.md defines the SM2
 * key type (0xff and an identifier) that cryptoreg signs with.
 *
 * The parser is strict and bounded: at most TLOG_NOTE_MAX bytes of valid
 * UTF-8 with no control character but "\n", at most TLOG_NOTE_SIGS_MAX
 * signatures, key names at most TLOG_NOTE_NAME_MAX bytes with no Unicode
 * space and no "+", canonical base64 only, and no two signatures with the
 * same key name and key ID.  Whatever it accepts, tlog_note_format() writes
 * back unchanged.
 */
#ifndef CR_TLOG_NOTE_H
#define CR_TLOG_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base64.h"
#include "core/buf.h"
#include "core/err.h"
#include "tlog/merkle.h"

#define TLOG_NOTE_MAX       131072 /* a whole note: 16 post-quantum signatures fit */
#define TLOG_NOTE_SIGS_MAX  32     /* the spec asks verifiers to take at least 16 */
#define TLOG_NOTE_NAME_MAX  255    /* bytes of a key name */
#define TLOG_NOTE_SIG_MAX   5120   /* signature bytes after the key ID ("nearly 5kB" for PQ) */
#define TLOG_VKEY_KEY_MAX   4096   /* a vkey's type bytes and public key */
#define TLOG_VKEY_MAX       (TLOG_NOTE_NAME_MAX + 10 + TLOG_BASE64_KEY_LEN)
#define TLOG_BASE64_KEY_LEN BASE64_LEN(TLOG_VKEY_KEY_MAX)

/* The signature type bytes that the signed-note and tlog-cosignature specs assign. */
#define TLOG_SIGTYPE_ED25519       0x01
#define TLOG_SIGTYPE_ED25519_COSIG 0x04
#define TLOG_SIGTYPE_OTHER         0xff /* followed by a longer identifier */

/*
 * cryptoreg's two SM2 signature types, each 0xff followed by one of these
 * newline-terminated identifiers (docs/tlog.md, "Key ID computation"):
 * plain note signatures (a log's checkpoint) and timestamped cosignatures
 * (a witness).  They differ so that a key name and key ID name one
 * algorithm, as the spec requires, even if one key does both jobs.
 */
#define TLOG_SM2_IDENTIFIER       "cryptoreg/sm2-sm3\n"
#define TLOG_SM2_COSIG_IDENTIFIER "cryptoreg/sm2-sm3-cosignature\n"
#define TLOG_SM2_POINT_LEN        65 /* 0x04 || x || y, GB/T 32918.1 uncompressed */
#define TLOG_SM2_KEY_MAX          (1 + sizeof(TLOG_SM2_COSIG_IDENTIFIER) - 1 + TLOG_SM2_POINT_LEN)

/* What a vkey's type bytes say its public key is. */
enum tlog_key_type {
        TLOG_KEY_UNKNOWN = 0,
        TLOG_KEY_ED25519,       /* 0x01 || 32 bytes */
        TLOG_KEY_ED25519_COSIG, /* 0x04 || 32 bytes */
        TLOG_KEY_SM2,           /* 0xff || TLOG_SM2_IDENTIFIER || 65-byte point */
        TLOG_KEY_SM2_COSIG,     /* 0xff || TLOG_SM2_COSIG_IDENTIFIER || 65-byte point */
};

/*
 * One signature line of a parsed note.  name and b64 point into the text
 * that was parsed and are not owned; b64 is the base64 of the key ID and
 * the signature.  verified is set by tlog_note_verify() only.
 */
struct tlog_note_sig {
        const char *name;
        size_t name_len;
        uint32_t key_id;
        const char *b64;
        size_t b64_len;
        bool verified;
};

/*
 * A parsed note: text (ending in "\n", without the blank line) and its
 * signatures in the order they appear.  A plain struct pointing into the
 * caller's memory, so it has no release function.  To sign a new text,
 * set text and text_len and nsigs = 0.
 */
struct tlog_note {
        const char *text;
        size_t text_len;
        size_t nsigs;
        struct tlog_note_sig sig[TLOG_NOTE_SIGS_MAX];
};

/*
 * A key the caller trusts.  verify checks the signature bytes (after the
 * key ID) over msg and sets *valid to 1 or 0; it returns an error only if
 * it could not decide (a broken key, no memory).  name is NUL-terminated.
 */
struct tlog_note_verifier {
        const char *name;
        uint32_t key_id;
        enum cr_err (*verify)(void *ctx, const void *msg, size_t len, const uint8_t *sig,
                              size_t siglen, int *valid, struct cr_error *e);
        void *ctx;
};

/*
 * A key that signs.  sign writes at most sigmax (TLOG_NOTE_SIG_MAX) bytes
 * of signature over msg to sig and sets *siglen.
 */
struct tlog_note_signer {
        const char *name;
        uint32_t key_id;
        enum cr_err (*sign)(void *ctx, const void *msg, size_t len, uint8_t *sig, size_t sigmax,
                            size_t *siglen, struct cr_error *e);
        void *ctx;
};

/* A parsed verifier key: the name, the key ID, and the type bytes followed by the public key. */
struct tlog_vkey {
        char name[TLOG_NOTE_NAME_MAX + 1];
        uint32_t key_id;
        size_t key_len;
        uint8_t key[TLOG_VKEY_KEY_MAX];
};

/*
 * True if the len bytes at s may appear in a note: valid UTF-8 with no
 * NUL and no control character below U+0020 other than "\n".
 */
bool tlog_note_text_valid(const char *s, size_t len);

/*
 * True if the len bytes at s are a valid key name: 1..TLOG_NOTE_NAME_MAX
 * bytes of valid UTF-8, no control character, no Unicode space
 * (White_Space, as Go's unicode.IsSpace) and no "+".
 */
bool tlog_note_name_valid(const char *s, size_t len);

/*
 * Parses the len bytes at msg as a signed note.  Refusals: CR_ETOOLARGE
 * over TLOG_NOTE_MAX bytes or TLOG_NOTE_SIGS_MAX signatures, CR_EINVAL
 * (code "tlog_bad_note") otherwise.  Nothing is verified.
 */
enum cr_err tlog_note_parse(const char *msg, size_t len, struct tlog_note *out, struct cr_error *e);

/*
 * Parses one signature line, len bytes ending in "\n", as a witness sends
 * them.  out->name and out->b64 point into line.
 */
enum cr_err tlog_note_sig_parse(const char *line, size_t len, struct tlog_note_sig *out,
                                struct cr_error *e);

/* Decodes the signature bytes after the key ID into out (room for max); CR_EINVAL if too many. */
enum cr_err tlog_note_sig_decode(const struct tlog_note_sig *s, uint8_t *out, size_t max,
                                 size_t *len, struct cr_error *e);

/* Appends "— <name> <base64(key ID || sig)>\n" to out after checking the name and sizes. */
enum cr_err tlog_note_sig_format(const char *name, size_t name_len, uint32_t key_id,
                                 const uint8_t *sig, size_t siglen, struct buf *out,
                                 struct cr_error *e);

/* Appends text, blank line and signature lines; CR_EINVAL for what the parser would refuse. */
enum cr_err tlog_note_format(const struct tlog_note *n, struct buf *out, struct cr_error *e);

/*
 * Checks n's signatures against the known keys and sets each one's
 * verified flag.  A signature whose name and key ID match no known key is
 * kept unverified; one that matches a known key must verify, or the whole
 * note is refused (code "tlog_note_bad_signature"); two known keys with the
 * same name and ID are refused as ambiguous.  At least one signature must
 * verify (otherwise "tlog_note_unverified").  *nverified, if not NULL,
 * receives the number that did.
 */
enum cr_err tlog_note_verify(struct tlog_note *n, const struct tlog_note_verifier *known,
                             size_t nknown, size_t *nverified, struct cr_error *e);

/* tlog_note_parse() then tlog_note_verify(). */
enum cr_err tlog_note_open(const char *msg, size_t len, const struct tlog_note_verifier *known,
                           size_t nknown, struct tlog_note *out, struct cr_error *e);

/*
 * Appends to out the note with text n->text signed by the nsigners
 * signers: n's existing signatures come first, except those with the same
 * name and key ID as a signer (a new signature replaces them), then one
 * new line per signer in order.
 */
enum cr_err tlog_note_sign(const struct tlog_note *n, const struct tlog_note_signer *signers,
                           size_t nsigners, struct buf *out, struct cr_error *e);

/*
 * The key ID the spec recommends: the first 4 bytes, big-endian, of
 * SHA-256(name || 0x0A || key), key being the type bytes followed by the
 * public key.  sha256 must compute SHA-256.
 */
uint32_t tlog_note_key_id(const struct tlog_hasher *sha256, const char *name, size_t name_len,
                          const uint8_t *key, size_t key_len);

/* The type of key material (type bytes || public key) and where its public key starts. */
enum tlog_key_type tlog_key_type_of(const uint8_t *key, size_t key_len, size_t *pub_off);

/*
 * Writes the key material of an SM2 key, type TLOG_KEY_SM2 or
 * TLOG_KEY_SM2_COSIG: 0xff || identifier || point.  Returns its length,
 * or 0 for another type or a point that does not start with 0x04.
 */
size_t tlog_sm2_key(enum tlog_key_type type, const uint8_t point[TLOG_SM2_POINT_LEN],
                    uint8_t out[TLOG_SM2_KEY_MAX]);

/* Appends "<name>+<8 lower-case hex key ID>+<base64(key)>", the key ID computed with sha256. */
enum cr_err tlog_vkey_format(const struct tlog_hasher *sha256, const char *name, const uint8_t *key,
                             size_t key_len, struct buf *out, struct cr_error *e);

/*
 * Parses a vkey: a valid name, exactly 8 lower-case hex digits, canonical
 * base64 of 1..TLOG_VKEY_KEY_MAX bytes, and a key ID equal to the one
 * computed with sha256.  The key type is not checked: see tlog_key_type_of().
 */
enum cr_err tlog_vkey_parse(const struct tlog_hasher *sha256, const char *s, size_t len,
                            struct tlog_vkey *out, struct cr_error *e);

#endif
