/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "jail/macro.h"
#include "jail/path.h"

#define MAX_SYMLINKS 40

bool jail_name_valid(const char *name)
{
	size_t n;

	if (!name || !name[0] || name[0] == '.' || name[0] == '-')
		return false;
	for (n = 0; name[n]; n++) {
		char ch = name[n];

		if (n >= 64)
			return false;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' || ch == '@'))
			return false;
	}
	return true;
}

int jail_path_join(char *buf, size_t size, const char *a, const char *b)
{
	size_t la = strlen(a);
	int n;

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la == 1 && a[0] == '/')
		la = 0;
	n = snprintf(buf, size, "%.*s/%s", (int)la, a, b);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

bool jail_path_normal(const char *path)
{
	const char *p;

	if (!path || path[0] != '/')
		return false;
	if (strcmp(path, "/") == 0)
		return true;
	for (p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	if (path[strlen(path) - 1] == '/')
		return false;
	for (p = path; *p;) {
		const char *e;
		size_t n;

		p++; /* skip '/' */
		e = strchrnul(p, '/');
		n = (size_t)(e - p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p = e;
	}
	return true;
}

static bool dir_trusted(const struct stat *st)
{
	if (st->st_uid != 0)
		return false;
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX))
		return false;
	return true;
}

int jail_open_trusted(const char *path, int open_flags, unsigned flags, uid_t final_uid,
		      struct jail_error *err)
{
	_cleanup_close_ int dir_fd = -EBADF;
	char work[PATH_MAX * 2];
	char shown[PATH_MAX];
	unsigned links = 0;
	struct stat st;
	char *p;

	if (!path || path[0] != '/')
		return jail_err(err, -EINVAL, "'%s' is not an absolute path",
				path ? path : "(null)");
	if (strlen(path) >= PATH_MAX)
		return jail_err(err, -ENAMETOOLONG, "path too long");
	snprintf(work, sizeof(work), "%s", path);
	snprintf(shown, sizeof(shown), "%s", path);

	dir_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return jail_err(err, negative_errno(), "cannot open '/': %m");
	if (fstat(dir_fd, &st) < 0)
		return jail_err(err, negative_errno(), "cannot stat '/': %m");
	if (!dir_trusted(&st))
		return jail_err(err, -EPERM, "'/' is not root-owned or is writable by others");

	p = work;
	for (;;) {
		_cleanup_close_ int fd = -EBADF;
		char comp[NAME_MAX + 1];
		const char *e;
		size_t n;
		bool last;

		while (*p == '/')
			p++;
		if (!*p) {
			/* path was "/" (or ended in '/'): the directory itself is the target */
			if (flags & JAIL_TRUST_REG)
				return jail_err(err, -EISDIR, "'%s' is a directory", shown);
			if (open_flags & O_PATH)
				return TAKE_FD(dir_fd);
			fd = openat(dir_fd, ".", (open_flags & ~O_NOFOLLOW) | O_CLOEXEC);
			if (fd < 0)
				return jail_err(err, negative_errno(), "cannot open '%s': %m",
						shown);
			return TAKE_FD(fd);
		}
		e = strchrnul(p, '/');
		n = (size_t)(e - p);
		if (n > NAME_MAX)
			return jail_err(err, -ENAMETOOLONG, "'%s': component too long", shown);
		memcpy(comp, p, n);
		comp[n] = '\0';
		p = (char *)e;
		while (*p == '/')
			p++;
		last = (*p == '\0');

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0)
			return jail_err(err, -EINVAL, "'%s': '..' is not allowed", shown);

		fd = openat(dir_fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return jail_err(err, negative_errno(), "cannot open '%s' (at '%s'): %m",
					shown, comp);
		if (fstat(fd, &st) < 0)
			return jail_err(err, negative_errno(), "cannot stat '%s': %m", shown);

		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX];
			char rest[PATH_MAX * 2];
			ssize_t l;

