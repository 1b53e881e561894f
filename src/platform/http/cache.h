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

#define CACHE_BODY_MAX (64 * 1024) /* larger answers are not kept; a full entry bundle fits */
#define CACHE_ETAG_LEN 24

struct resp_cache;

struct resp_cache *resp_cache_new(void);
void resp_cache_free(struct resp_cache *c);

struct cached_answer {
        char *body; /* malloc'd copy */
        size_t len;
        const char *content_type;
        char etag[CACHE_ETAG_LEN];
        int immutable;
};

/*
 * Copies the answer stored for key into *a and returns 1 when it is valid:
 * computed at generation gen, or immutable (then any gen matches, and gen 0
 * asks for immutable answers only).  Returns 0 otherwise.
 */
int resp_cache_get(struct resp_cache *c, const char *key, size_t key_len, uint64_t gen,
                   struct cached_answer *a);
/* Stores a copy of an answer computed at generation gen (content_type must be a literal). */
void resp_cache_put(struct resp_cache *c, const char *key, size_t key_len, uint64_t gen,
                    const struct cached_answer *a);

#endif
