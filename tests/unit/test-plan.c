/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The jail's plan (lib/plan.c) for every template option, without root:
 * what is mounted where, with which flags, from which source, in which
 * order, and that nothing lands outside the user's state directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "jail/plan.h"

static struct jail_bind binds[] = {
	{ .source = "/srv/shared", .target = "/srv/shared", .read_only = true },
	{ .source = "/etc/motd.jail", .target = "/etc/motd", .read_only = false },
};
static const bool bind_is_dir[] = { true, false };

static struct jail_template tpl(void)
{
	return (struct jail_template){ .name = "web",
				       .rootfs = "/srv/jails/web",
				       .tmp_size = "64M" };
}

static struct jail_plan_input input(const struct jail_template *t)
{
	return (struct jail_plan_input){
		.state_dir = "/run/pam_jail",
		.user = "alice",
		.home = "/home/alice",
		.t = t,
		.bind_is_dir = bind_is_dir,
		.tty_gid = 5,
		.passwd = "root:x:0:0:root:/root:/sbin/nologin\nalice:x:1000:1000::/home/alice:/"
			  "bin/sh\n",
		.group = "root:x:0:\n",
		.upper_path = "/var/lib/pam_jail/alice/upper",
	};
}

/* The plan as text, one operation per line. */
static char *dump(const struct jail_plan *p)
{
	char *s = NULL, line[PATH_MAX + 256];
	size_t size = 0;
	FILE *f = open_memstream(&s, &size);

	assert_non_null(f);
	for (size_t i = 0; i < p->n_ops; i++)
		fprintf(f, "%s\n", jail_op_format(&p->ops[i], line, sizeof(line)));
	assert_int_equal(fclose(f), 0);
	return s;
}

static void plan_ok(const struct jail_plan_input *in, struct jail_plan *p)
{
	struct jail_error err = { 0 };

	*p = (struct jail_plan){ 0 };
	if (jail_plan_jail(in, p, &err) < 0)
		fail_msg("plan failed: %s", err.msg);
}

static const struct jail_op *find(const struct jail_plan *p, enum jail_op_kind kind,
				  const char *path)
{
	for (size_t i = 0; i < p->n_ops; i++)
		if (p->ops[i].kind == kind && strcmp(p->ops[i].path, path) == 0)
			return &p->ops[i];
	return NULL;
}

static size_t index_of(const struct jail_plan *p, const struct jail_op *op)
{
	return (size_t)(op - p->ops);
}

/* The whole plan of the default template, as an admin would read it. */
static void test_default_template(void **state)
{
	struct jail_template t = tpl();
	struct jail_plan_input in = input(&t);
	struct jail_plan p;
	char *text;

	(void)state;
	plan_ok(&in, &p);
	text = dump(&p);
	assert_string_equal(
		text,
		"tmpfs /run/pam_jail mode=0755,size=1m,nr_inodes=1024,nosuid,nodev,noexec\nmkdir "
		"/run/pam_jail/alice 0755\nmkdir /run/pam_jail/alice/root 0755\nmkdir "
		"/run/pam_jail/alice/skel 0755\nmkdir /run/pam_jail/alice/skel/tmp 1777\nmkdir "
		"/run/pam_jail/alice/skel/proc 0555\nmkdir /run/pam_jail/alice/skel/dev 0755\n"
		"mkdir /run/pam_jail/alice/skel/etc 0755\nmkdir-p "
		"/run/pam_jail/alice/skel/home/alice 0755\nfile "
		"/run/pam_jail/alice/skel/etc/passwd 0644 (75 bytes)\nfile "
		"/run/pam_jail/alice/skel/etc/group 0644 (10 bytes)\nopen /run/pam_jail/alice/skel "
		"-> skel\noverlay /run/pam_jail/alice/root lower=skel:template upper=none "
		"work=none ro\ntmpfs /run/pam_jail/alice/root/tmp "
		"mode=1777,size=64M,nr_inodes=16384,nosuid,nodev\ntmpfs "
		"/run/pam_jail/alice/root/dev mode=0755,size=64k,nr_inodes=64,nosuid,noexec\nmknod "
		"/run/pam_jail/alice/root/dev/null c 1:3 0666\nmknod "
		"/run/pam_jail/alice/root/dev/zero c 1:5 0666\nmknod "
		"/run/pam_jail/alice/root/dev/full c 1:7 0666\nmknod "
		"/run/pam_jail/alice/root/dev/random c 1:8 0666\nmknod "
		"/run/pam_jail/alice/root/dev/urandom c 1:9 0666\nmknod "
		"/run/pam_jail/alice/root/dev/tty c 5:0 0666\nmknod "
		"/run/pam_jail/alice/root/dev/ptmx c 5:2 0666\nmkdir "
		"/run/pam_jail/alice/root/dev/pts 0755\ndevpts /run/pam_jail/alice/root/dev/pts "
		"newinstance,ptmxmode=0666,mode=0620,gid=5,max=64,nosuid,noexec\nsetattr "
		"/run/pam_jail/alice/root/dev nosuid noexec\nbind "
		"/run/pam_jail/alice/root/home/alice <- home\nsetattr "
		"/run/pam_jail/alice/root/home/alice nosuid nodev\npivot "
		"/run/pam_jail/alice/root\n");
	assert_int_equal(p.n_slots, JAIL_SLOT_BIND0);
	free(text);
	jail_plan_free(&p);
}

