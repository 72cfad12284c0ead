#include "records.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double par__json_num(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

const char *par__json_str(const cJSON *obj, const char *key, const char *dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : dflt;
}

int par__json_bool(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

/* The members a record must have, and their types. */
static const char *check_schema(const cJSON *r)
{
    static const char *const strings[] = { "tool", "workload", "backend", "kind", "checksum" };
    static const char *const numbers[] = { "workers", "reps", "warmup", "median_s", "min_s",
                                           "max_s", "mean_s", "stddev_s", "mad_s" };
    for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, strings[i])))
            return strings[i];
    for (size_t i = 0; i < sizeof numbers / sizeof *numbers; i++)
        if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(r, numbers[i])))
            return numbers[i];
    if (!cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(r, "verified")))
        return "verified";
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r, "times_s")))
        return "times_s";
    if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "params")))
        return "params";
    return NULL;
}

cJSON *par__record_parse(const char *out, char *why, size_t whylen)
{
    snprintf(why, whylen, "no JSON record on its stdout");
    if (!out)
        return NULL;
    /* Walk the lines from the last one back. */
    const char *end = out + strlen(out);
    while (end > out) {
        const char *start = end;
        while (start > out && start[-1] != '\n')
            start--;
        const char *p = start;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p == '{') {
            cJSON *r = cJSON_ParseWithLength(p, (size_t)(end - p));
            if (r && cJSON_IsObject(r)) {
                const char *missing = check_schema(r);
                if (!missing)
                    return r;
                snprintf(why, whylen, "its JSON record lacks a valid \"%s\"", missing);
            } else {
                snprintf(why, whylen, "its JSON record does not parse");
            }
            cJSON_Delete(r);
        }
        end = start > out ? start - 1 : out;
    }
    return NULL;
}
