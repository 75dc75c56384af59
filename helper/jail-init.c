/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jail-init: pid 1 of a jail's PID namespace.  Started by the jail builder
 * (lib/jail.c) already chrooted into the jail, with fd 3 a pipe to report
 * readiness.  It keeps the namespaces alive, reaps orphans and nothing else.
 *
 * It is linked statically: it runs inside the jail, where the template's
 * libraries (if any) are none of its business.  Signals: as pid 1 of a PID
 * namespace it only receives, from inside, signals it has handlers for; it
 * has none and blocks everything.  SIGKILL from the host (teardown) ends it,
 * and with it every process in the namespace.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

struct record {
	int kind;
	int value;
	char msg[400];
};

static int drop_all_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];

	for (int i = 0; i < 64; i++)
		if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && errno != EINVAL)
			return -1;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -1;
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

int main(int argc, char **argv)
{
	struct record rec = { .kind = 3 };
	sigset_t all, chld;

	(void)argc;
	(void)argv;
	if (getpid() != 1) {
		fputs("jail-init: only runs as pid 1 of a jail made by pam_jail\n", stderr);
		return 1;
	}
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	(void)setsid();
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (drop_all_caps() < 0) {
		rec.kind = 1;
		rec.value = -errno;
		snprintf(rec.msg, sizeof(rec.msg), "jail-init cannot drop capabilities: %s", strerror(errno));
	}
	if (write(3, &rec, sizeof(rec)) != (ssize_t)sizeof(rec) || rec.kind != 3)
		return 1;
	close(3);

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		siginfo_t si;

		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (sigwaitinfo(&chld, &si) < 0 && errno != EINTR)
			pause();
	}
}
