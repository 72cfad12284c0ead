/* --mode pool when this build has no thread pool (pthread/ not configured). */
#include <stdio.h>

#include "server.h"

int fib_serve_pool(struct fib_server *srv)
{
    (void)srv;
    fprintf(stderr, "fibserver: --mode pool needs the thread pool (pthread/), which this "
            "build does not have; use --mode coro\n");
    return 1;
}
