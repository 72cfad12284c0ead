/* Reading a child's result record: the one JSON object poolmap/parmap print
 * with --json (see common/report.c), parsed with cJSON. */
#ifndef PAR_CMP_RECORDS_H
#define PAR_CMP_RECORDS_H

#include <stddef.h>

#include <cJSON.h>

/* Finds the record in a child's stdout (the last line that parses as a JSON
 * object with the keys a record must have) and returns it, owned by the
 * caller (cJSON_Delete), or NULL with the reason in why. Other lines (an MPI
 * library's chatter) are ignored. */
cJSON *par__record_parse(const char *out, char *why, size_t whylen);

/* A number member, or NaN when missing or not a number. */
double par__json_num(const cJSON *obj, const char *key);

/* A string member, or `dflt` when missing or not a string. */
const char *par__json_str(const cJSON *obj, const char *key, const char *dflt);

/* A boolean member: 1 true, 0 false, -1 missing. */
int par__json_bool(const cJSON *obj, const char *key);

#endif
