/* Text for one cell of a Markdown table: a "|" would end the cell (and add
 * one to the row), a newline would end the row. */
#ifndef PAR_CMP_MDCELL_H
#define PAR_CMP_MDCELL_H

/* s with "|" escaped as "\|" and line breaks, tabs and other control
 * characters as spaces, in one of four rotating thread-local buffers of
 * 1024 bytes (cut short beyond): valid until the fourth call after. */
const char *par__md_cell(const char *s);

#endif
