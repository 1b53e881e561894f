/* SM3 and SHA-256 digests through OpenSSL 3's EVP interface. */
#include "crypto/crypto.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>


enum cr_err sm3_digest(const void *data, size_t len, unsigned char out[SM3_LEN])
{
        unsigned int outlen = 0;

        /* EVP_Digest fetches SM3 from the default provider each call; it is
         * cheap enough for tokens and records, and keeps no global state. */
        if (!EVP_Digest(data, len, out, &outlen, EVP_sm3(), NULL) || outlen != SM3_LEN)
                return CR_EINTERNAL;
        return CR_OK;
}

enum cr_err sm3_hex(const void *data, size_t len, char out[SM3_HEX_LEN])
{
        static const char hex[] = "0123456789abcdef";
        unsigned char d[SM3_LEN];
        enum cr_err err = sm3_digest(data, len, d);

        if (err)
                return err;
        for (int i = 0; i < SM3_LEN; i++) {
                out[2 * i] = hex[d[i] >> 4];
                out[2 * i + 1] = hex[d[i] & 15];
        }
        out[64] = '\0';
        return CR_OK;
}

/*
 * SHA-256 is fetched from the provider once, and each thread keeps one
 * digest context, for the life of the process: the implicit fetch behind
 * EVP_sha256() and a context allocation per call make a digest of 65 bytes
 * about ten times slower, and the Merkle tree tests hash millions of nodes.
 */
static EVP_MD *sha256_md;
static pthread_key_t sha256_ctx_key;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void sha256_ctx_free(void *ctx)
{
        EVP_MD_CTX_free(ctx);
}

static void sha256_setup(void)
{
        if (pthread_key_create(&sha256_ctx_key, sha256_ctx_free) == 0)
                sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

enum cr_err sha256_digest(const void *data, size_t len, unsigned char out[SHA256_LEN])
{
        EVP_MD_CTX *ctx;
        unsigned int outlen = 0;

        if (pthread_once(&sha256_once, sha256_setup) != 0 || !sha256_md)
                return CR_EINTERNAL;
        ctx = pthread_getspecific(sha256_ctx_key);
        if (!ctx) {
                ctx = EVP_MD_CTX_new();
                if (!ctx)
                        return CR_ENOMEM;
                if (pthread_setspecific(sha256_ctx_key, ctx) != 0) {
                        EVP_MD_CTX_free(ctx);
                        return CR_EINTERNAL;
                }
        }
        if (!EVP_DigestInit_ex2(ctx, sha256_md, NULL) || !EVP_DigestUpdate(ctx, data, len) ||
            !EVP_DigestFinal_ex(ctx, out, &outlen) || outlen != SHA256_LEN)
                return CR_EINTERNAL;
        return CR_OK;
}

/* SM3 the same way: fetched once, one context per thread (see SHA-256 above). */
static EVP_MD *sm3_md;
static pthread_key_t sm3_ctx_key;
static pthread_once_t sm3_once = PTHREAD_ONCE_INIT;

static void sm3_setup(void)
{
        if (pthread_key_create(&sm3_ctx_key, sha256_ctx_free) == 0)
                sm3_md = EVP_MD_fetch(NULL, "SM3", NULL);
}

enum cr_err sm3_digest_parts(const void *const *parts, const size_t *lens, size_t n,
                             unsigned char out[SM3_LEN])
{
        EVP_MD_CTX *ctx;
        unsigned int outlen = 0;

        if (pthread_once(&sm3_once, sm3_setup) != 0 || !sm3_md)
                return CR_EINTERNAL;
        ctx = pthread_getspecific(sm3_ctx_key);
        if (!ctx) {
                ctx = EVP_MD_CTX_new();
                if (!ctx)
                        return CR_ENOMEM;
                if (pthread_setspecific(sm3_ctx_key, ctx) != 0) {
                        EVP_MD_CTX_free(ctx);
                        return CR_EINTERNAL;
                }
        }
        if (!EVP_DigestInit_ex2(ctx, sm3_md, NULL))
                return CR_EINTERNAL;
        for (size_t i = 0; i < n; i++)
                if (!EVP_DigestUpdate(ctx, parts[i], lens[i]))
                        return CR_EINTERNAL;
        if (!EVP_DigestFinal_ex(ctx, out, &outlen) || outlen != SM3_LEN)
                return CR_EINTERNAL;
        return CR_OK;
}

/* A digest computed over data that arrives in pieces (an upload), with OpenSSL's EVP state. */
struct sm3_stream {
        EVP_MD_CTX *ctx;
};

enum cr_err sm3_stream_new(struct sm3_stream **out, struct cr_error *e)
{
        struct sm3_stream *s = calloc(1, sizeof(*s));

        if (!s || !(s->ctx = EVP_MD_CTX_new())) {
                free(s);
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        }
        if (!EVP_DigestInit_ex(s->ctx, EVP_sm3(), NULL)) {
                sm3_stream_free(s);
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM3 is not available");
        }
        *out = s;
        return CR_OK;
}

enum cr_err sm3_stream_update(struct sm3_stream *s, const void *data, size_t len,
                              struct cr_error *e)
{
        if (len && !EVP_DigestUpdate(s->ctx, data, len))
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM3 failed");
        return CR_OK;
}

enum cr_err sm3_stream_hex(struct sm3_stream *s, char out[SM3_HEX_LEN], struct cr_error *e)
{
        unsigned char d[SM3_LEN];
        unsigned int outlen = 0;

        if (!EVP_DigestFinal_ex(s->ctx, d, &outlen) || outlen != SM3_LEN)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "SM3 failed");
        for (int i = 0; i < SM3_LEN; i++)
                snprintf(out + 2 * i, 3, "%02x", d[i]);
        return CR_OK;
}

void sm3_stream_free(struct sm3_stream *s)
{
        if (!s)
                return;
        EVP_MD_CTX_free(s->ctx);
        free(s);
}
