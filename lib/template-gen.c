/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Template generations (include/jail/template.h, docs/DESIGN.md "Template
 * generations"): the rootfs path P of a template is either a plain
 * directory (unversioned, the layout before generations) or a root-owned
 * symlink whose target is exactly "BASE.gen/N", BASE being P's own last
 * name and N a generation number.  `jailctl template` builds generation N+1
 * beside N and switches the link with rename(2); jails resolve P once, at
 * creation, and keep the generation they got for their whole life.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "jail/path.h"
#include "jail/template.h"

int jail_template_gen_parse(const char *base, const char *target, long *ret)
{
	size_t n = strlen(base);
	const char *num;
	long v;

	if (strncmp(target, base, n) != 0 || strncmp(target + n, JAIL_TEMPLATE_GEN_SUFFIX "/",
						    strlen(JAIL_TEMPLATE_GEN_SUFFIX) + 1) != 0)
		return -EINVAL;
	num = target + n + strlen(JAIL_TEMPLATE_GEN_SUFFIX) + 1;
	if (!jail_template_gen_name(num, &v))
		return -EINVAL;
	*ret = v;
	return 0;
}

bool jail_template_gen_name(const char *name, long *ret)
{
	char *end;
	long v;

	/* decimal, no sign, no leading zero (one spelling per number) */
	if (name[0] < '0' || name[0] > '9' || (name[0] == '0' && name[1]))
		return false;
	errno = 0;
	v = strtol(name, &end, 10);
	if (errno || *end || v < 0 || v > JAIL_TEMPLATE_GEN_MAX)
		return false;
	if (ret)
		*ret = v;
	return true;
}

/* fd (O_PATH, no symlink followed) of directory `name` in dir_fd if it is
 * root-owned and not writable by group or others (with `sticky_ok`, a
 * sticky one is taken as jail_open_trusted() takes it: the security walk
 * then refuses it, naming it, as for a plain template) */
static int open_trusted_dir_at(int dir_fd, const char *name, const char *shown, bool sticky_ok,
			       struct jail_error *err)
{
	_cleanup_close_ int fd =
		openat(dir_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return jail_err(err, negative_errno(), "cannot open '%s': %m", shown);
	if (fstat(fd, &st) < 0)
		return jail_err(err, negative_errno(), "cannot stat '%s': %m", shown);
	if (st.st_uid != 0)
		return jail_err(err, -EPERM, "'%s' is not owned by root", shown);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_ok && (st.st_mode & S_ISVTX)))
		return jail_err(err, -EPERM, "'%s' is writable by group or others", shown);
	return TAKE_FD(fd);
}

