/* Which declarations the shared libraries export.
 *
 * Every library is compiled with -fvisibility=hidden (C_VISIBILITY_PRESET in
 * cmake/ParLibrary.cmake), so a function or variable is visible outside its
 * .so only when its declaration says so. Rather than mark each declaration,
 * a public header brackets all of its declarations:
 *
 *     #ifndef PAR_POOL_H
 *     #define PAR_POOL_H
 *     #include "export.h"
 *     PAR_BEGIN_DECLS
 *     ... declarations ...
 *     PAR_END_DECLS
 *     #endif
 *
 * PAR_BEGIN_DECLS pushes default visibility (GCC and clang: the definition
 * in the .c file takes the visibility of the declaration it saw first) and,
 * in C++, opens extern "C"; PAR_END_DECLS undoes both. The pair nests, so a
 * public header may include another public header between them.
 *
 * How a new header opts in: (1) bracket its declarations as above; (2) list
 * it in its part's PUBLIC_HEADERS (par_library() in the part's
 * CMakeLists.txt), which installs it as <parcompare/NAME.h>. A public header
 * includes only other public headers, by their bare name ("future.h"), so
 * that the same text works in the source tree and under include/parcompare/.
 * Headers that stay private (pthread/mpmc.h, chan.h, ...) have no brackets:
 * their functions, named par__*, stay hidden inside the library that defines
 * them. tests/install checks with nm -D that no par__ symbol escapes.
 *
 * Static libraries are unaffected (visibility matters only to the dynamic
 * linker), and so are compilers without the pragma (they export everything,
 * as without -fvisibility=hidden). */
#ifndef PAR_EXPORT_H
#define PAR_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define PAR__VISIBILITY_PUSH _Pragma("GCC visibility push(default)")
#define PAR__VISIBILITY_POP _Pragma("GCC visibility pop")
#else
#define PAR__VISIBILITY_PUSH
#define PAR__VISIBILITY_POP
#endif

#ifdef __cplusplus
#define PAR_BEGIN_DECLS PAR__VISIBILITY_PUSH extern "C" {
#define PAR_END_DECLS } PAR__VISIBILITY_POP
#else
#define PAR_BEGIN_DECLS PAR__VISIBILITY_PUSH
#define PAR_END_DECLS PAR__VISIBILITY_POP
#endif

#endif
