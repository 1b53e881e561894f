/* Users, their sessions and API tokens: the registry's records about people. */
#ifndef CR_USER_H
#define CR_USER_H

#include <jansson.h>
#include <stdint.h>

#include "core/timeutil.h"
#include "crypto/crypto.h"
#include "kernel/role.h"

#define USER_NAME_MIN      3
#define USER_NAME_MAX      64
#define USER_DISPLAY_MAX   100
#define PASSWORD_MIN       12
#define PASSWORD_MAX       256
#define TOKEN_NAME_MAX     100
#define SECRET_TOKEN_BYTES 32 /* session cookies and API tokens carry 256 random bits */
#define SECRET_TOKEN_TEXT  48 /* their base64url text plus NUL */

struct user {
        int64_t id;
        char username[USER_NAME_MAX + 1];
        char display_name[USER_DISPLAY_MAX * 4 + 1];
        enum role role;
        char bureau_code[7];
        char enterprise_uscc[19];
        int disabled;
        char password_hash[PASSWORD_HASH_MAX];
        char created_at[RFC3339_LEN];
};

/* JSON form of a user, never with the password hash. */
json_t *user_to_json(const struct user *u);

/* Turns a signed-in user and a client address into the caller of domain operations. */
void caller_from_user(struct caller *c, const struct user *u, const char *ip);

struct api_token {
        int64_t id;
        int64_t user_id;
        char name[TOKEN_NAME_MAX * 4 + 1];
        char token_hash[SM3_HEX_LEN];
        char created_at[RFC3339_LEN];
};

struct session {
        char
            token_hash[SM3_HEX_LEN]; /* SM3 of the cookie value; the value itself is never stored */
        int64_t user_id;
        char csrf[SECRET_TOKEN_TEXT];
        char created_at[RFC3339_LEN];
        char expires_at[RFC3339_LEN];
        char ip[64];
};


#endif
