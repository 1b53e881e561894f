/*
 * A cache of rendered public answers (routes whose answer is the same for
 * everyone), so that a popular lookup is computed once per change of the
 * data rather than once per request.  Each entry is tagged with the store's
 * generation when it was computed and is ignored once that changes.
 */
#ifndef CR_CACHE_H
#define CR_CACHE_H

#include <stddef.h>
#include <stdint.h>

#define CACHE_BODY_MAX (32 * 1024) /* larger answers are not kept */

struct resp_cache;

struct resp_cache *resp_cache_new(void);
void resp_cache_free(struct resp_cache *c);

/*
 * Copies the answer stored for key at generation gen into a malloc'd *body;
 * returns 1 on a hit, 0 otherwise.  *content_type points to a string literal.
 */
int resp_cache_get(struct resp_cache *c, const char *key, size_t key_len, uint64_t gen, char **body,
                   size_t *len, const char **content_type);
/* Stores a copy of an answer computed at generation gen; content_type must be a literal. */
void resp_cache_put(struct resp_cache *c, const char *key, size_t key_len, uint64_t gen,
                    const char *body, size_t len, const char *content_type);

#endif
