/* Operations on users: creation with a bound bureau or enterprise, disabling, passwords, listing.
 */
#ifndef CR_USER_SERVICE_H
#define CR_USER_SERVICE_H

#include "registry/user.h"
#include "platform/store/store.h"
#include "registry/store.h"

/* Checks a password's length (PASSWORD_MIN-PASSWORD_MAX characters). */
enum cr_err user_check_password(const char *password, struct cr_error *e);

/*
 * Creates a user from u's username, display name, role and binding; hashes
 * the password into u.  National administrators and the CLI only.
 */
/* The signed-in caller's own user record. */
enum cr_err user_get_self(struct store *s, const struct caller *c, struct user *out,
                          struct cr_error *e);
enum cr_err user_create(struct store *s, const struct caller *c, struct user *u,
                        const char *password, struct cr_error *e);

/* Disables a user and ends their sessions. */
enum cr_err user_disable(struct store *s, const struct caller *c, const char *username,
                         struct user *out, struct cr_error *e);

/* Sets a user's password: national administrators, or the user themself. Ends other sessions. */
enum cr_err user_set_password(struct store *s, const struct caller *c, const char *username,
                              const char *password, struct cr_error *e);

/* A page of users the caller may see: all for administrators, own bureau for officers. */
enum cr_err user_list(struct store *s, const struct caller *c, struct user_query *q,
                      user_visit_fn visit, void *arg, int64_t *next_after, struct cr_error *e);

#endif
