/*
 * cryptoreg log: the transparency log from the command line: integrate new
 * entries, print the log's key, check a receipt offline, audit the whole log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/tlog_service.h"
#include "core/banned.h"

static const char usage[] =
    "usage: cryptoreg log <subcommand>\n\n"
    "  key                               print the log's verifier key (vkey)\n"
    "  integrate                         fold new entries into a signed checkpoint now\n"
    "  verify-receipt FILE --key VKEY    check a receipt offline: signature and inclusion\n"
    "  audit [--key VKEY] [--json]       re-hash every entry and check every checkpoint\n"
    "  witness-add VKEY                  register a witness's cosignature key\n";

/* The keyring and origin of the configured log; both are needed to sign or name it. */
static int open_log(struct cli *c, struct sm2_keyring **keys, char origin[LOG_ORIGIN_MAX])
{
        struct cr_error e = CR_ERROR_INIT;
        char dir[1100];

        config_key_dir(&c->cfg, dir, sizeof(dir));
        config_log_origin(&c->cfg, origin, LOG_ORIGIN_MAX);
        if (crypto_init(&e) || sm2_keyring_open(dir, keys, &e))
                return cli_report(&e);
        return EXIT_OK;
}

static int log_key_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        char named[LOG_ORIGIN_MAX];
        struct sm2_keyring *keys = NULL;
        struct cr_error e = CR_ERROR_INIT;
        char origin[LOG_ORIGIN_MAX];
        struct buf b;
        int npos, rc = cli_parse(argc, argv, NULL, NULL, 0, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        rc = cli_open_store(c, 0, sp);
        if (!rc)
                rc = open_log(c, &keys, origin);
        if (rc)
                return rc;
        buf_init(&b, 4096);
        if (log_origin(*sp, origin, named, &e) || log_vkey(keys, named, &b, &e))
                rc = cli_report(&e);
        else
                printf("%.*s\n", (int)b.len, b.data);
        buf_release(&b);
        sm2_keyring_close(keys);
        return rc;
}

static int log_integrate_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct sm2_keyring *keys = NULL;
        struct cr_error e = CR_ERROR_INIT;
        char origin[LOG_ORIGIN_MAX];
        int64_t size = 0;
        int npos, rc = cli_parse(argc, argv, NULL, NULL, 0, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        rc = cli_open_store(c, 0, sp);
        if (!rc)
                rc = open_log(c, &keys, origin);
        if (rc)
                return rc;
        if (log_integrate(*sp, keys, origin, &size, &e))
                rc = cli_report(&e);
        else
                printf("the log's signed tree size is %lld\n", (long long)size);
        sm2_keyring_close(keys);
        return rc;
}

static int log_verify_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *pos[1], *key = NULL;
        const struct cli_opt opts[] = {{"--key", &key, NULL}, {NULL, NULL, NULL}};
        struct cr_error e = CR_ERROR_INIT;
        json_t *entry = NULL;
        int64_t size = 0;
        struct buf text;
        int npos, rc = cli_parse(argc, argv, opts, pos, 1, &npos, usage);

        (void)c;
        (void)sp;
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (npos != 1 || !key) {
                fprintf(stderr,
                        "cryptoreg log verify-receipt: give a receipt file and --key VKEY\n");
                return EXIT_USAGE;
        }
        if (crypto_init(&e))
                return cli_report(&e);
        rc = cli_read_file(pos[0], 64 * 1024, &text);
        if (rc) {
                buf_release(&text);
                return rc;
        }
        if (log_verify_receipt(text.data ? text.data : "", text.len, key, &entry, &size, &e)) {
                rc = cli_report(&e);
        } else {
                char *s = json_dumps(entry, JSON_INDENT(2) | JSON_SORT_KEYS);
                printf(
                    "verified: the entry is in the log's tree of size %lld, signed by %.*s\n%s\n",
                    (long long)size, (int)strcspn(key, "+"), key, s ? s : "");
                free(s);
                json_decref(entry);
        }
        buf_release(&text);
        return rc;
}

static int log_audit_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *key = NULL;
        int as_json = 0;
        const struct cli_opt opts[] = {
            {"--key", &key, NULL}, {"--json", NULL, &as_json}, {NULL, NULL, NULL}};
        struct sm2_keyring *keys = NULL;
        struct cr_error e = CR_ERROR_INIT;
        char origin[LOG_ORIGIN_MAX];
        json_t *report = NULL;
        struct buf vkey;
        int npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        buf_init(&vkey, 4096);
        if (!key) {
                /* Without --key, the audit trusts the key of this installation. */
                char named[LOG_ORIGIN_MAX];
                rc = open_log(c, &keys, origin);
                if (!rc && (log_origin(*sp, origin, named, &e) ||
                            log_vkey(keys, named, &vkey, &e) || buf_append(&vkey, "", 1)))
                        rc = cli_report(&e);
                key = vkey.data;
        } else if (crypto_init(&e)) {
                rc = cli_report(&e);
        }
        if (!rc && log_audit(*sp, key, &report, &e))
                rc = cli_report(&e);
        if (!rc) {
                int ok = json_is_true(json_object_get(report, "ok"));
                if (as_json) {
                        cli_print_json(json_incref(report));
                } else {
                        size_t i;
                        json_t *p;
                        printf(
                            "%lld entries, %lld checkpoints: %s\n",
                            (long long)json_integer_value(json_object_get(report, "entries")),
                            (long long)json_integer_value(json_object_get(report, "checkpoints")),
                            ok ? "consistent" : "NOT consistent");
                        json_array_foreach(json_object_get(report, "problems"), i, p)
                        {
                                printf("  %s at index %lld: %s\n",
                                       json_string_value(json_object_get(p, "what")),
                                       (long long)json_integer_value(json_object_get(p, "index")),
                                       json_string_value(json_object_get(p, "detail")));
                        }
                }
                rc = ok ? EXIT_OK : EXIT_FAILED;
        }
        json_decref(report);
        buf_release(&vkey);
        sm2_keyring_close(keys);
        return rc;
}

static int log_witness_add_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *pos[1];
        struct cr_error e = CR_ERROR_INIT;
        int npos, rc = cli_parse(argc, argv, NULL, pos, 1, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (npos != 1) {
                fprintf(stderr, "cryptoreg log witness-add: give the witness's vkey\n");
                return EXIT_USAGE;
        }
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        if (crypto_init(&e) || log_witness_add(*sp, pos[0], &e))
                return cli_report(&e);
        printf("witness %.*s registered\n", (int)strcspn(pos[0], "+"), pos[0]);
        return EXIT_OK;
}

int cmd_log(struct cli *c)
{
        static const struct cli_sub subs[] = {{"key", log_key_cmd},
                                              {"integrate", log_integrate_cmd},
                                              {"verify-receipt", log_verify_cmd},
                                              {"audit", log_audit_cmd},
                                              {"witness-add", log_witness_add_cmd}};

        return cli_dispatch(c, "log", subs, sizeof(subs) / sizeof(subs[0]), usage);
}
