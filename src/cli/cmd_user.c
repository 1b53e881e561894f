/* cryptoreg user add|list|disable|reset-password. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "crypto/crypto.h"
#include "registry/user_service.h"
#include "registry/store.h"

static const char usage[] =
    "usage: cryptoreg user add USERNAME --role ROLE [--bureau CODE] [--enterprise USCC]\n"
    "                          [--display-name NAME] [--password-stdin]\n"
    "       cryptoreg user list [--json]\n"
    "       cryptoreg user disable USERNAME\n"
    "       cryptoreg user reset-password USERNAME [--password-stdin]\n"
    "\n"
    "ROLE is national_admin, bureau_officer (with --bureau), inspector (with --bureau) or\n"
    "enterprise_user (with --enterprise). Without --password-stdin a random password is\n"
    "generated and printed once.\n";

/* Reads the password from stdin, or makes a random one and says so. */
static int obtain_password(int from_stdin, char *pw, size_t size, int *generated)
{
        *generated = 0;
        if (from_stdin) {
                if (cli_read_line(pw, size) != 0) {
                        fputs("cryptoreg: no password on standard input\n", stderr);
                        return EXIT_USAGE;
                }
                return EXIT_OK;
        }
        random_token(pw, size, 15);
        *generated = 1;
        return EXIT_OK;
}

static int user_add(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct store *s;
        const char *role = NULL, *bureau = NULL, *enterprise = NULL, *display = NULL;
        const char *pos[1];
        int pw_stdin = 0, npos, generated, rc;
        const struct cli_opt opts[] = {
            {"--role", &role, NULL},
            {"--bureau", &bureau, NULL},
            {"--enterprise", &enterprise, NULL},
            {"--display-name", &display, NULL},
            {"--password-stdin", NULL, &pw_stdin},
            {NULL, NULL, NULL},
        };
        struct cr_error e = CR_ERROR_INIT;
        struct caller cli;
        struct user u;
        char pw[PASSWORD_MAX * 4 + 2];

        rc = cli_parse(argc, argv, opts, pos, 1, &npos, usage);
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        /* The store opens only once the command line is known to be right. */
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        s = *sp;
        if (npos != 1 || !role) {
                fprintf(stderr, "cryptoreg user add: give a USERNAME and --role\n\n%s", usage);
                return EXIT_USAGE;
        }
        memset(&u, 0, sizeof(u));
        if (role_parse(role, &u.role) != 0) {
                fprintf(stderr, "cryptoreg user add: unknown role \"%s\"\n", role);
                return EXIT_USAGE;
        }
        str_copy(u.username, sizeof(u.username), pos[0]);
        str_copy(u.display_name, sizeof(u.display_name), display ? display : pos[0]);
        str_copy(u.bureau_code, sizeof(u.bureau_code), bureau ? bureau : "");
        str_copy(u.enterprise_uscc, sizeof(u.enterprise_uscc), enterprise ? enterprise : "");
        rc = obtain_password(pw_stdin, pw, sizeof(pw), &generated);
        if (rc)
                return rc;
        cli_caller(&cli);
        if (user_create(s, &cli, &u, pw, &e)) {
                return cli_report(&e);
        }
        printf("added %s (%s)\n", u.username, role_name(u.role));
        if (generated)
                printf("password: %s\n(shown once; store it safely)\n", pw);
        return EXIT_OK;
}

struct list_out {
        json_t *items;
        int json;
};

static enum cr_err print_user(void *arg, const struct user *u)
{
        struct list_out *o = arg;

        if (o->json)
                json_array_append_new(o->items, user_to_json(u));
        else
                printf("%-24s %-16s %-8s %-18s %s\n", u->username, role_name(u->role),
                       u->bureau_code[0] ? u->bureau_code : "-",
                       u->enterprise_uscc[0] ? u->enterprise_uscc : "-",
                       u->disabled ? "disabled" : "active");
        return CR_OK;
}

