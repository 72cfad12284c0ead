/* One error space for the whole project: 0 is success, failures are negative
 * PAR_E* codes, and par_strerror() names them. Library code never prints;
 * programs turn these into one line on stderr. */
#ifndef PAR_ERROR_H
#define PAR_ERROR_H
#include "export.h"
PAR_BEGIN_DECLS

enum par_error {
    PAR_OK        = 0,
    PAR_EINVAL    = -1,  /* a caller bug: bad argument */
    PAR_ENOMEM    = -2,  /* allocation failed */
    PAR_ENOTSUP   = -3,  /* not built in this configuration, or not supported */
    PAR_ESHUTDOWN = -4,  /* the pool/queue was shut down */
    PAR_ETIMEDOUT = -5,  /* a timed wait expired */
    PAR_ECANCELLED = -6, /* the future was cancelled before it ran */
    PAR_EAGAIN    = -7,  /* would block (full or empty) and the caller asked not to */
    PAR_EWORKER   = -8,  /* a worker process died while it held the task */
    PAR_EPERM     = -9,  /* operation by a thread that does not own the lock */
    PAR_EIO       = -10, /* a pipe/socket/file read or write failed */
    PAR_ESYS      = -11, /* a system call failed (see errno where documented) */
    PAR_EVERIFY   = -12, /* a result differs from the serial reference */
    PAR_ERANGE    = -13, /* a value is outside what the kernel supports */
    PAR_ETASK     = -14, /* generic failure reported by a task */
    PAR_EMPI      = -15, /* an MPI call failed */
    PAR_ESTATE    = -16, /* the object is in the wrong state for this call */
    PAR_EDEADLK   = -17, /* the call would deadlock */
    PAR_E_LAST_   = -17
};

/* Name of an error code; never NULL. Unknown codes give "unknown error". */
const char *par_strerror(int code);

PAR_END_DECLS
#endif
