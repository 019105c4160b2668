/*
 * Glob matching for paths and names.
 *   *    any run of characters except '/'
 *   **   as a whole path segment: any run of characters, '/' included;
 *        "**" followed by '/' also matches the empty string ("**" + "/"
 *        matches "a/b/", and "", so "**" + "/.env" matches ".env")
 *   ?    one character except '/'
 *   [..] a class ([a-z], [!x] or [^x])
 *   {a,b} alternatives (not nested)
 *   \x   a literal x
 * A pattern with no '/' matches the last segment of the path (like
 * .gitignore): "*.pem" matches "keys/a.pem". A leading "~/" stands for
 * the home directory passed in.
 */
#ifndef GUARD_GLOB_H
#define GUARD_GLOB_H

#include <stdbool.h>

/* Match a whole string (no basename rule, no "~"): tool names, hosts. */
bool guard_glob_match(const char *pattern, const char *s);

/* Match a path with the basename and "~/" rules above; home may be NULL. */
bool guard_glob_match_path(const char *pattern, const char *path, const char *home);

#endif
