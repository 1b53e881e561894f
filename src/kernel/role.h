/*
 * Who is acting: user roles, the caller of a domain operation (with the
 * binding of an officer to a bureau or of an enterprise user to an
 * enterprise), and the roles an enterprise plays in the registry.
 */
#ifndef CR_ROLE_H
#define CR_ROLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

enum role {
        ROLE_PUBLIC = 0, /* anonymous */
        ROLE_NATIONAL_ADMIN,
        ROLE_BUREAU_OFFICER,
        ROLE_INSPECTOR,
        ROLE_ENTERPRISE_USER,
        ROLE_COUNT
};

#define ROLE_BIT(r) (1u << (r))
#define ROLES_ANY   (ROLE_BIT(ROLE_PUBLIC) | ROLES_SIGNED)
#define ROLES_SIGNED                                                                               \
        (ROLE_BIT(ROLE_NATIONAL_ADMIN) | ROLE_BIT(ROLE_BUREAU_OFFICER) |                           \
         ROLE_BIT(ROLE_INSPECTOR) | ROLE_BIT(ROLE_ENTERPRISE_USER))

/* The caller of a domain operation: a signed-in user, the CLI, or the public. */
struct caller {
        enum role role;
        int64_t user_id;          /* 0 for the public and the CLI */
        char username[72];        /* "cli:<login>" for the command line */
        char bureau_code[7];      /* officers and inspectors */
        char enterprise_uscc[19]; /* enterprise users */
        char ip[64];              /* "local" for the command line */
        /*
         * When: the time of the act comes from here, never from the system.
         * The server and the CLI set the wall clock, tests a fixed one.
         */
        const struct clock *clock;
};

/*
 * The time of the caller's act: RFC 3339 UTC and the Beijing date.  A
 * caller without a clock is a programming error and stops the program
 * rather than quietly reading the system's.
 */
void caller_time(const struct caller *c, char now[RFC3339_LEN], char today[DATE_LEN]);
/* Each half of caller_time alone. */
void caller_now(const struct caller *c, char now[RFC3339_LEN]);
void caller_today(const struct caller *c, char today[DATE_LEN]);

const char *role_name(enum role r);
/* Parses a role name; returns 0 and sets *out, or -1 if unknown (the public is not a user role). */
int role_parse(const char *name, enum role *out);

/* Roles an enterprise plays; an enterprise has one or more. */
enum ent_role {
        ENT_MANUFACTURER = 1u << 0,
        ENT_SELLER = 1u << 1,
        ENT_IMPORTER = 1u << 2,
        ENT_INTEGRATOR = 1u << 3,
        ENT_FOREIGN_INVESTED = 1u << 4,
        ENT_FOREIGN_ENTITY = 1u << 5,
};
#define ENT_ROLE_COUNT 6

/* The name of bit i (0-5) of enum ent_role. */
const char *ent_role_name(unsigned bit_index);
/* Returns the bit of an enterprise role name, or 0 if unknown. */
unsigned ent_role_parse(const char *name, size_t len);

/*
 * The caller used by command-line tools: a national administrator named
 * after login (NULL or "" gives "root"), acting at the time clk says.
 */
void caller_for_cli(struct caller *c, const char *login, const struct clock *clk);

#endif
