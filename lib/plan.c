/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The jail's file system as a list of operations (include/jail/plan.h).
 * Pure: memory and strings only, no system call, so that every option of a
 * template is unit-tested without root.  The order of the operations is the
 * order the kernel needs: the skeleton before the overlay that shows it, the
 * overlay before what is mounted on it, the pivot last.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include "jail/layout.h"
#include "jail/macro.h"
#include "jail/path.h"
#include "jail/plan.h"

/* the jail's /dev: what a shell, sftp-server and a terminal need, no more */
static const struct {
	const char *name;
	unsigned maj, min;
} jail_devs[] = {
	{ "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 },
	{ "urandom", 1, 9 }, { "tty", 5, 0 }, { "ptmx", 5, 2 },
};

/* the skeleton's mount points over the template */
static const struct {
	const char *name;
	mode_t mode;
} skel_dirs[] = { { "tmp", 01777 }, { "proc", 0555 }, { "dev", 0755 }, { "etc", 0755 } };

void jail_plan_free(struct jail_plan *p)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		free(p->ops[i].path);
		free(p->ops[i].data);
		free(p->ops[i].what);
	}
	free(p->ops);
	*p = (struct jail_plan){ 0 };
}

/* A new operation on `dir`/`sub` (sub NULL: on dir), its error message
 * from `fmt`.  NULL on ENOMEM or a path too long (*r says which). */
static struct jail_op *add(struct jail_plan *p, int *r, enum jail_op_kind kind, const char *dir,
			   const char *sub, const char *fmt, ...) _printf_(6, 7);
static struct jail_op *add(struct jail_plan *p, int *r, enum jail_op_kind kind, const char *dir,
			   const char *sub, const char *fmt, ...)
{
	char path[PATH_MAX];
	struct jail_op *op;
	va_list ap;
	int n;

	if (*r < 0)
		return NULL; /* an earlier add failed: the caller checks once */
	if (sub ? jail_path_join(path, sizeof(path), dir, sub) < 0
		: snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		*r = -ENAMETOOLONG;
		return NULL;
	}
	if (p->n_ops == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 32;
		struct jail_op *ops = realloc(p->ops, cap * sizeof(*ops));

		if (!ops) {
			*r = -ENOMEM;
			return NULL;
		}
		p->ops = ops;
		p->cap = cap;
	}
	op = &p->ops[p->n_ops];
	*op = (struct jail_op){ .kind = kind, .src = JAIL_SLOT_NONE, .dst = JAIL_SLOT_NONE,
				.lower = { JAIL_SLOT_NONE, JAIL_SLOT_NONE },
				.upper = JAIL_SLOT_NONE, .work = JAIL_SLOT_NONE };
	op->path = strdup(path);
	va_start(ap, fmt);
	n = vasprintf(&op->what, fmt, ap);
	va_end(ap);
	if (n < 0)
		op->what = NULL;
	if (!op->path || !op->what) {
		free(op->path);
		free(op->what);
		*r = -ENOMEM;
		return NULL;
	}
	p->n_ops++;
	return op;
}

static void set_data(struct jail_op *op, int *r, const char *data)
{
	if (!op)
		return;
	op->data = strdup(data);
	if (!op->data)
		*r = -ENOMEM;
}

/* The path `a`/`b` into buf, or *r = -ENAMETOOLONG. */
static void join(char *buf, size_t size, const char *a, const char *b, int *r)
{
	if (*r >= 0 && jail_path_join(buf, size, a, b) < 0)
		*r = -ENAMETOOLONG;
}

