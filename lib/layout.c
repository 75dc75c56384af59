/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STATE_DIR's layout (include/jail/layout.h): the path builder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "jail/layout.h"
#include "jail/path.h"

int jail_state_path(char *buf, size_t size, const char *dir, const char *user, const char *leaf)
{
	int ld = (int)strlen(dir), n;

	while (ld > 0 && dir[ld - 1] == '/')
		ld--;
	n = snprintf(buf, size, "%.*s/%s%s%s", ld, dir, user, leaf && *leaf ? "/" : "",
		     leaf ? leaf : "");
	if (!jail_name_valid(user))
		return -EINVAL;
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