/* Nothing of the plan touches the host: every path is under STATE_DIR, every
 * mount but the first (the private tmpfs over STATE_DIR) is under the
 * user's own directory, and the pivot into the root comes last. */
static void test_confined_to_state_dir(void **state)
{
	struct jail_template t = tpl();
	struct jail_plan_input in;
	struct jail_plan p;

	(void)state;
	t.binds = binds;
	t.n_binds = ELEMENTSOF(binds);
	t.overlay = true;
	in = input(&t);
	in.has_var_tmp = true;
	in.devlog = true;
	plan_ok(&in, &p);
	for (size_t i = 0; i < p.n_ops; i++) {
		const char *path = p.ops[i].path;

		assert_true(strncmp(path, "/run/pam_jail/", 14) == 0 ||
			    strcmp(path, "/run/pam_jail") == 0);
		if (i > 0)
			assert_true(strncmp(path, "/run/pam_jail/alice/", 20) == 0 ||
				    strcmp(path, "/run/pam_jail/alice") == 0);
		assert_non_null(p.ops[i].what);
		assert_true(p.ops[i].what[0] != '\0');
	}
	assert_int_equal(p.ops[0].kind, JAIL_OP_TMPFS);
	assert_int_equal(p.ops[p.n_ops - 1].kind, JAIL_OP_PIVOT);
	assert_string_equal(p.ops[p.n_ops - 1].path, "/run/pam_jail/alice/root");
	for (size_t i = 0; i + 1 < p.n_ops; i++)
		assert_int_not_equal(p.ops[i].kind, JAIL_OP_PIVOT);
	jail_plan_free(&p);
}

/* mode = "overlay": the user's upper layer on top, writable */
static void test_overlay_mode(void **state)
{
	struct jail_template t = tpl();
	struct jail_plan_input in = input(&t);
	const struct jail_op *op;
	struct jail_plan p;
	char line[512];

	(void)state;
	t.overlay = true;
	plan_ok(&in, &p);
	op = find(&p, JAIL_OP_OVERLAY, "/run/pam_jail/alice/root");
	assert_non_null(op);
	assert_string_equal(
		jail_op_format(op, line, sizeof(line)),
		"overlay /run/pam_jail/alice/root lower=skel:template upper=upper work=work rw");
	assert_false(op->flags & MS_RDONLY);
	assert_true((op->flags & (MS_NOSUID | MS_NODEV)) == (MS_NOSUID | MS_NODEV));
	assert_string_equal(op->what, "cannot mount template '/srv/jails/web' with the upper layer "
				      "'/var/lib/pam_jail/alice/upper'");
	jail_plan_free(&p);

	t.overlay = false;
	plan_ok(&in, &p);
	op = find(&p, JAIL_OP_OVERLAY, "/run/pam_jail/alice/root");
	assert_true(op->flags & MS_RDONLY);
	assert_int_equal(op->upper, JAIL_SLOT_NONE);
	assert_string_equal(op->what, "cannot mount template '/srv/jails/web' (overlay)");
	jail_plan_free(&p);
}

/* binds: a directory's mount point is a directory, a file's an empty file;
 * each is bound from its own slot after the overlay and made read-only
 * unless the config says not */