static void plan_skeleton(const struct jail_plan_input *in, const char *skel, struct jail_plan *p,
			  int *r)
{
	const struct jail_template *t = in->t;
	struct jail_op *op;

	for (size_t i = 0; i < ELEMENTSOF(skel_dirs); i++) {
		op = add(p, r, JAIL_OP_MKDIR, skel, skel_dirs[i].name, "mkdir '%s/%s'", skel,
			 skel_dirs[i].name);
		if (op)
			op->mode = skel_dirs[i].mode;
	}
	op = add(p, r, JAIL_OP_MKDIR_P, skel, in->home, "cannot create home mount point");
	if (op)
		op->mode = 0755;
	op = add(p, r, JAIL_OP_FILE, skel, "etc/passwd", "cannot write passwd");
	if (op)
		op->mode = 0644;
	set_data(op, r, in->passwd);
	op = add(p, r, JAIL_OP_FILE, skel, "etc/group", "cannot write group");
	if (op)
		op->mode = 0644;
	set_data(op, r, in->group);
	/* a bind's mount point: a directory, or an empty file in its directory */
	for (size_t i = 0; i < t->n_binds; i++) {
		const char *target = t->binds[i].target;

		if (in->bind_is_dir[i]) {
			op = add(p, r, JAIL_OP_MKDIR_P, skel, target,
				 "cannot create mount point for '%s'", target);
			if (op)
				op->mode = 0755;
		} else {
			char dir[PATH_MAX], *slash;

			join(dir, sizeof(dir), skel, target, r);
			if (*r < 0)
				return;
			slash = strrchr(dir, '/');
			*slash = '\0';
			op = add(p, r, JAIL_OP_MKDIR_P, dir, NULL,
				 "cannot create mount point for '%s'", target);
			if (op)
				op->mode = 0755;
			op = add(p, r, JAIL_OP_FILE, skel, target,
				 "cannot create mount point for '%s'", target);
			if (op)
				op->mode = 0644;
			set_data(op, r, "");
		}
	}
}

static void plan_dev(const struct jail_plan_input *in, const char *root, struct jail_plan *p,
		     int *r)
{
	const struct jail_template *t = in->t;
	char dev[PATH_MAX], opts[256];
	struct jail_op *op;

	join(dev, sizeof(dev), root, "dev", r);
	if (*r < 0)
		return;
	op = add(p, r, JAIL_OP_TMPFS, dev, NULL, "cannot mount /dev");
	if (op)
		op->flags = MS_NOSUID | MS_NOEXEC;
	set_data(op, r, "mode=0755,size=64k,nr_inodes=64");
	for (size_t i = 0; i < ELEMENTSOF(jail_devs); i++) {
		op = add(p, r, JAIL_OP_MKNOD, dev, jail_devs[i].name, "mknod '%s/%s'", dev,
			 jail_devs[i].name);
		if (op) {
			op->mode = 0666;
			op->dev = makedev(jail_devs[i].maj, jail_devs[i].min);
		}
	}
	op = add(p, r, JAIL_OP_MKDIR, dev, "pts", "mkdir '%s/pts'", dev);
	if (op)
		op->mode = 0755;
	/* A devpts instance of its own: the login's terminal lives here and
	 * `ls /dev/pts` shows this user's terminals only.  Every instance but
	 * the host's draws on the kernel's pty.max - pty.reserve, so max=
	 * keeps one jail from taking the terminals of all others. */
	snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=0620,gid=%u,max=%u",
		 (unsigned)in->tty_gid, t->pty_max ? t->pty_max : JAIL_DEFAULT_PTY_MAX);
	op = add(p, r, JAIL_OP_DEVPTS, dev, "pts", "cannot mount devpts");
	if (op)
		op->flags = MS_NOSUID | MS_NOEXEC;
	set_data(op, r, opts);
	/* sftp_log: the host's syslog socket at the jail's /dev/log, so that
	 * internal-sftp -l and sftp-server -l can log from inside */
	if (in->devlog) {
		static const char what[] = "sftp_log: cannot bind /dev/log into the jail";

		op = add(p, r, JAIL_OP_FILE, dev, "log", what);
		if (op)
			op->mode = 0644;
		set_data(op, r, "");
		op = add(p, r, JAIL_OP_BIND, dev, "log", what);
		if (op)
			op->src = JAIL_SLOT_DEVLOG;
		op = add(p, r, JAIL_OP_SETATTR, dev, "log", what);
		if (op)
			op->attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	}
	op = add(p, r, JAIL_OP_SETATTR, dev, NULL, "cannot set /dev flags");
	if (op)
		op->attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
}

