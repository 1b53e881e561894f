/* cryptoreg enterprise add|import|show|list. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/parse.h"
#include "registry/enterprise_service.h"

#define CLI_IMPORT_MAX (256u * 1024 * 1024)

static const char usage[] =
    "usage: cryptoreg enterprise add --uscc CODE --name-zh NAME --roles R1;R2 [--name-en NAME]\n"
    "                                [--address A] [--legal-representative N]\n"
    "                                [--contact-name N] [--contact-phone P] [--contact-email E]\n"
    "       cryptoreg enterprise import FILE.csv\n"
    "       cryptoreg enterprise show USCC [--json]\n"
    "       cryptoreg enterprise list [--bureau CODE] [--q TEXT] [--limit N] [--json]\n"
    "\n"
    "Roles: manufacturer, seller, importer, integrator, foreign_invested, foreign_entity.\n"
    "The import file's format is in docs/api.md; if any row is bad, every bad row is\n"
    "printed and nothing is written.\n";

static int ent_add(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct store *s;
        const char *uscc = NULL, *roles = NULL;
        const char *text[7] = {NULL};
        const struct cli_opt opts[] = {
            {"--uscc", &uscc, NULL},
            {"--roles", &roles, NULL},
            {"--name-zh", &text[0], NULL},
            {"--name-en", &text[1], NULL},
            {"--address", &text[2], NULL},
            {"--legal-representative", &text[3], NULL},
            {"--contact-name", &text[4], NULL},
            {"--contact-phone", &text[5], NULL},
            {"--contact-email", &text[6], NULL},
            {NULL, NULL, NULL},
        };
        static const char *const names[7] = {
            "name_zh",      "name_en",       "address",      "legal_representative",
            "contact_name", "contact_phone", "contact_email"};
        struct cr_error e = CR_ERROR_INIT;
        struct enterprise *ent;
        struct caller cli;
        int npos, rc = cli_parse(argc, argv, opts, NULL, 0, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        /* The store opens only once the command line is known to be right. */
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        s = *sp;
        if (!uscc || !text[0] || !roles) {
                fprintf(stderr,
                        "cryptoreg enterprise add: --uscc, --name-zh and --roles are "
                        "required\n\n%s",
                        usage);
                return EXIT_USAGE;
        }
        ent = calloc(1, sizeof(*ent));
        if (!ent)
                return EXIT_FAILED;
        rc = EXIT_OK;
        if (enterprise_set_uscc(ent, uscc, strlen(uscc), &e) ||
            enterprise_set_roles_text(ent, roles, strlen(roles), ';', &e))
                rc = cli_report(&e);
        for (int i = 0; !rc && i < 7; i++)
                if (text[i] && enterprise_set_text(ent, ent_field_by_name(names[i]), text[i],
                                                   strlen(text[i]), &e))
                        rc = cli_report(&e);
        cli_caller(&cli);
        if (!rc && enterprise_create(s, &cli, ent, &e))
                rc = cli_report(&e);
        if (!rc)
                printf("registered %s %s (bureau %s)\n", ent->uscc, ent->name_zh, ent->bureau_code);
        free(ent);
        return rc;
}

static int ent_import(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct store *s;
        const char *pos[1];
        struct cr_error e = CR_ERROR_INIT;
        struct caller cli;
        struct buf data;
        long imported = 0;
        int npos, rc = cli_parse(argc, argv, NULL, pos, 1, &npos, usage);

        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        /* The store opens only once the command line is known to be right. */
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        s = *sp;
        if (npos != 1) {
                fprintf(stderr, "cryptoreg enterprise import: give one CSV file\n");
                return EXIT_USAGE;
        }
        rc = cli_read_file(pos[0], CLI_IMPORT_MAX, &data);
        if (rc)
                return rc;
        cli_caller(&cli);
        if (!rc &&
            enterprise_import_csv(s, &cli, data.data ? data.data : "", data.len, &imported, &e))
                rc = cli_report(&e);
        if (!rc)
                printf("imported %ld enterprises from %s\n", imported, pos[0]);
        buf_release(&data);
        return rc;
}

