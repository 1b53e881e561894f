/*
 * What the log plugs into src/tlog: SM3 for the tree, SHA-256 for key IDs,
 * and a signer that asks the SM2 keyring for one named key's signature.
 */
#ifndef CR_TLOG_HASHERS_H
#define CR_TLOG_HASHERS_H

#include "crypto/crypto.h"
#include "tlog/merkle.h"

/* SM3 (via src/crypto); a failure aborts, as merkle.h asks: a wrong tree is worse than none. */
extern const struct tlog_hasher log_sm3_hasher;
/* SHA-256, which C2SP signed-note fixes for key IDs whatever the signature algorithm. */
extern const struct tlog_hasher log_sha256_hasher;

/* The keyring and key name a struct tlog_note_signer signs with (its ctx). */
struct keyring_key {
        struct sm2_keyring *keys;
        const char *name;
};

/* A tlog_note_signer callback: the DER SM2 signature of msg by the key in ctx. */
enum cr_err keyring_key_sign(void *ctx, const void *msg, size_t len, uint8_t *sig, size_t sigmax,
                             size_t *siglen, struct cr_error *e);

#endif