int jail_plan_jail(const struct jail_plan_input *in, struct jail_plan *p, struct jail_error *err)
{
	const struct jail_template *t = in->t;
	char sd_user[PATH_MAX], root[PATH_MAX], skel[PATH_MAX], opts[256];
	struct jail_op *op;
	int r = 0;

	p->n_slots = JAIL_SLOT_BIND0 + t->n_binds;
	join(sd_user, sizeof(sd_user), in->state_dir, in->user, &r);
	join(root, sizeof(root), sd_user, JAIL_STATE_ROOT, &r);
	join(skel, sizeof(skel), sd_user, JAIL_STATE_SKEL, &r);
	if (r < 0)
		return jail_err(err, r, "path too long");

	/* STATE_DIR under a private tmpfs: other users' state is out of sight
	 * and STATE_DIR/U/root exists only in this namespace */
	op = add(p, &r, JAIL_OP_TMPFS, in->state_dir, NULL, "cannot mount tmpfs on '%s'",
		 in->state_dir);
	if (op)
		op->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	set_data(op, &r, "mode=0755,size=1m,nr_inodes=1024");
	op = add(p, &r, JAIL_OP_MKDIR, sd_user, NULL, "mkdir '%s'", sd_user);
	if (op)
		op->mode = 0755;
	op = add(p, &r, JAIL_OP_MKDIR, root, NULL, "mkdir '%s'", root);
	if (op)
		op->mode = 0755;
	op = add(p, &r, JAIL_OP_MKDIR, skel, NULL, "mkdir '%s'", skel);
	if (op)
		op->mode = 0755;

	/* the skeleton layer: mount points and the user's identity files, laid
	 * over the template so the template itself is never written to */
	plan_skeleton(in, skel, p, &r);
	op = add(p, &r, JAIL_OP_OPEN, skel, NULL, "open '%s'", skel);
	if (op)
		op->dst = JAIL_SLOT_SKEL;

	/* "/" is the template under the skeleton, read-only: an overlay with no
	 * upper layer cannot be written at all; mode = "overlay" puts the
	 * user's own persistent upper layer on top */
	if (!t->overlay)
		op = add(p, &r, JAIL_OP_OVERLAY, root, NULL, "cannot mount template '%s' (overlay)",
			 t->rootfs);
	else
		op = add(p, &r, JAIL_OP_OVERLAY, root, NULL,
			 "cannot mount template '%s' with the upper layer '%s'", t->rootfs,
			 in->upper_path ? in->upper_path : "?");
	if (op) {
		op->lower[0] = JAIL_SLOT_SKEL;
		op->lower[1] = JAIL_SLOT_TEMPLATE;
		op->flags = MS_NOSUID | MS_NODEV | (t->overlay ? 0 : MS_RDONLY);
		if (t->overlay) {
			op->upper = JAIL_SLOT_UPPER;
			op->work = JAIL_SLOT_WORK;
		}
	}

	/* host directories layered in, read-only unless the config says not */
	for (size_t i = 0; i < t->n_binds; i++) {
		const struct jail_bind *jb = &t->binds[i];

		op = add(p, &r, JAIL_OP_BIND, root, jb->target, "cannot bind '%s' on '%s'",
			 jb->source, jb->target);
		if (op)
			op->src = JAIL_SLOT_BIND0 + (int)i;
		op = add(p, &r, JAIL_OP_SETATTR, root, jb->target,
			 "cannot make bind '%s' read-only", jb->target);
		if (op)
			op->attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				   (jb->read_only ? MOUNT_ATTR_RDONLY : 0);
	}

	/* private /tmp (and /var/tmp where the template has it); nr_inodes
	 * too: an empty file costs kernel memory but no tmpfs size, so size=
	 * alone would let a user pin memory with millions of empty files */
	snprintf(opts, sizeof(opts), "mode=1777,size=%s,nr_inodes=%llu", t->tmp_size,
		 jail_template_tmp_inodes(t));
	op = add(p, &r, JAIL_OP_TMPFS, root, "tmp", "cannot mount /tmp");
	if (op)
		op->flags = MS_NOSUID | MS_NODEV;
	set_data(op, &r, opts);
	if (in->has_var_tmp) {
		op = add(p, &r, JAIL_OP_TMPFS, root, "var/tmp", "cannot mount /var/tmp");
		if (op)
			op->flags = MS_NOSUID | MS_NODEV;
		set_data(op, &r, opts);
	}

	plan_dev(in, root, p, &r);

	/* the user's home, writable, at the same path */
	op = add(p, &r, JAIL_OP_BIND, root, in->home, "cannot bind home '%s'", in->home);
	if (op)
		op->src = JAIL_SLOT_HOME;
	op = add(p, &r, JAIL_OP_SETATTR, root, in->home, "cannot set flags on home");
	if (op)
		op->attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;

	/* the namespace holds only the jail from here on (see run_setup) */
	add(p, &r, JAIL_OP_PIVOT, root, NULL, "cannot pivot_root into the jail");
	if (r == -ENAMETOOLONG)
		return jail_err(err, r, "path too long");
	if (r < 0)
		return jail_err(err, r, "out of memory");
	return 0;
}

