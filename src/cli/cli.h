/* Shared pieces of the command-line interface: options, exit codes, opening the store. */
#ifndef CR_CLI_H
#define CR_CLI_H

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "kernel/role.h"
#include "platform/store/store.h"

enum exit_code {
        EXIT_OK = 0,
        EXIT_FAILED = 1, /* the operation failed: validation, not found, conflict */
        EXIT_USAGE = 2,  /* the command line is wrong */
        EXIT_DB = 3,     /* the database cannot be opened or migrated */
};

struct cli {
        struct config cfg;
        int argc; /* arguments after the command name */
        char **argv;
};

struct cli_opt {
        const char *name;   /* "--role" */
        const char **value; /* for options that take a value */
        int *flag;          /* for flags */
};

/*
 * Parses argv against opts; positional arguments go to pos (at most
 * max_pos).  Prints usage and returns -1 for --help, EXIT_USAGE on a bad
 * command line, EXIT_OK otherwise.
 */
int cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **pos, int max_pos,
              int *npos, const char *usage);

/* Opens the configured database; prints why not and returns EXIT_DB on failure. */
int cli_open_store(struct cli *c, int migrate, struct store **out);

/* Prints an error (and any per-row details) to stderr, clears it, and returns its exit code. */
int cli_report(struct cr_error *e);

/* Reads one line (a password) from stdin, without the line end. Returns 0 or -1. */
int cli_read_line(char *buf, size_t size);

/*
 * Reads a whole file of at most max bytes into out (which it initialises;
 * the caller releases it).  Prints why not and returns EXIT_FAILED on failure.
 */
int cli_read_file(const char *path, size_t max, struct buf *out);

/* The tree size on a checkpoint's second line (read before it is verified), or -1. */
int64_t cli_checkpoint_size(const char *text);

/* A subcommand: its name and what runs it (the store, if it opens one, is closed after). */
struct cli_sub {
        const char *name;
        int (*run)(struct cli *c, struct store **sp, int argc, char **argv);
};

/*
 * Runs the subcommand named by c->argv[0] among subs; prints usage for
 * --help or no subcommand, and names an unknown one.  command is the
 * command's name for messages ("log").
 */
int cli_dispatch(struct cli *c, const char *command, const struct cli_sub *subs, size_t nsubs,
                 const char *usage);

/* Prints a JSON value to stdout, indented. Releases it. */
void cli_print_json(json_t *v);

int cmd_init(struct cli *c);
int cmd_serve(struct cli *c);
int cmd_user(struct cli *c);
int cmd_enterprise(struct cli *c);
int cmd_demo(struct cli *c);
int cmd_backup(struct cli *c);
int cmd_restore(struct cli *c);
int cmd_calendar(struct cli *c);
int cmd_log(struct cli *c);
int cmd_witness(struct cli *c);
int cmd_filing(struct cli *c);

/*
 * The caller of a command: a national administrator named after the login
 * ($USER), acting on the wall clock (the command line is an entry point).
 */
void cli_caller(struct caller *c);

#endif
