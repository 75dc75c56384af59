/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jailsh: setuid-root login shell that puts its caller into the caller's own
 * jail and runs the template's shell there with the original arguments.
 *
 * The privilege boundary, and only that: the caller is identified only by
 * getuid(); no argument is interpreted by privileged code (they are handed
 * to the unprivileged shell).  Order in main(): make the process sane (fds,
 * environment, signals, umask, rlimits), become root in full, then
 *  - in a login that pam_jail.so put in the jail (its login record says
 *    which jail, and how to confine the shell): chroot, drop every
 *    privilege, exec; where a relay is needed its parent drops to the
 *    user's ids too, so nothing of jailsh stays root for the session;
 *  - anywhere else (su, runuser, login without the module, a direct call):
 *    exec jail-login, root's own program that reads the config and builds
 *    or joins the jail, with nothing of the caller's but its uid and what
 *    the shell is to get.  jailsh itself never reads the config.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <grp.h>
#include "paths.h"
#include "jail/jail.h"
#include "jail/login-record.h"
#include "jail/path.h"
#include "jail/term.h"
#include "jail/user.h"
#include "shell.h"

/*
 * The login record that the PAM module (jail_enter) left for this login, if
 * this process runs in that login's namespace: bound over JAIL_LOGIN_RECORD
 * there, root-owned, naming the caller and this very mount namespace (see
 * include/jail/login-record.h).  0, or -ENOENT when there is none (on the
 * host the file is empty), or -EINVAL when one is there but not this
 * login's.
 */
static int read_login_record(uid_t uid, struct jail_login_record *rec)
{
	char text[JAIL_LOGIN_RECORD_MAX];
	struct stat st, ns;
	ssize_t n;
	int fd;

	fd = open(JAIL_LOGIN_RECORD, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) ||
	    st.st_size >= (off_t)sizeof(text)) {
		close(fd);
		return -EINVAL;
	}
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return n == 0 ? -ENOENT : -EINVAL;
	text[n] = '\0';
	if (jail_login_record_parse(text, rec) < 0 || rec->uid != uid ||
	    stat("/proc/self/ns/mnt", &ns) < 0 ||
	    (unsigned long long)ns.st_ino != rec->mntns)
		return -EINVAL;
	return 0;
}

/*
 * With a session sshd made for it: sshd forks the login
 * shell into a session of its own (setsid, and for a pty session the pty as
 * controlling terminal), and everything it hands over is made inside the jail
 * (its pipes or sockets, a pty of the jail's devpts, which the login's
 * namespace has on /dev/pts as the jail has).  Anything else - su or login
 * with pam_jail.so in their stack, which joined the jail in the caller's
 * process and session, or a host terminal or file on fds 0-2 - goes through
 * the relay (relay_confined).  Called confined, as the user.
 */
JAIL_UNPRIVILEGED static bool sshd_made_session(void)
{
	struct stat pts, st;
	bool ctty_on_fd = false;
	pid_t sid = getsid(0);
	int tty;

	if (sid != getpid() || stat("/dev/pts", &pts) < 0)
		return false;
	for (int fd = 0; fd < 3; fd++) {
		if (fstat(fd, &st) < 0)
			return false;
		if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			continue;
		if (!isatty(fd) || st.st_dev != pts.st_dev)
			return false;
		if (tcgetsid(fd) == sid)
			ctty_on_fd = true; /* a jail pty is our controlling terminal */
	}
	/* any controlling terminal must be one of those (/dev/tty is 5:0
	 * whichever terminal it is, so it cannot be told apart by itself) */
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0)
		return errno == ENXIO;
	safe_close(tty);
	return ctty_on_fd;
}

/* Whether the caller runs where the template's limits hold (the record's
 * cgroup entries, include/jail/login-record.h): on a systemd host in the
 * user's slice (pam_systemd put the login there, pam_jail.so limited the
 * slice), elsewhere in the jail's cgroup (pam_jail's setcred hook).  Reads
 * the jail's /proc, confined: it needs no privilege. */
JAIL_UNPRIVILEGED static bool limited_here(const char *want)
{
	char text[4096];

	if (strcmp(want, "-") == 0)
		return true; /* no limits */
	return jail_read_text("/proc/self/cgroup", text, sizeof(text)) == 0 &&
	       jail_login_record_cgroup_ok(want, text);
}

/* Confined, as the user: the shell, directly in a session that sshd made,
 * else under a relay of the user's own; never outside the cgroups the
 * record names (`cgroup`). */
