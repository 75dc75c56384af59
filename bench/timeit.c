/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * timeit OUT LABEL TIMEOUT_S [-m MARK] CMD [ARGS...]
 *
 * Runs CMD and appends "LABEL<TAB>total_ns<TAB>mark_ns<TAB>exit status" to
 * OUT.  The clock (CLOCK_MONOTONIC) starts right before fork and stops when
 * waitpid returns, so the only overhead is one fork+exec, the same for every
 * variant measured.  With -m, CMD's stderr is read through a pipe and mark_ns
 * is the time at which the first line containing MARK arrived (0 if none);
 * the other lines are passed on to our stderr.  For ssh with -o
 * LogLevel=VERBOSE and MARK "Authenticated to", total - mark is the part of
 * the login after authentication: where a PAM session module and the
 * session itself act.  CMD is killed after TIMEOUT_S seconds (status 124).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	const char *mark = NULL;
	int64_t t0, t1, tmark = 0;
	int status, rc, argi = 4, pfd[2] = { -1, -1 };
	FILE *out;

	if (argc >= 7 && strcmp(argv[4], "-m") == 0) {
		mark = argv[5];
		argi = 6;
	}
	if (argc <= argi) {
		fprintf(stderr, "usage: timeit OUT LABEL TIMEOUT_S [-m MARK] CMD [ARGS...]\n");
		return 2;
	}
	sigaction(SIGALRM, &sa, NULL);
	if (mark && pipe(pfd) < 0) {
		perror("timeit: pipe");
		return 1;
	}
	t0 = now_ns();
	child = fork();
	if (child < 0) {
		perror("timeit: fork");
		return 1;
	}
	if (child == 0) {
		if (mark) {
			dup2(pfd[1], 2);
			close(pfd[0]);
			close(pfd[1]);
		}
		execvp(argv[argi], argv + argi);
		perror("timeit: exec");
		_exit(127);
	}
	alarm((unsigned)atoi(argv[3]));
	if (mark) {
		char line[4096];
		FILE *err;

		close(pfd[1]);
		err = fdopen(pfd[0], "r");
		while (err && fgets(line, sizeof(line), err)) {
			if (!tmark && strstr(line, mark))
				tmark = now_ns();
			else if (!strstr(line, "Transferred: ") &&
				 !strstr(line, "Bytes per second"))
				fputs(line, stderr);
		}
		if (err)
			fclose(err);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			perror("timeit: waitpid");
			return 1;
		}
	t1 = now_ns();
	alarm(0);
	if (WIFSIGNALED(status))
		rc = WTERMSIG(status) == SIGKILL ? 124 : 128 + WTERMSIG(status);
	else
		rc = WEXITSTATUS(status);
	out = fopen(argv[1], "ae");
	if (!out) {
		perror("timeit: output");
		return 1;
	}
	fprintf(out, "%s\t%lld\t%lld\t%d\n", argv[2], (long long)(t1 - t0),
		(long long)(tmark ? tmark - t0 : 0), rc);
	if (fclose(out) != 0)
		return 1;
	return rc;
}
