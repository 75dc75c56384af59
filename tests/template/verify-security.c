/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Runs jail_template_verify_security() on DIR the way the jail builder
 * would (the fd from jail_template_resolve()); prints the error, exits 1 on
 * -EPERM, 2 on any other error.  With --cache STATE_DIR INTERVAL it runs
 * jail_template_verify_cached() instead (the builder's call) and says
 * whether it walked the template or trusted the cache; with --refresh
 * STATE_DIR, jail_template_verify_refresh() (`jailctl check`); with --gc
 * STATE_DIR INTERVAL, jail_template_cache_gc() (`jailctl gc`).  Used by
 * tests/template/run.sh. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jail/path.h"
#include "jail/template.h"

int main(int argc, char **argv)
{
	struct jail_error err = { 0 };
	const char *dir, *state = NULL, *how = "";
	unsigned interval = 0;
	bool walked = true, refresh = false;
	int fd, sfd = -1, r;

	if (argc == 5 && strcmp(argv[1], "--cache") == 0) {
		state = argv[2];
		interval = (unsigned)strtoul(argv[3], NULL, 10);
		dir = argv[4];
	} else if (argc == 4 && strcmp(argv[1], "--refresh") == 0) {
		state = argv[2];
		refresh = true;
		dir = argv[3];
	} else if (argc == 4 && strcmp(argv[1], "--gc") == 0) {
		/* jail_template_cache_gc(STATE_DIR, INTERVAL): prints the count */
		sfd = jail_state_dir_open(argv[2], &err);
		if (sfd < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
		r = jail_template_cache_gc(sfd, (unsigned)strtoul(argv[3], NULL, 10));
		printf("%d\n", r);
		return r < 0 ? 2 : 0;
	} else if (argc == 2)
		dir = argv[1];
	else {
		fprintf(stderr,
			"usage: %s [--cache STATE_DIR INTERVAL | --refresh STATE_DIR] DIR | --gc "
			"STATE_DIR INTERVAL\n",
			argv[0]);
		return 2;
	}
	{
		struct jail_template_gen g;

		r = jail_template_resolve(dir, &g, &err);
		if (r < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
		fd = g.fd;
	}
	if (state) {
		sfd = jail_state_dir_open(state, &err);
		if (sfd < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 2;
		}
	}
	if (refresh)
		r = jail_template_verify_refresh(fd, dir, sfd, &err);
	else if (state)
		r = jail_template_verify_cached(fd, dir, sfd, interval, &walked, &err);
	else
		r = jail_template_verify_security(fd, dir, &err);
	if (state && !refresh)
		how = walked ? " (walked)" : " (cached)";
	close(fd);
	if (sfd >= 0)
		close(sfd);
	if (r < 0) {
		printf("%s (%s)%s\n", err.msg, strerror(-r), how);
		return r == -EPERM ? 1 : 2;
	}
	printf("secure%s\n", how);
	return 0;
}
