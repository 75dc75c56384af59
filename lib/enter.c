/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Entering a user's jail (include/jail/jail.h: jail_enter,
 * jail_session_root, jail_enter_root): the login's own mount namespace
 * with the jail's tree at STATE_DIR/U/root, and the namespace that holds
 * the jail alone for the process that becomes the user's.  Moved out of
 * lib/jail.c.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "jail/cgroup.h"
#include "jail/jail.h"
#include "jail/login-record.h"
#include "jail/path.h"
#include "jail/plan.h"
#include "jail-internal.h"

/* Detaches, in the caller's (the login's) mount namespace, the copies of the
 * host mounts that jail_login_keeps_mount() does not keep.  Best effort: a mount
 * left is a mount held, not a hole. */
static void drop_foreign_mounts(const char *const *needed)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ char *line = NULL;
	size_t size = 0;

	if (!f)
		return;
	while (getline(&line, &size, f) > 0) {
		char *fields[5] = { 0 }, *p = line, *sep, *fstype;

		for (size_t i = 0; i < ELEMENTSOF(fields) && p; i++) {
			fields[i] = p;
			p = strchr(p, ' ');
			if (p)
				*p++ = '\0';
		}
		sep = p ? strstr(p, " - ") : NULL;
		if (!fields[4] || !sep)
			continue;
		fstype = sep + 3;
		fstype[strcspn(fstype, " ")] = '\0';
		jail_mountinfo_unescape(fields[4]);
		if (!jail_login_keeps_mount(fields[4], fstype, needed))
			(void)umount2(fields[4], MNT_DETACH | UMOUNT_NOFOLLOW);
	}
}

/*
 * The login's mount namespace (see jail_enter in include/jail/jail.h): a copy
 * of the caller's, slave to it, without the host mounts the login does not
 * need (drop_foreign_mounts), with a private tmpfs over STATE_DIR that
 * holds, at U/root, a copy of the jail's mount tree taken in the jail's
 * namespace and, at U/skel, the root of each of the login's sessions
 * (jail_session_root_prepare), which jail_session_root() only pivots into.
 */
/*
 * The login record for jailsh (include/jail/login-record.h): written on the
 * login namespace's tmpfs as STATE_DIR/U/login and bound over `path`, the
 * empty file the host has there.  Called in the new login namespace.
 */
static int hand_over(const struct jail_config *c, const struct jail_handle *h,
		     const struct jail_user *u, const char *sd_user, const char *path,
		     struct jail_error *err)
{
	struct jail_login_record rec = { .uid = u->uid, .seccomp = false };
	const struct jail_template *t = NULL;
	char file[PATH_MAX], text[JAIL_LOGIN_RECORD_MAX];
	struct stat st;
	int n, fd;

	for (size_t i = 0; i < c->n_templates; i++)
		if (strcmp(c->templates[i].name, h->template_name) == 0)
			t = &c->templates[i];
	if (!t)
		return jail_err(err, -ENOENT, "template '%s' of the jail is not in the config",
				h->template_name);
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		return jail_err(err, -ENOENT,
				"'%s' (jailsh's login record) is missing or not a root-owned file",
				path);
	if (stat("/proc/self/ns/mnt", &st) < 0)
		return jail_err(err, negative_errno(), "cannot stat our mount namespace: %m");
	rec.mntns = (unsigned long long)st.st_ino;
	snprintf(rec.user, sizeof(rec.user), "%s", u->name);
	snprintf(rec.home, sizeof(rec.home), "%s", u->home);
	snprintf(rec.state_dir, sizeof(rec.state_dir), "%s", c->state_dir);
	snprintf(rec.template_name, sizeof(rec.template_name), "%s", t->name);
	snprintf(rec.shell, sizeof(rec.shell), "%s", t->shell);
	rec.seccomp = t->seccomp;
	rec.landlock = t->landlock;
	n = jail_cgroup_expected(&t->limits, h->cgroup, u->uid, rec.cgroup, sizeof(rec.cgroup));
	if (n < 0)
		return jail_err(err, n, "cannot name the cgroups of the login of user '%s': %s",
				u->name, strerror(-n));
	n = jail_login_record_format(&rec, text, sizeof(text));
	if (n < 0)
		return jail_err(err, n, "cannot write the login record for user '%s'", u->name);
	if (jail_path_join(file, sizeof(file), sd_user, "login") < 0)
		return jail_err(err, -ENAMETOOLONG, "state dir path too long");
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0444);
	if (fd < 0)
		return jail_err(err, negative_errno(), "cannot create '%s': %m", file);
	if (write(fd, text, (size_t)n) != n) {
		close(fd);
		return jail_err(err, -EIO, "cannot write '%s'", file);
	}
	close(fd);
	if (mount(file, path, NULL, MS_BIND, NULL) < 0)
		return jail_err(err, negative_errno(), "cannot bind the login record on '%s': %m",
				path);
	return 0;
}

