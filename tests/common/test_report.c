/* The result record parsed back: JSON with cJSON, CSV by columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "report.h"

static const double times[] = { 0.3, 0.1, 0.2 };

static void make_result(struct par_result *r, struct par_opts *o, struct par_env *env)
{
    par_opts_init(o, PAR_W_FIB, "omp");
    o->n = 30;
    o->k = 4;
    o->reps = 3;
    o->workers = 2;
    o->workers_from = "-j";
    par_env_collect(env);
    snprintf(env->cpu, sizeof env->cpu, "CPU with \"quotes\", commas\tand tabs");
    memset(r, 0, sizeof *r);
    r->tool = "poolmap";
    r->backend = "omp";
    r->kind = "threads";
    r->opts = o;
    r->workers = 2;
    r->detail = "schedule(static,0)";
    r->times = times;
    r->ntimes = 3;
    par_stats_compute(times, 3, &r->stats);
    par_median_ci(times, 3, PAR_CI_LEVEL, &r->ci); /* 3 samples: unavailable */
    r->warmups = 2;
    r->warmup_steady = 1;
    r->stop = "fixed";
    r->checksum = UINT64_C(0xfedcba9876543210);
    r->verified = 1;
    r->env = env;
}

static char *render(void (*fn)(FILE *, const struct par_result *), const struct par_result *r)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fn(f, r);
    long len = ftell(f);
    rewind(f);
    char *buf = calloc(1, (size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return buf;
}

static void csv_with_header(FILE *f, const struct par_result *r)
{
    par_report_csv(f, r, 1);
}

static void json_record_has_every_key_with_right_values(void **state)
{
    (void)state;
    struct par_result r;
    struct par_opts o;
    struct par_env env;
    make_result(&r, &o, &env);
    char *text = render(par_report_json, &r);
    assert_int_equal(strchr(text, '\n') - text, (long)strlen(text) - 1); /* one line */
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    const char *keys[] = { "tool", "workload", "backend", "workers", "params", "reps", "times_s",
                           "median_s", "min_s", "mad_s", "checksum", "verified", "env" };
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!cJSON_GetObjectItemCaseSensitive(j, keys[i]))
            fail_msg("missing key %s", keys[i]);
    assert_string_equal(cJSON_GetObjectItem(j, "workload")->valuestring, "fib");
    assert_int_equal(cJSON_GetObjectItem(j, "workers")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "params"), "n")->valueint, 30);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "params"), "k")->valueint, 4);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "times_s")), 3);
    assert_true(cJSON_GetObjectItem(j, "median_s")->valuedouble == 0.2);
    assert_true(cJSON_GetObjectItem(j, "min_s")->valuedouble == 0.1);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "verified")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "error")));
    assert_string_equal(cJSON_GetObjectItem(j, "checksum")->valuestring, "0xfedcba9876543210");
    assert_int_equal(cJSON_GetObjectItem(j, "samples")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(j, "warmups")->valueint, 2);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "ci_available")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "ci_low_s")));
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "target_reached")));
    cJSON *e = cJSON_GetObjectItem(j, "env");
    assert_string_equal(cJSON_GetObjectItem(e, "cpu")->valuestring,
                        "CPU with \"quotes\", commas\tand tabs");
    assert_true(cJSON_GetObjectItem(e, "cores")->valueint >= 1);
    assert_true(cJSON_IsObject(cJSON_GetObjectItem(e, "vars")));
    cJSON_Delete(j);
    free(text);
}

/* Columns of one CSV line, empty ones included (strtok would skip them). */
static int split(char *line, char **cols, int max)
{
    int n = 0;
    line[strcspn(line, "\n")] = '\0';
    for (char *tok; n < max && (tok = strsep(&line, ",")) != NULL;)
        cols[n++] = tok;
    return n;
}

static void csv_has_header_and_one_row_of_equal_width(void **state)
{
    (void)state;
    struct par_result r;
    struct par_opts o;
    struct par_env env;
    make_result(&r, &o, &env);
    char *text = render(csv_with_header, &r);
    char *nl = strchr(text, '\n');
    assert_non_null(nl);
    *nl = '\0';
    char *hdr[64], *row[64];
    int nh = split(text, hdr, 64), nr = split(nl + 1, row, 64);
    assert_int_equal(nh, nr);
    for (int i = 0; i < nh; i++) {
        if (!strcmp(hdr[i], "workload")) assert_string_equal(row[i], "fib");
        if (!strcmp(hdr[i], "backend")) assert_string_equal(row[i], "omp");
        if (!strcmp(hdr[i], "k")) assert_string_equal(row[i], "4");
        if (!strcmp(hdr[i], "verified")) assert_string_equal(row[i], "true");
        if (!strcmp(hdr[i], "median_s")) assert_true(atof(row[i]) == 0.2);
        if (!strcmp(hdr[i], "samples")) assert_string_equal(row[i], "3");
        if (!strcmp(hdr[i], "ci_low_s")) assert_string_equal(row[i], "");
        if (!strcmp(hdr[i], "target_reached")) assert_string_equal(row[i], "false");
    }
    free(text);
}

static void failed_run_reports_error_and_not_verified(void **state)
{
    (void)state;
    struct par_result r;
    struct par_opts o;
    struct par_env env;
    make_result(&r, &o, &env);
    r.verified = 0;
    r.error = "item 3 of 4: fib(30) gave 1, expected 832040";
    char *text = render(par_report_json, &r);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "verified")));
    assert_string_equal(cJSON_GetObjectItem(j, "error")->valuestring, r.error);
    cJSON_Delete(j);
    free(text);
    text = render(par_report_text, &r);
    assert_non_null(strstr(text, "verified  NO: item 3 of 4"));
    free(text);
}

static void an_interval_is_reported_from_six_samples(void **state)
{
    (void)state;
    struct par_result r;
    struct par_opts o;
    struct par_env env;
    make_result(&r, &o, &env);
    static const double six[] = { 0.100, 0.101, 0.099, 0.100, 0.102, 0.098 };
    r.times = six;
    r.ntimes = 6;
    par_stats_compute(six, 6, &r.stats);
    par_median_ci(six, 6, PAR_CI_LEVEL, &r.ci);
    r.target_reached = 1;
    r.stop = "target";
    char *text = render(par_report_json, &r);
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "ci_available")));
    assert_true(cJSON_GetObjectItem(j, "ci_low_s")->valuedouble == 0.098);
    assert_true(cJSON_GetObjectItem(j, "ci_high_s")->valuedouble == 0.102);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "target_reached")));
    assert_string_equal(cJSON_GetObjectItem(j, "stop")->valuestring, "target");
    cJSON_Delete(j);
    free(text);
    text = render(par_report_text, &r);
    assert_non_null(strstr(text, "95% CI [0.098000, 0.102000]"));
    free(text);
    /* Three samples: the text says so instead of a +-. */
    r.times = times;
    r.ntimes = 3;
    par_median_ci(times, 3, PAR_CI_LEVEL, &r.ci);
    text = render(par_report_text, &r);
    assert_non_null(strstr(text, "CI not available (3 samples"));
    assert_null(strstr(text, "+-"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_record_has_every_key_with_right_values),
        cmocka_unit_test(csv_has_header_and_one_row_of_equal_width),
        cmocka_unit_test(failed_run_reports_error_and_not_verified),
        cmocka_unit_test(an_interval_is_reported_from_six_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
