/*
 * The transparency log's storage slice (store.c), for its domain only.
 */
#ifndef CR_TRANSPARENCY_STORE_H
#define CR_TRANSPARENCY_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "platform/store/store.h"

/* The transparency log (docs/tlog.md): entries, stored tree hashes, checkpoints. */
/* Appends an entry at the next index, in the caller's transaction. */
enum cr_err store_log_append(struct store *s, const char *entry, size_t len, const char *kind,
                             const char *subject, const char *at, int64_t *index,
                             struct cr_error *e);
/* The number of entries. */
enum cr_err store_log_count(struct store *s, int64_t *out, struct cr_error *e);
/* Calls fn for entries [from, to) in order; fn returns non-zero to stop with that error. */
typedef enum cr_err (*log_entry_fn)(void *arg, int64_t index, const void *data, size_t len);
enum cr_err store_log_entries(struct store *s, int64_t from, int64_t to, log_entry_fn fn, void *arg,
                              struct cr_error *e);
enum cr_err store_log_hash_put(struct store *s, unsigned level, uint64_t index,
                               const unsigned char hash[32], struct cr_error *e);
/*
 * Reads the stored hashes of level for indexes [first, first + count) into
 * out; *found is how many consecutive ones from first exist.
 */
enum cr_err store_log_hashes(struct store *s, unsigned level, uint64_t first, size_t count,
                             unsigned char (*out)[32], size_t *found, struct cr_error *e);
enum cr_err store_log_checkpoint_put(struct store *s, int64_t size, const char *note,
                                     const char *at, struct cr_error *e);
/* The newest checkpoint (size 0 and note NULL when there is none); note is malloc'd. */
enum cr_err store_log_checkpoint_latest(struct store *s, int64_t *size, char **note,
                                        struct cr_error *e);
/* Every checkpoint, oldest first, as {size, note, created_at}. */
enum cr_err store_log_checkpoints(struct store *s, json_t *out, struct cr_error *e);

/* Witnesses of the log and their cosignatures of checkpoints. */
enum cr_err store_log_witness_put(struct store *s, const char *name, const char *vkey,
                                  const char *now, struct cr_error *e);
/* Appends {name, vkey, added_at, last_size} per witness. */
enum cr_err store_log_witnesses(struct store *s, json_t *out, struct cr_error *e);
enum cr_err store_log_cosignature_put(struct store *s, int64_t size, const char *witness,
                                      const char *line, const char *now, struct cr_error *e);
/* Appends the cosignature lines of the checkpoint of size to out. */
enum cr_err store_log_cosignature_lines(struct store *s, int64_t size, struct buf *out,
                                        struct cr_error *e);
/* The note of the checkpoint of exactly size (malloc'd), or CR_ENOTFOUND. */
enum cr_err store_log_checkpoint_get(struct store *s, int64_t size, char **note,
                                     struct cr_error *e);

#endif
