/* The link cap of this node's network, if any, for the interconnect part of
 * the environment record: a cluster whose links are throttled must say so
 * beside its measured bandwidth.
 *
 * Sources, first found wins:
 *   1. PARCOMPARE_LINK_RATE, as tc writes rates ("1gbit", "100mbit",
 *      "10Mbit") or "none"; set by scripts/cluster inside its nodes, and by
 *      a user on a real site who knows the fabric;
 *   2. a token bucket (tc qdisc tbf) on a device of this network namespace,
 *      read from `tc qdisc show` (iproute2), as the cluster script sets it;
 *   3. nothing: "" (no cap known). */
#ifndef PAR_LINKRATE_H
#define PAR_LINKRATE_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

/* The first tbf rate in `tc qdisc show` output (e.g. "qdisc tbf 8001: root
 * refcnt 2 rate 100Mbit burst ..."), with its device: "100Mbit (tbf on
 * eth0)". Returns 1 and fills buf, or 0 when the text has no tbf rate. */
int par_linkrate_from_tc(const char *tc_output, char *buf, size_t len);

/* A rate as tc writes it: a positive number and a unit, bit, kbit, mbit,
 * gbit or tbit (bits per second, powers of 1000, any case: "100Mbit"), or
 * bps, kbps, mbps, gbps, tbps (bytes per second, as tc reads them), or
 * "none" (no cap: 0). At least 1 bit/s: tc would round anything less to a
 * cap of 0. Returns 0 with *bits_per_s set, or PAR_EINVAL with one line in
 * msg naming the value. */
int par_linkrate_parse(const char *s, double *bits_per_s, char *msg, size_t len);

/* PARCOMPARE_LINK_RATE checked with par_linkrate_parse: 0 when it is unset,
 * empty or valid, else PAR_EINVAL with one line in msg ("PARCOMPARE_LINK_RATE
 * (from the environment): ..."). Programs that record it check it first.
 * Thread-unsafe (getenv). */
int par_linkrate_check_env(char *msg, size_t len);

/* The cap by the sources above into buf ("" when none is known), and where
 * it came from into *source ("PARCOMPARE_LINK_RATE", "tc", or ""). Runs
 * `tc qdisc show` (when tc is in PATH and the variable is unset).
 * Thread-unsafe (popen, getenv). */
void par_linkrate(char *buf, size_t len, const char **source);

PAR_END_DECLS
#endif