static int user_list_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct store *s;
        int as_json = 0, npos, rc;
        const struct cli_opt opts[] = {{"--json", NULL, &as_json}, {NULL, NULL, NULL}};
        struct list_out o = {NULL, 0};
        struct cr_error e = CR_ERROR_INIT;
        struct user_query q;
        struct caller cli;
        int64_t next = 0;

        rc = cli_parse(argc, argv, opts, NULL, 0, &npos, usage);
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        /* The store opens only once the command line is known to be right. */
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        s = *sp;
        o.json = as_json;
        o.items = json_array();
        cli_caller(&cli);
        if (!as_json)
                printf("%-24s %-16s %-8s %-18s %s\n", "USERNAME", "ROLE", "BUREAU", "ENTERPRISE",
                       "STATUS");
        do {
                memset(&q, 0, sizeof(q));
                q.after_id = next;
                q.limit = 200;
                if (user_list(s, &cli, &q, print_user, &o, &next, &e)) {
                        json_decref(o.items);
                        return cli_report(&e);
                }
        } while (next);
        if (as_json)
                cli_print_json(o.items);
        else
                json_decref(o.items);
        return EXIT_OK;
}

static int user_disable_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct store *s;
        const char *pos[1];
        int npos, rc = cli_parse(argc, argv, NULL, pos, 1, &npos, usage);
        struct cr_error e = CR_ERROR_INIT;
        struct caller cli;
        struct user u;

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        /* The store opens only once the command line is known to be right. */
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        s = *sp;
        if (npos != 1) {
                fprintf(stderr, "cryptoreg user disable: give a USERNAME\n");
                return EXIT_USAGE;
        }
        cli_caller(&cli);
        if (user_disable(s, &cli, pos[0], &u, &e)) {
                return cli_report(&e);
        }
        printf("disabled %s; their sessions have ended\n", u.username);
        return EXIT_OK;
}

static int user_reset_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct store *s;
        const char *pos[1];
        int pw_stdin = 0, npos, generated, rc;
        const struct cli_opt opts[] = {{"--password-stdin", NULL, &pw_stdin}, {NULL, NULL, NULL}};
        struct cr_error e = CR_ERROR_INIT;
        struct caller cli;
        char pw[PASSWORD_MAX * 4 + 2];

        rc = cli_parse(argc, argv, opts, pos, 1, &npos, usage);
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        /* The store opens only once the command line is known to be right. */
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        s = *sp;
        if (npos != 1) {
                fprintf(stderr, "cryptoreg user reset-password: give a USERNAME\n");
                return EXIT_USAGE;
        }
        rc = obtain_password(pw_stdin, pw, sizeof(pw), &generated);
        if (rc)
                return rc;
        cli_caller(&cli);
        if (user_set_password(s, &cli, pos[0], pw, &e)) {
                return cli_report(&e);
        }
        printf("password of %s changed\n", pos[0]);
        if (generated)
                printf("password: %s\n(shown once; store it safely)\n", pw);
        return EXIT_OK;
}

int cmd_user(struct cli *c)
{
        struct store *s = NULL;
        int rc;

        if (c->argc < 1 || strcmp(c->argv[0], "--help") == 0) {
                fputs(usage, c->argc < 1 ? stderr : stdout);
                return c->argc < 1 ? EXIT_USAGE : EXIT_OK;
        }
        if (strcmp(c->argv[0], "add") && strcmp(c->argv[0], "list") &&
            strcmp(c->argv[0], "disable") && strcmp(c->argv[0], "reset-password")) {
                fprintf(stderr, "cryptoreg user: unknown subcommand \"%s\"\n\n%s", c->argv[0],
                        usage);
                return EXIT_USAGE;
        }
        if (strcmp(c->argv[0], "add") == 0)
                rc = user_add(c, &s, c->argc - 1, c->argv + 1);
        else if (strcmp(c->argv[0], "list") == 0)
                rc = user_list_cmd(c, &s, c->argc - 1, c->argv + 1);
        else if (strcmp(c->argv[0], "disable") == 0)
                rc = user_disable_cmd(c, &s, c->argc - 1, c->argv + 1);
        else
                rc = user_reset_cmd(c, &s, c->argc - 1, c->argv + 1);
        store_close(s);
        return rc;
}
