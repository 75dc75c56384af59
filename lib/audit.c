/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host facts for `jailctl check`: PAM stacks, sshd's effective settings,
 * kernel features.  Runs only in jailctl (root, not setuid); nothing here is
 * linked into a decision the module or jailsh makes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "jail/audit.h"

#define PAM_MAX_DEPTH 8
#define SSHD_MAX_OUTPUT (256 * 1024)

/* copies the next blank-separated word of *p into buf; 0 if there is none */
static int next_word(const char **p, char *buf, size_t size)
{
	const char *s = *p;
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return 0;
	while (*s && *s != ' ' && *s != '\t') {
		if (n + 1 < size)
			buf[n++] = *s;
		s++;
	}
	buf[n] = '\0';
	*p = s;
	return 1;
}

void jail_pam_line_parse(const char *line, struct jail_pam_line *ret)
{
	char buf[1024], word[256];
	const char *p;
	char *hash;

	memset(ret, 0, sizeof(*ret));
	snprintf(buf, sizeof(buf), "%s", line);
	/* PAM (pam_handlers.c) takes '#' as the start of a comment anywhere */
	if ((hash = strchr(buf, '#')))
		*hash = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	p = buf;
	if (!next_word(&p, word, sizeof(word))) {
		ret->kind = JAIL_PAM_BLANK;
		return;
	}
	if (strcmp(word, "@include") == 0) {
		ret->kind = next_word(&p, ret->target, sizeof(ret->target)) ? JAIL_PAM_INCLUDE_ALL
									    : JAIL_PAM_INVALID;
		return;
	}
	snprintf(ret->type, sizeof(ret->type), "%.*s", (int)sizeof(ret->type) - 1,
		 word[0] == '-' ? word + 1 : word);
	while (*p == ' ' || *p == '\t')
		p++;
	/* the control: a word, or [value=action ...] that may hold blanks */
	if (*p == '[') {
		const char *end = strchr(p, ']');

		if (!end) {
			ret->kind = JAIL_PAM_INVALID;
			return;
		}
		p = end + 1;
		ret->kind = JAIL_PAM_MODULE;
	} else if (!next_word(&p, word, sizeof(word))) {
		ret->kind = JAIL_PAM_INVALID;
		return;
	} else
		ret->kind = strcmp(word, "include") == 0 || strcmp(word, "substack") == 0
				    ? JAIL_PAM_INCLUDE
				    : JAIL_PAM_MODULE;
	if (!next_word(&p, ret->target, sizeof(ret->target)))
		ret->kind = JAIL_PAM_INVALID;
}

bool jail_pam_is_ours(const char *module)
{
	const char *base = strrchr(module, '/');

	return strcmp(base ? base + 1 : module, "pam_jail.so") == 0;
}

/* type_filter: NULL for every line (a service or @include), else only lines
 * of that type (TYPE include/substack) */
static void scan_file(int dir_fd, const char *name, const char *type_filter, unsigned depth,
		      bool *session, bool *auth)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[2048], logical[4096];
	size_t len = 0;
	int fd;

	if (depth > PAM_MAX_DEPTH)
		return;
	fd = name[0] == '/' ? open(name, O_RDONLY | O_CLOEXEC)
			    : openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	f = fdopen(fd, "re");
	if (!f) {
		close(fd);
		return;
	}
	logical[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		struct jail_pam_line l;
		size_t n;

		line[strcspn(line, "\n")] = '\0';
		n = strlen(line);
		/* a backslash at the end continues the line */
		if (n > 0 && line[n - 1] == '\\') {
			line[n - 1] = ' ';
			if (len + n < sizeof(logical)) {
				memcpy(logical + len, line, n + 1);
				len += n;
			}
			continue;
		}
		if (len + n < sizeof(logical))
			memcpy(logical + len, line, n + 1);
		len = 0;
		jail_pam_line_parse(logical, &l);
		logical[0] = '\0';
		if (type_filter && l.kind != JAIL_PAM_BLANK && l.kind != JAIL_PAM_INCLUDE_ALL &&
		    strcmp(l.type, type_filter) != 0)
			continue;
		switch (l.kind) {
		case JAIL_PAM_MODULE:
			if (!jail_pam_is_ours(l.target))
				break;
			if (strcmp(l.type, "session") == 0)
				*session = true;
			else if (strcmp(l.type, "auth") == 0)
				*auth = true;
			break;
		case JAIL_PAM_INCLUDE:
			scan_file(dir_fd, l.target, l.type, depth + 1, session, auth);
			break;
		case JAIL_PAM_INCLUDE_ALL:
			scan_file(dir_fd, l.target, type_filter, depth + 1, session, auth);
			break;
		case JAIL_PAM_BLANK:
		case JAIL_PAM_INVALID:
			break;
		}
	}
}

