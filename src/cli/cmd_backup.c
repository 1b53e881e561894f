/* cryptoreg backup FILE and cryptoreg restore FILE: online, verified copies of the database. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_backup(struct cli *c)
{
        static const char usage[] =
            "usage: cryptoreg backup FILE\n\n"
            "Copies the live database to FILE (which must not exist) while the server runs,\n"
            "then checks the copy's integrity and schema version.\n";
        const char *pos[1];
        struct cr_error e = CR_ERROR_INIT;
        int npos, rc = cli_parse(c->argc, c->argv, NULL, pos, 1, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (npos != 1) {
                fputs(usage, stderr);
                return EXIT_USAGE;
        }
        if (store_backup(c->cfg.db, pos[0], &e)) {
                return cli_report(&e);
        }
        printf("backed up %s to %s and verified it\n", c->cfg.db, pos[0]);
        return EXIT_OK;
}

int cmd_restore(struct cli *c)
{
        static const char usage[] =
            "usage: cryptoreg restore FILE\n\n"
            "Checks that FILE is an intact cryptoreg database, then replaces the database\n"
            "with it in one step, and checks the result.\n";
        const char *pos[1];
        struct cr_error e = CR_ERROR_INIT;
        int npos, rc = cli_parse(c->argc, c->argv, NULL, pos, 1, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (npos != 1) {
                fputs(usage, stderr);
                return EXIT_USAGE;
        }
        if (store_restore(c->cfg.db, pos[0], &e)) {
                return cli_report(&e);
        }
        printf("restored %s from %s and verified it\n", c->cfg.db, pos[0]);
        return EXIT_OK;
}
