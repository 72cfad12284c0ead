/* Text from outside (arguments, environment values, file names) made safe to
 * quote in a one-line message: control characters, DEL and bytes that are
 * not printable ASCII become visible escapes (\n, \r, \t, \xNN), and a
 * backslash becomes "\\", so that a value can neither hide a character (the
 * CR of a CRLF env file) nor break a message into lines. */
#ifndef PAR_VISIBLE_H
#define PAR_VISIBLE_H
#include "export.h"
PAR_BEGIN_DECLS

#include <stddef.h>

/* Writes the visible form of s into buf (len bytes, NUL-terminated; cut
 * short with "..." when it does not fit) and returns buf. s may be NULL
 * ("(null)"). Thread-safe. */
char *par_visible(const char *s, char *buf, size_t len);

/* par_visible into one of a few rotating thread-local buffers of
 * PAR_VISIBLE_MAX bytes, for use inside one printf-style call (up to four
 * values per call). */
#define PAR_VISIBLE_MAX 256
const char *par_vis(const char *s);

PAR_END_DECLS
#endif
