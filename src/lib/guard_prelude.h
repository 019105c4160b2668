/*
 * Force-included before every translation unit (-include): the common
 * system headers first, then banned.h, so a banned call anywhere is a
 * compile error while the system declarations stay intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include "banned.h"
