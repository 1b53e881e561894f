/* The server's background thread, running the capabilities' jobs in rounds. */
#include "platform/jobs/jobs.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "core/diag.h"
#include "platform/store/store.h"

struct job_slot {
        const struct job *job;
        void *state;
};

struct jobs {
        struct store_pool *pool;
        struct job_env env;
        long interval_ms;
        struct job_slot *slot;
        size_t len;
        pthread_t thread;
        atomic_int stopping;
};

static void run_round(struct jobs *j)
{
        struct job_env env = j->env;

        env.store = store_pool_acquire(j->pool);
        for (size_t i = 0; i < j->len; i++) {
                struct cr_error e = CR_ERROR_INIT;
                if (j->slot[i].job->run(&env, j->slot[i].state, &e))
                        diag_msg("error", "%s failed: %s", j->slot[i].job->name, e.detail);
                cr_error_clear(&e);
        }
        store_pool_release(j->pool, env.store);
}

static void *jobs_main(void *arg)
{
        struct jobs *j = arg;
        struct timespec pause = {j->interval_ms / 1000, (j->interval_ms % 1000) * 1000000L};

        while (!atomic_load(&j->stopping)) {
                run_round(j);
                nanosleep(&pause, NULL);
        }
        return NULL;
}

static void jobs_free(struct jobs *j)
{
        for (size_t i = 0; i < j->len; i++)
                free(j->slot[i].state);
        free(j->slot);
        free(j);
}

/* One slot per job of every capability, each with its zeroed state. */
static enum cr_err jobs_gather(struct jobs *j, struct cr_error *e)
{
        size_t n = 0;

        for (size_t c = 0; c < capabilities_len; c++)
                n += capabilities[c]->jobs_len;
        j->slot = calloc(n ? n : 1, sizeof(*j->slot));
        if (!j->slot)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        for (size_t c = 0; c < capabilities_len; c++)
                for (size_t i = 0; i < capabilities[c]->jobs_len; i++) {
                        const struct job *job = &capabilities[c]->jobs[i];
                        struct job_slot *s = &j->slot[j->len++];
                        s->job = job;
                        s->state = calloc(1, job->state_size ? job->state_size : 1);
                        if (!s->state)
                                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
                }
        return CR_OK;
}

enum cr_err jobs_start(struct store_pool *pool, const struct job_env *base, long interval_ms,
                       struct jobs **out, struct cr_error *e)
{
        struct jobs *j = calloc(1, sizeof(*j));
        enum cr_err err;

        *out = NULL;
        if (!j)
                return cr_fail(e, CR_ENOMEM, "internal", NULL, "out of memory");
        j->pool = pool;
        j->env = *base;
        j->interval_ms = interval_ms > 0 ? interval_ms : 1;
        err = jobs_gather(j, e);
        if (!err && pthread_create(&j->thread, NULL, jobs_main, j) != 0)
                err = cr_fail(e, CR_EINTERNAL, "internal", NULL, "cannot start the job thread");
        if (err) {
                jobs_free(j);
                return err;
        }
        *out = j;
        return CR_OK;
}

void jobs_stop(struct jobs *j)
{
        if (!j)
                return;
        atomic_store(&j->stopping, 1);
        pthread_join(j->thread, NULL);
        jobs_free(j);
}
