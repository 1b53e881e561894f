/*
 * Authentication: console sessions (a random cookie whose SM3 digest is
 * stored, with a CSRF token), bearer API tokens (stored as digests too), and
 * login with throttling.  Logins, logouts and token changes are audited.
 */
#ifndef CR_AUTH_SERVICE_H
#define CR_AUTH_SERVICE_H

#include "registry/throttle.h"
#include "registry/user.h"
#include "platform/store/store.h"
#include "registry/store.h"

#define API_TOKEN_PREFIX "crt_"

struct login_result {
        struct user user;
        char cookie[SECRET_TOKEN_TEXT]; /* the session cookie's value */
        char csrf[SECRET_TOKEN_TEXT];
};

/*
 * Checks a user name and password from address ip.  Unknown users and wrong
 * passwords fail alike with CR_EUNAUTH; repeated failures give CR_ETOOMANY.
 */
enum cr_err auth_login(struct store *s, const struct clock *clk, struct throttle *t,
                       const char *username, const char *password, const char *ip,
                       long session_hours, struct login_result *out, struct cr_error *e);

/* The user of a session cookie, with its CSRF token; CR_EUNAUTH if none is valid. */
enum cr_err auth_session(struct store *s, const struct clock *clk, const char *cookie,
                         struct user *u, char csrf[SECRET_TOKEN_TEXT], struct cr_error *e);

/* The user of a bearer API token; CR_EUNAUTH if it is not valid. */
enum cr_err auth_bearer(struct store *s, const char *token, struct user *u, struct cr_error *e);

/* Ends the session of this cookie. */
enum cr_err auth_logout(struct store *s, const struct caller *c, const char *cookie,
                        struct cr_error *e);

/* Creates an API token for the caller; secret receives the token text, shown only once. */
enum cr_err token_create(struct store *s, const struct caller *c, const char *name,
                         struct api_token *out, char secret[SECRET_TOKEN_TEXT + 8],
                         struct cr_error *e);
enum cr_err token_list(struct store *s, const struct caller *c, token_visit_fn visit, void *arg,
                       struct cr_error *e);
enum cr_err token_delete(struct store *s, const struct caller *c, int64_t id, struct cr_error *e);

json_t *token_to_json(const struct api_token *t);

#endif
