/* Footguns turned into compile errors, after git's banned.h. */
#ifndef GUARD_BANNED_H
#define GUARD_BANNED_H

#define BANNED(func) sorry_##func##_is_banned_in_guard

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gets
#define gets(x) BANNED(gets)

#endif
