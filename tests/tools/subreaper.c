/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * subreaper CMD [ARGS...]: runs CMD as a child subreaper that reaps every
 * orphan below it, and exits with CMD's status.
 *
 * pam_jail's jail-init processes are orphans by design (their creator is a
 * short-lived child); a real init (systemd, sysvinit, tini) reaps them when
 * they end.  The PID 1 of the CI machines does not reap orphans, so the test
 * suite and the demo run under this stand-in for a real init.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	pid_t main_pid, pid;
	int status, ret = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: subreaper CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("subreaper: PR_SET_CHILD_SUBREAPER");
		return 1;
	}
	main_pid = fork();
	if (main_pid < 0) {
		perror("subreaper: fork");
		return 1;
	}
	if (main_pid == 0) {
		execvp(argv[1], argv + 1);
		perror("subreaper: exec");
		_exit(127);
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: nothing left */
		}
		if (pid == main_pid) {
			ret = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			/* keep reaping whatever the main command left for a moment */
			break;
		}
	}
	/* reap the rest that is already dead, without waiting on live ones */
	while (waitpid(-1, &status, WNOHANG) > 0)
		;
	return ret;
}
