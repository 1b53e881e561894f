/*
 * The public answer cache: a fixed table of slots addressed by a hash of the
 * key, each with its own lock, so that threads rarely wait for each other and
 * memory stays bounded (slots times CACHE_BODY_MAX at most).  A collision
 * simply replaces the older entry.
 */
#include "platform/http/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>


#define CACHE_SLOTS 1024

struct slot {
        pthread_mutex_t lock;
        char *key;
        size_t key_len;
        uint64_t gen;
        char *body;
        size_t len;
        const char *content_type;
        char etag[CACHE_ETAG_LEN];
        int immutable;
};

struct resp_cache {
        struct slot slots[CACHE_SLOTS];
};

static uint64_t hash_key(const char *p, size_t n)
{
        uint64_t h = 1469598103934665603ull;

        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
        return h;
}

struct resp_cache *resp_cache_new(void)
{
        struct resp_cache *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        for (size_t i = 0; i < CACHE_SLOTS; i++)
                pthread_mutex_init(&c->slots[i].lock, NULL);
        return c;
}

void resp_cache_free(struct resp_cache *c)
{
        if (!c)
                return;
        for (size_t i = 0; i < CACHE_SLOTS; i++) {
                free(c->slots[i].key);
                free(c->slots[i].body);
                pthread_mutex_destroy(&c->slots[i].lock);
        }
        free(c);
}

int resp_cache_get(struct resp_cache *c, const char *key, size_t key_len, uint64_t gen,
                   struct cached_answer *a)
{
        struct slot *s = &c->slots[hash_key(key, key_len) % CACHE_SLOTS];
        int hit = 0;

        pthread_mutex_lock(&s->lock);
        if (s->key && (s->immutable || (gen && s->gen == gen)) && s->key_len == key_len &&
            memcmp(s->key, key, key_len) == 0) {
                a->body = malloc(s->len ? s->len : 1);
                if (a->body) {
                        memcpy(a->body, s->body, s->len);
                        a->len = s->len;
                        a->content_type = s->content_type;
                        memcpy(a->etag, s->etag, sizeof(a->etag));
                        a->immutable = s->immutable;
                        hit = 1;
                }
        }
        pthread_mutex_unlock(&s->lock);
        return hit;
}

void resp_cache_put(struct resp_cache *c, const char *key, size_t key_len, uint64_t gen,
                    const struct cached_answer *a)
{
        struct slot *s = &c->slots[hash_key(key, key_len) % CACHE_SLOTS];
        char *k, *b;

        if (a->len > CACHE_BODY_MAX)
                return;
        k = malloc(key_len);
        b = malloc(a->len ? a->len : 1);
        if (!k || !b) {
                free(k);
                free(b);
                return;
        }
        memcpy(k, key, key_len);
        memcpy(b, a->body, a->len);
        pthread_mutex_lock(&s->lock);
        /* An answer computed from older data never replaces one from newer data. */
        if (s->key && s->gen > gen && !a->immutable) {
                pthread_mutex_unlock(&s->lock);
                free(k);
                free(b);
                return;
        }
        free(s->key);
        free(s->body);
        s->key = k;
        s->key_len = key_len;
        s->gen = gen;
        s->body = b;
        s->len = a->len;
        s->content_type = a->content_type;
        memcpy(s->etag, a->etag, sizeof(s->etag));
        s->immutable = a->immutable;
        pthread_mutex_unlock(&s->lock);
}
