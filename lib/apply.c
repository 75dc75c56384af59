/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one loop that carries out a jail's plan (include/jail/plan.h).  It runs
 * as root in the builder's setup child, in the jail's fresh mount namespace,
 * and does exactly what the plan says, in order: every decision was made by
 * the pure planner (lib/plan.c).  Mount sources come from fd slots, passed
 * to the kernel as /proc/self/fd/N, never as paths.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "jail/macro.h"
#include "jail/plan.h"

int jail_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return negative_errno();
			*p = '/';
		}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return negative_errno();
	return 0;
}

static int write_new_file(const char *path, const char *content, mode_t mode)
{
	_cleanup_close_ int fd =
		open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	size_t n = strlen(content);

	if (fd < 0)
		return negative_errno();
	if (write(fd, content, n) != (ssize_t)n)
		return -EIO;
	return 0;
}

/* the fd in `slot`, or -EBADF for a slot the plan did not fill */
static int slot_fd(const int *slots, size_t n_slots, int slot)
{
	if (slot < 0 || (size_t)slot >= n_slots || slots[slot] < 0)
		return -EBADF;
	return slots[slot];
}

static int fd_path(char *buf, size_t size, int fd)
{
	if (fd < 0)
		return fd;
	snprintf(buf, size, "/proc/self/fd/%d", fd);
	return 0;
}

static int overlay(const struct jail_op *op, const int *slots, size_t n_slots)
{
	char opts[256];
	int top = slot_fd(slots, n_slots, op->lower[0]),
	    bottom = slot_fd(slots, n_slots, op->lower[1]);
	int n;

	if (top < 0 || bottom < 0)
		return -EBADF;
	n = snprintf(opts, sizeof(opts), "lowerdir=/proc/self/fd/%d:/proc/self/fd/%d", top, bottom);
	if (op->upper != JAIL_SLOT_NONE) {
		int up = slot_fd(slots, n_slots, op->upper), wk = slot_fd(slots, n_slots, op->work);

		if (up < 0 || wk < 0)
			return -EBADF;
		snprintf(opts + n, sizeof(opts) - (size_t)n,
			 ",upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d", up, wk);
	}
	return mount("overlay", op->path, "overlay", op->flags, opts) < 0 ? negative_errno() : 0;
}

/* path becomes the namespace's root; the copy of the host's mount table
 * under it is detached (pivot_root(".", ".") stacks the old root on the new
 * one, umount2(".") takes it off again) */
static int pivot(const char *path, struct jail_error *err)
{
	if (chdir(path) < 0)
		return jail_err(err, negative_errno(), "cannot enter the jail's root: %m");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return jail_err(err, negative_errno(), "cannot pivot_root into the jail: %m");
	if (umount2(".", MNT_DETACH) < 0)
		return jail_err(err, negative_errno(),
				"cannot detach the host's mounts from the jail: %m");
	if (chdir("/") < 0)
		return jail_err(err, negative_errno(), "chdir: %m");
	return 0;
}

static int apply_one(const struct jail_op *op, int *slots, size_t n_slots, struct jail_error *err)
{
	char src[64];
	int fd, r = 0;

	switch (op->kind) {
	case JAIL_OP_MKDIR:
		r = mkdir(op->path, op->mode) < 0 ? negative_errno() : 0;
		break;
	case JAIL_OP_MKDIR_P:
		r = jail_mkdir_p(op->path, op->mode);
		break;
	case JAIL_OP_FILE:
		r = write_new_file(op->path, op->data ? op->data : "", op->mode);
		break;
	case JAIL_OP_OPEN:
		if (op->dst < 0 || (size_t)op->dst >= n_slots)
			return jail_err(err, -EBADF, "%s: no such slot", op->what);
		fd = open(op->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		r = fd < 0 ? negative_errno() : 0;
		if (fd >= 0)
			slots[op->dst] = fd;
		break;
	case JAIL_OP_TMPFS:
		r = mount("tmpfs", op->path, "tmpfs", op->flags, op->data) < 0 ? negative_errno()
									       : 0;
		break;
	case JAIL_OP_DEVPTS:
		r = mount("devpts", op->path, "devpts", op->flags, op->data) < 0 ? negative_errno()
										 : 0;
		break;
	case JAIL_OP_OVERLAY:
		r = overlay(op, slots, n_slots);
		break;
	case JAIL_OP_BIND:
		r = fd_path(src, sizeof(src), slot_fd(slots, n_slots, op->src));
		if (r == 0 && mount(src, op->path, NULL, MS_BIND, NULL) < 0)
			r = negative_errno();
		break;
	case JAIL_OP_SETATTR: {
		struct mount_attr attr = { .attr_set = op->attr };

		r = mount_setattr(AT_FDCWD, op->path, AT_SYMLINK_NOFOLLOW, &attr, sizeof(attr)) < 0
			    ? negative_errno()
			    : 0;
		break;
	}
	case JAIL_OP_MKNOD:
		r = mknod(op->path, S_IFCHR | op->mode, op->dev) < 0 ? negative_errno() : 0;
		break;
	case JAIL_OP_PIVOT:
		return pivot(op->path, err);
	}
	if (r < 0) {
		errno = -r;
		return jail_err(err, r, "%s: %m", op->what);
	}
	return 0;
}

int jail_plan_apply(const struct jail_plan *p, int *slots, struct jail_error *err)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		int r = apply_one(&p->ops[i], slots, p->n_slots, err);

		if (r < 0)
			return r;
	}
	return 0;
}