int jail_pam_service_scan(int dir_fd, const char *service, bool *ret_session, bool *ret_auth)
{
	bool session = false, auth = false;

	if (faccessat(dir_fd, service, R_OK, 0) < 0)
		return -errno;
	scan_file(dir_fd, service, NULL, 0, &session, &auth);
	*ret_session = session;
	*ret_auth = auth;
	return 0;
}

/* ---- sshd -T -------------------------------------------------------------------- */

static bool not_no(const char *v)
{
	return strcmp(v, "no") != 0;
}

int jail_sshd_parse(const char *text, struct jail_sshd_settings *ret)
{
	struct jail_sshd_settings s = { .chroot = "none", .force_command = "none" };
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024], key[64];
		const char *v;

		snprintf(line, sizeof(line), "%.*s",
			 (int)(n < sizeof(line) - 1 ? n : sizeof(line) - 1), p);
		p += n + (eol ? 1 : 0);
		v = line;
		if (!next_word(&v, key, sizeof(key)))
			continue;
		while (*v == ' ' || *v == '\t')
			v++;
#define VAL(field) snprintf(s.field, sizeof(s.field), "%.*s", (int)sizeof(s.field) - 1, v)
		if (strcmp(key, "chrootdirectory") == 0)
			VAL(chroot);
		else if (strcmp(key, "forcecommand") == 0)
			VAL(force_command);
		else if (strcmp(key, "pamservicename") == 0)
			VAL(pam_service);
		else if (strcmp(key, "subsystem") == 0) {
			char name[64];

			/* "subsystem NAME COMMAND..." (one line per subsystem) */
			if (next_word(&v, name, sizeof(name))) {
				while (*v == ' ' || *v == '\t')
					v++;
				if (strcmp(name, "sftp") == 0)
					VAL(sftp);
				if (!s.internal_sftp[0] && jail_sshd_is_internal_sftp(v))
					snprintf(s.internal_sftp, sizeof(s.internal_sftp), "%s",
						 name);
			}
		} else if (strcmp(key, "allowtcpforwarding") == 0) {
			/* yes|all, local, remote, no */
			s.tcp_forwarding = not_no(v);
			s.tcp_local = s.tcp_forwarding && strcmp(v, "remote") != 0;
			s.tcp_remote = s.tcp_forwarding && strcmp(v, "local") != 0;
		} else if (strcmp(key, "permitopen") == 0)
			s.permit_open_none = strcmp(v, "none") == 0;
		else if (strcmp(key, "permitlisten") == 0)
			s.permit_listen_none = strcmp(v, "none") == 0;
		else if (strcmp(key, "allowstreamlocalforwarding") == 0)
			s.streamlocal_forwarding = not_no(v);
		else if (strcmp(key, "permittunnel") == 0)
			s.tunnel = not_no(v);
		else if (strcmp(key, "disableforwarding") == 0)
			s.disable_forwarding = strcmp(v, "yes") == 0;
		else if (strcmp(key, "x11forwarding") == 0)
			s.x11_forwarding = strcmp(v, "yes") == 0;
		else if (strcmp(key, "allowagentforwarding") == 0)
			s.agent_forwarding = strcmp(v, "yes") == 0;
		else if (strcmp(key, "permituserenvironment") == 0)
			s.user_environment = not_no(v);
		else if (strcmp(key, "exposeauthinfo") == 0)
			s.expose_auth_info = strcmp(v, "yes") == 0;
		else if (strcmp(key, "xauthlocation") == 0)
			VAL(xauth);
		else
			continue;
#undef VAL
		s.seen = true;
	}
	if (!s.seen)
		return -EINVAL;
	*ret = s;
	return 0;
}

int jail_sshd_expand(const char *pattern, const char *user, uid_t uid, const char *home, char *buf,
		     size_t size)
{
	size_t n = 0;

	for (const char *p = pattern; *p; p++) {
		char num[24];
		const char *add = num;

		if (*p != '%') {
			num[0] = *p;
			num[1] = '\0';
		} else {
			switch (*++p) {
			case '%':
				add = "%";
				break;
			case 'u':
				add = user;
				break;
			case 'h':
				add = home;
				break;
			case 'U':
				snprintf(num, sizeof(num), "%u", (unsigned)uid);
				break;
			default:
				return -EINVAL;
			}
		}
		if (n + strlen(add) >= size)
			return -ENAMETOOLONG;
		memcpy(buf + n, add, strlen(add));
		n += strlen(add);
	}
	if (size == 0)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return 0;
}

