/*
 * The cryptography that cryptoreg uses, behind plain C declarations: argon2id
 * password hashes (libsodium), random secrets, and SM3 digests (OpenSSL 3).
 * Only files in src/crypto include OpenSSL or libsodium headers.
 */
#ifndef CR_CRYPTO_H
#define CR_CRYPTO_H

#include <stddef.h>

#include "core/err.h"

#define PASSWORD_HASH_MAX 128 /* room for libsodium's encoded argon2id string */
#define SM3_LEN           32
#define SM3_HEX_LEN       65
#define SHA256_LEN        32

/* Checks that the libraries work and initialises libsodium; call once at start. */
enum cr_err crypto_init(struct cr_error *e);

/* Hashes a password with argon2id at libsodium's interactive cost. */
enum cr_err password_hash(const char *password, char out[PASSWORD_HASH_MAX], struct cr_error *e);
/* Returns 1 if password matches the stored argon2id string, 0 otherwise. */
int password_verify(const char *stored, const char *password);
/* Spends the time of one verification, so an unknown user name costs what a known one does. */
void password_verify_dummy(const char *password);

/* Fills buf with n bytes from the system's cryptographic random source. */
void random_bytes(void *buf, size_t n);
/* Writes nbytes of randomness as unpadded base64url into out (needs 4*nbytes/3+2 bytes). */
void random_token(char *out, size_t outsize, size_t nbytes);
/* A uniformly random integer in [0, upper). */
unsigned random_uniform(unsigned upper);

/* SM3 (GB/T 32905-2016) of data, as raw bytes or lower-case hex. */
enum cr_err sm3_digest(const void *data, size_t len, unsigned char out[SM3_LEN]);
enum cr_err sm3_hex(const void *data, size_t len, char out[SM3_HEX_LEN]);
/* SHA-256 (FIPS 180-4) of data: the hash of the published transparency-log test vectors. */
/*
 * SM3 of the concatenation of n parts, without copying them together, with
 * a per-thread context: the transparency log hashes millions of tree nodes.
 */
enum cr_err sm3_digest_parts(const void *const *parts, const size_t *lens, size_t n,
                             unsigned char out[SM3_LEN]);
/*
 * SM3 over data that arrives in pieces: new, update as often as needed,
 * then hex once (the lowercase digest), then free.
 */
struct sm3_stream;
enum cr_err sm3_stream_new(struct sm3_stream **out, struct cr_error *e);
enum cr_err sm3_stream_update(struct sm3_stream *s, const void *data, size_t len,
                              struct cr_error *e);
enum cr_err sm3_stream_hex(struct sm3_stream *s, char out[SM3_HEX_LEN], struct cr_error *e);
void sm3_stream_free(struct sm3_stream *s);

enum cr_err sha256_digest(const void *data, size_t len, unsigned char out[SHA256_LEN]);

/*
 * SM2 signing keys (GB/T 32918), one per name (an issuing bureau's code),
 * kept as PEM files readable only by their owner in one directory.  A key is
 * created the first time its name signs.  Signatures are over SM3 with the
 * SM2 user ID "1234567812345678" (GB/T 35276), DER-encoded, so that
 * `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`
 * checks them.  The key ID is the first 8 bytes of the SM3 digest of the
 * DER SubjectPublicKeyInfo, in hex.
 */
#define SM2_SIG_MAX     80  /* a DER SM2 signature is at most 72 bytes */
#define SM2_KEY_ID_LEN  17  /* 16 hex characters and NUL */
#define SM2_PUB_PEM_MAX 512 /* an SM2 public key in PEM is about 180 bytes */
#define SM2_USER_ID     "1234567812345678"

struct sm2_signature {
        unsigned char der[SM2_SIG_MAX];
        size_t len;
        char key_id[SM2_KEY_ID_LEN];
        char public_key_pem[SM2_PUB_PEM_MAX];
};

struct sm2_keyring;
/* Opens (creating with mode 0700 if needed) the key directory. */
enum cr_err sm2_keyring_open(const char *dir, struct sm2_keyring **out, struct cr_error *e);
void sm2_keyring_close(struct sm2_keyring *k);
/*
 * The same keyring held by a separate signer process: forks a child that
 * alone opens the key files and signs on request over a socketpair, so
 * the calling process (the network-facing server) never loads a private
 * key.  Call before starting threads.  The other functions work alike.
 */
enum cr_err sm2_keyring_open_isolated(const char *dir, struct sm2_keyring **out,
                                      struct cr_error *e);
/* Signs data with name's key, creating the key on first use; safe from many threads. */
enum cr_err sm2_keyring_sign(struct sm2_keyring *k, const char *name, const void *data, size_t len,
                             struct sm2_signature *out, struct cr_error *e);
/* The key ID and public key of name's key, creating the key on first use. */
enum cr_err sm2_keyring_public(struct sm2_keyring *k, const char *name, char key_id[SM2_KEY_ID_LEN],
                               char pem[SM2_PUB_PEM_MAX], struct cr_error *e);
/* Checks a DER signature against a PEM public key: *valid is 1 or 0. */
enum cr_err sm2_verify(const char *public_key_pem, const void *data, size_t len,
                       const unsigned char *sig, size_t siglen, int *valid, struct cr_error *e);

