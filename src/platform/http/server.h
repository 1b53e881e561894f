/* The HTTP server: libmicrohttpd with a thread pool in front of the route table. */
#ifndef CR_SERVER_H
#define CR_SERVER_H

#include "core/config.h"
#include "core/err.h"

struct server;

/* Opens the database pool and starts listening on cfg->listen. */
enum cr_err server_start(const struct config *cfg, struct server **out, struct cr_error *e);
/* The port actually bound (useful when the configuration asked for port 0). */
int server_port(struct server *srv);
/* Stops accepting, finishes running requests, and frees everything. */
void server_stop(struct server *srv);

#endif
