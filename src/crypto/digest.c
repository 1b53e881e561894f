/* SM3 digests through OpenSSL 3's EVP interface. */
#include "crypto/crypto.h"

#include <openssl/evp.h>

#include "core/banned.h"

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