static const char *slot_name(int slot, char *buf, size_t size)
{
	static const char *const names[] = {
		"template", "home", "skel", "upper", "work", "devlog"
	};

	if (slot >= 0 && slot < JAIL_SLOT_BIND0)
		return names[slot];
	if (slot >= JAIL_SLOT_BIND0)
		snprintf(buf, size, "bind%d", slot - JAIL_SLOT_BIND0);
	else
		snprintf(buf, size, "none");
	return buf;
}

const char *jail_op_format(const struct jail_op *op, char *buf, size_t size)
{
	char a[16], b[16], c[16], d[16];

	switch (op->kind) {
	case JAIL_OP_MKDIR:
	case JAIL_OP_MKDIR_P:
		snprintf(buf, size, "%s %s %04o", op->kind == JAIL_OP_MKDIR ? "mkdir" : "mkdir-p",
			 op->path, (unsigned)op->mode);
		break;
	case JAIL_OP_FILE:
		snprintf(buf, size, "file %s %04o (%zu bytes)", op->path, (unsigned)op->mode,
			 op->data ? strlen(op->data) : 0);
		break;
	case JAIL_OP_OPEN:
		snprintf(buf, size, "open %s -> %s", op->path, slot_name(op->dst, a, sizeof(a)));
		break;
	case JAIL_OP_TMPFS:
	case JAIL_OP_DEVPTS:
		snprintf(buf, size, "%s %s %s%s%s%s",
			 op->kind == JAIL_OP_TMPFS ? "tmpfs" : "devpts", op->path, op->data,
			 op->flags & MS_NOSUID ? ",nosuid" : "",
			 op->flags & MS_NODEV ? ",nodev" : "",
			 op->flags & MS_NOEXEC ? ",noexec" : "");
		break;
	case JAIL_OP_OVERLAY:
		snprintf(buf, size, "overlay %s lower=%s:%s upper=%s work=%s%s", op->path,
			 slot_name(op->lower[0], a, sizeof(a)),
			 slot_name(op->lower[1], b, sizeof(b)), slot_name(op->upper, c, sizeof(c)),
			 slot_name(op->work, d, sizeof(d)), op->flags & MS_RDONLY ? " ro" : " rw");
		break;
	case JAIL_OP_BIND:
		snprintf(buf, size, "bind %s <- %s", op->path, slot_name(op->src, a, sizeof(a)));
		break;
	case JAIL_OP_SETATTR:
		snprintf(buf, size, "setattr %s%s%s%s%s", op->path,
			 op->attr & MOUNT_ATTR_RDONLY ? " ro" : "",
			 op->attr & MOUNT_ATTR_NOSUID ? " nosuid" : "",
			 op->attr & MOUNT_ATTR_NODEV ? " nodev" : "",
			 op->attr & MOUNT_ATTR_NOEXEC ? " noexec" : "");
		break;
	case JAIL_OP_MKNOD:
		snprintf(buf, size, "mknod %s c %u:%u %04o", op->path, major(op->dev),
			 minor(op->dev), (unsigned)op->mode);
		break;
	case JAIL_OP_PIVOT:
		snprintf(buf, size, "pivot %s", op->path);
		break;
	}
	return buf;
}

