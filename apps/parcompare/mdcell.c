#include "mdcell.h"

#include <stddef.h>

#define CELL_MAX 1024

const char *par__md_cell(const char *s)
{
    static _Thread_local char bufs[4][CELL_MAX];
    static _Thread_local unsigned next;
    char *b = bufs[next++ % 4];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && o + 3 < CELL_MAX;
         p++) {
        if (*p == '|') {
            b[o++] = '\\';
            b[o++] = '|';
        } else {
            b[o++] = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
        }
    }
    b[o] = '\0';
    return b;
}