JAIL_UNPRIVILEGED static int run_shell(const struct shell_jail *j, const struct jail_user *u,
				       const char *cgroup, int argc, char **argv)
{
	/* pam_jail put this login in the jail's namespaces; its setcred hook
	 * put sshd's session child in the jail's cgroup.  A login that came
	 * another way (a PAM caller that never calls setcred in its child, a
	 * process that root moved into the login's namespace) must not run
	 * outside the template's limits. */
	if (!limited_here(cgroup))
		die(1,
		    "action=refuse user='%s' template='%s' reason=\"inside the jail but "
		    "outside its cgroup: the template's limits would not hold\"",
		    u->name, j->template_name);
	if (sshd_made_session())
		exec_confined(j, u, argc, argv, false);
	return relay_confined(j, u, argc, argv);
}

/*
 * No login record: su, runuser or login without pam_jail.so in their stack,
 * or a direct call.  jail-login (root's own program, not setuid) reads the
 * config and builds or joins the jail; it gets the caller's uid, the saved
 * umask and limits and the shell's arguments, and the saved environment.
 */
static _Noreturn void exec_builder(int argc, char **argv)
{
	char num[6][24];
	char **args = calloc((size_t)argc + 9, sizeof(char *));
	int n = 0;

	snprintf(num[0], sizeof(num[0]), "%u", (unsigned)caller_uid);
	snprintf(num[1], sizeof(num[1]), "%o", (unsigned)saved_umask);
	snprintf(num[2], sizeof(num[2]), "%" PRIu64, (uint64_t)saved_fsize.rlim_cur);
	snprintf(num[3], sizeof(num[3]), "%" PRIu64, (uint64_t)saved_fsize.rlim_max);
	snprintf(num[4], sizeof(num[4]), "%" PRIu64, (uint64_t)saved_core.rlim_cur);
	snprintf(num[5], sizeof(num[5]), "%" PRIu64, (uint64_t)saved_core.rlim_max);
	if (args) {
		args[n++] = (char *)"jail-login";
		for (int i = 0; i < 6; i++)
			args[n++] = num[i];
		args[n++] = (char *)"--";
		for (int i = 0; i < argc; i++)
			args[n++] = argv[i];
		args[n] = NULL;
		saved_env[n_saved_env] = NULL;
		execve(JAIL_LOGIN_BUILDER, args, saved_env);
	}
	die(1, "action=refuse uid=%u reason=\"cannot run %s: %m\"", (unsigned)caller_uid,
	    JAIL_LOGIN_BUILDER);
}

int main(int argc, char **argv)
{
	static gid_t groups[NGROUPS_MAX];
	struct jail_login_record rec;
	struct shell_jail j;
	struct jail_user u;
	int n_groups;
	uid_t ruid;
	gid_t rgid;
	int r;

	caller_uid = ruid = getuid();
	rgid = getgid();
	/* the caller's groups, as sshd, su or login set them from the user
	 * database (initgroups) before running its shell: an unprivileged
	 * process cannot add one to its set */
	n_groups = getgroups(NGROUPS_MAX, groups);
	sanitize();
	/* connected now: refusals after the confinement are logged from
	 * inside the jail, which has no /dev/log */
	openlog("jailsh", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	if (geteuid() != 0)
		die(126,
		    "not installed setuid root (or no_new_privs is set); refusing to run unjailed");
	if (ruid == 0)
		die(1, "root is never jailed; use 'jailctl enter USER' to look into a jail");
	if (n_groups < 0)
		die(1, "action=refuse uid=%u reason=\"getgroups: %m\"", (unsigned)ruid);
	/* Root in full before anything is done for the caller: a process whose
	 * uids are all 0 cannot be signalled, traced or have its fds taken by
	 * the caller; the files it creates are root's; the caller's groups are
	 * of no use to it.  The jailed child gets the caller's ids back. */
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		die(1, "cannot become root: %m");

	/* A login that the PAM module (sshd, su, login) put in the jail: it
	 * left the login record in this login's namespace, which says which
	 * jail and how to confine the shell, and the user's name and home. */
	r = read_login_record(ruid, &rec);
	if (r == -ENOENT)
		exec_builder(argc, argv);
	if (r < 0)
		die(1,
		    "action=refuse uid=%u reason=\"%s holds a login record that is not this "
		    "login's\"",
		    (unsigned)ruid, JAIL_LOGIN_RECORD);
	u = (struct jail_user){ .name = rec.user,
				.uid = ruid,
				.gid = rgid,
				.home = rec.home,
				.gids = groups,
				.n_gids = (size_t)n_groups };

	j = (struct shell_jail){ .state_dir = rec.state_dir,
				 .template_name = rec.template_name,
				 .shell = rec.shell,
				 .seccomp = rec.seccomp,
				 .landlock = rec.landlock };
	confine_shell(&j, &u);
	/* nothing below runs as root */
	return run_shell(&j, &u, rec.cgroup, argc, argv);
}
