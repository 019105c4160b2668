/*
 * What earlier parts of a line leave about variable names and folders
 * for later ones (guard_risk_envname.c, guard_risk_cd.c): made by the
 * outermost state, shared by nested and quiet ones.
 */
#ifndef GUARD_RISK_VARS_H
#define GUARD_RISK_VARS_H

#include <stdbool.h>

#include "guard_list.h"

#define RISK_MAX_DIRSTACK 16

struct risk_line_vars {
	struct guard_list refs;  /* "NAME\x1fTARGET" of declare -n NAME=TARGET (TARGET "": not known) */
	char *cdpath;            /* CDPATH given on the line (exported, assigned, or in front of cd), or NULL */
	bool cdable_vars;        /* shopt -s cdable_vars on the line */
	char *oldpwd;            /* $OLDPWD: the folder the last cd left (NULL: not known) */
	/* pushd's stack below the current folder, top first; NULL entries and
	   whatever lies below the ones the line pushed are not known */
	char *stack[RISK_MAX_DIRSTACK];
	size_t nstack;
	/* parses whose sh->sets were rated (risk_line_sets): once each */
	const void *sets_rated[8];
	size_t nsets_rated;
};

#endif
