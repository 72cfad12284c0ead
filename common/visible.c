/* Visible quoting of outside text (see visible.h). */
#include "visible.h"

#include <stdio.h>
#include <string.h>

char *par_visible(const char *s, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    if (!s)
        s = "(null)";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[5];
        unsigned char c = *p;
        if (c == '\n')
            strcpy(esc, "\\n");
        else if (c == '\r')
            strcpy(esc, "\\r");
        else if (c == '\t')
            strcpy(esc, "\\t");
        else if (c == '\\')
            strcpy(esc, "\\\\");
        else if (c < 0x20 || c >= 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", c);
        else {
            esc[0] = (char)c;
            esc[1] = '\0';
        }
        size_t k = strlen(esc);
        if (o + k + 4 > len) {  /* room for "..." and the NUL */
            if (o + 4 <= len)
                memcpy(buf + o, "...", 3), o += 3;
            break;
        }
        memcpy(buf + o, esc, k);
        o += k;
    }
    buf[o] = '\0';
    return buf;
}

const char *par_vis(const char *s)
{
    static _Thread_local char bufs[4][PAR_VISIBLE_MAX];
    static _Thread_local unsigned next;
    char *b = bufs[next++ % 4];
    return par_visible(s, b, PAR_VISIBLE_MAX);
}
