/* SM3 and SHA-256 as struct tlog_hasher, and the keyring as a note signer, for the log. */
#include "transparency/hashers.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

static void sm3_hash(void *ctx, const void *const *parts, const size_t *lens, size_t n,
                     uint8_t out[TLOG_HASH_LEN])
{
        (void)ctx;
        if (sm3_digest_parts(parts, lens, n, out) != CR_OK)
                abort();
}

static void sha256_hash(void *ctx, const void *const *parts, const size_t *lens, size_t n,
                        uint8_t out[TLOG_HASH_LEN])
{
        unsigned char buf[512];
        size_t total = 0;

        (void)ctx;
        /* Key IDs hash a name and a key: short, so the parts are copied together. */
        for (size_t i = 0; i < n; i++) {
                if (total + lens[i] > sizeof(buf))
                        abort();
                memcpy(buf + total, parts[i], lens[i]);
                total += lens[i];
        }
        if (sha256_digest(buf, total, out) != CR_OK)
                abort();
}

const struct tlog_hasher log_sm3_hasher = {sm3_hash, NULL};
const struct tlog_hasher log_sha256_hasher = {sha256_hash, NULL};

enum cr_err keyring_key_sign(void *ctx, const void *msg, size_t len, uint8_t *sig, size_t sigmax,
                             size_t *siglen, struct cr_error *e)
{
        const struct keyring_key *k = ctx;
        struct sm2_signature s;
        enum cr_err err = sm2_keyring_sign(k->keys, k->name, msg, len, &s, e);

        if (err)
                return err;
        if (s.len > sigmax)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "signature too long");
        memcpy(sig, s.der, s.len);
        *siglen = s.len;
        return CR_OK;
}
