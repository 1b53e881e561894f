/*
 * Login throttling: after LOGIN_MAX_FAILURES failed attempts for the same
 * key (a user name, a client address) within LOGIN_WINDOW_SECONDS, further
 * attempts are refused until the window has passed.  Memory is a fixed
 * table, so an attacker cycling keys cannot grow it.
 */
#ifndef CR_THROTTLE_H
#define CR_THROTTLE_H

#include <time.h>

#define LOGIN_MAX_FAILURES   5
#define LOGIN_WINDOW_SECONDS 900

struct throttle;

struct throttle *throttle_new(void);
void throttle_free(struct throttle *t);

/* Seconds until key may try again, or 0 if it may try now. */
long throttle_blocked(struct throttle *t, const char *key, time_t now);
void throttle_failure(struct throttle *t, const char *key, time_t now);
void throttle_success(struct throttle *t, const char *key);

#endif
