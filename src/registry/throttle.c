/* A fixed-size, thread-safe table of recent login failures per key. */
#include "registry/throttle.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define THROTTLE_SLOTS 4096

struct slot {
        uint64_t hash;
        char key[96];
        time_t window_start;
        int failures;
};

struct throttle {
        pthread_mutex_t lock;
        struct slot slots[THROTTLE_SLOTS];
};

static uint64_t fnv1a(const char *s)
{
        uint64_t h = 1469598103934665603ull;

        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ull;
        return h;
}

struct throttle *throttle_new(void)
{
        struct throttle *t = calloc(1, sizeof(*t));

        if (t)
                pthread_mutex_init(&t->lock, NULL);
        return t;
}

void throttle_free(struct throttle *t)
{
        if (!t)
                return;
        pthread_mutex_destroy(&t->lock);
        free(t);
}

/* The slot for key; a collision evicts the older entry, which can only make throttling milder. */
static struct slot *slot_for(struct throttle *t, const char *key, int create)
{
        uint64_t h = fnv1a(key);
        struct slot *s = &t->slots[h % THROTTLE_SLOTS];

        if (s->hash == h && strcmp(s->key, key) == 0)
                return s;
        if (!create)
                return NULL;
        memset(s, 0, sizeof(*s));
        s->hash = h;
        str_copy(s->key, sizeof(s->key), key);
        return s;
}

long throttle_blocked(struct throttle *t, const char *key, time_t now)
{
        struct slot *s;
        long wait = 0;

        pthread_mutex_lock(&t->lock);
        s = slot_for(t, key, 0);
        if (s && s->failures >= LOGIN_MAX_FAILURES && now < s->window_start + LOGIN_WINDOW_SECONDS)
                wait = (long)(s->window_start + LOGIN_WINDOW_SECONDS - now);
        pthread_mutex_unlock(&t->lock);
        return wait;
}

void throttle_failure(struct throttle *t, const char *key, time_t now)
{
        struct slot *s;

        pthread_mutex_lock(&t->lock);
        s = slot_for(t, key, 1);
        if (now >= s->window_start + LOGIN_WINDOW_SECONDS) {
                s->window_start = now;
                s->failures = 0;
        }
        s->failures++;
        pthread_mutex_unlock(&t->lock);
}

void throttle_success(struct throttle *t, const char *key)
{
        struct slot *s;

        pthread_mutex_lock(&t->lock);
        s = slot_for(t, key, 0);
        if (s)
                memset(s, 0, sizeof(*s));
        pthread_mutex_unlock(&t->lock);
}
