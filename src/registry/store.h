/*
 * The registry's storage slice: enterprises, users, sessions and API tokens,
 * for the registry's domain only (store_enterprise.c, store_user.c, store_session.c).
 */
#ifndef CR_REGISTRY_STORE_H
#define CR_REGISTRY_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "platform/store/store.h"
#include "registry/enterprise.h"
#include "registry/user.h"

/* Enterprises. */
struct enterprise_query {
        const char *q;           /* name text or exact USCC; NULL for none */
        const char *bureau_code; /* only this bureau; NULL for all */
        const char *uscc;        /* only this enterprise; NULL for all */
        int64_t after_id;        /* cursor: ids greater than this */
        int limit;               /* at most this many */
};
typedef enum cr_err (*enterprise_visit_fn)(void *arg, const struct enterprise *ent);

/* Inserts ent and sets ent->id; CR_ECONFLICT with code duplicate_uscc if the USCC exists. */
enum cr_err store_enterprise_insert(struct store *s, struct enterprise *ent, struct cr_error *e);
enum cr_err store_enterprise_get(struct store *s, const char *uscc, struct enterprise *out,
                                 struct cr_error *e);
/* Writes ent if its stored version is still expected_version, and bumps the version. */
enum cr_err store_enterprise_update(struct store *s, struct enterprise *ent,
                                    int64_t expected_version, struct cr_error *e);
/* Calls visit for each match in id order; stops early if visit returns non-zero. */
enum cr_err store_enterprise_search(struct store *s, const struct enterprise_query *q,
                                    enterprise_visit_fn visit, void *arg, struct cr_error *e);
enum cr_err store_enterprise_count(struct store *s, int64_t *out, struct cr_error *e);
/* Whether a USCC is already registered. */
enum cr_err store_enterprise_exists(struct store *s, const char *uscc, int *exists,
                                    struct cr_error *e);

/* Users. */
struct user_query {
        const char *bureau_code; /* only users bound to this bureau; NULL for all */
        int64_t after_id;
        int limit;
};
typedef enum cr_err (*user_visit_fn)(void *arg, const struct user *u);

enum cr_err store_user_insert(struct store *s, struct user *u, struct cr_error *e);
enum cr_err store_user_get(struct store *s, const char *username, struct user *out,
                           struct cr_error *e);
enum cr_err store_user_update(struct store *s, const struct user *u, struct cr_error *e);
enum cr_err store_user_list(struct store *s, const struct user_query *q, user_visit_fn visit,
                            void *arg, struct cr_error *e);

/* Sessions and API tokens; lookups ignore expired sessions and disabled users. */
enum cr_err store_session_insert(struct store *s, const struct session *sess, struct cr_error *e);
enum cr_err store_session_find(struct store *s, const char *token_hash, const char *now,
                               struct user *u, char csrf[SECRET_TOKEN_TEXT], struct cr_error *e);
enum cr_err store_session_delete(struct store *s, const char *token_hash, struct cr_error *e);
enum cr_err store_session_delete_for_user(struct store *s, int64_t user_id, struct cr_error *e);

typedef enum cr_err (*token_visit_fn)(void *arg, const struct api_token *t);
enum cr_err store_token_insert(struct store *s, struct api_token *t, struct cr_error *e);
enum cr_err store_token_find(struct store *s, const char *token_hash, struct user *u,
                             struct cr_error *e);
enum cr_err store_token_list(struct store *s, int64_t user_id, token_visit_fn visit, void *arg,
                             struct cr_error *e);
/* Deletes the caller's token; CR_ENOTFOUND if it is not theirs. */
enum cr_err store_token_delete(struct store *s, int64_t id, int64_t user_id, struct api_token *out,
                               struct cr_error *e);

#endif
