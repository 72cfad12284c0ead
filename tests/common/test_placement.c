/* Placement from injected host names (no MPI needed): node counts, ranks per
 * node even and uneven, names that fill their stride, the cap on names kept,
 * and the record's JSON (parsed back), CSV and text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "placement.h"

#define STRIDE 16

/* names[] of `n` ranks from a NULL-free list of C strings. */
static char *pack(const char *const *list, int n)
{
    char *names = calloc((size_t)n, STRIDE);
    assert_non_null(names);
    for (int i = 0; i < n; i++)
        memcpy(names + (size_t)i * STRIDE, list[i], strnlen(list[i], STRIDE));
    return names;
}

static char *capture(void (*w)(FILE *, const struct par_placement *), const struct par_placement *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    w(f, p);
    fclose(f);
    return buf;
}

static void two_ranks_on_two_nodes_are_two_nodes(void **state)
{
    (void)state;
    const char *list[] = { "node1", "node2" };
    char *names = pack(list, 2);
    struct par_placement p;
    assert_int_equal(par_placement_from_names(&p, names, STRIDE, 2, 1), 0);
    assert_int_equal(p.nodes, 2);
    assert_int_equal(p.ranks, 2);
    assert_int_equal(p.ranks_per_node_min, 1);
    assert_int_equal(p.ranks_per_node_max, 1);
    assert_string_equal(p.hosts[0], "node1");
    assert_string_equal(p.hosts[1], "node2");
    char buf[128];
    assert_string_equal(par_placement_summary(&p, buf, sizeof buf),
                        "2 nodes x 1 rank per node");
    free(names);
}

static void uneven_ranks_keep_first_rank_order(void **state)
{
    (void)state;
    /* 5 ranks round-robin-ish: b a b b a -> b has 3, a has 2. */
    const char *list[] = { "b", "a", "b", "b", "a" };
    char *names = pack(list, 5);
    struct par_placement p;
    assert_int_equal(par_placement_from_names(&p, names, STRIDE, 5, 3), 0);
    assert_int_equal(p.nodes, 2);
    assert_string_equal(p.hosts[0], "b");
    assert_int_equal(p.host_ranks[0], 3);
    assert_string_equal(p.hosts[1], "a");
    assert_int_equal(p.host_ranks[1], 2);
    assert_int_equal(p.ranks_per_node_min, 2);
    assert_int_equal(p.ranks_per_node_max, 3);
    assert_int_equal(par_placement_ranks_on_node(names, STRIDE, 5, 1), 2);
    assert_int_equal(par_placement_ranks_on_node(names, STRIDE, 5, 2), 3);
    assert_int_equal(par_placement_ranks_on_node(names, STRIDE, 5, 5), 0);
    char buf[128];
    assert_string_equal(par_placement_summary(&p, buf, sizeof buf),
                        "2 nodes x 2-3 ranks per node x 3 threads");
    free(names);
}

static void names_filling_the_stride_are_compared_whole(void **state)
{
    (void)state;
    /* Exactly STRIDE bytes, no NUL: differ only in the last byte. */
    char names[3 * STRIDE];
    memset(names, 'x', sizeof names);
    names[STRIDE - 1] = '1';
    names[2 * STRIDE - 1] = '2';
    names[3 * STRIDE - 1] = '1';
    struct par_placement p;
    assert_int_equal(par_placement_from_names(&p, names, STRIDE, 3, 1), 0);
    assert_int_equal(p.nodes, 2);
    assert_int_equal(p.host_ranks[0], 2);
    assert_int_equal((int)strlen(p.hosts[0]), STRIDE);
}

static void more_nodes_than_kept_names_still_count(void **state)
{
    (void)state;
    int n = PAR_PLACEMENT_MAX_HOSTS + 6;
    char *names = calloc((size_t)n, STRIDE);
    assert_non_null(names);
    for (int i = 0; i < n; i++)
        snprintf(names + (size_t)i * STRIDE, STRIDE, "n%d", i);
    struct par_placement p;
    assert_int_equal(par_placement_from_names(&p, names, STRIDE, n, 1), 0);
    assert_int_equal(p.nodes, n);
    assert_int_equal(p.nhosts, PAR_PLACEMENT_MAX_HOSTS);
    char *text = capture(par_placement_text, &p);
    assert_non_null(strstr(text, "... 6 more"));
    free(text);
    free(names);
}

static void bad_arguments_are_refused(void **state)
{
    (void)state;
    struct par_placement p;
    char names[STRIDE] = "a";
    assert_int_equal(par_placement_from_names(&p, NULL, STRIDE, 1, 1), -1);
    assert_int_equal(par_placement_from_names(&p, names, 0, 1, 1), -1);
    assert_int_equal(par_placement_from_names(&p, names, STRIDE, 0, 1), -1);
    assert_int_equal(par_placement_from_names(&p, names, STRIDE, 1, 0), -1);
    assert_int_equal(p.nodes, 0);
}

static void the_record_says_it_in_json_csv_and_text(void **state)
{
    (void)state;
    const char *list[] = { "node1", "node2", "node1", "no,de\"3" };
    char *names = pack(list, 4);
    struct par_placement p;
    assert_int_equal(par_placement_from_names(&p, names, STRIDE, 4, 2), 0);

    char *json = capture(par_placement_json, &p);
    assert_int_equal(json[0], ',');
    char obj[1024];
    snprintf(obj, sizeof obj, "{\"x\":0%s}", json);
    cJSON *j = cJSON_Parse(obj);
    assert_non_null(j);
    cJSON *pl = cJSON_GetObjectItem(j, "placement");
    assert_int_equal(cJSON_GetObjectItem(pl, "nodes")->valueint, 3);
    assert_int_equal(cJSON_GetObjectItem(pl, "ranks")->valueint, 4);
    assert_int_equal(cJSON_GetObjectItem(pl, "ranks_per_node_max")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(pl, "ranks_per_node_min")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(pl, "threads_per_rank")->valueint, 2);
    cJSON *hosts = cJSON_GetObjectItem(pl, "hosts");
    assert_int_equal(cJSON_GetArraySize(hosts), 3);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(hosts, 2), "host")->valuestring,
                        "no,de\"3");
    cJSON_Delete(j);
    free(json);

    char *csv = capture(par_placement_csv, &p);
    assert_string_equal(csv, ",3,1-2,2,\"node1:2;node2:1;no,de\"\"3:1\"");
    free(csv);

    char *text = capture(par_placement_text, &p);
    assert_string_equal(text, "  placement 3 nodes x 1-2 ranks per node x 2 threads: node1 (2), "
                              "node2 (1), no,de\"3 (1)\n");
    free(text);

    /* Not an MPI run. */
    char *none = capture(par_placement_json, NULL);
    assert_string_equal(none, ",\"placement\":null");
    free(none);
    char *nocsv = capture(par_placement_csv, NULL);
    assert_string_equal(nocsv, ",,,,");
    free(nocsv);
    char *notext = capture(par_placement_text, NULL);
    assert_string_equal(notext, "");
    free(notext);
    free(names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_ranks_on_two_nodes_are_two_nodes),
        cmocka_unit_test(uneven_ranks_keep_first_rank_order),
        cmocka_unit_test(names_filling_the_stride_are_compared_whole),
        cmocka_unit_test(more_nodes_than_kept_names_still_count),
        cmocka_unit_test(bad_arguments_are_refused),
        cmocka_unit_test(the_record_says_it_in_json_csv_and_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
