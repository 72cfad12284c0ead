/* Up-front check of the environment the children inherit (envcheck.h).
 * The children read OMP_SCHEDULE for every point with a schedule, and
 * poolmap reads OMP_NUM_THREADS when it is given no -j (parcompare always
 * gives -j, but a user re-running a point's command line does not). An empty
 * value counts as unset, as in the children. */
#include "envcheck.h"

#include <stdio.h>
#include <stdlib.h>

#include "linkrate.h"
#include "ompenv.h"
#include "options.h"
#include "visible.h"

int par__env_check(char *msg, size_t len)
{
    const char *s = getenv("OMP_SCHEDULE");
    enum par_schedule k;
    int is_auto;
    size_t chunk;
    if (s && *s && par_omp_parse_schedule(s, &k, &is_auto, &chunk)) {
        snprintf(msg, len, "OMP_SCHEDULE (from the environment): expected "
                 "[monotonic:|nonmonotonic:]static|dynamic|guided|auto[,chunk], got '%s'; "
                 "every point with a schedule would refuse it", par_vis(s));
        return -1;
    }
    long threads;
    s = getenv("OMP_NUM_THREADS");
    if (s && *s && (par_omp_parse_num_threads(s, &threads) || threads > PAR_MAX_WORKERS)) {
        snprintf(msg, len, "OMP_NUM_THREADS (from the environment): expected a whole number "
                 "in 1..%d (or a list such as 4,2), got '%s'", PAR_MAX_WORKERS, par_vis(s));
        return -1;
    }
    /* pingpong records it for --nodes runs and refuses a malformed one. */
    if (par_linkrate_check_env(msg, len))
        return -1;
    return 0;
}
