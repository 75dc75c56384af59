/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Security checks of a root file system template (see include/jail/template.h).
 *
 * The walk holds one directory fd per level and names every entry relative
 * to its parent's fd, so a rename or symlink swap anywhere in the tree cannot
 * make it check one object and descend into another.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "jail/template.h"

struct walker {
	jail_template_visit_fn fn;
	void *userdata;
	struct jail_error *err;
	dev_t dev;
	size_t entries;
	char path[PATH_MAX];
};

static void add(char *buf, size_t size, size_t *o, const char *fmt, ...) _printf_(4, 5);
static void add(char *buf, size_t size, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= size)
		return;
	if (*o > 0) {
		n = snprintf(buf + *o, size - *o, ", ");
		*o += n > 0 ? (size_t)n : 0;
		if (*o >= size)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *o, size - *o, fmt, ap);
	va_end(ap);
	*o += n > 0 ? (size_t)n : 0;
}

const char *jail_template_problem(const struct stat *st, char *buf, size_t size)
{
	mode_t m = st->st_mode;
	size_t o = 0;

	if (!buf || size == 0)
		return NULL;
	buf[0] = '\0';
	if (st->st_uid != 0)
		add(buf, size, &o, "not owned by root (uid %u)", (unsigned)st->st_uid);
	if (S_ISDIR(m)) {
		if ((m & (S_IWGRP | S_IWOTH)) && !(m & S_ISVTX))
			add(buf, size, &o, "%s-writable directory without the sticky bit",
			    (m & S_IWOTH) ? "world" : "group");
	} else if (!S_ISLNK(m)) {
		if (m & S_IWOTH)
			add(buf, size, &o, "world-writable");
		else if (m & S_IWGRP)
			add(buf, size, &o, "group-writable");
		if (m & S_ISUID)
			add(buf, size, &o, "setuid");
		if (m & S_ISGID)
			add(buf, size, &o, "setgid");
	}
	if (S_ISCHR(m) || S_ISBLK(m))
		add(buf, size, &o, "%s device node %u:%u", S_ISCHR(m) ? "character" : "block",
		    major(st->st_rdev), minor(st->st_rdev));
	else if (S_ISSOCK(m))
		add(buf, size, &o, "socket");
	else if (S_ISFIFO(m))
		add(buf, size, &o, "fifo");
	return o ? buf : NULL;
}

static int walk_dir(struct walker *w, int fd, size_t len, unsigned depth)
{
	_cleanup_closedir_ DIR *d = fdopendir(fd);
	struct dirent *de;

	if (!d) {
		safe_close(fd);
		return jail_err(w->err, negative_errno(), "%s: cannot read directory: %m", len ? w->path : ".");
	}
	for (;;) {
		struct jail_template_entry e = { .dir_fd = dirfd(d) };
		char buf[256];
		struct stat st;
		size_t nlen;
		int r, cfd;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				return jail_err(w->err, negative_errno(), "%s: cannot read directory: %m",
						len ? w->path : ".");
			return 0;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (++w->entries > JAIL_TEMPLATE_MAX_ENTRIES)
			return jail_err(w->err, -EFBIG, "%s: more than %d entries in the template, not checked",
					len ? w->path : ".", JAIL_TEMPLATE_MAX_ENTRIES);
		nlen = len + (len ? 1 : 0) + strlen(de->d_name);
		if (nlen >= sizeof(w->path))
			return jail_err(w->err, -ENAMETOOLONG, "%s/%s: path too long", len ? w->path : ".",
					de->d_name);
		if (len)
			w->path[len] = '/';
		memcpy(w->path + len + (len ? 1 : 0), de->d_name, strlen(de->d_name) + 1);
		e.name = de->d_name;
		e.path = w->path;

		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			e.error = negative_errno();
			r = w->fn(&e, w->userdata);
			if (r < 0)
				return r;
			continue;
		}
		e.st = &st;
		e.problem = jail_template_problem(&st, buf, sizeof(buf));
		r = w->fn(&e, w->userdata);
		if (r < 0)
			return r;
		if (!S_ISDIR(st.st_mode) || st.st_dev != w->dev)
			continue;

		if (depth >= JAIL_TEMPLATE_MAX_DEPTH)
			return jail_err(w->err, -ELOOP, "%s: deeper than %d levels, not checked", w->path,
					JAIL_TEMPLATE_MAX_DEPTH);
		cfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0) {
			e.st = NULL;
			e.problem = NULL;
			e.error = negative_errno();
			r = w->fn(&e, w->userdata);
			if (r < 0)
				return r;
			continue;
		}
		{
			struct stat cst;

			if (fstat(cfd, &cst) < 0 || cst.st_dev != st.st_dev || cst.st_ino != st.st_ino) {
				safe_close(cfd);
				return jail_err(w->err, -EAGAIN, "%s: changed while being checked", w->path);
			}
		}
		r = walk_dir(w, cfd, nlen, depth + 1);
		if (r < 0)
			return r;
	}
}

int jail_template_walk(int dir_fd, jail_template_visit_fn fn, void *userdata, struct jail_error *err)
{
	struct walker w = { .fn = fn, .userdata = userdata, .err = err };
	struct jail_template_entry e = { .dir_fd = dir_fd, .name = ".", .path = "." };
	char buf[256];
	struct stat st;
	int fd, r;

	if (dir_fd < 0 || !fn)
		return jail_err(err, -EINVAL, "invalid arguments");
	if (fstat(dir_fd, &st) < 0)
		return jail_err(err, negative_errno(), ".: cannot stat the template: %m");
	if (!S_ISDIR(st.st_mode))
		return jail_err(err, -ENOTDIR, ".: the template is not a directory");
	w.dev = st.st_dev;

	e.st = &st;
	e.problem = jail_template_problem(&st, buf, sizeof(buf));
	r = fn(&e, userdata);
	if (r < 0)
		return r;
	/* works for an O_PATH dir_fd too */
	fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return jail_err(err, negative_errno(), ".: cannot read the template: %m");
	return walk_dir(&w, fd, 0, 1);
}

struct security {
	struct jail_error *err;
};

static int security_visit(const struct jail_template_entry *e, void *userdata)
{
	struct security *s = userdata;

	if (e->error) {
		errno = -e->error;
		return jail_err(s->err, e->error, "%s: cannot check: %m", e->path);
	}
	if (e->problem)
		return jail_err(s->err, -EPERM, "%s: %s", e->path, e->problem);
	return 0;
}

int jail_template_verify_security(int dir_fd, const char *shown, struct jail_error *err)
{
	struct jail_error local = { 0 };
	struct security s = { .err = &local };
	int r;

	r = jail_template_walk(dir_fd, security_visit, &s, &local);
	if (r < 0)
		return jail_err(err, r, "template '%s': %s", shown ? shown : "?", local.msg);
	return 0;
}
