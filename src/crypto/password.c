/* Password hashing with argon2id through libsodium, and the library's start-up. */
#include "crypto/crypto.h"

#include <sodium.h>
#include <string.h>

#include "core/buf.h"

/* A fixed hash to verify against when the user does not exist (see password_verify_dummy). */
static char dummy_hash[crypto_pwhash_STRBYTES];

enum cr_err crypto_init(struct cr_error *e)
{
        if (sodium_init() < 0)
                return cr_fail(e, CR_EINTERNAL, "internal", NULL, "libsodium failed to start");
        if (dummy_hash[0] == '\0' && crypto_pwhash_str(dummy_hash, "cryptoreg-dummy-password", 24,
                                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "argon2id hashing failed");
        return CR_OK;
}

enum cr_err password_hash(const char *password, char out[PASSWORD_HASH_MAX], struct cr_error *e)
{
        char tmp[crypto_pwhash_STRBYTES];

        _Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_MAX, "hash buffer too small");
        if (crypto_pwhash_str(tmp, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
                return cr_fail(e, CR_ENOMEM, "internal", NULL,
                               "argon2id hashing failed (out of memory)");
        str_copy(out, PASSWORD_HASH_MAX, tmp);
        sodium_memzero(tmp, sizeof(tmp));
        return CR_OK;
}

int password_verify(const char *stored, const char *password)
{
        return crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
}

void password_verify_dummy(const char *password)
{
        /* The answer is irrelevant: only the time spent matters. */
        if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
                return;
}