int jail_template_resolve(const char *rootfs, struct jail_template_gen *ret, struct jail_error *err)
{
	_cleanup_close_ int fd = -EBADF, parent_fd = -EBADF, gens_fd = -EBADF;
	char parent[PATH_MAX], target[PATH_MAX], gens[PATH_MAX];
	struct jail_error walk = { 0 };
	const char *base, *slash;
	struct stat st;
	ssize_t n;
	long gen;
	int r;

	*ret = (struct jail_template_gen){ .fd = -EBADF, .generation = -1 };
	if (!jail_path_normal(rootfs) || strcmp(rootfs, "/") == 0)
		return jail_err(err, -EINVAL, "'%s' is not a normal absolute path", rootfs);
	/* the whole path as every trusted path is walked (root-owned symlinks
	 * in root-owned directories followed), for its checks and messages;
	 * then P's own last component again, without following anything but
	 * a generation link */
	fd = jail_open_trusted(rootfs, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, &walk);
	slash = strrchr(rootfs, '/');
	base = slash + 1;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - rootfs), rootfs);
	if (!parent[0])
		strcpy(parent, "/");
	parent_fd = jail_open_trusted(parent, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, NULL);
	if (parent_fd < 0 || fstatat(parent_fd, base, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    (!S_ISLNK(st.st_mode) && fd < 0))
		return fd < 0 ? jail_err(err, fd, "%s", walk.msg)
			      : jail_err(err, -EIO, "cannot open '%s'", rootfs);
	if (S_ISDIR(st.st_mode)) {
		/* unversioned: a plain directory, as before generations */
		struct stat fst;

		if (fstat(fd, &fst) < 0 || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino)
			return jail_err(err, -EAGAIN, "'%s' changed while being opened", rootfs);
		ret->fd = TAKE_FD(fd);
		snprintf(ret->path, sizeof(ret->path), "%s", rootfs);
		return 0;
	}
	if (!S_ISLNK(st.st_mode))
		return jail_err(err, -ENOTDIR, "'%s' is not a directory", rootfs);
	/* a generation link: root-owned (its directory is trusted: only root
	 * can replace it) and naming one of P's own generations, nothing else;
	 * these checks come first so that the message names what is wrong */
	if (st.st_uid != 0)
		return jail_err(err, -EPERM, "'%s' is a symlink not owned by root", rootfs);
	n = readlinkat(parent_fd, base, target, sizeof(target) - 1);
	if (n < 0)
		return jail_err(err, negative_errno(), "cannot read symlink '%s': %m", rootfs);
	target[n] = '\0';
	if (jail_template_gen_parse(base, target, &gen) < 0)
		return jail_err(err, -EPERM,
				"'%s' is a symlink to '%s', which is not one of its generations "
				"('%s" JAIL_TEMPLATE_GEN_SUFFIX
				"/N'); name the template's directory itself, or let 'jailctl "
				"template' manage the link",
				rootfs, target, base);
	if (jail_path_join(gens, sizeof(gens), parent, target) < 0)
		return jail_err(err, -ENAMETOOLONG, "'%s': path too long", rootfs);
	*strrchr(gens, '/') = '\0';
	{
		char gname[NAME_MAX + 1];

		snprintf(gname, sizeof(gname), "%s" JAIL_TEMPLATE_GEN_SUFFIX, base);
		gens_fd = open_trusted_dir_at(parent_fd, gname, gens, false, err);
		if (gens_fd < 0)
			return gens_fd;
	}
	if (jail_path_join(ret->path, sizeof(ret->path), parent, target) < 0)
		return jail_err(err, -ENAMETOOLONG, "'%s': path too long", rootfs);
	r = open_trusted_dir_at(gens_fd, strrchr(target, '/') + 1, ret->path, true, err);
	if (r < 0)
		return r;
	if (fd < 0) {
		safe_close(r); /* it changed under us: what the walk said */
		return jail_err(err, fd, "%s", walk.msg);
	}
	ret->fd = r;
	ret->generation = gen;
	return 0;
}

int jail_template_gen_of(const char *rootfs, unsigned long long dev, unsigned long long ino,
			 long *ret)
{
	_cleanup_close_ int parent_fd = -EBADF;
	_cleanup_closedir_ DIR *d = NULL;
	struct jail_template_gen cur;
	char parent[PATH_MAX], gname[NAME_MAX + 1];
	const char *slash;
	struct dirent *de;
	struct stat st;
	int r, fd;

	if (!ino)
		return -ENODATA;
	/* the template as a jail would resolve it (every check of its path) */
	r = jail_template_resolve(rootfs, &cur, NULL);
	if (r < 0)
		return r;
	r = fstat(cur.fd, &st) < 0 ? negative_errno() : 0;
	safe_close(cur.fd);
	if (r < 0)
		return r;
	if ((unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino) {
		*ret = cur.generation;
		return 0;
	}
	if (cur.generation < 0)
		return -ENOENT; /* plain, and not the tree the jail has */
	/* an older generation: the names in P.gen (checked as resolve checks
	 * the current one's directory) */
	slash = strrchr(rootfs, '/');
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - rootfs), rootfs);
	if (!parent[0])
		strcpy(parent, "/");
	if (snprintf(gname, sizeof(gname), "%s" JAIL_TEMPLATE_GEN_SUFFIX, slash + 1) >=
	    (int)sizeof(gname))
		return -ENAMETOOLONG;
	parent_fd = jail_open_trusted(parent, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, NULL);
	if (parent_fd < 0)
		return parent_fd;
	fd = open_trusted_dir_at(parent_fd, gname, gname, false, NULL);
	if (fd < 0)
		return fd;
	{
		int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		safe_close(fd);
		if (dfd < 0)
			return negative_errno();
		d = fdopendir(dfd);
		if (!d) {
			safe_close(dfd);
			return negative_errno();
		}
	}
	while ((de = readdir(d))) {
		long v;

		if (!jail_template_gen_name(de->d_name, &v) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if ((unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino) {
			*ret = v;
			return 0;
		}
	}
	return -ENOENT;
}