bool jail_sshd_is_internal_sftp(const char *cmd)
{
	char word[64];

	return next_word(&cmd, word, sizeof(word)) && strcmp(word, "internal-sftp") == 0;
}

/* Runs argv[0] with an empty environment, stdout and stderr into buf (NUL
 * terminated, cut at size - 1).  Returns the wait status, or -errno. */
static int run_capture(char *const argv[], char *buf, size_t size, size_t *ret_len)
{
	char *const envp[] = { NULL };
	size_t len = 0;
	int pfd[2], status, r;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return r;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, 0) < 0 || dup2(pfd[1], 1) < 0 || dup2(pfd[1], 2) < 0)
			_exit(127);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	while (len + 1 < size) {
		ssize_t n = read(pfd[0], buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(pfd[0]); /* a child still writing gets EPIPE */
	buf[len] = '\0';
	*ret_len = len;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

int jail_sshd_query(const char *sshd, const char *config, const char *user,
		    struct jail_sshd_settings *ret, struct jail_error *err)
{
	char spec[512], *out, *last;
	size_t len = 0;
	int status, r;

	if (user && snprintf(spec, sizeof(spec), "user=%s,host=localhost,addr=127.0.0.1", user) >=
			    (int)sizeof(spec))
		return jail_err(err, -ENAMETOOLONG, "user name too long");
	if (access(sshd, X_OK) < 0)
		return jail_err(err, negative_errno(), "%s: %m", sshd);
	out = malloc(SSHD_MAX_OUTPUT + 1);
	if (!out)
		return jail_err(err, -ENOMEM, "out of memory");
	out[0] = '\0';
	{
		char *const argv[] = { (char *)sshd,       "-T", "-f", (char *)config,
				       user ? "-C" : NULL, spec, NULL };

		status = run_capture(argv, out, SSHD_MAX_OUTPUT + 1, &len);
	}
	if (status < 0) {
		free(out);
		errno = -status;
		return jail_err(err, status, "cannot run %s: %m", sshd);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		r = jail_sshd_parse(out, ret);
		free(out);
		return r < 0 ? jail_err(err, r, "'%s -T' printed no settings", sshd) : 0;
	}
	/* sshd's own reason: its last non-empty line */
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	last = strrchr(out, '\n');
	last = last ? last + 1 : out;
	r = jail_err(err, -EIO, "'%s -T -f %s' failed: %.300s", sshd, config,
		     *last ? last : "no message");
	free(out);
	return r;
}

/* ---- kernel ------------------------------------------------------------------------ */

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif

int jail_tiocsti_setting(void)
{
	FILE *f = fopen("/proc/sys/dev/tty/legacy_tiocsti", "re");
	int v, n;

	if (!f)
		return -ENOENT;
	n = fscanf(f, "%d", &v);
	fclose(f);
	return n != 1 ? -EIO : v ? 1 : 0;
}

/* ---- systemd ----------------------------------------------------------------------- */

bool jail_systemd_condition_is_ours(const char *text)
{
	/* `systemctl show -P ExecCondition` prints one "{ path=... ; argv[]=ARGS ; ... }"
	 * per command; ours is jailctl's user-manager */
	for (const char *p = strstr(text, "argv[]="); p; p = strstr(p + 1, "argv[]=")) {
		const char *end = strchr(p, ';');
		const char *cmd = strstr(p, "jailctl user-manager ");

		if (cmd && (!end || cmd < end))
			return true;
	}
	return false;
}

int jail_systemd_user_condition(const char *systemctl, uid_t uid, bool *ret_ours,
				struct jail_error *err)
{
	char unit[64], out[4096];
	size_t len = 0;
	int status;

	snprintf(unit, sizeof(unit), "user@%u.service", (unsigned)uid);
	{
		char *const argv[] = { (char *)systemctl, "show", "--property=ExecCondition",
				       "--value",         unit,   NULL };

		status = run_capture(argv, out, sizeof(out), &len);
	}
	if (status < 0) {
		errno = -status;
		return jail_err(err, status, "cannot run %s: %m", systemctl);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return jail_err(err, -EIO, "'%s show %s' failed: %.200s", systemctl, unit, out);
	*ret_ours = jail_systemd_condition_is_ours(out);
	return 0;
}
