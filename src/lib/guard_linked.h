#ifndef GUARD_LINKED_H
#define GUARD_LINKED_H

#include "guard_list.h"

/*
 * The archives a program was linked with, as the build recorded them
 * (Makefile GIT_ARCHIVES: "PATH SIZE MTIME\n" each), against the files
 * as they are now. Each archive that is missing or whose size or time
 * differs is added to changed as "PATH (the file of DATE)". Returns how
 * many changed, or -1 (guard_error set) when the record is malformed.
 */
int guard_linked_changed(const char *record, struct guard_list *changed);

#endif
