/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What entering a jail costs a login (issue 16, 2): times, in N fresh
 * children of a process that holds USER's jail, either one setns() of all
 * the jail's namespaces on the init's pidfd ("setns": what a login paid when
 * it joined the jail's own mount namespace) or jail_enter() with CLONE_NEWNS
 * ("login": the login's own mount namespace with the jail's tree in it).
 * Not part of `make bench`; build it against the library:
 *   cc -std=gnu11 -D_GNU_SOURCE -O2 -Iinclude -Ibuild -o login-ns bench/login-ns.c \
 *      build/libjail.a $(pkg-config --libs libconfuse libcap-ng libseccomp)
 *   login-ns CONFIG JAIL_INIT USER N setns|login
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "jail/config.h"
#include "jail/jail.h"
#include "jail/user.h"

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct jail_config *c = NULL;
	struct jail_user *u = NULL;
	struct jail_error e = { 0 };
	const struct jail_template *t;
	struct jail_handle h;
	double *s;
	bool login;
	int n;

	if (argc != 6 || (n = atoi(argv[4])) <= 0) {
		fprintf(stderr, "usage: login-ns CONFIG JAIL_INIT USER N setns|login\n");
		return 2;
	}
	login = strcmp(argv[5], "login") == 0;
	s = calloc((size_t)n, sizeof(*s));
	if (!s || jail_config_load(argv[1], 0, &c, &e) < 0 ||
	    jail_user_lookup(argv[3], &u, &e) < 0) {
		fprintf(stderr, "login-ns: %s\n", e.msg);
		return 1;
	}
	t = jail_config_match(c, u->name, u->group_names, u->n_group_names, NULL, NULL);
	if (!t || jail_acquire(c, t, u, argv[2], &h, &e) < 0) {
		fprintf(stderr, "login-ns: %s\n", t ? e.msg : "the config does not jail the user");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		int p[2];
		pid_t pid;

		if (pipe(p) < 0 || (pid = fork()) < 0)
			return 1;
		if (pid == 0) {
			double t0 = now_us(), d;
			int r = login ? jail_enter(c, &h,
						   CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
							   CLONE_NEWNET,
						   &e)
				      : setns(h.pidfd, h.ns_flags);

			d = now_us() - t0;
			if (r < 0) {
				fprintf(stderr, "login-ns: %s\n",
					e.msg[0] ? e.msg : "setns failed");
				_exit(1);
			}
			_exit(write(p[1], &d, sizeof(d)) == sizeof(d) ? 0 : 1);
		}
		close(p[1]);
		if (read(p[0], &s[i], sizeof(s[i])) != sizeof(s[i]))
			return 1;
		close(p[0]);
		waitpid(pid, NULL, 0);
	}
	qsort(s, (size_t)n, sizeof(*s), cmp);
	printf("%s: n=%d median %.1f us p90 %.1f us\n", argv[5], n, s[n / 2], s[(n * 9) / 10]);
	(void)jail_release(&h, NULL, NULL);
	jail_config_free(c);
	jail_user_free(u);
	free(s);
	return 0;
}
