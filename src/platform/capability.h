/*
 * What a capability contributes to the platform: its routes, its schema
 * migrations and its background jobs.  Each capability folder defines one
 * struct capability; src/capabilities.c lists them, and the router, the
 * OpenAPI document, the migrator and the job runner read that list, so a
 * new capability is a new folder and one line there (as nginx modules
 * register themselves in ngx_modules[]).
 */
#ifndef CR_CAPABILITY_H
#define CR_CAPABILITY_H

#include <stddef.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/err.h"

struct legal_calendar;
struct route;
struct store;
struct sm2_keyring;
struct user;
struct caller;

/*
 * A schema migration.  Versions are unique across every capability and
 * applied in ascending order; a released migration is never edited, a
 * change to the schema is a new entry with the next free version.
 */
struct migration {
        int version;
        const char *summary;
        const char *sql;
};

/* What a background job is given each round. */
struct job_env {
        struct store *store;
        struct sm2_keyring *keys;
        const char *log_origin;
        const struct clock *clock;
};

/*
 * A job the server runs about once a second on its background thread.  It
 * does what is due and returns; state (state_size bytes, zeroed at start)
 * is its own between rounds.  A failure is logged and tried next round.
 */
struct job {
        const char *name;
        enum cr_err (*run)(const struct job_env *env, void *state, struct cr_error *e);
        size_t state_size;
};

/*
 * Identifies a request's caller from a bearer token (bearer non-NULL) or a
 * console session cookie; on a session also fills csrf with its token.
 * CR_EUNAUTH when the token or session is unknown or expired.
 */
typedef enum cr_err (*authenticate_fn)(struct store *s, const struct clock *clk,
                                       const char *bearer, const char *cookie, struct user *out,
                                       char csrf[48], struct cr_error *e);

struct capability {
        const char *name;
        const struct route *routes;
        size_t routes_len;
        const struct migration *migrations;
        size_t migrations_len;
        const struct job *jobs;
        size_t jobs_len;
        /* Set by the one capability that signs users in (the registry). */
        authenticate_fn authenticate;
        /* Reads what the capability needs of the configuration at start, or NULL. */
        void (*configure)(const struct config *cfg);
        /*
         * Recomputes what the capability counted on the legal calendar, inside
         * the transaction that loads a new year, or NULL.
         */
        enum cr_err (*calendar_changed)(struct store *s, const struct caller *c,
                                        const struct legal_calendar *cal, struct cr_error *e);
};

/* Every capability, in the order of src/capabilities.c. */
extern const struct capability *const capabilities[];
extern const size_t capabilities_len;

#define CAPABILITY_COUNT(array) (sizeof(array) / sizeof((array)[0]))

#endif
