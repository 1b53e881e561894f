/* cryptoreg demo: loads the demo registry and prints (and saves) the demo logins once. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/parse.h"
#include "crypto/crypto.h"
#include "registry/demo.h"
#include "licensing/licensing.h"
#include "kernel/calendar_service.h"
#include "registry/enterprise_service.h"

/* Writes the logins next to the database, readable only by its owner, for `make run` to show. */
static void save_logins(const char *db, const struct demo_login *logins, int n)
{
        char path[1100];
        FILE *f;
        int fd;

        snprintf(path, sizeof(path), "%s.demo-logins.txt", db);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || !(f = fdopen(fd, "w"))) {
                if (fd >= 0)
                        close(fd);
                fprintf(stderr, "cryptoreg demo: could not save the logins to %s\n", path);
                return;
        }
        for (int i = 0; i < n; i++)
                fprintf(f, "%-16s %-22s %-16s %s\n", logins[i].username, logins[i].password,
                        role_name(logins[i].role), logins[i].binding);
        fclose(f);
        printf("(saved to %s, readable only by you)\n", path);
}

int cmd_demo(struct cli *c)
{
        static const char usage[] =
            "usage: cryptoreg demo [--enterprises N] [--certificates M] [--if-empty]\n\n"
            "Loads N demo enterprises (default 360) spread over all 33 bureaus, demo users of\n"
            "every role, and products, applications in every state, certificates in every\n"
            "status and legacy documents of the four removed items, into a registry that has\n"
            "no enterprises yet. Prints the logins once.\n"
            "  --certificates M  also issue M signed type certificates (for benchmarks)\n"
            "  --if-empty        succeed quietly when the registry already has enterprises\n";
        const char *count = NULL, *certs = NULL;
        struct sm2_keyring *keys = NULL;
        int64_t ncerts = 0;
        int if_empty = 0;
        const struct cli_opt opts[] = {
            {"--enterprises", &count, NULL},
            {"--certificates", &certs, NULL},
            {"--if-empty", NULL, &if_empty},
            {NULL, NULL, NULL},
        };
        struct demo_login logins[DEMO_MAX_LOGINS];
        struct cr_error e = CR_ERROR_INIT;
        struct caller cli;
        struct store *s = NULL;
        int64_t n = 360, existing = 0;
        int nlogins = 0, npos, rc = cli_parse(c->argc, c->argv, opts, NULL, 0, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (count && parse_int64(count, strlen(count), 10, 100000, &n) != 0) {
                fprintf(stderr, "cryptoreg demo: --enterprises must be 10 to 100000\n");
                return EXIT_USAGE;
        }
        if (certs && parse_int64(certs, strlen(certs), 0, 10000000, &ncerts) != 0) {
                fprintf(stderr, "cryptoreg demo: --certificates must be 0 to 10000000\n");
                return EXIT_USAGE;
        }
        rc = cli_open_store(c, 1, &s);
        if (rc)
                return rc;
        if (kernel_seed(s, clock_system(), &e) ||
            enterprise_count(s, &existing, &e)) {
                rc = cli_report(&e);
                goto out;
        }
        if (existing > 0 && if_empty) {
                printf("the registry already holds %lld enterprises; demo data not loaded\n",
                       (long long)existing);
                goto out;
        }
        {
                char dir[1100];
                config_key_dir(&c->cfg, dir, sizeof(dir));
                if (crypto_init(&e) || sm2_keyring_open(dir, &keys, &e)) {
                        rc = cli_report(&e);
                        goto out;
                }
        }
        cli_caller(&cli);
        if (demo_load(s, &cli, (long)n, logins, &nlogins, &e) ||
            demo_licensing_load(s, &cli, keys, &e) ||
            (ncerts && demo_certificates(s, &cli, keys, (long)ncerts, (long)n, &e)) ||
            store_optimize(s, &e)) {
                rc = cli_report(&e);
                goto out;
        }
        printf("loaded %lld demo enterprises over 33 bureaus\n\ndemo logins (shown once):\n",
               (long long)n);
        for (int i = 0; i < nlogins; i++)
                printf("  %-16s %-22s %-16s %s\n", logins[i].username, logins[i].password,
                       role_name(logins[i].role), logins[i].binding);
        save_logins(c->cfg.db, logins, nlogins);
out:
        sm2_keyring_close(keys);
        cr_error_clear(&e);
        store_close(s);
        return rc;
}
