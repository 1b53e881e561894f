/* Role names and the command-line caller. */
#include "kernel/role.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"

static const char *const role_names[ROLE_COUNT] = {
    [ROLE_PUBLIC] = "public",
    [ROLE_NATIONAL_ADMIN] = "national_admin",
    [ROLE_BUREAU_OFFICER] = "bureau_officer",
    [ROLE_INSPECTOR] = "inspector",
    [ROLE_ENTERPRISE_USER] = "enterprise_user",
};

static const char *const ent_role_names[ENT_ROLE_COUNT] = {
    "manufacturer", "seller", "importer", "integrator", "foreign_invested", "foreign_entity",
};

const char *role_name(enum role r)
{
        return (unsigned)r < ROLE_COUNT ? role_names[r] : "unknown";
}

int role_parse(const char *name, enum role *out)
{
        for (int r = ROLE_NATIONAL_ADMIN; r < ROLE_COUNT; r++) {
                if (strcmp(name, role_names[r]) == 0) {
                        *out = (enum role)r;
                        return 0;
                }
        }
        return -1;
}

const char *ent_role_name(unsigned bit_index)
{
        return bit_index < ENT_ROLE_COUNT ? ent_role_names[bit_index] : "unknown";
}

unsigned ent_role_parse(const char *name, size_t len)
{
        for (unsigned i = 0; i < ENT_ROLE_COUNT; i++)
                if (strlen(ent_role_names[i]) == len && memcmp(ent_role_names[i], name, len) == 0)
                        return 1u << i;
        return 0;
}

void caller_for_cli(struct caller *c, const char *login, const struct clock *clk)
{
        memset(c, 0, sizeof(*c));
        c->clock = clk;
        c->role = ROLE_NATIONAL_ADMIN;
        snprintf(c->username, sizeof(c->username), "cli:%.60s", login && *login ? login : "root");
        str_copy(c->ip, sizeof(c->ip), "local");
}

static const struct clock *caller_clock(const struct caller *c)
{
        if (!c->clock) {
                fprintf(stderr, "cryptoreg: %s acted without a clock\n", c->username);
                abort();
        }
        return c->clock;
}

void caller_now(const struct caller *c, char now[RFC3339_LEN])
{
        clock_now_rfc3339(caller_clock(c), now);
}

void caller_today(const struct caller *c, char today[DATE_LEN])
{
        clock_today(caller_clock(c), today);
}

void caller_time(const struct caller *c, char now[RFC3339_LEN], char today[DATE_LEN])
{
        caller_now(c, now);
        caller_today(c, today);
}
