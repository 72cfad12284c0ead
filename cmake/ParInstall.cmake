# What `cmake --install` puts under the prefix (GNUInstallDirs layout):
#   bin/                      poolmap, parmap, parcompare, fibserver
#   lib/                      libparcompare-<part>.a, or .so with SONAME (BUILD_SHARED_LIBS)
#   include/parcompare/       the public headers only (par_library PUBLIC_HEADERS)
#   lib/cmake/parcompare/     the CMake package: find_package(parcompare COMPONENTS ...)
#   lib/pkgconfig/            parcompare-<part>.pc
#   share/man/man1/           the programs' man pages (help2man, when found)
#   share/parcompare/python/  the CPython ports parcompare --python runs
#   share/doc/parcompare/     README and examples (Slurm scripts, a consumer project)
# Included by the top-level CMakeLists.txt after every part has been added.
include(CMakePackageConfigHelpers)

get_property(_par_libs GLOBAL PROPERTY PAR_LIBRARY_TARGETS)
set(_par_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/parcompare)

# ---- libraries and public headers ---------------------------------------------
install(TARGETS ${_par_libs} EXPORT parcompareTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  PUBLIC_HEADER DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/parcompare)

# ---- the CMake package ----------------------------------------------------------
set(PAR_PACKAGE_PARTS "")
foreach(t IN LISTS _par_libs)
  get_target_property(_part ${t} EXPORT_NAME)
  list(APPEND PAR_PACKAGE_PARTS ${_part})
endforeach()
get_property(PAR_MPI_NEEDS_OMP GLOBAL PROPERTY PAR_MPI_HAS_HYBRID)
if(NOT PAR_MPI_NEEDS_OMP)
  set(PAR_MPI_NEEDS_OMP FALSE)
endif()
install(EXPORT parcompareTargets NAMESPACE parcompare:: DESTINATION ${_par_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/parcompareConfig.cmake.in
  ${PROJECT_BINARY_DIR}/parcompareConfig.cmake INSTALL_DESTINATION ${_par_cmake_dir})
# 0.x: a minor release may break the API, so 0.2 accepts 0.2.* only.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/parcompareConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/parcompareConfig.cmake
              ${PROJECT_BINARY_DIR}/parcompareConfigVersion.cmake
        DESTINATION ${_par_cmake_dir})

# ---- pkg-config: one module per part, relocatable (${pcfiledir}) ---------------
set(_par_pc_desc_common  "back-end contract, kernels, workloads, driver and statistics")
set(_par_pc_desc_pthread "thread pool with futures, executor map, queues, sync primitives")
set(_par_pc_desc_proc    "fork-based process pool with futures and map")
set(_par_pc_desc_coro    "generators, round-robin and I/O-wait schedulers")
set(_par_pc_desc_omp     "the OpenMP back end")
set(_par_pc_desc_mpi     "the MPI back end")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PAR_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  # libdir/pkgconfig back up to the prefix: one ".." per path component.
  string(REGEX REPLACE "[^/]+" ".." _up "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
  set(PAR_PC_PREFIX "\${pcfiledir}/${_up}")
endif()
foreach(_d LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_d}}")
    set(PAR_PC_${_d} "${CMAKE_INSTALL_${_d}}")
  else()
    set(PAR_PC_${_d} "\${prefix}/${CMAKE_INSTALL_${_d}}")
  endif()
