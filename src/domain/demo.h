/*
 * Demo data: a deterministic set of enterprises with valid USCCs spread over
 * every bureau (Shenzhen and the XPCC included), and a user of every role
 * for several bureaus with random passwords, printed once by the CLI.
 */
#ifndef CR_DEMO_H
#define CR_DEMO_H

#include "core/buf.h"
#include "domain/user.h"
#include "storage/store.h"

#define DEMO_MAX_LOGINS 16

struct demo_login {
        char username[USER_NAME_MAX + 1];
        char password[40];
        enum role role;
        char binding[32]; /* bureau code or USCC, or "" */
};

/* Writes n enterprises as import CSV (docs/api.md format); the same n gives the same file. */
enum cr_err demo_enterprises_csv(long n, struct buf *out, struct cr_error *e);

/*
 * Loads n demo enterprises and the demo users into a registry that has no
 * enterprises yet (CR_ECONFLICT otherwise).  Fills logins with what to print.
 */
enum cr_err demo_load(struct store *s, long n, struct demo_login logins[DEMO_MAX_LOGINS],
                      int *nlogins, struct cr_error *e);

#endif