/*
 * SM2 public keys as the bare 65-byte uncompressed point (0x04 || x || y,
 * GB/T 32918.1), the form the transparency log's signed-note keys carry
 * (docs/tlog.md), converted to and from the PEM SubjectPublicKeyInfo that
 * sm2_verify and the openssl command line take.  sm2_point_pem refuses a
 * point that is not on the SM2 curve.
 */
#define SM2_POINT_LEN 65
enum cr_err sm2_public_point(const char *public_key_pem, unsigned char out[SM2_POINT_LEN],
                             struct cr_error *e);
enum cr_err sm2_point_pem(const unsigned char point[SM2_POINT_LEN], char pem[SM2_PUB_PEM_MAX],
                          struct cr_error *e);

/*
 * Encryption of personal data at rest (fieldcrypt.c): SM4-CTR with
 * HMAC-SM3, encrypt then MAC, for values such as individual buyers' ID
 * numbers and contacts.  A keyring of numbered data keys lives in the key
 * directory as files data-<id>.key (32 random bytes each, mode 0600, the
 * directory 0700); each key's SM4 key and HMAC key are derived from its 32
 * bytes with HMAC-SM3 and fixed labels (docs/crypto.md).  The newest key
 * seals; every key opens, so rotation keeps old values readable.
 *
 * A sealed value is a text token for a TEXT column,
 *     v1.<key id>.<base64url(IV || ciphertext || tag)>
 * with a random 16-byte IV and a 32-byte HMAC-SM3 tag over the header
 * "v1.<key id>.", the associated data's length (8 bytes big-endian), the
 * associated data, the IV and the ciphertext.  The associated data names
 * the value's row and column (e.g. "filing:123:line:45:buyer_id"), so a
 * token copied to another row or column does not open.
 */
#include <stdint.h>

#define FIELDCRYPT_MASTER_LEN 32
#define FIELDCRYPT_IV_LEN     16
#define FIELDCRYPT_TAG_LEN    SM3_LEN
#define FIELDCRYPT_KEYS_MAX   256       /* key versions one directory may hold */
#define FIELDCRYPT_KEY_ID_MAX 999999999 /* key ids are 1 to 9 decimal digits */
#define FIELDCRYPT_PLAIN_MAX  65536     /* a protected value is a field, not a file */
#define FIELDCRYPT_AAD_MAX    1024
/* The longest token that can open: the header and the base64url of the longest body. */
#define FIELDCRYPT_TOKEN_MAX                                                                       \
        (13 + (FIELDCRYPT_IV_LEN + FIELDCRYPT_PLAIN_MAX + FIELDCRYPT_TAG_LEN + 2) / 3 * 4)

struct buf;
struct fieldcrypt;

/*
 * Opens the keyring in dir, creating the directory (0700) and a first key if
 * there is none, and loads every key.  Refuses key files that are not 32
 * bytes, not this user's, or readable or writable by others, and a
 * directory that others may write to.  The keyring is safe from many
 * threads; fieldcrypt_close wipes the keys from memory.
 */
enum cr_err fieldcrypt_open(const char *dir, struct fieldcrypt **out, struct cr_error *e);
void fieldcrypt_close(struct fieldcrypt *k);
/*
 * Creates the next key version (with O_EXCL semantics, synced to disk before
 * it is used) and makes it the key that seals.  Another process with the
 * same directory keeps sealing with the newest key it knows until it
 * rotates, reopens, or first meets a token sealed with a newer key, which it
 * then loads and seals with from then on.
 */
enum cr_err fieldcrypt_rotate(struct fieldcrypt *k, struct cr_error *e);
/* The id of the key that seals now. */
uint32_t fieldcrypt_current_key(struct fieldcrypt *k);

/*
 * Seals len bytes of plaintext under the newest key and appends the token
 * to out.  aad is required (1 to FIELDCRYPT_AAD_MAX bytes).
 */
enum cr_err fieldcrypt_seal(struct fieldcrypt *k, const void *plaintext, size_t len,
                            const void *aad, size_t aadlen, struct buf *out, struct cr_error *e);
/*
 * Checks a token's tag in constant time and only then decrypts, appending
 * the plaintext to plain.  A token that is malformed, changed in any byte,
 * sealed with other associated data or under a key that is not in the
 * directory fails with CR_EINVAL and code "decrypt_failed", and nothing is
 * appended.  The caller owns plain and should wipe it after use.
 */
enum cr_err fieldcrypt_open_token(struct fieldcrypt *k, const char *token, size_t len,
                                  const void *aad, size_t aadlen, struct buf *plain,
                                  struct cr_error *e);
/* The key id a token names, without checking it; for finding values to re-seal after rotation. */
enum cr_err fieldcrypt_token_key(const char *token, size_t len, uint32_t *id);

/*
 * Appends a masked form of the NUL-terminated UTF-8 value plain for display:
 * a mainland resident ID number (18 characters, or the old 15 digits) keeps
 * its first 4 and last 4 characters ("1101**********1234"); any other value
 * (phone numbers, passports, e-mail addresses) keeps its last 4 characters
 * but never more than half of them ("*******5678"); every hidden character
 * becomes one '*'.  Bytes that are not UTF-8 are all hidden.
 */
enum cr_err fieldcrypt_mask(const char *plain, struct buf *out);

#endif
