/* OMP_* values read as libgomp reads them (see ompenv.h). */
#include "ompenv.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static const char *skip_ws(const char *p)
{
    while (is_ws(*p))
        p++;
    return p;
}

/* A whole number at p: white space, an optional "+", digits. Sets *end past
 * the digits (and the white space after them) and *v. Returns 0 or -1 (no
 * digits, a "-", or more than unsigned long holds: libgomp's ERANGE). */
static int whole(const char *p, const char **end, unsigned long long *v)
{
    p = skip_ws(p);
    if (*p == '+')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    unsigned long long x = 0;
    while (*p >= '0' && *p <= '9') {
        unsigned d = (unsigned)(*p++ - '0');
        if (x > (ULONG_MAX - d) / 10)
            return -1;
        x = x * 10 + d;
    }
    *v = x;
    *end = skip_ws(p);
    return 0;
}

int par_omp_parse_num_threads(const char *s, long *first)
{
    if (!s)
        return PAR_EINVAL;
    const char *p = s, *end;
    int index = 0;
    for (;;) {
        unsigned long long v;
        if (whole(p, &end, &v) != 0 || v == 0)
            return PAR_EINVAL;
        if (index++ == 0)
            *first = v > LONG_MAX ? LONG_MAX : (long)v;
        if (*end == '\0')
            return 0;
        if (*end != ',')
            return PAR_EINVAL;
        p = end + 1;
    }
}

/* Matches a word (case-insensitive) at p followed by a non-letter. */
static const char *word(const char *p, const char *w)
{
    size_t n = strlen(w);
    if (strncasecmp(p, w, n) != 0)
        return NULL;
    char c = p[n];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
        return NULL;
    return p + n;
}

int par_omp_parse_schedule(const char *s, enum par_schedule *kind, int *is_auto,
                           size_t *chunk)
{
    if (!s)
        return PAR_EINVAL;
    const char *p = skip_ws(s), *q;
    /* An optional modifier and ":"; it changes nothing for our back ends. */
    if ((q = word(p, "monotonic")) || (q = word(p, "nonmonotonic"))) {
        q = skip_ws(q);
        if (*q != ':')
            return PAR_EINVAL;
        p = skip_ws(q + 1);
    }
    static const struct { const char *name; enum par_schedule k; int is_auto; } kinds[] = {
        { "static", PAR_SCHED_STATIC, 0 }, { "dynamic", PAR_SCHED_DYNAMIC, 0 },
        { "guided", PAR_SCHED_GUIDED, 0 }, { "auto", PAR_SCHED_STATIC, 1 },
    };
    size_t i;
    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if ((q = word(p, kinds[i].name)))
            break;
    if (i == sizeof kinds / sizeof kinds[0])
        return PAR_EINVAL;
    p = skip_ws(q);
    size_t c = 0;
    if (*p == ',') {
        unsigned long long v;
        const char *end;
        if (whole(p + 1, &end, &v) != 0 || *end != '\0' || v > INT_MAX)
            return PAR_EINVAL;
        c = v == 0 && (kinds[i].k != PAR_SCHED_STATIC || kinds[i].is_auto) ? 1 : (size_t)v;
    } else if (*p != '\0') {
        return PAR_EINVAL;
    }
    *kind = kinds[i].k;
    *is_auto = kinds[i].is_auto;
    *chunk = c;
    return 0;
}

/* Written by the guard before main (one thread), read afterwards. */
#define HIDDEN_MAX 4
static struct { const char *name, *value; } hidden[HIDDEN_MAX];

void par_omp_env_hide(const char *name, const char *value)
{
    for (int i = 0; i < HIDDEN_MAX; i++)
        if (!hidden[i].name || strcmp(hidden[i].name, name) == 0) {
            hidden[i].name = name;
            hidden[i].value = value;
            return;
        }
}

const char *par_omp_getenv(const char *name)
{
    for (int i = 0; i < HIDDEN_MAX && hidden[i].name; i++)
        if (strcmp(hidden[i].name, name) == 0)
            return hidden[i].value;
    return getenv(name);
}
