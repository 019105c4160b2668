/* guard init and guard doctor: setting up and checking a repository. */
#ifndef GUARD_INIT_H
#define GUARD_INIT_H

/* Verbs of guard's table: 0 or a negative GUARD_E*. */
int cmd_init(int argc, char **argv);
int cmd_doctor(int argc, char **argv);

/* The project root above the current directory (told on stderr when there is no .git), malloc'd; NULL on error. */
char *init_find_root(void);

#endif
