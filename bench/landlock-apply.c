/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/landlock-apply.c: what jail_landlock_scope() costs one process, as
 * jailsh and the module pay it at every login with landlock = "auto": the
 * ABI query, landlock_create_ruleset() with the abstract-socket scope and
 * landlock_restrict_self(), timed in 2000 fresh children (no_new_privs set
 * first, as in the real callers).  Needs Landlock ABI >= 6.
 *   cc -O2 -o /tmp/landlock-apply bench/landlock-apply.c && /tmp/landlock-apply
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define N 2000

struct ruleset_attr_v6 {
	uint64_t handled_access_fs, handled_access_net, scoped;
};

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

int main(void)
{
	static double v[N];

	for (int i = 0; i < N; i++) {
		int p[2];
		pid_t c;

		if (pipe(p) < 0)
			return 1;
		c = fork();
		if (c == 0) {
			struct ruleset_attr_v6 attr = { .scoped = 1 /* abstract unix sockets */ };
			double t0, d;
			long abi, r;
			int fd;

			(void)prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			(void)now_us();
			t0 = now_us();
			abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1U);
			fd = (int)syscall(444, &attr, sizeof(attr), 0);
			r = syscall(446 /* landlock_restrict_self */, fd, 0);
			close(fd);
			d = now_us() - t0;
			if (abi < 6 || fd < 0 || r < 0)
				_exit(1);
			_exit(write(p[1], &d, sizeof(d)) == sizeof(d) ? 0 : 1);
		}
		if (c < 0 || read(p[0], &v[i], sizeof(v[i])) != sizeof(v[i])) {
			fprintf(stderr, "landlock-apply: no Landlock ABI 6 here, or fork failed\n");
			return 1;
		}
		close(p[0]);
		close(p[1]);
		waitpid(c, NULL, 0);
	}
	qsort(v, N, sizeof(v[0]), cmp);
	printf("landlock scope apply: median %.1f us, p90 %.1f us over %d processes\n", v[N / 2],
	       v[N * 9 / 10], N);
	return 0;
}
