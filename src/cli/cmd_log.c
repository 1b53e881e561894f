/*
 * cryptoreg log: the transparency log from the command line: integrate new
 * entries, print the log's key, check a receipt offline, audit the whole log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/http_client.h"
#include "transparency/transparency.h"
#include "tlog/tile.h"

static const char usage[] =
    "usage: cryptoreg log <subcommand>\n\n"
    "  key                               print the log's verifier key (vkey)\n"
    "  integrate                         fold new entries into a signed checkpoint now\n"
    "  verify-receipt FILE --key VKEY    check a receipt offline: signature and inclusion\n"
    "  audit [--key VKEY] [--json]       re-hash every entry and check every checkpoint\n"
    "  audit --log URL [--key VKEY]      the same through a log's public tiles (http://HOST:PORT)\n"
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
        if (log_integrate(*sp, clock_system(), keys, origin, &size, &e))
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

/* Fetches one tile (or entry bundle) of the log at base; returns 0 with its bytes in out. */
static int fetch_tile(const char *base, const struct tlog_tile *t, struct buf *out)
{
        char path[TLOG_TILE_PATH_MAX], url[TLOG_TILE_PATH_MAX + 8];
        struct cr_error e = CR_ERROR_INIT;
        int status = 0;

        if (tlog_tile_path(t, path, &e))
                return -1;
        snprintf(url, sizeof(url), "/log/%s", path);
        if (http_fetch(base, "GET", url, NULL, &status, out, &e) || status != 200) {
                fprintf(stderr, "cryptoreg log audit: cannot fetch %s (status %d) %s\n", url,
                        status, e.detail);
                cr_error_clear(&e);
                return -1;
        }
        return 0;
}

/*
 * Audits a log through its public interface: every entry bundle and level-0
 * tile up to the checkpoint's size, re-hashed and compared, then the
 * checkpoint's signature and root.
 */
static int audit_remote(const char *base, const char *key, json_t **report)
{
        struct log_auditor *a = log_auditor_new();
        struct cr_error e = CR_ERROR_INIT;
        struct buf cp, keytext;
        const char *vkey = key;
        int status = 0, rc = EXIT_FAILED;
        int64_t size;

        buf_init(&keytext, 0);
        if (!a || http_fetch(base, "GET", "/log/checkpoint", NULL, &status, &cp, &e) ||
            status != 200) {
                fprintf(stderr, "cryptoreg log audit: cannot fetch %s/log/checkpoint\n", base);
                goto out0;
        }
        if (!vkey) {
                /* Without --key the audit can show consistency, not that this is the right log. */
                buf_release(&keytext);
                if (http_fetch(base, "GET", "/log/key", NULL, &status, &keytext, &e) ||
                    status != 200) {
                        fprintf(stderr, "cryptoreg log audit: cannot fetch the log's key\n");
                        goto out;
                }
                while (keytext.len && keytext.data[keytext.len - 1] == '\n')
                        keytext.data[--keytext.len] = '\0';
                vkey = keytext.data;
                fprintf(stderr, "cryptoreg log audit: trusting the key the log serves; give "
                                "--key to check it is the log you mean\n");
        }
        size = cli_checkpoint_size(cp.data ? cp.data : "");
        for (uint64_t t = 0; size > 0 && t * TLOG_TILE_WIDTH < (uint64_t)size; t++) {
                uint64_t left = (uint64_t)size - t * TLOG_TILE_WIDTH;
                unsigned width = left < TLOG_TILE_WIDTH ? (unsigned)left : TLOG_TILE_WIDTH;
                struct tlog_tile et = {TLOG_TILE_LEVEL_ENTRIES, t, width}, ht = {0, t, width};
                struct buf bundle, hashes;
                size_t off = 0;
                unsigned n = 0;
                int bad = fetch_tile(base, &et, &bundle) || fetch_tile(base, &ht, &hashes);
                bad = bad || hashes.len != (size_t)width * 32;
                while (!bad && off + 2 <= bundle.len && n < width) {
                        size_t len = (size_t)(unsigned char)bundle.data[off] << 8 |
                                     (unsigned char)bundle.data[off + 1];
                        if (off + 2 + len > bundle.len) {
                                bad = 1;
                                break;
                        }
                        log_auditor_entry(a, bundle.data + off + 2, len,
                                          (const unsigned char *)hashes.data + (size_t)n * 32);
                        off += 2 + len;
                        n++;
                }
                bad = bad || n != width || off != bundle.len;
                buf_release(&bundle);
                buf_release(&hashes);
                if (bad) {
                        fprintf(stderr, "cryptoreg log audit: tile %llu is malformed or short\n",
                                (unsigned long long)t);
                        goto out;
                }
        }
        if (log_auditor_finish(a, cp.data ? cp.data : "", cp.len, vkey, report, &e)) {
                rc = cli_report(&e);
                goto out;
        }
        rc = EXIT_OK;
out:
        buf_release(&cp);
out0:
        buf_release(&keytext);
        log_auditor_free(a);
        cr_error_clear(&e);
        return rc;
}

static int log_audit_cmd(struct cli *c, struct store **sp, int argc, char **argv)
{
        const char *key = NULL, *remote = NULL;
        int as_json = 0;
        const struct cli_opt opts[] = {{"--key", &key, NULL},
                                       {"--log", &remote, NULL},
                                       {"--json", NULL, &as_json},
                                       {NULL, NULL, NULL}};
        struct sm2_keyring *keys = NULL;
        struct cr_error e = CR_ERROR_INIT;
        char origin[LOG_ORIGIN_MAX];
        json_t *report = NULL;
        struct buf vkey;
        int npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        buf_init(&vkey, 4096);
        if (remote) {
                if (crypto_init(&e))
                        rc = cli_report(&e);
                else
                        rc = audit_remote(remote, key, &report);
                if (rc)
                        goto done;
                goto print;
        }
        rc = cli_open_store(c, 0, sp);
        if (rc) {
                buf_release(&vkey);
                return rc;
        }
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
print:
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
done:
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
        if (crypto_init(&e) || log_witness_add(*sp, clock_system(), pos[0], &e))
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
