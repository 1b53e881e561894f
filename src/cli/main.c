/*
 * The cryptoreg command: global options and configuration, then dispatch to
 * a subcommand in the style of git (cryptoreg [--config F] [--db P] CMD ...).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"

static const char usage[] =
    "usage: cryptoreg [--config FILE] [--db PATH] <command> [options]\n"
    "\n"
    "Supervision of commercial cryptography products (Notice Guomijuzi [2017] No.336).\n"
    "\n"
    "commands:\n"
    "  init        create or migrate the database and seed the 33 bureaus\n"
    "  serve       serve the API and the web front end\n"
    "  user        add, list, disable users; reset passwords\n"
    "  enterprise  add, import, show, list enterprises\n"
    "  calendar    list, show, load the legal working-day calendar; compute a deadline\n"
    "  log         the transparency log: key, integrate, verify-receipt, audit, witness-add\n"
    "  witness     watch a log and cosign its checkpoints if it only grows\n"
    "  filing      the annual sales filing through a server: submit, status, export\n"
    "  demo        load demo data into an empty registry and print the demo logins\n"
    "  backup      online backup of the database, verified\n"
    "  restore     verified restore of a backup\n"
    "  version     print the version\n"
    "\n"
    "Configuration, lowest precedence first: built-in defaults, the configuration file\n"
    "(--config, CRYPTOREG_CONFIG, or ./cryptoreg.conf if present), CRYPTOREG_* environment\n"
    "variables, command-line flags. See docs/cli.md. 'cryptoreg <command> --help' for more.\n";

static int cmd_version(struct cli *c)
{
        if (c->argc > 0 && strcmp(c->argv[0], "--help") == 0) {
                fputs("usage: cryptoreg version\n", stdout);
                return EXIT_OK;
        }
        printf("cryptoreg %s\n", CRYPTOREG_VERSION);
        return EXIT_OK;
}

static const struct {
        const char *name;
        int (*run)(struct cli *c);
} commands[] = {
    {"init", cmd_init},         {"serve", cmd_serve},
    {"user", cmd_user},         {"enterprise", cmd_enterprise},
    {"demo", cmd_demo},         {"backup", cmd_backup},
    {"restore", cmd_restore},   {"version", cmd_version},
    {"calendar", cmd_calendar}, {"log", cmd_log},
    {"witness", cmd_witness},   {"filing", cmd_filing},
};

int main(int argc, char **argv)
{
        struct cli c;
        struct cr_error e = CR_ERROR_INIT;
        const char *config_path = NULL, *db = NULL;
        int i = 1;

        /* A client that disconnects must not kill the server with SIGPIPE. */
        signal(SIGPIPE, SIG_IGN);
        memset(&c, 0, sizeof(c));
        while (i < argc && strncmp(argv[i], "-", 1) == 0) {
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        fputs(usage, stdout);
                        return EXIT_OK;
                }
                if (strcmp(argv[i], "--version") == 0) {
                        printf("cryptoreg %s\n", CRYPTOREG_VERSION);
                        return EXIT_OK;
                }
                if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "--db") == 0) &&
                    i + 1 < argc) {
                        if (strcmp(argv[i], "--config") == 0)
                                config_path = argv[i + 1];
                        else
                                db = argv[i + 1];
                        i += 2;
                        continue;
                }
                fprintf(stderr, "cryptoreg: unknown or incomplete option %s\n\n%s", argv[i], usage);
                return EXIT_USAGE;
        }
        if (i >= argc) {
                fputs(usage, stderr);
                return EXIT_USAGE;
        }

        config_defaults(&c.cfg);
        if (!config_path)
                config_path = getenv("CRYPTOREG_CONFIG");
        if (config_path ? config_load_file(&c.cfg, config_path, 1, &e)
                        : config_load_file(&c.cfg, "cryptoreg.conf", 0, &e)) {
                fprintf(stderr, "cryptoreg: %s\n", e.detail);
                return EXIT_USAGE;
        }
        if (config_load_env(&c.cfg, &e)) {
                fprintf(stderr, "cryptoreg: %s\n", e.detail);
                return EXIT_USAGE;
        }
        if (db && config_set(&c.cfg, "db", db, &e)) {
                fprintf(stderr, "cryptoreg: --db: %s\n", e.detail);
                return EXIT_USAGE;
        }
        c.argc = argc - i - 1;
        c.argv = argv + i + 1;
        for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
                if (strcmp(argv[i], commands[k].name) == 0)
                        return commands[k].run(&c);
        fprintf(stderr, "cryptoreg: '%s' is not a command\n\n%s", argv[i], usage);
        return EXIT_USAGE;
}