int jail_session_root_prepare(const char *state_dir, const char *user, struct jail_error *err)
{
	_cleanup_close_ int tree = -EBADF;
	char root[PATH_MAX], skel[PATH_MAX], path[PATH_MAX];
	mode_t old_umask;
	int r;

	if (jail_state_path(root, sizeof(root), state_dir, user, JAIL_STATE_ROOT) < 0 ||
	    jail_state_path(skel, sizeof(skel), state_dir, user, JAIL_STATE_SKEL) < 0 ||
	    jail_path_join(path, sizeof(path), skel, root) < 0)
		return jail_err(err, -ENAMETOOLONG, "state dir path too long");
	tree = open_tree(AT_FDCWD, root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return jail_err(err, negative_errno(), "cannot copy the jail's tree at '%s': %m",
				root);
	if (mount("tmpfs", skel, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=16k,nr_inodes=64") < 0)
		return jail_err(err, negative_errno(), "cannot mount tmpfs on '%s': %m", skel);
	old_umask = umask(022);
	r = jail_mkdir_p(path, 0755);
	umask(old_umask);
	if (r < 0)
		return jail_err(err, r, "cannot create '%s': %s", path, strerror(-r));
	if (move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return jail_err(err, negative_errno(), "cannot mount the jail's tree on '%s': %m",
				path);
	if (mount(NULL, skel, NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return jail_err(err, negative_errno(), "cannot make '%s' read-only: %m", skel);
	return 0;
}

static int enter_login_ns(const struct jail_config *c, const struct jail_handle *h,
			  const struct jail_user *u, const char *login_record,
			  struct jail_error *err)
{
	const char *const needed[] = { c->state_dir, u->home, u->shell, NULL };
	_cleanup_close_ int own = -EBADF, tree = -EBADF;
	char sd_user[PATH_MAX], root[PATH_MAX], skel[PATH_MAX], pts[PATH_MAX];
	struct stat st;
	int r = 0;

	if (jail_state_path(sd_user, sizeof(sd_user), c->state_dir, h->user, NULL) < 0 ||
	    jail_state_path(root, sizeof(root), c->state_dir, h->user, JAIL_STATE_ROOT) < 0 ||
	    jail_state_path(skel, sizeof(skel), c->state_dir, h->user, JAIL_STATE_SKEL) < 0 ||
	    jail_path_join(pts, sizeof(pts), root, "dev/pts") < 0)
		return jail_err(err, -ENAMETOOLONG, "state dir path too long");
	own = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (own < 0)
		return jail_err(err, negative_errno(), "cannot open our own mount namespace: %m");
	/* a mount tree can be copied only from the caller's namespace: go in,
	 * copy the jail's whole tree (detached, private), come back out */
	if (setns(h->pidfd, CLONE_NEWNS) < 0)
		return jail_err(err, negative_errno(),
				"cannot enter the jail's mount namespace: %m");
	tree = open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		r = negative_errno();
	if (setns(own, CLONE_NEWNS) < 0)
		return jail_err(err, negative_errno(), "cannot return to our mount namespace: %m");
	if (r < 0)
		return jail_err(err, r, "cannot copy the jail's mount tree: %s", strerror(-r));

	if (unshare(CLONE_NEWNS) < 0)
		return jail_err(err, negative_errno(),
				"cannot create the login's mount namespace: %m");
	/* nothing propagates out; host (un)mounts come in where "/" is shared */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return jail_err(err, negative_errno(), "cannot make / a slave mount: %m");
	drop_foreign_mounts(needed);
	if (mount("tmpfs", c->state_dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0755,size=16k,nr_inodes=16") < 0)
		return jail_err(err, negative_errno(), "cannot mount tmpfs on '%s': %m",
				c->state_dir);
	if (mkdir(sd_user, 0755) < 0 || mkdir(root, 0755) < 0 || mkdir(skel, 0755) < 0)
		return jail_err(err, negative_errno(), "cannot make the login's view of '%s': %m",
				sd_user);
	if (move_mount(tree, "", AT_FDCWD, root, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return jail_err(err, negative_errno(), "cannot mount the jail's tree on '%s': %m",
				root);
	r = jail_session_root_prepare(c->state_dir, h->user, err);
	if (r < 0)
		return r;
	/* the pty that sshd's monitor allocates for the login (/dev/ptmx finds
	 * its devpts through the sibling "pts") is one of the jail's */
	if (stat("/dev/pts", &st) == 0 && S_ISDIR(st.st_mode) &&
	    mount(pts, "/dev/pts", NULL, MS_BIND, NULL) < 0)
		return jail_err(err, negative_errno(),
				"cannot bind the jail's devpts on /dev/pts: %m");
	return login_record ? hand_over(c, h, u, sd_user, login_record, err) : 0;
}

int jail_enter(const struct jail_config *c, const struct jail_handle *h, const struct jail_user *u,
	       int ns_flags, const char *login_record, struct jail_error *err)
{
	int r;

	ns_flags &= h->ns_flags;
	if (ns_flags & CLONE_NEWNS) {
		r = enter_login_ns(c, h, u, login_record, err);
		if (r < 0)
			return r;
	}
	if ((ns_flags & ~CLONE_NEWNS) && setns(h->pidfd, ns_flags & ~CLONE_NEWNS) < 0)
		return jail_err(err, negative_errno(), "cannot enter the jail's namespaces: %m");
	return 0;
}

/* Makes the mount point `dir` the root of the caller's mount namespace and
 * detaches the old root with everything under it. */
static int pivot_into(const char *dir, struct jail_error *err)
{
	_cleanup_close_ int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || fchdir(fd) < 0)
		return jail_err(err, negative_errno(), "cannot enter '%s': %m", dir);
	/* the old root ends up stacked on "."; detaching "." removes it */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return jail_err(err, negative_errno(), "cannot pivot_root into '%s': %m", dir);
	if (umount2(".", MNT_DETACH) < 0)
		return jail_err(err, negative_errno(), "cannot detach the old root: %m");
	if (chdir("/") < 0)
		return jail_err(err, negative_errno(), "cannot chdir to the new root: %m");
	return 0;
}

int jail_session_root(const char *state_dir, const char *user, struct jail_error *err)
{
	char skel[PATH_MAX];

	if (jail_state_path(skel, sizeof(skel), state_dir, user, JAIL_STATE_SKEL) < 0)
		return jail_err(err, -ENAMETOOLONG, "state dir path too long");
	/* a copy of the login's namespace, whose U/skel holds the jail alone
	 * (jail_session_root_prepare): pivoting into it leaves the rest behind;
	 * where nobody prepared it, U/skel is no mount point and pivot_root
	 * fails */
	if (unshare(CLONE_NEWNS) < 0)
		return jail_err(err, negative_errno(),
				"cannot create the session's mount namespace: %m");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return jail_err(err, negative_errno(), "cannot make / a private mount: %m");
	return pivot_into(skel, err);
}

int jail_enter_root(const char *state_dir, const char *user, struct jail_error *err)
{
	char root[PATH_MAX];
	int r;

	if (jail_state_path(root, sizeof(root), state_dir, user, JAIL_STATE_ROOT) < 0)
		return jail_err(err, -ENAMETOOLONG, "jail root path too long");
	r = jail_session_root(state_dir, user, err);
	if (r < 0)
		return r;
	/* a chroot below the namespace's root, not a pivot_root into the jail:
	 * the kernel refuses a user namespace to a chrooted process only
	 * (current_chrooted()), and the jail gives none of its users one */
	if (chdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return jail_err(err, negative_errno(), "cannot enter jail root '%s': %m", root);
	return 0;
}
