# The cluster tests of the distributed application pieces (placement in the
# record, the hybrid back end, pingpong, parcompare --nodes), included by
# tests/cluster/CMakeLists.txt after par_cluster_test and the par_cluster
# fixture are defined: they run on the shared 2-node cluster.
foreach(t placement_two_nodes hybrid_two_nodes pingpong_two_nodes parcompare_nodes)
  par_cluster_test(cluster_${t} ${t}.sh 600)
  set_tests_properties(cluster_${t} PROPERTIES FIXTURES_REQUIRED par_cluster)
endforeach()
