/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * init-startup N INIT...: how long a jail's init takes from fork to "ready".
 *
 * For each INIT program, N times (interleaved): fork, unshare(CLONE_NEWPID),
 * fork the namespace's pid 1 and exec INIT in it with fd 3 a pipe, and time
 * until INIT has written its 408-byte ready record (as lib/build.c's creator
 * waits for it).  Then the init is killed and waited for.  Prints median,
 * p10 and p90 per program in microseconds.  bench/run.sh --profile compares
 * the jail-init that pam_jail installs with bench/mini-init.c, which does the
 * same system calls without a C library's start-up.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/pidfd.h>
#include <sys/wait.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double once(const char *init)
{
	int ready[2], pid_pipe[2];
	char rec[408];
	pid_t a, b = 0;
	double t0, t;

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(pid_pipe, O_CLOEXEC) < 0)
		return -1;
	t0 = now_us();
	a = fork();
	if (a == 0) {
		if (unshare(CLONE_NEWPID) < 0)
			_exit(1);
		b = fork();
		if (b == 0) {
			char *argv[] = { (char *)"jail-init", (char *)"bench", NULL };
			char *envp[] = { NULL };

			dup2(ready[1], 3); /* dup2 clears close-on-exec */
			execve(init, argv, envp);
			_exit(127);
		}
		(void)!write(pid_pipe[1], &b, sizeof(b));
		_exit(0);
	}
	close(ready[1]);
	close(pid_pipe[1]);
	if (a < 0 || read(ready[0], rec, sizeof(rec)) != (ssize_t)sizeof(rec)) {
		fprintf(stderr, "init-startup: %s did not get ready\n", init);
		exit(1);
	}
	t = now_us() - t0;
	if (read(pid_pipe[0], &b, sizeof(b)) == (ssize_t)sizeof(b) && b > 0) {
		int pidfd = pidfd_open(b, 0);

		if (pidfd >= 0) {
			struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

			pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
			poll(&pfd, 1, 5000);
			close(pidfd);
		}
	}
	waitpid(a, NULL, 0);
	close(ready[0]);
	close(pid_pipe[0]);
	return t;
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, m = argc - 2;
	double *s;

	if (n <= 0) {
		fprintf(stderr, "usage: init-startup N INIT...\n");
		return 2;
	}
	s = calloc((size_t)n * (size_t)m, sizeof(*s));
	if (!s)
		return 1;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < m; j++)
			s[j * n + i] = once(argv[2 + j]);
	for (int j = 0; j < m; j++) {
		double *x = s + j * n;

		qsort(x, (size_t)n, sizeof(*x), cmp);
		printf("%-70s median %6.0f us  p10 %6.0f us  p90 %6.0f us\n", argv[2 + j], x[n / 2],
		       x[n / 10], x[(n * 9) / 10]);
	}
	return 0;
}