static void test_binds(void **state)
{
	struct jail_template t = tpl();
	struct jail_plan_input in = input(&t);
	const struct jail_op *op, *ov, *dir, *file, *b0, *b1, *a0, *a1;
	struct jail_plan p;

	(void)state;
	t.binds = binds;
	t.n_binds = ELEMENTSOF(binds);
	plan_ok(&in, &p);
	assert_int_equal(p.n_slots, JAIL_SLOT_BIND0 + 2);
	dir = find(&p, JAIL_OP_MKDIR_P, "/run/pam_jail/alice/skel/srv/shared");
	assert_non_null(dir);
	assert_non_null(find(&p, JAIL_OP_MKDIR_P, "/run/pam_jail/alice/skel/etc"));
	file = find(&p, JAIL_OP_FILE, "/run/pam_jail/alice/skel/etc/motd");
	assert_non_null(file);
	assert_string_equal(file->data, "");
	assert_null(find(&p, JAIL_OP_MKDIR_P, "/run/pam_jail/alice/skel/etc/motd"));
	ov = find(&p, JAIL_OP_OVERLAY, "/run/pam_jail/alice/root");
	b0 = find(&p, JAIL_OP_BIND, "/run/pam_jail/alice/root/srv/shared");
	b1 = find(&p, JAIL_OP_BIND, "/run/pam_jail/alice/root/etc/motd");
	a0 = find(&p, JAIL_OP_SETATTR, "/run/pam_jail/alice/root/srv/shared");
	a1 = find(&p, JAIL_OP_SETATTR, "/run/pam_jail/alice/root/etc/motd");
	assert_true(b0 && b1 && a0 && a1);
	assert_int_equal(b0->src, JAIL_SLOT_BIND0);
	assert_int_equal(b1->src, JAIL_SLOT_BIND0 + 1);
	assert_true(index_of(&p, dir) < index_of(&p, ov) && index_of(&p, file) < index_of(&p, ov));
	assert_true(index_of(&p, ov) < index_of(&p, b0) && index_of(&p, b0) < index_of(&p, a0));
	assert_int_equal(a0->attr, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_RDONLY);
	assert_int_equal(a1->attr, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	assert_string_equal(b0->what, "cannot bind '/srv/shared' on '/srv/shared'");
	/* the home is bound last, after the binds: a bind cannot cover it */
	op = find(&p, JAIL_OP_BIND, "/run/pam_jail/alice/root/home/alice");
	assert_true(index_of(&p, b1) < index_of(&p, op));
	jail_plan_free(&p);
}

/* /var/tmp gets the same tmpfs as /tmp where the template has it; the
 * tmpfs sizes follow tmp_size and tmp_inodes */
static void test_tmp(void **state)
{
	struct jail_template t = tpl();
	struct jail_plan_input in = input(&t);
	const struct jail_op *tmp, *vtmp;
	struct jail_plan p;

	(void)state;
	plan_ok(&in, &p);
	assert_null(find(&p, JAIL_OP_TMPFS, "/run/pam_jail/alice/root/var/tmp"));
	jail_plan_free(&p);

	in.has_var_tmp = true;
	t.tmp_size = "1G";
	t.tmp_inodes = 5000;
	plan_ok(&in, &p);
	tmp = find(&p, JAIL_OP_TMPFS, "/run/pam_jail/alice/root/tmp");
	vtmp = find(&p, JAIL_OP_TMPFS, "/run/pam_jail/alice/root/var/tmp");
	assert_true(tmp && vtmp);
	assert_string_equal(tmp->data, "mode=1777,size=1G,nr_inodes=5000");
	assert_string_equal(vtmp->data, tmp->data);
	assert_int_equal(vtmp->flags, MS_NOSUID | MS_NODEV);
	jail_plan_free(&p);
}

/* /dev: pty_max caps the jail's devpts, the tty group owns its terminals,
 * sftp_log binds the host's /dev/log before /dev is made nosuid,noexec */
static void test_dev(void **state)
{
	struct jail_template t = tpl();
	struct jail_plan_input in = input(&t);
	const struct jail_op *pts, *log, *logattr, *devattr;
	struct jail_plan p;

	(void)state;
	t.pty_max = 7;
	in.tty_gid = 42;
	in.devlog = true;
	plan_ok(&in, &p);
	pts = find(&p, JAIL_OP_DEVPTS, "/run/pam_jail/alice/root/dev/pts");
	assert_non_null(pts);
	assert_string_equal(pts->data, "newinstance,ptmxmode=0666,mode=0620,gid=42,max=7");
	log = find(&p, JAIL_OP_BIND, "/run/pam_jail/alice/root/dev/log");
	logattr = find(&p, JAIL_OP_SETATTR, "/run/pam_jail/alice/root/dev/log");
	devattr = find(&p, JAIL_OP_SETATTR, "/run/pam_jail/alice/root/dev");
	assert_true(log && logattr && devattr);
	assert_int_equal(log->src, JAIL_SLOT_DEVLOG);
	assert_non_null(find(&p, JAIL_OP_FILE, "/run/pam_jail/alice/root/dev/log"));
	assert_int_equal(logattr->attr, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	assert_true(index_of(&p, logattr) < index_of(&p, devattr));
	assert_string_equal(log->what, "sftp_log: cannot bind /dev/log into the jail");
	jail_plan_free(&p);
}

/* a path that does not fit is refused before anything is done */
/* Every setting a jail is built from changes the hash; where the template
 * was written (name, file, line) does not. */
static void test_settings_hash(void **state)
{
	static char *writable[] = { "/usr/local", NULL }, *writable2[] = { "/opt", NULL };
	static gid_t gids[] = { 1000, 27 };
	static char *names[] = { "alice", "sudo", NULL };
	struct jail_bind b[2];
	struct jail_template t = tpl(), t2;
	struct jail_user u = { .name = "alice", .uid = 1000, .gid = 1000, .home = "/home/alice",
			       .gids = gids, .n_gids = 2, .group_names = names },
			 u2;
	unsigned long long base;

	(void)state;
	memcpy(b, binds, sizeof(b));
	t.binds = b;
	t.n_binds = 2;
	t.writable = writable;
	t.n_writable = 1;
	t.overlay_dir = "/var/lib/pam_jail";
	base = jail_settings_hash(&t, &u);
	assert_true(base != 0);
	assert_true(base == jail_settings_hash(&t, &u));
#define CHANGED(field, value)                                                      \
	do {                                                                       \
		t2 = t;                                                            \
		t2.field = value;                                                  \
		assert_true(jail_settings_hash(&t2, &u) != base);                  \
	} while (0)
	CHANGED(rootfs, "/srv/jails/web2");
	CHANGED(shell, "/bin/bash");
	CHANGED(tmp_size, "65M");
	CHANGED(tmp_size, NULL);
	CHANGED(tmp_inodes, 4096);
	CHANGED(pty_max, 8);
	CHANGED(network_none, true);
	CHANGED(limits.memory, 1 << 20);
	CHANGED(limits.pids, 100);
	CHANGED(limits.cpu_percent, 50);
	CHANGED(limits.required, true);
	CHANGED(seccomp, true);
	CHANGED(landlock, JAIL_LANDLOCK_REQUIRED);
	CHANGED(home_check, JAIL_HOME_CHECK_WARN);
	CHANGED(sftp_log, true);
	CHANGED(linger_s, 30);
	CHANGED(n_binds, 1);
	CHANGED(overlay, true);
	CHANGED(overlay_dir, "/var/lib/other");
	CHANGED(writable, writable2);
	CHANGED(n_writable, 0);
#undef CHANGED
	b[1].read_only = true;
	assert_true(jail_settings_hash(&t, &u) != base);
	b[1].read_only = false;
	b[0].shared = true;
	assert_true(jail_settings_hash(&t, &u) != base);
	b[0].shared = false;
	b[0].target = "/srv/elsewhere";
	assert_true(jail_settings_hash(&t, &u) != base);
	b[0].target = binds[0].target;
	assert_true(jail_settings_hash(&t, &u) == base);
#define USER_CHANGED(field, value)                                                 \
	do {                                                                       \
		u2 = u;                                                            \
		u2.field = value;                                                  \
		assert_true(jail_settings_hash(&t, &u2) != base);                  \
	} while (0)
	USER_CHANGED(name, "bob");
	USER_CHANGED(uid, 1001);
	USER_CHANGED(gid, 100);
	USER_CHANGED(home, "/srv/home/alice");
	USER_CHANGED(n_gids, 1);
#undef USER_CHANGED
	gids[1] = 28;
	assert_true(jail_settings_hash(&t, &u) != base);
	gids[1] = 27;
	/* where the template is written is not what the jail is built from */
	t2 = t;
	t2.name = "other";
	t2.file = "/etc/security/pam_jail.d/50-web.conf";
	t2.line = 12;
	t2.rootfs_line = 13;
	assert_true(jail_settings_hash(&t2, &u) == base);
	/* one field's end is not the next one's start */
	t2 = t;
	t2.rootfs = "/srv/jails/web/bin/sh";
	t2.shell = "";
	assert_true(jail_settings_hash(&t2, &u) != base);
}

static void test_too_long(void **state)
{
	struct jail_template t = tpl();
	struct jail_plan_input in = input(&t);
	struct jail_error err = { 0 };
	struct jail_plan p = { 0 };
	char *home = malloc(PATH_MAX);

	(void)state;
	assert_non_null(home);
	home[0] = '/';
	memset(home + 1, 'h', PATH_MAX - 12);
	home[PATH_MAX - 11] = '\0';
	in.home = home;
	assert_int_equal(jail_plan_jail(&in, &p, &err), -ENAMETOOLONG);
	assert_string_equal(err.msg, "path too long");
	jail_plan_free(&p);
	assert_int_equal(p.n_ops, 0);
	free(home);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_template),
		cmocka_unit_test(test_confined_to_state_dir),
		cmocka_unit_test(test_overlay_mode),
		cmocka_unit_test(test_binds),
		cmocka_unit_test(test_tmp),
		cmocka_unit_test(test_dev),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_settings_hash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