static void print_enterprise(const struct enterprise *ent)
{
        printf("USCC              %s\n", ent->uscc);
        printf("Name (zh)         %s\n", ent->name_zh);
        printf("Name (en)         %s\n", ent->name_en);
        printf("Bureau            %s%s\n", ent->bureau_code,
               ent->bureau_override_reason[0] ? " (set by hand)" : "");
        printf("Derived bureau    %s\n", ent->derived_bureau_code);
        printf("Division code     %s\n", ent->division_code);
        printf("Address           %s\n", ent->address);
        printf("Legal rep.        %s\n", ent->legal_representative);
        printf("Contact           %s %s %s\n", ent->contact_name, ent->contact_phone,
               ent->contact_email);
        printf("Updated           %s (version %lld)\n", ent->updated_at, (long long)ent->version);
}

static int ent_show(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct store *s;
        const char *pos[1];
        int as_json = 0, npos, rc;
        const struct cli_opt opts[] = {{"--json", NULL, &as_json}, {NULL, NULL, NULL}};
        struct cr_error e = CR_ERROR_INIT;
        struct enterprise *ent;
        struct caller cli;

        rc = cli_parse(argc, argv, opts, pos, 1, &npos, usage);
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        /* The store opens only once the command line is known to be right. */
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        s = *sp;
        if (npos != 1) {
                fprintf(stderr, "cryptoreg enterprise show: give a USCC\n");
                return EXIT_USAGE;
        }
        ent = calloc(1, sizeof(*ent));
        if (!ent)
                return EXIT_FAILED;
        cli_caller(&cli);
        if (enterprise_get_scoped(s, &cli, pos[0], ent, &e))
                rc = cli_report(&e);
        else if (as_json)
                cli_print_json(enterprise_to_json(ent, 1));
        else
                print_enterprise(ent);
        free(ent);
        return rc;
}

struct list_out {
        json_t *items;
        int json;
};

static enum cr_err list_row(void *arg, const struct enterprise *ent)
{
        struct list_out *o = arg;

        if (o->json)
                json_array_append_new(o->items, enterprise_to_json(ent, 1));
        else
                printf("%s  %s  %s\n", ent->uscc, ent->bureau_code, ent->name_zh);
        return CR_OK;
}

static int ent_list(struct cli *c, struct store **sp, int argc, char **argv)
{
        struct store *s;
        const char *bureau = NULL, *q = NULL, *limit_text = NULL;
        int as_json = 0, npos, rc;
        const struct cli_opt opts[] = {
            {"--bureau", &bureau, NULL}, {"--q", &q, NULL},  {"--limit", &limit_text, NULL},
            {"--json", NULL, &as_json},  {NULL, NULL, NULL},
        };
        struct list_out o = {NULL, 0};
        struct cr_error e = CR_ERROR_INIT;
        struct enterprise_query query;
        struct caller cli;
        int64_t next = 0, limit = INT64_MAX, shown = 0;

        rc = cli_parse(argc, argv, opts, NULL, 0, &npos, usage);
        if (rc)
                return rc < 0 ? EXIT_OK : rc;
        /* The store opens only once the command line is known to be right. */
        rc = cli_open_store(c, 0, sp);
        if (rc)
                return rc;
        s = *sp;
        if (limit_text && parse_int64(limit_text, strlen(limit_text), 1, INT64_MAX, &limit)) {
                fprintf(stderr, "cryptoreg enterprise list: --limit must be a positive number\n");
                return EXIT_USAGE;
        }
        o.json = as_json;
        o.items = json_array();
        cli_caller(&cli);
        do {
                memset(&query, 0, sizeof(query));
                query.q = q;
                query.bureau_code = bureau;
                query.after_id = next;
                query.limit =
                    (int)(limit - shown < LIST_LIMIT_MAX ? limit - shown : LIST_LIMIT_MAX);
                if (enterprise_list(s, &cli, 1, &query, list_row, &o, &next, &e)) {
                        json_decref(o.items);
                        return cli_report(&e);
                }
                shown += query.limit;
        } while (next && shown < limit);
        if (as_json)
                cli_print_json(o.items);
        else
                json_decref(o.items);
        return EXIT_OK;
}

int cmd_enterprise(struct cli *c)
{
        static const struct cli_sub subs[] = {
            {"add", ent_add}, {"import", ent_import}, {"show", ent_show}, {"list", ent_list}};

        return cli_dispatch(c, "enterprise", subs, sizeof(subs) / sizeof(subs[0]), usage);
}
