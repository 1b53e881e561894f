/*
 * cryptoreg witness: a second party that watches the log, checks that each
 * new checkpoint is consistent with the last one it saw, and only then
 * cosigns it and hands the cosignature to the log.  It keeps its state (the
 * size and root it last saw) in a small file, and its SM2 key in its own
 * key directory; it needs no database.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/http_client.h"
#include "core/parse.h"
#include "transparency/transparency.h"

static const char usage[] =
    "usage: cryptoreg witness --log URL --state FILE --name NAME --log-key VKEY\n"
    "                         [--key-dir DIR] [--interval SECONDS]\n"
    "       cryptoreg witness key --name NAME [--key-dir DIR]\n\n"
    "Watches the log at URL (http://HOST:PORT): verifies its checkpoint with VKEY,\n"
    "asks for a consistency proof from the size it saw last (kept in FILE), and cosigns\n"
    "only if the log has only grown; then sends the cosignature to the log. Without\n"
    "--interval it checks once. Exit codes: 0 cosigned or nothing new, 1 refused (the log\n"
    "is not consistent with what this witness saw) or failed, 2 usage.\n"
    "  key  prints this witness's cosignature key (vkey) for the log's operator to register\n"
    "       with `cryptoreg log witness-add VKEY`\n";

/* Writes the state through a temporary file and a rename, so a crash leaves the old one. */
static int save_state(const char *path, const struct witness_state *st)
{
        char tmp[4200];
        struct buf b;
        FILE *f;
        int ok;

        buf_init(&b, 4096);
        if (witness_state_format(st, &b) != CR_OK) {
                buf_release(&b);
                return -1;
        }
        snprintf(tmp, sizeof(tmp), "%s.tmp", path);
        f = fopen(tmp, "w");
        ok = f && fwrite(b.data, 1, b.len, f) == b.len;
        ok = f && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
        ok = f && fclose(f) == 0 && ok;
        buf_release(&b);
        return ok && rename(tmp, path) == 0 ? 0 : -1;
}

static int witness_once(const char *log, const char *state_path, const char *name,
                        const char *log_key, struct sm2_keyring *keys)
{
        struct cr_error e = CR_ERROR_INIT;
        struct witness_state st, next;
        struct buf cp, proof_text, line, answer, state_text;
        json_t *proof = NULL, *post = NULL;
        char *body = NULL, *post_text = NULL;
        int status = 0, rc = EXIT_FAILED;
        int64_t size;

        memset(&st, 0, sizeof(st));
        buf_init(&line, 4096);
        buf_init(&proof_text, 0);
        buf_init(&answer, 0);
        if (access(state_path, F_OK) == 0) {
                if (cli_read_file(state_path, 4096, &state_text) != EXIT_OK ||
                    witness_state_parse(state_text.data ? state_text.data : "", state_text.len,
                                        &st) != 0) {
                        fprintf(stderr, "cryptoreg witness: %s is not a witness state file\n",
                                state_path);
                        buf_release(&state_text);
                        goto out;
                }
                buf_release(&state_text);
        }
        if (http_fetch(log, "GET", "/log/checkpoint", NULL, &status, &cp, &e) || status != 200) {
                fprintf(stderr, "cryptoreg witness: cannot fetch the checkpoint: %s (status %d)\n",
                        e.err ? e.detail : "", status);
                buf_release(&cp);
                goto out;
        }
        size = cli_checkpoint_size(cp.data ? cp.data : "");
        if (size > st.size && st.size > 0) {
                char path[128];
                snprintf(path, sizeof(path), "/api/v1/log/consistency?from=%lld&to=%lld",
                         (long long)st.size, (long long)size);
                buf_release(&proof_text);
                if (http_fetch(log, "GET", path, NULL, &status, &proof_text, &e) || status != 200 ||
                    !(proof = json_loadb(proof_text.data, proof_text.len, 0, NULL))) {
                        fprintf(stderr,
                                "cryptoreg witness: cannot fetch a consistency proof "
                                "(status %d); refusing to cosign\n",
                                status);
                        buf_release(&cp);
                        goto out;
                }
        }
        if (witness_check(&st, log_key, cp.data ? cp.data : "", cp.len,
                          json_object_get(proof, "proof"), &next, &body, &e)) {
                fprintf(stderr, "cryptoreg witness: %s\n", e.detail);
                buf_release(&cp);
                goto out;
        }
        buf_release(&cp);
        if (witness_cosign(keys, name, body, (uint64_t)time(NULL), &line, &e)) {
                fprintf(stderr, "cryptoreg witness: %s\n", e.detail);
                goto out;
        }
        post = json_pack("{s:I, s:s}", "size", (json_int_t)next.size, "cosignature", line.data);
        post_text = post ? json_dumps(post, JSON_COMPACT) : NULL;
        if (!post_text ||
            http_fetch(log, "POST", "/api/v1/log/cosignatures", post_text, &status, &answer, &e) ||
            status != 201) {
                fprintf(stderr,
                        "cryptoreg witness: the log did not take the cosignature (status "
                        "%d): %.*s\n",
                        status, (int)answer.len, answer.data ? answer.data : "");
                goto out;
        }
        if (save_state(state_path, &next) != 0) {
                fprintf(stderr, "cryptoreg witness: cannot write %s: %s\n", state_path,
                        strerror(errno));
                goto out;
        }
        printf("cosigned %s at size %lld\n", log, (long long)next.size);
        rc = EXIT_OK;
out:
        cr_error_clear(&e);
        json_decref(proof);
        json_decref(post);
        free(post_text);
        free(body);
        buf_release(&line);
        buf_release(&proof_text);
        buf_release(&answer);
        return rc;
}

int cmd_witness(struct cli *c)
{
        const char *log = NULL, *state = NULL, *name = NULL, *log_key = NULL;
        const char *key_dir = "witness.keys", *interval = NULL;
        const struct cli_opt opts[] = {
            {"--log", &log, NULL},
            {"--state", &state, NULL},
            {"--name", &name, NULL},
            {"--log-key", &log_key, NULL},
            {"--key-dir", &key_dir, NULL},
            {"--interval", &interval, NULL},
            {NULL, NULL, NULL},
        };
        const char *pos[1];
        struct sm2_keyring *keys = NULL;
        struct cr_error e = CR_ERROR_INIT;
        int64_t every = 0;
        int npos, rc = cli_parse(c->argc, c->argv, opts, pos, 1, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        if (!name || (npos == 1 && strcmp(pos[0], "key") != 0) ||
            (npos == 0 && (!log || !state || !log_key)) ||
            (interval && parse_int64(interval, strlen(interval), 1, 86400, &every) != 0)) {
                fputs(usage, stderr);
                return EXIT_USAGE;
        }
        if (crypto_init(&e) || sm2_keyring_open(key_dir, &keys, &e))
                return cli_report(&e);
        if (npos == 1) {
                struct buf b;
                buf_init(&b, 4096);
                if (witness_vkey(keys, name, &b, &e))
                        rc = cli_report(&e);
                else
                        printf("%.*s\n", (int)b.len, b.data);
                buf_release(&b);
                sm2_keyring_close(keys);
                return rc;
        }
        do {
                rc = witness_once(log, state, name, log_key, keys);
                if (every)
                        sleep((unsigned)every);
        } while (every);
        sm2_keyring_close(keys);
        return rc;
}