			if (last && (flags & JAIL_TRUST_NOFOLLOW_FINAL))
				return jail_err(err, -ELOOP, "'%s' is a symlink", shown);
			if (st.st_uid != 0)
				return jail_err(err, -EPERM,
						"'%s': symlink '%s' is not owned by root", shown,
						comp);
			if (++links > MAX_SYMLINKS)
				return jail_err(err, -ELOOP, "'%s': too many symlinks", shown);
			l = readlinkat(fd, "", target, sizeof(target) - 1);
			if (l < 0)
				return jail_err(err, negative_errno(),
						"cannot read symlink in '%s': %m", shown);
			target[l] = '\0';
			snprintf(rest, sizeof(rest), "%s%s%s", target, *p ? "/" : "", p);
			if (strlen(rest) >= sizeof(work))
				return jail_err(err, -ENAMETOOLONG, "'%s': path too long", shown);
			memcpy(work, rest, strlen(rest) + 1);
			p = work;
			if (target[0] == '/') {
				safe_close(dir_fd);
				dir_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (dir_fd < 0)
					return jail_err(err, negative_errno(),
							"cannot open '/': %m");
			}
			continue;
		}

		if (!last) {
			if (!S_ISDIR(st.st_mode))
				return jail_err(err, -ENOTDIR, "'%s': '%s' is not a directory",
						shown, comp);
			if (!dir_trusted(&st))
				return jail_err(err, -EPERM,
						"'%s': directory '%s' is not root-owned or is "
						"writable by others",
						shown, comp);
			safe_close(dir_fd);
			dir_fd = TAKE_FD(fd);
			continue;
		}

		/* final component */
		if ((flags & JAIL_TRUST_DIR) && !S_ISDIR(st.st_mode))
			return jail_err(err, -ENOTDIR, "'%s' is not a directory", shown);
		if ((flags & JAIL_TRUST_REG) && !S_ISREG(st.st_mode))
			return jail_err(err, -EINVAL, "'%s' is not a regular file", shown);
		if (st.st_uid != 0 && !((flags & JAIL_TRUST_FINAL_OWNER) && st.st_uid == final_uid))
			return jail_err(err, -EPERM, "'%s' is not owned by root", shown);
		if (!(flags & JAIL_TRUST_FINAL_WRITABLE) && (st.st_mode & (S_IWGRP | S_IWOTH)) &&
		    !(S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) && st.st_uid == 0))
			return jail_err(err, -EPERM, "'%s' is writable by group or others", shown);
		if (open_flags & O_PATH)
			return TAKE_FD(fd);
		{
			/* Reopen with the wanted flags; O_NOFOLLOW and the inode
			 * comparison make sure it is the object we checked. */
			struct stat st2;
			int rfd = openat(dir_fd, comp, open_flags | O_NOFOLLOW | O_CLOEXEC);

			if (rfd < 0)
				return jail_err(err, negative_errno(), "cannot open '%s': %m",
						shown);
			if (fstat(rfd, &st2) < 0 || st2.st_dev != st.st_dev ||
			    st2.st_ino != st.st_ino) {
				safe_close(rfd);
				return jail_err(err, -EAGAIN, "'%s' changed while being opened",
						shown);
			}
			return rfd;
		}
	}
}

