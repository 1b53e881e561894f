/* cryptoreg serve: runs the HTTP server until SIGINT or SIGTERM; and cryptoreg init. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/diag.h"
#include "crypto/crypto.h"
#include "licensing/licensing.h"
#include "transparency/transparency.h"
#include "platform/http/server.h"
#include "kernel/calendar_service.h"

/*
 * Creates the transparency log's SM2 key (mode 0600 in a 0700 directory) if
 * it does not exist yet, and prints the log's verifier key for publication.
 */
static enum cr_err create_log_key(const struct config *cfg, struct store *s, struct cr_error *e)
{
        struct sm2_keyring *keys = NULL;
        char dir[1100], configured[LOG_ORIGIN_MAX], origin[LOG_ORIGIN_MAX];
        struct buf vkey;
        enum cr_err err;

        config_key_dir(cfg, dir, sizeof(dir));
        config_log_origin(cfg, configured, sizeof(configured));
        buf_init(&vkey, 4096);
        err = crypto_init(e);
        if (!err)
                err = sm2_keyring_open(dir, &keys, e);
        if (!err)
                err = log_origin(s, configured, origin, e);
        if (!err)
                err = log_vkey(keys, origin, &vkey, e);
        if (!err)
                printf("transparency log key (publish it): %.*s\n", (int)vkey.len, vkey.data);
        buf_release(&vkey);
        sm2_keyring_close(keys);
        return err;
}

int cmd_init(struct cli *c)
{
        static const char usage[] =
            "usage: cryptoreg init\n\n"
            "Creates the database if it does not exist, applies schema migrations, and seeds\n"
            "the 33 bureaus and the shipped years of the legal calendar, and creates the\n"
            "transparency log's SM2 key, printing its verifier key. Safe to run again: it\n"
            "changes only what is missing.\n";
        struct store *s = NULL;
        struct cr_error e = CR_ERROR_INIT;
        int npos, rc = cli_parse(c->argc, c->argv, NULL, NULL, 0, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        rc = cli_open_store(c, 1, &s);
        if (rc)
                return rc;
        if (kernel_seed(s, clock_system(), &e) ||
            create_log_key(&c->cfg, s, &e)) {
                rc = cli_report(&e);
        } else {
                printf("database %s is at schema version %d with 33 bureaus and the legal "
                       "calendar\n",
                       c->cfg.db, store_schema_version(s));
        }
        cr_error_clear(&e);
        store_close(s);
        return rc;
}

int cmd_serve(struct cli *c)
{
        static const char usage[] =
            "usage: cryptoreg serve [--listen ADDR:PORT] [--threads N] [--web-root DIR]\n\n"
            "Serves the API under /api/v1 and the web front end. Stops on SIGINT or SIGTERM.\n"
            "  --listen ADDR:PORT  where to listen (CRYPTOREG_LISTEN; default 127.0.0.1:8080)\n"
            "  --threads N         worker threads (CRYPTOREG_THREADS; default 4)\n"
            "  --web-root DIR      the static front end (CRYPTOREG_WEB_ROOT; default web)\n";
        const char *listen = NULL, *threads = NULL, *web_root = NULL;
        const struct cli_opt opts[] = {
            {"--listen", &listen, NULL},
            {"--threads", &threads, NULL},
            {"--web-root", &web_root, NULL},
            {NULL, NULL, NULL},
        };
        struct cr_error e = CR_ERROR_INIT;
        struct server *srv = NULL;
        sigset_t set;
        int npos, sig = 0, rc = cli_parse(c->argc, c->argv, opts, NULL, 0, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if ((listen && config_set(&c->cfg, "listen", listen, &e)) ||
            (threads && config_set(&c->cfg, "threads", threads, &e)) ||
            (web_root && config_set(&c->cfg, "web_root", web_root, &e))) {
                fprintf(stderr, "cryptoreg serve: %s\n", e.detail);
                return EXIT_USAGE;
        }
        if (crypto_init(&e)) {
                fprintf(stderr, "cryptoreg serve: %s\n", e.detail);
                return EXIT_FAILED;
        }
        /* Block the stop signals in every thread; this one waits for them with sigwait. */
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        if (server_start(&c->cfg, &srv, &e)) {
                int code = e.err == CR_ESTORE ? EXIT_DB : EXIT_FAILED;
                fprintf(stderr, "cryptoreg serve: %s\n", e.detail);
                cr_error_clear(&e);
                return code;
        }
        diag_msg("info", "cryptoreg %s listening on http://%s (port %d), database %s",
                CRYPTOREG_VERSION, c->cfg.listen, server_port(srv), c->cfg.db);
        sigwait(&set, &sig);
        diag_msg("info", "stopping on signal %d", sig);
        server_stop(srv);
        return EXIT_OK;
}
