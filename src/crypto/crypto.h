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

#endif
