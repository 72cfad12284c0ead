#include "error.h"

const char *par_strerror(int code)
{
    switch (code) {
    case PAR_OK: return "success";
    case PAR_EINVAL: return "invalid argument";
    case PAR_ENOMEM: return "out of memory";
    case PAR_ENOTSUP: return "not supported in this build";
    case PAR_ESHUTDOWN: return "shut down";
    case PAR_ETIMEDOUT: return "timed out";
    case PAR_ECANCELLED: return "cancelled";
    case PAR_EAGAIN: return "would block";
    case PAR_EWORKER: return "worker process died";
    case PAR_EPERM: return "not the owner";
    case PAR_EIO: return "I/O error";
    case PAR_ESYS: return "system call failed";
    case PAR_EVERIFY: return "result does not match the serial reference";
    case PAR_ERANGE: return "value out of range";
    case PAR_ETASK: return "task failed";
    case PAR_EMPI: return "MPI call failed";
    case PAR_ESTATE: return "wrong state for this call";
    case PAR_EDEADLK: return "would deadlock";
    default: return "unknown error";
    }
}
