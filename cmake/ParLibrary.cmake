# par_library(): makes one part's library (par_common, par_pthread, ...) an
# installable library. Each part's CMakeLists.txt creates its target with
# add_library(par_<part> <sources>) (no STATIC/SHARED: BUILD_SHARED_LIBS
# decides) and then calls
#
#   par_library(par_<part> PART <part>
#               PUBLIC_HEADERS <headers installed as <parcompare/NAME.h>>
#               [PKG_REQUIRES_PRIVATE <pkg-config modules>]
#               [PKG_LIBS_PRIVATE <link flags>])
#
# which gives the library its installed name (libparcompare-<part>.a, or
# .so.<version> with SONAME libparcompare-<part>.so.<SOVERSION>), hides every
# symbol its public headers do not bracket (common/export.h), names it
# parcompare::<part> (the same name the installed CMake package exports), and
# records what cmake/ParInstall.cmake needs to install it and to write its
# pkg-config file. Headers not listed stay private: never installed, their
# symbols never exported from a shared library.
include(GNUInstallDirs)

# 0.x: every minor release may break the ABI, so the SONAME carries major.minor
# (libparcompare-pthread.so.0.2); from 1.0 on, the major version alone.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(PAR_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
  set(PAR_SOVERSION ${PROJECT_VERSION_MAJOR})
endif()

# Installed programs and libraries find the shared libraries they link
# relative to themselves, so a prefix can be moved (or be ~/.local) without
# LD_LIBRARY_PATH. Static builds (the default) need no run path.
if(BUILD_SHARED_LIBS AND NOT DEFINED CMAKE_INSTALL_RPATH)
  file(RELATIVE_PATH _par_bin_to_lib ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR})
  set(CMAKE_INSTALL_RPATH "$ORIGIN/${_par_bin_to_lib};$ORIGIN")
endif()

function(par_library target)
  cmake_parse_arguments(L "" "PART" "PUBLIC_HEADERS;PKG_REQUIRES_PRIVATE;PKG_LIBS_PRIVATE"
                        ${ARGN})
  if(NOT L_PART)
    message(FATAL_ERROR "par_library(${target}): PART is required")
  endif()
  # Public headers are included as <parcompare/NAME.h> once installed; in the
  # build tree the part's folder is on the include path (private headers too).
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  list(TRANSFORM L_PUBLIC_HEADERS PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/)
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME parcompare-${L_PART}
    EXPORT_NAME ${L_PART}
    VERSION ${PROJECT_VERSION}
    SOVERSION ${PAR_SOVERSION}
    C_VISIBILITY_PRESET hidden
    PUBLIC_HEADER "${L_PUBLIC_HEADERS}"
    PAR_PKG_REQUIRES_PRIVATE "${L_PKG_REQUIRES_PRIVATE}"
    PAR_PKG_LIBS_PRIVATE "${L_PKG_LIBS_PRIVATE}")
  add_library(parcompare::${L_PART} ALIAS ${target})
  set_property(GLOBAL APPEND PROPERTY PAR_LIBRARY_TARGETS ${target})
endfunction()