int jail_state_dir_open(const char *path, struct jail_error *err)
{
	_cleanup_close_ int parent_fd = -EBADF;
	char parent[PATH_MAX];
	const char *base;
	struct stat st;
	int fd;

	if (!jail_path_normal(path) || strcmp(path, "/") == 0)
		return jail_err(err, -EINVAL, "state_dir '%s' is not a normal absolute path", path);
	base = strrchr(path, '/');
	snprintf(parent, sizeof(parent), "%.*s", (int)(base - path), path);
	base++;
	if (!parent[0])
		strcpy(parent, "/");

	parent_fd = jail_open_trusted(parent, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, err);
	if (parent_fd < 0) {
		if (parent_fd != -ENOENT)
			return parent_fd;
		/* e.g. /run/pam_jail on a host without /run: create one level
		 * more only for the state dir's direct parent. */
		return jail_err(err, parent_fd, "state_dir parent '%s' does not exist", parent);
	}
	if (mkdirat(parent_fd, base, 0755) < 0 && errno != EEXIST)
		return jail_err(err, negative_errno(), "cannot create state_dir '%s': %m", path);
	fd = openat(parent_fd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return jail_err(err, negative_errno(), "cannot open state_dir '%s': %m", path);
	if (fstat(fd, &st) < 0) {
		safe_close(fd);
		return jail_err(err, -EIO, "cannot stat state_dir '%s'", path);
	}
	if (st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH)) &&
	    (st.st_gid != 0 || (st.st_mode & 07777) != 0755)) {
		/* created by a setuid caller with its gid and umask: make it 0755
		 * root:root.  A umask only takes bits away from 0755, so a
		 * group/world-writable one was made by somebody else and may
		 * hold anything: it is refused below, not "fixed". */
		if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0755) < 0 || fstat(fd, &st) < 0) {
			safe_close(fd);
			return jail_err(err, negative_errno(), "cannot fix state_dir '%s': %m",
					path);
		}
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		safe_close(fd);
		return jail_err(err, -EPERM,
				"state_dir '%s' is not root-owned or is writable by others", path);
	}
	return fd;
}

/* mountinfo's octal escapes (\040 for a space, ...) undone in place */
void jail_mountinfo_unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else
			*w++ = *r;
	}
	*w = '\0';
}

/*
 * The one place that decides "is PATH equal to DIR or below it" (config's
 * bind and writable checks, the home checks of jail_inputs_open, the template
 * builder, the login's mount pruning).  Component-wise, so "/a/bc" is not
 * under "/a/b"; trailing slashes of DIR do not count ("/a/b/" holds "/a/b"),
 * which makes "/" (n == 0 after them) hold every absolute path.  An empty
 * string names nothing: it is under nothing and holds nothing.
 */
bool jail_path_at_or_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	while (n > 0 && dir[n - 1] == '/')
		n--;
	return *path && *dir && strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/*
 * Whether the login's namespace keeps the copy of the host mount at `mp`
 * (type `fstype`).  What sshd's monitor, su or jailsh's relay still use
 * for the rest of the login lies at or under the system's own trees (PAM
 * modules, NSS, syslog, utmp/wtmp, D-Bus, the pty) or on the way to the
 * login's own paths (STATE_DIR, the home sshd's child changes to, the
 * login shell it runs).  Anything else - a FUSE file system, something
 * mounted under /mnt, /media, /srv or another user's home - would only be
 * held open by this copy where "/" is not a shared mount (nothing the host
 * unmounts reaches a copy then): an sshfs client would never exit after
 * fusermount -u while the login lasts.
 */
bool jail_login_keeps_mount(const char *mp, const char *fstype, const char *const *needed)
{
	static const char *const system_trees[] = { "/bin",  "/boot",  "/dev",   "/etc",
						    "/lib",  "/lib32", "/lib64", "/libx32",
						    "/proc", "/root",  "/run",   "/sbin",
						    "/sys",  "/tmp",   "/usr",   "/var" };

	if (strcmp(mp, "/") == 0)
		return true;
	for (size_t i = 0; needed[i]; i++)
		if (jail_path_at_or_under(needed[i], mp))
			return true;
	if (strncmp(fstype, "fuse", 4) == 0)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(system_trees); i++)
		if (jail_path_at_or_under(mp, system_trees[i]))
			return true;
	return false;
}

int jail_read_text(const char *path, char *buf, size_t size)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return negative_errno();
	n = read(fd, buf, size - 1);
	if (n < 0)
		return negative_errno();
	buf[n] = '\0';
	return 0;
}
