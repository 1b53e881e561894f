/* Random secrets from libsodium's system source: bytes, tokens and bounded integers. */
#include "crypto/crypto.h"

#include <sodium.h>


void random_bytes(void *buf, size_t n)
{
        randombytes_buf(buf, n);
}

void random_token(char *out, size_t outsize, size_t nbytes)
{
        unsigned char raw[64];

        if (nbytes > sizeof(raw))
                nbytes = sizeof(raw);
        randombytes_buf(raw, nbytes);
        if (outsize < sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
                if (outsize)
                        out[0] = '\0';
                return;
        }
        sodium_bin2base64(out, outsize, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        sodium_memzero(raw, sizeof(raw));
}

unsigned random_uniform(unsigned upper)
{
        return upper ? randombytes_uniform(upper) : 0;
}
