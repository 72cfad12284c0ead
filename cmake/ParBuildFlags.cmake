# par_flags: an INTERFACE target carrying the project's compile and link flags.
# Every target links it; nothing is set directory-wide.
add_library(par_flags INTERFACE)
target_compile_features(par_flags INTERFACE c_std_11)
# C11 + POSIX 2008 (XSI for ucontext and mutex types); _DEFAULT_SOURCE for
# getopt_long and the BSD socket helpers glibc hides under strict -std=c11.
target_compile_definitions(par_flags INTERFACE _XOPEN_SOURCE=700 _DEFAULT_SOURCE)
target_compile_options(par_flags INTERFACE -Wall -Wextra -Werror)
# Debug builds use error-checking mutexes (see pthread/sync_internal.h).
target_compile_definitions(par_flags INTERFACE $<$<CONFIG:Debug>:PAR_DEBUG=1>)

if(PAR_SANITIZE STREQUAL "address")
  set(_par_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
elseif(PAR_SANITIZE STREQUAL "thread")
  set(_par_san -fsanitize=thread -fno-omit-frame-pointer)
elseif(NOT PAR_SANITIZE STREQUAL "")
  message(FATAL_ERROR "PAR_SANITIZE must be empty, 'address' or 'thread', not '${PAR_SANITIZE}'")
endif()
if(_par_san)
  target_compile_options(par_flags INTERFACE ${_par_san})
  target_link_options(par_flags INTERFACE ${_par_san})
  target_compile_definitions(par_flags INTERFACE PAR_SANITIZE_${PAR_SANITIZE}=1)
endif()

# The flags a program reports in its environment record.
string(TOUPPER "${CMAKE_BUILD_TYPE}" _par_bt)
string(STRIP "${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${_par_bt}} ${_par_san}" PAR_REPORTED_FLAGS)
string(REPLACE ";" " " PAR_REPORTED_FLAGS "${PAR_REPORTED_FLAGS}")