endforeach()
foreach(t IN LISTS _par_libs)
  get_target_property(PAR_PC_PART ${t} EXPORT_NAME)
  get_target_property(_reqp ${t} PAR_PKG_REQUIRES_PRIVATE)
  get_target_property(_libsp ${t} PAR_PKG_LIBS_PRIVATE)
  string(REPLACE ";" " " PAR_PC_REQUIRES_PRIVATE "${_reqp}")
  string(REPLACE ";" " " PAR_PC_LIBS_PRIVATE "${_libsp}")
  set(PAR_PC_REQUIRES "")
  if(NOT PAR_PC_PART STREQUAL "common")
    set(PAR_PC_REQUIRES "parcompare-common = ${PROJECT_VERSION}")
  endif()
  set(PAR_PC_DESCRIPTION "${_par_pc_desc_${PAR_PC_PART}}")
  configure_file(${CMAKE_CURRENT_LIST_DIR}/parcompare-part.pc.in
                 ${PROJECT_BINARY_DIR}/pkgconfig/parcompare-${PAR_PC_PART}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/parcompare-${PAR_PC_PART}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()

# ---- programs ---------------------------------------------------------------------
# PAR_PACKAGE_PARTS (above) and PAR_INSTALLED_PROGRAMS: what this
# configuration installs (tests/install checks exactly these).
set(PAR_INSTALLED_PROGRAMS "")
foreach(p poolmap parmap parcompare fibserver)
  if(TARGET ${p})
    list(APPEND PAR_INSTALLED_PROGRAMS ${p})
  endif()
endforeach()
install(TARGETS ${PAR_INSTALLED_PROGRAMS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# Helper programs parcompare runs but users do not (GNU's libexec): the
# overhead suite. parcompare finds it from its own folder through
# PAR_LIBEXEC_FROM_BIN (apps/parcompare/CMakeLists.txt), a relative path, so
# a moved prefix still works. PAR_INSTALLED_HELPERS: for tests/install.
set(PAR_INSTALLED_HELPERS "")
if(TARGET bench_overhead AND TARGET parcompare)
  list(APPEND PAR_INSTALLED_HELPERS bench_overhead)
  install(TARGETS bench_overhead RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/parcompare)
  if(DEFINED _par_bin_to_lib)   # our relative run path (ParLibrary.cmake), from libexec
    file(RELATIVE_PATH _par_helper_to_lib ${CMAKE_INSTALL_FULL_LIBEXECDIR}/parcompare
         ${CMAKE_INSTALL_FULL_LIBDIR})
    set_target_properties(bench_overhead PROPERTIES INSTALL_RPATH "$ORIGIN/${_par_helper_to_lib}")
  endif()
endif()
# parcompare --python finds these beside itself (../share/parcompare/python).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/bench/python/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/parcompare/python FILES_MATCHING PATTERN "*.py")

# ---- man pages, section 1, from each program's --help and --version -----------
find_program(PAR_HELP2MAN help2man)
if(PAR_HELP2MAN)
  set(_par_man_name_poolmap    "map a kernel over items with threads, OpenMP or serially")
  set(_par_man_name_parmap     "map a kernel over items with processes or MPI ranks")
  set(_par_man_name_parcompare "compare threads, OpenMP and MPI processes on this machine")
  set(_par_man_name_fibserver  "the select-based fib server, on coroutines or a thread pool")
  set(_par_man_pages "")
  foreach(p IN LISTS PAR_INSTALLED_PROGRAMS)
    set(_page ${PROJECT_BINARY_DIR}/man/${p}.1)
    # Sanitizer builds run the program too: a leak report at exit must not
    # fail the build of a manual page.
    add_custom_command(OUTPUT ${_page}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=0
              ${PAR_HELP2MAN} --no-info --section=1 --name=${_par_man_name_${p}}
              --output=${_page} $<TARGET_FILE:${p}>
      DEPENDS ${p}
      COMMENT "help2man: ${p}.1"
      VERBATIM)
    list(APPEND _par_man_pages ${_page})
  endforeach()
  add_custom_target(par_man_pages ALL DEPENDS ${_par_man_pages})
  install(FILES ${_par_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "parcompare: man pages not built: help2man was not found "
                 "(install help2man, or run scripts/install-deps.sh)")
endif()

# ---- documentation and examples -----------------------------------------------
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/bench/slurm/
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/slurm)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tests/install/consumer/
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/consumer)