/* ---- the settings a jail is built from ------------------------------------------ */

struct fnv {
	unsigned long long h;
};

static void fnv_bytes(struct fnv *f, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		f->h ^= p[i];
		f->h *= 0x100000001b3ULL;
	}
}

/* a tag, then the value's length, then the value: no two different lists
 * of fields give the same bytes */
static void fnv_str(struct fnv *f, char tag, const char *s)
{
	size_t n = s ? strlen(s) + 1 : 0; /* NULL and "" differ */

	fnv_bytes(f, &tag, 1);
	fnv_bytes(f, &n, sizeof(n));
	if (s)
		fnv_bytes(f, s, n);
}

static void fnv_num(struct fnv *f, char tag, unsigned long long v)
{
	fnv_bytes(f, &tag, 1);
	fnv_bytes(f, &v, sizeof(v));
}

unsigned long long jail_settings_hash(const struct jail_template *t, const struct jail_user *u)
{
	struct fnv f = { 0xcbf29ce484222325ULL };

	fnv_str(&f, 'r', t->rootfs);
	fnv_str(&f, 's', t->shell);
	fnv_str(&f, 't', t->tmp_size);
	fnv_num(&f, 'i', t->tmp_inodes);
	fnv_num(&f, 'p', t->pty_max);
	fnv_num(&f, 'n', t->network_none);
	fnv_num(&f, 'm', t->limits.memory);
	fnv_num(&f, 'P', (unsigned long long)t->limits.pids);
	fnv_num(&f, 'c', t->limits.cpu_percent);
	fnv_num(&f, 'R', t->limits.required);
	fnv_num(&f, 'S', t->seccomp);
	fnv_num(&f, 'L', t->landlock);
	fnv_num(&f, 'h', t->home_check);
	fnv_num(&f, 'l', t->sftp_log);
	fnv_num(&f, 'g', t->linger_s);
	fnv_num(&f, 'b', t->n_binds);
	for (size_t i = 0; i < t->n_binds; i++) {
		fnv_str(&f, 'B', t->binds[i].source);
		fnv_str(&f, 'T', t->binds[i].target);
		fnv_num(&f, 'o', t->binds[i].read_only);
		fnv_num(&f, 'x', t->binds[i].shared);
	}
	fnv_num(&f, 'O', t->overlay);
	fnv_str(&f, 'd', t->overlay_dir);
	fnv_num(&f, 'w', t->n_writable);
	for (size_t i = 0; i < t->n_writable; i++)
		fnv_str(&f, 'W', t->writable[i]);
	fnv_str(&f, 'U', u->name);
	fnv_num(&f, 'u', u->uid);
	fnv_num(&f, 'G', u->gid);
	fnv_str(&f, 'H', u->home);
	fnv_num(&f, 'N', u->n_gids);
	for (size_t i = 0; i < u->n_gids; i++)
		fnv_num(&f, 'X', u->gids[i]);
	for (size_t i = 0; u->group_names && u->group_names[i]; i++)
		fnv_str(&f, 'Y', u->group_names[i]);
	return f.h ? f.h : 1;
}
