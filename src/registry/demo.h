/*
 * Demo data: a deterministic set of enterprises with valid USCCs spread over
 * every bureau (Shenzhen and the XPCC included), and a user of every role
 * for several bureaus with random passwords, printed once by the CLI.
 */
#ifndef CR_DEMO_H
#define CR_DEMO_H

#include "core/buf.h"
#include "crypto/crypto.h"
#include "kernel/uscc.h"
#include "registry/user.h"
#include "platform/store/store.h"

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
enum cr_err demo_load(struct store *s, const struct caller *cli, long n, struct demo_login logins[DEMO_MAX_LOGINS],
                      int *nlogins, struct cr_error *e);

/* The USCC of demo enterprise number index (0-based), as demo_enterprises_csv makes it. */
void demo_enterprise_uscc(long index, char out[USCC_LEN + 1]);

/*
 * Products, applications in every state (with dates in the past, so some
 * are overdue), certificates in every status, legacy documents of the four
 * removed items, and applications halted by Notice 336; certificates are
 * signed with keys.  Needs the demo enterprises (demo_load) first.
 */
enum cr_err demo_licensing_load(struct store *s, const struct caller *cli, struct sm2_keyring *keys,
                                struct cr_error *e);

/* Issues n type certificates spread over the demo enterprises (for benchmarks). */
enum cr_err demo_certificates(struct store *s, const struct caller *cli, struct sm2_keyring *keys,
                              long n, long enterprises,
                              struct cr_error *e);

#endif
