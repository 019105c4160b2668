/* guard init and guard doctor: setting up and checking a repository. */
#ifndef GUARD_INIT_H
#define GUARD_INIT_H

int guard_cmd_init(int argc, char **argv);
int guard_cmd_doctor(int argc, char **argv);

#endif
