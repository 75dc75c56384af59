/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jailctl template: build, fill and check root file system templates.
 *
 *   create DIR                 an empty skeleton (root-owned, 0755; tmp dirs are mount points)
 *   add DIR [PROGRAM...] [--set NAME]... [--with-files PATH...]
 *                              programs with their libraries and loader, data trees
 *   verify DIR [--shell PATH]  every problem as "PATH: problem", exit 1 if any
 *
 * Programs are never run (no ldd): their ELF headers are read (lib/elf.c)
 * and DT_NEEDED is resolved the way the dynamic loader does.  A host path is
 * copied to the same path in the template with the symlinks on the way
 * recreated as symlinks, so the template's layout follows the host's
 * (merged /usr included).  Everything written into the template is written
 * through directory fds opened with openat2(RESOLVE_IN_ROOT), so a symlink in
 * the template can never make us write outside it.
 */
#include <ctype.h>
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/openat2.h>
#include "jail/elf.h"
#include "jail/macro.h"
#include "jail/path.h"
#include "jail/template.h"

#define MAX_LINKS 40
#define MAX_DEPS_DEPTH 64
#define SYSTEM_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

#if defined(__x86_64__) && defined(__LP64__)
#define TRIPLET "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define TRIPLET "aarch64-linux-gnu"
#elif defined(__i386__)
#define TRIPLET "i386-linux-gnu"
#elif defined(__arm__)
#define TRIPLET "arm-linux-gnueabihf"
#elif defined(__riscv) && __riscv_xlen == 64
#define TRIPLET "riscv64-linux-gnu"
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define TRIPLET "powerpc64le-linux-gnu"
#elif defined(__s390x__)
#define TRIPLET "s390x-linux-gnu"
#endif

/* The directories the dynamic loader searches without /etc/ld.so.cache. */
static const char *const builtin_lib_dirs[] = {
#ifdef TRIPLET
	"/lib/" TRIPLET, "/usr/lib/" TRIPLET,
#endif
	"/lib", "/usr/lib",
#ifdef __LP64__
	"/lib64", "/usr/lib64",
#endif
	NULL,
};

/* ---- the sets (keep in sync with the usage text and the man page) ---- */
static const char *const set_shell_programs[] = {
	"sh",  "bash",  "ls",    "cat",    "cp",   "mv",       "rm",       "mkdir",   "rmdir",
	"ln",  "chmod", "touch", "echo",   "pwd",  "printf",   "true",     "false",   "test",
	"[",   "env",   "id",    "whoami", "head", "tail",     "wc",       "sort",    "uniq",
	"cut", "tr",    "date",  "sleep",  "stat", "readlink", "basename", "dirname", "mktemp",
	"du",  "grep",  "sed",   "less",   "tty",  "ps",       "stty",     NULL,
};
static const char *const set_shell_editors[] = { "nano", "vim.tiny", NULL };
static const char *const set_shell_files[] = { "/usr/share/terminfo", "/lib/terminfo",
					       "/etc/terminfo", NULL };
/* File transfer: sftp-server for the sftp subsystem in shell mode, and scp
 * for legacy `scp -O` (its server side is `scp -t`/`scp -f`, run through the
 * login shell, so a template with a shell gets it this way too). */
static const char *const set_sftp_programs[] = { "/usr/lib/openssh/sftp-server", "scp", NULL };

/* Dangling symlinks to these places are reported by verify ('*': any name
 * that starts so; otherwise the path or anything below it). */
static const char *const host_places[] = {
	"/etc/shadow*", "/etc/gshadow*", "/etc/sudoers*", "/etc/ssh", "/proc", "/sys", "/dev",
	"/root", "/home", "/run", "/var/run", "/boot", NULL,
};

/* ---- small helpers ---------------------------------------------------- */

struct strv {
	char **v;
	size_t n;
};

static bool strv_contains(const struct strv *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], x) == 0)
			return true;
	return false;
}

static int strv_add(struct strv *s, const char *x)
{
	char **nv;

	if (strv_contains(s, x))
		return 0;
	nv = realloc(s->v, (s->n + 1) * sizeof(char *));
	if (!nv)
		return -ENOMEM;
	s->v = nv;
	s->v[s->n] = strdup(x);
	if (!s->v[s->n])
		return -ENOMEM;
	s->n++;
	return 0;
}

static void strv_free(struct strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void vmsg(const char *prefix, const char *fmt, va_list ap) _printf_(2, 0);
static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void warnf(const char *fmt, ...) _printf_(1, 2);
static void warnf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("jailctl: warning: ", fmt, ap);
	va_end(ap);
}

static void errorf(const char *fmt, ...) _printf_(1, 2);
static void errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("jailctl: ", fmt, ap);
	va_end(ap);
}

static int root_open(int root_fd, const char *path, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));

	return fd < 0 ? negative_errno() : (int)fd;
}

/* `target` taken relative to directory `base` (both absolute in one tree),
 * normalized lexically: no ".", "..", "//"; ".." stops at "/". */
static int lexical_path(const char *base, const char *target, char *out, size_t size)
{
	char buf[PATH_MAX * 2];
	size_t o = 0;
	char *p, *save = NULL;
	int n;

	if (target[0] == '/')
		n = snprintf(buf, sizeof(buf), "%s", target);
	else
		n = snprintf(buf, sizeof(buf), "%s/%s", base, target);
	if (n < 0 || (size_t)n >= sizeof(buf) || size < 2)
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		size_t l = strlen(p);

		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0) {
			char *s = strrchr(out, '/');

			if (s) {
				*s = '\0';
				o = (size_t)(s - out);
			}
			continue;
		}
		if (o + 1 + l >= size)
			return -ENAMETOOLONG;
		out[o++] = '/';
		memcpy(out + o, p, l + 1);
		o += l;
	}
	if (o == 0)
		snprintf(out, size, "/");
	return 0;
}

/* An operand as an absolute, lexically normal path. */
static int absolute_path(const char *arg, char *out, size_t size)
{
	char cwd[PATH_MAX];

	if (size)
		out[0] = '\0';
	if (arg[0] == '/')
		return lexical_path("/", arg, out, size);
	if (!getcwd(cwd, sizeof(cwd)))
		return negative_errno();
	return lexical_path(cwd, arg, out, size);
}

static void dirname_of(const char *path, char *out, size_t size)
{
	const char *s = strrchr(path, '/');

	if (!s || s == path)
		snprintf(out, size, "/");
	else
		snprintf(out, size, "%.*s", (int)(s - path), path);
}

static const char *type_name(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISLNK(m))
		return "a symlink";
	if (S_ISREG(m))
		return "a regular file";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device node";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISFIFO(m))
		return "a fifo";
	return "of an unknown type";
}

/* ---- the library search path (ld.so.conf) ------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ldconf_parse(int root_fd, const char *path, struct strv *dirs, unsigned depth);

static void ldconf_include(int root_fd, const char *from, const char *pattern, struct strv *dirs,
			   unsigned depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	char full[PATH_MAX], dir[PATH_MAX], base[NAME_MAX + 1];
	struct strv names = { 0 };
	struct dirent *de;
	const char *slash;
	int fd;

	if (pattern[0] == '/')
		snprintf(full, sizeof(full), "%s", pattern);
	else {
		char from_dir[PATH_MAX];

		dirname_of(from, from_dir, sizeof(from_dir));
		if (jail_path_join(full, sizeof(full), from_dir, pattern) < 0)
			return;
	}
	slash = strrchr(full, '/');
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - full), full);
	if (!dir[0])
		snprintf(dir, sizeof(dir), "/");
	snprintf(base, sizeof(base), "%s", slash + 1);
	if (strpbrk(dir, "*?[")) /* wildcards in the directory part: not supported */
		return;
	if (!strpbrk(base, "*?[")) {
		ldconf_parse(root_fd, full, dirs, depth + 1);
		return;
	}
	fd = root_open(root_fd, dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		safe_close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (fnmatch(base, de->d_name, FNM_PERIOD) == 0 && strv_add(&names, de->d_name) < 0)
			break;
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		char p[PATH_MAX];

		if (jail_path_join(p, sizeof(p), dir, names.v[i]) == 0)
			ldconf_parse(root_fd, p, dirs, depth + 1);
	}
	strv_free(&names);
}

/* Reads an ld.so.conf: one directory per line, "include PATTERN" (relative
 * to the file's directory), "hwcap" lines ignored, '#' comments. */
static void ldconf_parse(int root_fd, const char *path, struct strv *dirs, unsigned depth)
{
	_cleanup_fclose_ FILE *f = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int fd;

	if (depth > 8)
		return;
	fd = root_open(root_fd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return;
	f = fdopen(fd, "re");
	if (!f) {
		safe_close(fd);
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		char *s = line, *e;

		e = strchr(s, '#');
		if (e)
			*e = '\0';
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*s)
			continue;
		if (strncmp(s, "include", 7) == 0 && isspace((unsigned char)s[7])) {
			s += 7;
			while (isspace((unsigned char)*s))
				s++;
			ldconf_include(root_fd, path, s, dirs, depth);
			continue;
		}
		if (strncmp(s, "hwcap", 5) == 0 && isspace((unsigned char)s[5]))
			continue;
		s[strcspn(s, " \t=,:")] = '\0';
		if (s[0] == '/') {
			char norm[PATH_MAX];

			if (lexical_path("/", s, norm, sizeof(norm)) == 0)
				strv_add(dirs, norm);
		}
	}
}

/* The default search path seen from `root_fd`: ld.so.conf (only if
 * with_conf), then the loader's built-in directories. */
static void lib_dirs_load(int root_fd, bool with_conf, struct strv *dirs)
{
	if (with_conf)
		ldconf_parse(root_fd, "/etc/ld.so.conf", dirs, 0);
	for (size_t i = 0; builtin_lib_dirs[i]; i++)
		strv_add(dirs, builtin_lib_dirs[i]);
}

static bool builtin_lib_dir(const char *dir)
{
	for (size_t i = 0; builtin_lib_dirs[i]; i++)
		if (strcmp(builtin_lib_dirs[i], dir) == 0)
			return true;
	return false;
}

/* Expands $ORIGIN / ${ORIGIN}; -EINVAL for other $TOKENs ($LIB, $PLATFORM)
 * and for a relative result (relative to the cwd of whoever runs it). */
static int expand_origin(const char *in, const char *origin, char *out, size_t size)
{
	size_t o = 0;

	while (*in) {
		const char *add = NULL;
		size_t skip = 0, l;

		if (strncmp(in, "$ORIGIN", 7) == 0 &&
		    !(isalnum((unsigned char)in[7]) || in[7] == '_')) {
			add = origin;
			skip = 7;
		} else if (strncmp(in, "${ORIGIN}", 9) == 0) {
			add = origin;
			skip = 9;
		} else if (*in == '$')
			return -EINVAL;
		if (add) {
			l = strlen(add);
			if (o + l >= size)
				return -ENAMETOOLONG;
			memcpy(out + o, add, l);
			o += l;
			in += skip;
			continue;
		}
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		out[o++] = *in++;
	}
	out[o] = '\0';
	return out[0] == '/' ? 0 : -EINVAL;
}

/* The first `dir/name` under root_fd that is an ELF file `obj` can load. */
static int try_lib(int root_fd, const char *dir, const char *name, const struct jail_elf *obj,
		   char *out, size_t size)
{
	_cleanup_close_ int fd = -EBADF;
	struct jail_elf *e = NULL;
	char path[PATH_MAX], norm[PATH_MAX];
	bool ok;

	if (jail_path_join(path, sizeof(path), dir, name) < 0 ||
	    lexical_path("/", path, norm, sizeof(norm)) < 0)
		return -ENAMETOOLONG;
	fd = root_open(root_fd, norm, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	if (jail_elf_read_fd(fd, &e) < 0)
		return -ENOEXEC;
	ok = jail_elf_compatible(obj, e);
	jail_elf_free(e);
	if (!ok)
		return -ENOEXEC;
	snprintf(out, size, "%s", norm);
	return 0;
}

static int search_list(int root_fd, const char *list, const char *origin, const char *name,
		       const struct jail_elf *obj, char *out, size_t size, bool *ret_token)
{
	char *copy = strdup(list), *tok, *next;
	int r = -ENOENT;

	if (!copy)
		return -ENOMEM;
	for (tok = copy; tok; tok = next) {
		char dir[PATH_MAX];

		next = strchr(tok, ':');
		if (next)
			*next++ = '\0';
		if (!*tok)
			continue;
		if (expand_origin(tok, origin, dir, sizeof(dir)) < 0) {
			if (strchr(tok, '$') && ret_token)
				*ret_token = true;
			continue;
		}
		if (try_lib(root_fd, dir, name, obj, out, size) == 0) {
			r = 0;
			break;
		}
	}
	free(copy);
	return r;
}

/*
 * Resolves DT_NEEDED `name` of `obj` like the dynamic loader: DT_RPATH of
 * obj and of the executable (only when obj has no DT_RUNPATH), DT_RUNPATH
 * of obj, then `dirs`.  Sets *ret_cache_only when it was found in a
 * directory that the loader reaches only through /etc/ld.so.cache.
 */
static int find_library(int root_fd, const struct strv *dirs, const char *name,
			const struct jail_elf *obj, const char *obj_origin,
			const struct jail_elf *exe, const char *exe_origin, char *out, size_t size,
			bool *ret_cache_only, bool *ret_token)
{
	if (ret_cache_only)
		*ret_cache_only = false;
	if (!obj->runpath) {
		if (obj->rpath && search_list(root_fd, obj->rpath, obj_origin, name, obj, out, size,
					      ret_token) == 0)
			return 0;
		if (exe && exe != obj && !exe->runpath && exe->rpath &&
		    search_list(root_fd, exe->rpath, exe_origin, name, obj, out, size, ret_token) ==
			    0)
			return 0;
	} else if (search_list(root_fd, obj->runpath, obj_origin, name, obj, out, size,
			       ret_token) == 0)
		return 0;
	for (size_t i = 0; i < dirs->n; i++)
		if (try_lib(root_fd, dirs->v[i], name, obj, out, size) == 0) {
			if (ret_cache_only)
				*ret_cache_only = !builtin_lib_dir(dirs->v[i]);
			return 0;
		}
	return -ENOENT;
}

/* ---- add ------------------------------------------------------------------ */

struct tpl {
	const char *dir;  /* as given, for messages */
	char abs[PATH_MAX];
	char gens[PATH_MAX]; /* its generations (P.gen), "" if none */
	int root_fd;      /* the template, O_PATH */
	int host_fd;      /* the host's "/", O_PATH */
	struct stat root_st;
	struct strv done; /* host paths already added in this run */
	struct strv lib_dirs;
	struct strv outside; /* --with-files symlinks that point outside their tree */
	struct strv scripts; /* host paths of executables added, checked for "#!" at the end */
	struct strv tree_scripts; /* same, from --with-files trees */
	struct strv dirs_warned; /* template directories jailed users cannot read, said once */
	struct strv tree_objects; /* ELF files copied by --with-files (host paths) */
	unsigned copied, updated, linked, dirs, unchanged, fixed;
	unsigned tree_entries;
	unsigned tmp_seq;
	bool quiet;       /* inside a --with-files tree: count, do not list */
	int errors;
};

static int fail(struct tpl *t, int r, const char *fmt, ...) _printf_(3, 4);
static int fail(struct tpl *t, int r, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("jailctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	t->errors++;
	return r < 0 ? r : -EIO;
}

/* The parent of template path `path` (absolute, normal), and its last name. */
static int tpl_parent(const struct tpl *t, const char *path, const char **ret_name)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash || !slash[1] || strlen(path) >= sizeof(parent))
		return -EINVAL;
	dirname_of(path, parent, sizeof(parent));
	*ret_name = slash + 1;
	return root_open(t->root_fd, parent, O_PATH | O_DIRECTORY);
}

/*
 * Jailed users are "others" to the root-owned template: a directory without
 * o+x keeps everything below it out of their reach, one without o+r cannot
 * be listed.  Said once per directory, for the ones this run creates, copies
 * or goes through.
 */
static void check_dir_access(struct tpl *t, const char *path, mode_t mode)
{
	if ((mode & (S_IROTH | S_IXOTH)) == (S_IROTH | S_IXOTH) ||
	    strv_contains(&t->dirs_warned, path))
		return;
	strv_add(&t->dirs_warned, path);
	if (!(mode & S_IXOTH))
		warnf("%s%s: directory mode %04o: jailed users cannot enter it, so nothing added "
		      "below it is in their reach (chmod o+rx it if they need it)",
		      t->abs, path, (unsigned)(mode & 07777));
	else
		warnf("%s%s: directory mode %04o: jailed users cannot list it (chmod o+r it if "
		      "they need to)",
		      t->abs, path, (unsigned)(mode & 07777));
}

static int ensure_dir(struct tpl *t, const char *path, mode_t mode)
{
	_cleanup_close_ int fd = -EBADF, pfd = -EBADF;
	const char *name;
	struct stat st;

	fd = root_open(t->root_fd, path, O_PATH | O_DIRECTORY);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0)
			check_dir_access(t, path, st.st_mode);
		return 0;
	}
	if (fd != -ENOENT) {
		errno = -fd;
		return fail(t, fd, "%s%s: cannot use it as a directory in the template: %m", t->abs,
			    path);
	}
	pfd = tpl_parent(t, path, &name);
	if (pfd < 0) {
		errno = -pfd;
		return fail(t, pfd, "%s%s: cannot open its parent in the template: %m", t->abs,
			    path);
	}
	if (mkdirat(pfd, name, mode) < 0) {
		if (errno == EEXIST)
			return fail(t, -EEXIST,
				    "%s%s: exists but leads to no directory (a dangling symlink?)",
				    t->abs, path);
		return fail(t, negative_errno(), "%s%s: cannot create directory: %m", t->abs, path);
	}
	if (fchownat(pfd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0 || fchmodat(pfd, name, mode, 0) < 0)
		return fail(t, negative_errno(), "%s%s: cannot set owner/mode: %m", t->abs, path);
	t->dirs++;
	check_dir_access(t, path, mode);
	return 0;
}

/* Returns 0 (there now, or already), 1 (the template has something else at
 * `path`: left alone) or -errno. */
static int ensure_symlink(struct tpl *t, const char *path, const char *target)
{
	_cleanup_close_ int pfd = -EBADF;
	char cur[PATH_MAX];
	const char *name;
	struct stat st;
	ssize_t l;

	pfd = tpl_parent(t, path, &name);
	if (pfd < 0) {
		errno = -pfd;
		return fail(t, pfd, "%s%s: cannot open its parent in the template: %m", t->abs,
			    path);
	}
	l = readlinkat(pfd, name, cur, sizeof(cur) - 1);
	if (l >= 0) {
		cur[l] = '\0';
		if (strcmp(cur, target) != 0)
			return 1;
		if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (st.st_uid != 0 || st.st_gid != 0)) {
			if (fchownat(pfd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0)
				return fail(t, negative_errno(), "%s%s: cannot chown: %m", t->abs,
					    path);
			t->fixed++;
		} else
			t->unchanged++;
		return 0;
	}
	if (errno == EINVAL)
		return 1; /* something that is not a symlink */
	if (errno != ENOENT)
		return fail(t, negative_errno(), "%s%s: %m", t->abs, path);
	if (symlinkat(target, pfd, name) < 0)
		return fail(t, negative_errno(), "%s%s: cannot create symlink: %m", t->abs, path);
	if (fchownat(pfd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(t, negative_errno(), "%s%s: cannot chown: %m", t->abs, path);
	t->linked++;
	if (!t->quiet)
		printf("linked %s -> %s\n", path, target);
	return 0;
}

static int copy_data(int in, int out)
{
	char buf[65536];
	bool plain = false;

	for (;;) {
		ssize_t n;

		if (!plain) {
			n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
				      errno == EOPNOTSUPP || errno == EPERM)) {
				plain = true;
				continue;
			}
		} else {
			n = read(in, buf, sizeof(buf));
			if (n > 0) {
				ssize_t w = 0;

				while (w < n) {
					ssize_t k = write(out, buf + w, (size_t)(n - w));

					if (k < 0) {
						if (errno == EINTR)
							continue;
						return negative_errno();
					}
					w += k;
				}
			}
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (n == 0)
			return 0;
	}
}

/* Copies host regular file `path` (lstat in hst) to the same template path:
 * root-owned, mode without setuid/setgid/sticky and group/other write,
 * host mtime; replaced atomically, skipped when size and mtime match. */
static int copy_file(struct tpl *t, const char *path, const struct stat *hst)
{
	_cleanup_close_ int pfd = -EBADF, in = -EBADF, out = -EBADF;
	mode_t mode = hst->st_mode & 07777;
	mode_t want = mode & ~(mode_t)(S_ISUID | S_ISGID | S_ISVTX | S_IWGRP | S_IWOTH);
	char tmp[64];
	const char *name;
	struct stat st, ist;
	bool replace = false;
	int r;

	pfd = tpl_parent(t, path, &name);
	if (pfd < 0) {
		errno = -pfd;
		return fail(t, pfd, "%s%s: cannot open its parent in the template: %m", t->abs,
			    path);
	}
	if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode))
			return fail(t, -EEXIST,
				    "%s%s: is %s in the template, the host has a file there; not "
				    "replaced",
				    t->abs, path, type_name(st.st_mode));
		if (st.st_size == hst->st_size && st.st_mtim.tv_sec == hst->st_mtim.tv_sec &&
		    st.st_mtim.tv_nsec == hst->st_mtim.tv_nsec) {
			if (st.st_uid == 0 && st.st_gid == 0 && (st.st_mode & 07777) == want) {
				t->unchanged++;
				return 0;
			}
			if (fchownat(pfd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0 ||
			    fchmodat(pfd, name, want, 0) < 0)
				return fail(t, negative_errno(), "%s%s: cannot fix owner/mode: %m",
					    t->abs, path);
			t->fixed++;
			printf("fixed owner/mode of %s (root:root %04o)\n", path, (unsigned)want);
			return 0;
		}
		replace = true;
	} else if (errno != ENOENT)
		return fail(t, negative_errno(), "%s%s: %m", t->abs, path);

	in = open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return fail(t, negative_errno(), "%s: cannot open: %m", path);
	if (fstat(in, &ist) < 0 || ist.st_dev != hst->st_dev || ist.st_ino != hst->st_ino ||
	    !S_ISREG(ist.st_mode))
		return fail(t, -EAGAIN, "%s: changed while being copied", path);
	snprintf(tmp, sizeof(tmp), ".jailctl-%ld-%u.tmp", (long)getpid(), t->tmp_seq++);
	out = openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return fail(t, negative_errno(), "%s%s: cannot create: %m", t->abs, path);
	r = copy_data(in, out);
	if (r == 0 && (fchown(out, 0, 0) < 0 || fchmod(out, want) < 0))
		r = negative_errno();
	if (r == 0) {
		struct timespec ts[2] = { ist.st_atim, ist.st_mtim };

		if (futimens(out, ts) < 0)
			r = negative_errno();
	}
	if (r == 0 && renameat(pfd, tmp, pfd, name) < 0)
		r = negative_errno();
	if (r < 0) {
		unlinkat(pfd, tmp, 0);
		errno = -r;
		return fail(t, r, "%s%s: cannot copy %s: %m", t->abs, path, path);
	}
	if (replace)
		t->updated++;
	else
		t->copied++;
	if (!t->quiet)
		printf("%s %s\n", replace ? "updated" : "copied", path);
	if (mode & (S_ISUID | S_ISGID))
		printf("%s: %s%s%s bit not copied (mode %04o in the template)\n", path,
		       (mode & S_ISUID) ? "setuid" : "",
		       (mode & S_ISUID) && (mode & S_ISGID) ? " and " : "",
		       (mode & S_ISGID) ? "setgid" : "", (unsigned)want);
	if (mode & (S_IWGRP | S_IWOTH))
		printf("%s: group/other write permission not copied (mode %04o in the template)\n",
		       path, (unsigned)want);
	return 0;
}

/*
 * After a walk that met a template entry differing from the host (e.g. a
 * real lib64/ where the host has lib64 -> usr/lib64): make `logical` resolve
 * in the template too, by a symlink to the physical path the host uses.
 */
static int fix_logical(struct tpl *t, const char *logical, const char *physical)
{
	_cleanup_close_ int lfd = -EBADF, pfd = -EBADF, parent = -EBADF;
	char dir[PATH_MAX], prefix[PATH_MAX];
	struct stat a, b;
	const char *name, *p;

	lfd = root_open(t->root_fd, logical, O_PATH);
	pfd = root_open(t->root_fd, physical, O_PATH);
	if (pfd < 0) {
		errno = -pfd;
		return fail(t, pfd, "%s%s: not in the template after copying: %m", t->abs,
			    physical);
	}
	if (lfd >= 0) {
		if (fstat(lfd, &a) == 0 && fstat(pfd, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return 0;
		warnf("%s%s leads to another file than %s: the template's layout differs from the "
		      "host's; left alone",
		      t->abs, logical, physical);
		return 0;
	}
	if (lfd != -ENOENT) {
		errno = -lfd;
		return fail(t, lfd, "%s%s: %m", t->abs, logical);
	}
	/* create the missing directories of `logical` one by one */
	dirname_of(logical, dir, sizeof(dir));
	for (p = dir + 1; strcmp(dir, "/") != 0; p++) {
		const char *e = strchrnul(p, '/');

		snprintf(prefix, sizeof(prefix), "%.*s", (int)(e - dir), dir);
		if (ensure_dir(t, prefix, 0755) < 0)
			return -EIO;
		if (!*e)
			break;
		p = e;
	}
	parent = tpl_parent(t, logical, &name);
	if (parent < 0) {
		errno = -parent;
		return fail(t, parent, "%s%s: %m", t->abs, logical);
	}
	if (symlinkat(physical, parent, name) < 0 ||
	    fchownat(parent, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(t, negative_errno(), "%s%s: cannot create symlink: %m", t->abs,
			    logical);
	t->linked++;
	printf("linked %s -> %s (the template's layout differs from the host's there)\n", logical,
	       physical);
	return 0;
}

/*
 * Makes absolute host path `path` resolve in the template to a copy of what
 * it resolves to on the host: walks it like the kernel does, one component
 * at a time, recreating every symlink met at its place and every directory
 * on the way; copies the final regular file.  Returns the physical path (no
 * symlinks) and its lstat, or -errno after printing why.
 */
static int add_path(struct tpl *t, const char *path, char *phys, size_t size, struct stat *ret_st)
{
	char rest[PATH_MAX], cur[PATH_MAX] = "", next[PATH_MAX];
	unsigned links = 0;
	bool differs = false;
	struct stat st;
	char *p;
	int r;

	memset(ret_st, 0, sizeof(*ret_st));
	if (size)
		phys[0] = '\0';
	if (path[0] != '/' || strlen(path) >= sizeof(rest))
		return fail(t, -EINVAL, "%s: not an absolute path", path);
	snprintf(rest, sizeof(rest), "%s", path);
	p = rest;
	for (;;) {
		char comp[NAME_MAX + 1];
		const char *e;
		size_t n;
		bool last;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchrnul(p, '/');
		n = (size_t)(e - p);
		if (n > NAME_MAX)
			return fail(t, -ENAMETOOLONG, "%s: name too long", path);
		memcpy(comp, p, n);
		comp[n] = '\0';
		p += n;
		while (*p == '/')
			p++;
		last = !*p;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *s = strrchr(cur, '/');

			if (s)
				*s = '\0';
			continue;
		}
		if ((size_t)snprintf(next, sizeof(next), "%s/%s", cur, comp) >= sizeof(next))
			return fail(t, -ENAMETOOLONG, "%s: path too long", path);
		if (lstat(next, &st) < 0)
			return fail(t, negative_errno(), "%s: %s%s%m", path,
				    strcmp(next, path) ? next : "", strcmp(next, path) ? ": " : "");

		if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX], joined[PATH_MAX * 2];
			ssize_t l;

			if (++links > MAX_LINKS)
				return fail(t, -ELOOP, "%s: too many levels of symbolic links",
					    path);
			l = readlink(next, target, sizeof(target) - 1);
			if (l < 0)
				return fail(t, negative_errno(), "%s: cannot read symlink: %m",
					    next);
			target[l] = '\0';
			r = ensure_symlink(t, next, target);
			if (r < 0)
				return r;
			if (r > 0)
				differs = true;
			if ((size_t)snprintf(joined, sizeof(joined), "%s%s%s", target,
					     *p ? "/" : "", p) >= sizeof(rest))
				return fail(t, -ENAMETOOLONG, "%s: path too long", path);
			memcpy(rest, joined, strlen(joined) + 1);
			p = rest;
			if (target[0] == '/')
				cur[0] = '\0';
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			r = ensure_dir(t, next, 0755);
			if (r < 0)
				return r;
			memcpy(cur, next, strlen(next) + 1);
			continue;
		}
		if (!last)
			return fail(t, -ENOTDIR, "%s: %s is not a directory", path, next);
		if (!S_ISREG(st.st_mode))
			return fail(t, -EINVAL,
				    "%s: is %s; only regular files, directories and symlinks are "
				    "copied",
				    next, type_name(st.st_mode));
		r = copy_file(t, next, &st);
		if (r < 0)
			return r;
		memcpy(cur, next, strlen(next) + 1);
		break;
	}
	if (!cur[0]) {
		snprintf(cur, sizeof(cur), "/");
		if (lstat(cur, &st) < 0)
			return fail(t, negative_errno(), "/: %m");
	}
	if (differs && strcmp(cur, "/") != 0) {
		char norm[PATH_MAX];

		if (lexical_path("/", path, norm, sizeof(norm)) == 0 &&
		    fix_logical(t, norm, cur) < 0)
			return -EIO;
	}
	snprintf(phys, size, "%s", cur);
	*ret_st = st;
	return 0;
}

static int add_object(struct tpl *t, const char *path, const struct jail_elf *exe,
		      const char *exe_origin, unsigned depth);

/* A "#!" script: add its interpreter as a program. */
static int add_script_interpreter(struct tpl *t, const char *path, const char *phys, unsigned depth)
{
	_cleanup_close_ int fd = open(phys, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	char buf[256], *s, *e;
	ssize_t n;

	if (fd < 0)
		return fail(t, negative_errno(), "%s: %m", phys);
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 2 || buf[0] != '#' || buf[1] != '!') {
		warnf("%s: neither an ELF program nor a \"#!\" script; copied as it is", path);
		return 0;
	}
	buf[n] = '\0';
	s = buf + 2;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strcspn(s, " \t\r\n");
	*e = '\0';
	if (s[0] != '/') {
		warnf("%s: script interpreter '%s' is not an absolute path; not added", path, s);
		return 0;
	}
	printf("%s: a script for %s; adding that too\n", path, s);
	strv_add(&t->scripts, path);
	return add_object(t, s, NULL, NULL, depth + 1);
}

/* The DT_NEEDED libraries of `e` (host path `path`, its directory
 * `origin`), found as the loader would and added with what they need.  A
 * library not on the host fails, or with `soft` is only said. */
static int add_needed(struct tpl *t, const char *path, const struct jail_elf *e, const char *origin,
		      const struct jail_elf *exe, const char *exe_origin, unsigned depth, bool soft)
{
	int r, ret = 0;

	for (size_t i = 0; i < e->n_needed; i++) {
		const char *name = e->needed[i];
		char found[PATH_MAX];
		bool cache_only = false, token = false;

		if (strchr(name, '/')) {
			if (name[0] != '/') {
				warnf("%s: needs '%s', a relative path; not added", path, name);
				continue;
			}
			if (add_object(t, name, exe, exe_origin, depth + 1) < 0)
				ret = -EIO;
			continue;
		}
		r = find_library(t->host_fd, &t->lib_dirs, name, e, origin, exe, exe_origin, found,
				 sizeof(found), &cache_only, &token);
		if (r < 0 && soft) {
			warnf("%s: needs %s, which is not on the host for this %s%s: it will not "
			      "load in the jail",
			      path, name, e->elf_class == 2 ? "64-bit object" : "32-bit object",
			      token ? " (DT_RPATH/DT_RUNPATH entries with $LIB/$PLATFORM were "
				      "skipped)"
				    : "");
			continue;
		}
		if (r < 0) {
			ret = fail(t, -ENOENT,
				   "%s: needs %s, which is not on the host for this %s%s", path,
				   name, e->elf_class == 2 ? "64-bit program" : "32-bit program",
				   token ? " (DT_RPATH/DT_RUNPATH entries with $LIB/$PLATFORM were "
					   "skipped)"
					 : "");
			continue;
		}
		if (cache_only && !strv_contains(&t->done, found)) {
			char dir[PATH_MAX];

			dirname_of(found, dir, sizeof(dir));
			warnf("%s: %s is in %s, which the loader finds only through "
			      "/etc/ld.so.cache: list %s in %s/etc/ld.so.conf and run 'ldconfig -r "
			      "%s'",
			      path, name, dir, dir, t->abs, t->abs);
		}
		if (add_object(t, found, exe, exe_origin, depth + 1) < 0)
			ret = -EIO;
	}
	return ret;
}

/* Adds host path `path` and, for an ELF file, its loader and every library
 * it needs, transitively.  `exe` is the executable whose libraries these
 * are (NULL: `path` is a program). */
static int add_object(struct tpl *t, const char *path, const struct jail_elf *exe,
		      const char *exe_origin, unsigned depth)
{
	char phys[PATH_MAX], origin[PATH_MAX];
	struct jail_elf *e = NULL;
	struct stat st;
	int r, ret = 0;

	if (strv_contains(&t->done, path))
		return 0;
	if (depth > MAX_DEPS_DEPTH)
		return fail(t, -ELOOP, "%s: dependencies nested too deeply", path);
	if (strv_add(&t->done, path) < 0)
		return fail(t, -ENOMEM, "out of memory");
	r = add_path(t, path, phys, sizeof(phys), &st);
	if (r < 0)
		return r;
	if (!S_ISREG(st.st_mode))
		return fail(t, -EINVAL, "%s: is %s, not a program or library", path,
			    type_name(st.st_mode));
	r = jail_elf_read(phys, &e);
	if (r == -ENOEXEC)
		return exe ? 0 : add_script_interpreter(t, path, phys, depth);
	if (r < 0) {
		errno = -r;
		return fail(t, r, "%s: cannot read it as an ELF file: %m", phys);
	}
	if (!exe) {
		/* the loader takes $ORIGIN of the program from /proc/self/exe */
		dirname_of(phys, origin, sizeof(origin));
		exe = e;
		exe_origin = origin;
	} else
		dirname_of(path, origin, sizeof(origin));

	if (e->interp && add_object(t, e->interp, exe, exe_origin, depth + 1) < 0)
		ret = -EIO;
	if (add_needed(t, path, e, origin, exe, exe_origin, depth, false) < 0)
		ret = -EIO;
	jail_elf_free(e);
	return ret;
}

/*
 * PROGRAM as given: a path (with '/'), or a name looked up in SYSTEM_PATH.
 * Never in the caller's $PATH: root's may lead to a version manager's shim
 * (pyenv, rbenv, nvm) or a private ~/bin, and what a jail gets must not
 * depend on who ran jailctl, or from which shell.
 */
static int find_program(const char *name, char *out, size_t size)
{
	char *path, *tok, *next;
	int r = -ENOENT;

	if (strchr(name, '/'))
		return absolute_path(name, out, size);
	path = strdup(SYSTEM_PATH);
	if (!path)
		return -ENOMEM;
	for (tok = path; tok; tok = next) {
		char cand[PATH_MAX];
		struct stat st;

		next = strchr(tok, ':');
		if (next)
			*next++ = '\0';
		if (tok[0] != '/') /* "", "." and relative entries: never for root */
			continue;
		if (jail_path_join(cand, sizeof(cand), tok, name) < 0)
			continue;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			r = lexical_path("/", cand, out, size);
			break;
		}
	}
	free(path);
	return r;
}

static int add_program(struct tpl *t, const char *name, bool optional)
{
	char path[PATH_MAX];
	int r;

	r = find_program(name, path, sizeof(path));
	if (r == -ENOENT && optional) {
		warnf("%s: not on this host, skipped", name);
		return 0;
	}
	if (r < 0) {
		errno = -r;
		return fail(t, r, "%s: %s", name,
			    r == -ENOENT ? "not found in " SYSTEM_PATH : strerror(-r));
	}
	if (optional) {
		struct stat st;

		if (stat(path, &st) < 0) {
			warnf("%s: not on this host, skipped", path);
			return 0;
		}
	}
	return add_object(t, path, NULL, NULL, 0);
}

struct tree {
	const char *top; /* physical */
	dev_t dev;
	bool stop;       /* over JAIL_TEMPLATE_MAX_ENTRIES: reported once */
};

static int copy_tree(struct tpl *t, struct tree *tr, const char *hdir, unsigned depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd, ret = 0;

	fd = open(hdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(t, negative_errno(), "%s: %m", hdir);
	d = fdopendir(fd);
	if (!d) {
		safe_close(fd);
		return fail(t, negative_errno(), "%s: %m", hdir);
	}
	while ((de = readdir(d))) {
		char child[PATH_MAX];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (tr->stop)
			return -EFBIG;
		if (++t->tree_entries > JAIL_TEMPLATE_MAX_ENTRIES) {
			tr->stop = true;
			return fail(t, -EFBIG,
				    "%s: more than %d entries; a template is not meant to hold "
				    "that much",
				    tr->top, JAIL_TEMPLATE_MAX_ENTRIES);
		}
		if (jail_path_join(child, sizeof(child), hdir, de->d_name) < 0) {
			ret = fail(t, -ENAMETOOLONG, "%s/%s: path too long", hdir, de->d_name);
			continue;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = fail(t, negative_errno(), "%s: %m", child);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (st.st_dev != tr->dev) {
				warnf("%s: a mount point; not copied", child);
				continue;
			}
			if (st.st_dev == t->root_st.st_dev && st.st_ino == t->root_st.st_ino) {
				warnf("%s: is the template itself; skipped", child);
				continue;
			}
			if (depth >= JAIL_TEMPLATE_MAX_DEPTH)
				return fail(t, -ELOOP, "%s: deeper than %d levels", child,
					    JAIL_TEMPLATE_MAX_DEPTH);
			if (ensure_dir(t, child, st.st_mode & 0755) < 0 ||
			    copy_tree(t, tr, child, depth + 1) < 0)
				ret = -EIO;
			if (tr->stop)
				return -EFBIG;
		} else if (S_ISREG(st.st_mode)) {
			struct jail_elf *e = NULL;

			if (copy_file(t, child, &st) < 0)
				ret = -EIO;
			else if (jail_elf_read(child, &e) == 0) {
				if (e->interp || e->n_needed)
					strv_add(&t->tree_objects, child);
				jail_elf_free(e);
			} else if (st.st_mode & 0111)
				strv_add(&t->tree_scripts, child);
		} else if (S_ISLNK(st.st_mode)) {
			char target[PATH_MAX], abs[PATH_MAX];
			ssize_t l = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
			int r;

			if (l < 0) {
				ret = fail(t, negative_errno(), "%s: %m", child);
				continue;
			}
			target[l] = '\0';
			r = ensure_symlink(t, child, target);
			if (r < 0) {
				ret = r;
				continue;
			}
			if (r > 0)
				warnf("%s%s: differs from the host's symlink; left alone", t->abs,
				      child);
			/* not followed; whether it leads anywhere is checked at the end */
			if (lexical_path(hdir, target, abs, sizeof(abs)) == 0 &&
			    !jail_path_at_or_under(abs, tr->top))
				strv_add(&t->outside, child);
		} else
			warnf("%s: %s; not copied", child, type_name(st.st_mode));
	}
	return ret;
}

/*
 * The ELF files a --with-files tree brought (an interpreter's extension
 * modules, a tool's helper programs) need their loader and libraries too,
 * resolved as for programs.  One that is not on the host is said, not an
 * error: trees hold optional plugins whose libraries the host may lack too.
 */
static int add_tree_objects(struct tpl *t)
{
	int ret = 0;

	for (size_t i = 0; i < t->tree_objects.n; i++) {
		const char *path = t->tree_objects.v[i];
		struct jail_elf *e = NULL;
		char origin[PATH_MAX];

		if (jail_elf_read(path, &e) < 0)
			continue;
		dirname_of(path, origin, sizeof(origin));
		if (e->interp && add_object(t, e->interp, e, origin, 1) < 0)
			ret = -EIO;
		if (add_needed(t, path, e, origin, e, origin, 0, true) < 0)
			ret = -EIO;
		jail_elf_free(e);
	}
	strv_free(&t->tree_objects);
	return ret;
}

static int add_files(struct tpl *t, const char *arg, bool optional)
{
	char path[PATH_MAX], phys[PATH_MAX];
	unsigned c0 = t->copied + t->updated, l0 = t->linked, u0 = t->unchanged;
	int e0;
	struct tree tr = { 0 };
	struct stat st;
	int r;

	r = absolute_path(arg, path, sizeof(path));
	if (r < 0) {
		errno = -r;
		return fail(t, r, "%s: %m", arg);
	}
	if (optional && lstat(path, &st) < 0)
		return 0;
	r = add_path(t, path, phys, sizeof(phys), &st);
	if (r < 0)
		return r;
	if (S_ISREG(st.st_mode)) {
		struct jail_elf *e = NULL;

		if (jail_elf_read(phys, &e) == 0 && (e->interp || e->n_needed))
			strv_add(&t->tree_objects, phys);
		jail_elf_free(e);
		return add_tree_objects(t);
	}
	if (!S_ISDIR(st.st_mode))
		return 0;
	if (st.st_dev == t->root_st.st_dev && st.st_ino == t->root_st.st_ino)
		return fail(t, -EINVAL, "%s: is the template itself", path);
	if (jail_path_at_or_under(t->abs, phys) ||
	    (t->gens[0] &&
	     (jail_path_at_or_under(t->gens, phys) || jail_path_at_or_under(phys, t->gens))))
		return fail(t, -EINVAL,
			    "%s: holds the template %s; refusing to copy it into itself", path,
			    t->abs);
	tr.top = phys;
	tr.dev = st.st_dev;
	e0 = t->errors;
	t->quiet = true;
	r = copy_tree(t, &tr, phys, 1);
	t->quiet = false;
	printf("added %s: %u copied, %u links, %u unchanged%s\n", path, t->copied + t->updated - c0,
	       t->linked - l0, t->unchanged - u0, t->errors > e0 ? " (with errors)" : "");
	if (t->tree_objects.n) {
		printf("%s: %zu ELF file%s in it; adding what %s need%s\n", path, t->tree_objects.n,
		       t->tree_objects.n == 1 ? "" : "s", t->tree_objects.n == 1 ? "it" : "they",
		       t->tree_objects.n == 1 ? "s" : "");
		if (add_tree_objects(t) < 0)
			r = -EIO;
	}
	return r;
}

/* The "#!" line of host file `path`: 1 with the interpreter and its first
 * argument ("" if none), 0 if it is no script, or -errno. */
static int script_line(const char *path, char *interp, size_t isize, char *arg, size_t asize)
{
	_cleanup_close_ int fd =
		open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	char buf[256], *s, *e;
	ssize_t n;

	if (fd < 0)
		return negative_errno();
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	s = buf + 2;
	s += strspn(s, " \t");
	e = s + strcspn(s, " \t");
	snprintf(interp, isize, "%.*s", (int)(e - s), s);
	s = e + strspn(e, " \t");
	snprintf(arg, asize, "%.*s", (int)strcspn(s, " \t"), s);
	return 1;
}

/* Is there an executable file at template path `path` (symlinks resolved in
 * the template)? */
static bool in_template(const struct tpl *t, const char *path)
{
	_cleanup_close_ int fd = root_open(t->root_fd, path, O_PATH);
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IXOTH);
}

/*
 * What script `path` needs that the template lacks, as "PROGRAM" (its
 * interpreter, or what "#!/usr/bin/env PROGRAM" runs, which must be in one
 * of the system path's directories of the template, the usual way a script
 * outlives its interpreter), in `what`; false if nothing (or no script).
 */
static bool script_lacks(const struct tpl *t, const char *path, char *what, size_t size)
{
	char interp[256] = "", arg[256] = "", dirs[] = SYSTEM_PATH, *tok, *save = NULL;
	bool found = false;

	if (script_line(path, interp, sizeof(interp), arg, sizeof(arg)) <= 0)
		return false;
	if (interp[0] != '/') {
		snprintf(what, size, "%s (a relative interpreter path)", interp);
		return true;
	}
	if (!in_template(t, interp)) {
		snprintf(what, size, "%s", interp);
		return true;
	}
	if (strcmp(strrchr(interp, '/') + 1, "env") != 0 || !arg[0] || arg[0] == '-')
		return false;
	if (strchr(arg, '/'))
		found = in_template(t, arg);
	for (tok = strtok_r(dirs, ":", &save); tok && !found; tok = strtok_r(NULL, ":", &save)) {
		char cand[PATH_MAX];

		found = jail_path_join(cand, sizeof(cand), tok, arg) == 0 && in_template(t, cand);
	}
	if (!found)
		snprintf(what, size, "%s (run through '%s %s'; looked for in %s)", arg, interp, arg,
			 SYSTEM_PATH);
	return !found;
}

/*
 * Scripts run in the jail only if what they need is there: say which
 * cannot, once everything of this run is in place.  Programs one by one;
 * the executables of --with-files trees (a library tree is full of "#!"
 * modules nobody runs directly) one line per missing program, with a count.
 */
static void check_scripts(struct tpl *t)
{
	struct strv missing = { 0 }, example = { 0 };
	unsigned *count = NULL;

	for (size_t i = 0; i < t->scripts.n; i++) {
		char what[PATH_MAX + 64];

		if (script_lacks(t, t->scripts.v[i], what, sizeof(what)))
			warnf("%s: a script for %s, which is not in the template: it cannot run in "
			      "the jail",
			      t->scripts.v[i], what);
	}
	for (size_t i = 0; i < t->tree_scripts.n; i++) {
		char what[PATH_MAX + 64];
		size_t j;

		if (!script_lacks(t, t->tree_scripts.v[i], what, sizeof(what)))
			continue;
		for (j = 0; j < missing.n && strcmp(missing.v[j], what) != 0; j++)
			;
		if (j == missing.n) {
			unsigned *nc = realloc(count, (missing.n + 1) * sizeof(*count));

			if (!nc)
				break;
			count = nc;
			count[j] = 0;
			/* each tree path is listed once, so `example` stays in step */
			if (strv_add(&missing, what) < 0 ||
			    strv_add(&example, t->tree_scripts.v[i]) < 0)
				break;
		}
		count[j]++;
	}
	for (size_t j = 0; j < missing.n && j < example.n; j++)
		warnf("%u executable script%s from --with-files need%s %s, which is not in the "
		      "template: %s cannot run in the jail (e.g. %s)",
		      count[j], count[j] == 1 ? "" : "s", count[j] == 1 ? "s" : "", missing.v[j],
		      count[j] == 1 ? "it" : "they", example.v[j]);
	free(count);
	strv_free(&missing);
	strv_free(&example);
}

/* Symlinks of --with-files trees that point outside their tree were not
 * followed: say which of them lead nowhere in the template. */
static void report_outside(struct tpl *t)
{
	char example[PATH_MAX + 64] = "";
	unsigned dangling = 0;

	for (size_t i = 0; i < t->outside.n; i++) {
		int fd = root_open(t->root_fd, t->outside.v[i], O_PATH);

		if (fd == -ENOENT && dangling++ == 0) {
			char target[PATH_MAX];
			ssize_t l = readlink(t->outside.v[i], target, sizeof(target) - 1);

			target[l > 0 ? l : 0] = '\0';
			snprintf(example, sizeof(example), "%.2000s -> %.2000s", t->outside.v[i],
				 target);
		}
		safe_close(fd);
	}
	if (dangling)
		warnf("%u symlink%s from --with-files point%s outside the tree given and lead%s "
		      "nowhere in the template (e.g. %s); add the targets with --with-files if "
		      "they are needed",
		      dangling, dangling == 1 ? "" : "s", dangling == 1 ? "s" : "",
		      dangling == 1 ? "s" : "", example);
}

/* ---- generations (docs/DESIGN.md "Template generations") ------------------ */

/*
 * A command that changes a template never writes into a tree a jail may
 * use: it copies the current generation N of template P to P.gen/.new-M,
 * changes the copy, verifies it, renames it to P.gen/M and switches the
 * link P -> P.gen/M with one rename(2).  Live jails keep N (their overlay
 * holds it); new jails get M.  A plain-directory template (the layout before
 * generations) is converted on its first change: the new generation is
 * built from it, P becomes the link in one renameat2(RENAME_EXCHANGE), and
 * the old directory, untouched, becomes P.gen/0.  Every command that
 * changes P.gen holds an exclusive flock on P.gen/.lock, a root-only file.
 */

static jail_template_users_fn users_fn;
static void *users_data;

void jail_template_set_users(jail_template_users_fn fn, void *data)
{
	users_fn = fn;
	users_data = data;
}

struct gen {
	char abs[PATH_MAX];         /* P */
	char parent[PATH_MAX];
	char base[NAME_MAX + 1];
	char gname[NAME_MAX + 1];   /* "BASE.gen" */
	char gens[PATH_MAX];        /* P.gen */
	int parent_fd;              /* O_PATH */
	int gens_fd;                /* O_RDONLY */
	int lock_fd;                /* P.gen/.lock (0600 root), flocked */
	long current;               /* -1: P is a plain directory */
	char cur_path[PATH_MAX];
	long next;
	char staging[NAME_MAX + 1]; /* ".new-M" in P.gen */
	char staging_path[PATH_MAX];
	bool staged;
};
#define GEN_INIT { .parent_fd = -EBADF, .gens_fd = -EBADF, .lock_fd = -EBADF, .current = -1 }

static void gen_close(struct gen *g)
{
	g->parent_fd = safe_close(g->parent_fd);
	g->gens_fd = safe_close(g->gens_fd);
	g->lock_fd = safe_close(g->lock_fd); /* drops the flock */
}

/* Removes `name` in dir_fd and, for a directory, everything below it:
 * never follows a symlink, never leaves the file system of `dev`, never
 * enters a mount point (-EXDEV: nothing under it is touched). */
static int rm_tree(int dir_fd, const char *name, dev_t dev, unsigned depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct statx stx;
	int fd, r = 0;

	if (depth > JAIL_TEMPLATE_MAX_DEPTH + 8)
		return -ELOOP;
	if (statx(dir_fd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) < 0)
		return negative_errno();
	if (!S_ISDIR(stx.stx_mode))
		return unlinkat(dir_fd, name, 0) < 0 ? negative_errno() : 0;
	if (((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	     (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT)) ||
	    makedev(stx.stx_dev_major, stx.stx_dev_minor) != dev)
		return -EXDEV;
	fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	d = fdopendir(fd);
	if (!d) {
		safe_close(fd);
		return negative_errno();
	}
	for (unsigned pass = 0; pass < 8; pass++) {
		struct dirent *de;

		rewinddir(d);
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
				r = rm_tree(dirfd(d), de->d_name, dev, depth + 1);
				if (r < 0)
					return r;
			}
		if (unlinkat(dir_fd, name, AT_REMOVEDIR) == 0)
			return 0;
		if (errno != ENOTEMPTY)
			return negative_errno();
	}
	return -ENOTEMPTY;
}

/* Opens template P: its parent, P.gen (created if `create`), the current
 * generation; for a change (`lock`), under P.gen/.lock, a root-only file
 * (a lock on P.gen itself could be taken by anybody who can open it).
 * Prints why on failure. */
static int gen_open(struct gen *g, const char *arg, bool create, bool lock)
{
	struct jail_error err = { 0 };
	struct jail_template_gen cur;
	struct stat st = { 0 }, pst = { 0 };
	const char *slash;
	long dummy;
	int r;

	r = absolute_path(arg, g->abs, sizeof(g->abs));
	if (r < 0 || strcmp(g->abs, "/") == 0) {
		errorf("%s: not usable as a template", arg);
		return r < 0 ? r : -EINVAL;
	}
	slash = strrchr(g->abs, '/');
	dirname_of(g->abs, g->parent, sizeof(g->parent));
	snprintf(g->base, sizeof(g->base), "%s", slash + 1);
	if (snprintf(g->gname, sizeof(g->gname), "%s" JAIL_TEMPLATE_GEN_SUFFIX, g->base) >=
		    (int)sizeof(g->gname) ||
	    jail_path_join(g->gens, sizeof(g->gens), g->parent, g->gname) < 0) {
		errorf("%s: name too long", arg);
		return -ENAMETOOLONG;
	}
	{
		/* P.gen/N named directly: changing it would change a live tree */
		const char *pslash = strrchr(g->parent, '/');
		size_t pl = strlen(g->parent), sl = strlen(JAIL_TEMPLATE_GEN_SUFFIX);

		if (pslash && pl > sl &&
		    strcmp(g->parent + pl - sl, JAIL_TEMPLATE_GEN_SUFFIX) == 0 &&
		    (jail_template_gen_name(g->base, &dummy) || g->base[0] == '.')) {
			errorf("%s: is a generation of template %.*s, which jails may use: never "
			       "changed in place; name the template %.*s instead",
			       arg, (int)(pl - sl), g->parent, (int)(pl - sl), g->parent);
			return -EINVAL;
		}
	}
	g->parent_fd = jail_open_trusted(g->parent, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, &err);
	if (g->parent_fd < 0) {
		errorf("%s: not usable as a template: %s\n"
		       "  (a template and every directory above it must be root-owned and not "
		       "writable by group or others)",
		       arg, err.msg);
		return g->parent_fd;
	}
	r = jail_template_resolve(g->abs, &cur, &err);
	if (r < 0) {
		errorf("%s: not usable as a template: %s", arg, err.msg);
		return r;
	}
	safe_close(cur.fd);
	if (create && mkdirat(g->parent_fd, g->gname, 0755) < 0 && errno != EEXIST) {
		errorf("%s: cannot create %s: %m", arg, g->gens);
		return negative_errno();
	}
	g->gens_fd =
		openat(g->parent_fd, g->gname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (g->gens_fd < 0) {
		r = negative_errno();
		if (r == -ENOENT)
			errorf("%s: has no generations (no %s)", arg, g->gens);
		else
			errorf("%s: cannot open %s: %m", arg, g->gens);
		return r;
	}
	if (fstat(g->gens_fd, &st) < 0 || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		errorf("%s: %s is not a root-owned directory writable by root only; refusing to "
		       "use it",
		       arg, g->gens);
		return -EPERM;
	}
	for (int tries = 0; lock; tries++) {
		struct stat lst;

		errno = 0;
		g->lock_fd = openat(g->gens_fd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
				    0600);
		if (g->lock_fd < 0 || fstat(g->lock_fd, &lst) < 0 || !S_ISREG(lst.st_mode) ||
		    lst.st_uid != 0 || (lst.st_mode & 077) || tries > 100) {
			errorf("%s: cannot use the lock %s/.lock (a root-only file)%s%s", arg,
			       g->gens, errno ? ": " : "", errno ? strerror(errno) : "");
			return -EPERM;
		}
		if (flock(g->lock_fd, LOCK_EX) < 0) {
			errorf("%s: cannot lock %s/.lock: %m", arg, g->gens);
			return negative_errno();
		}
		/* removed by a run that left the template plain: take the new one */
		if (fstat(g->lock_fd, &lst) == 0 && lst.st_nlink > 0)
			break;
		g->lock_fd = safe_close(g->lock_fd);
	}
	/* under the lock: nobody switches P now */
	r = jail_template_resolve(g->abs, &cur, &err);
	if (r < 0) {
		errorf("%s: not usable as a template: %s", arg, err.msg);
		return r;
	}
	g->current = cur.generation;
	snprintf(g->cur_path, sizeof(g->cur_path), "%s", cur.path);
	r = fstat(cur.fd, &st) < 0 ? negative_errno() : 0;
	if (r == 0 && fstat(g->parent_fd, &pst) < 0)
		r = negative_errno();
	safe_close(cur.fd);
	if (r < 0) {
		errorf("%s: %s", arg, strerror(-r));
		return r;
	}
	if (g->current < 0 && create) {
		struct statx stx;

		/* the conversion renames P: a mount point cannot be renamed, and
		 * generation 0 is where the old tree goes */
		if (st.st_dev != pst.st_dev ||
		    (statx(g->parent_fd, g->base, AT_SYMLINK_NOFOLLOW, 0, &stx) == 0 &&
		     (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
		     (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))) {
			errorf("%s: is a mount point; template generations live beside it in %s "
			       "and are switched by renaming: mount the file system at %s (or "
			       "above) and move the template into a directory on it",
			       arg, g->gens, g->parent);
			return -EXDEV;
		}
		if (fstatat(g->gens_fd, "0", &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT) {
			errorf("%s: is a plain directory to convert into generations, but %s/0 "
			       "exists; move it away first",
			       arg, g->gens);
			return -EEXIST;
		}
	}
	return 0;
}

/* Generation numbers present in P.gen, ascending; *ret_n of them. */
static int gen_list(const struct gen *g, long **ret, size_t *ret_n)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	long *v = NULL, x;
	size_t n = 0;
	int fd = openat(g->gens_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		safe_close(fd);
		return negative_errno();
	}
	while ((de = readdir(d)))
		if (jail_template_gen_name(de->d_name, &x)) {
			long *nv = realloc(v, (n + 1) * sizeof(*v));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			size_t i = n++;

			while (i > 0 && v[i - 1] > x) {
				v[i] = v[i - 1];
				i--;
			}
			v[i] = x;
		}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Copies the current generation to P.gen/.new-M, M the next number. */
static int gen_stage(struct gen *g)
{
	_cleanup_free_ long *v = NULL;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	size_t n = 0;
	pid_t pid;
	int status, fd, r;

	r = gen_list(g, &v, &n);
	if (r < 0) {
		errno = -r;
		errorf("%s: cannot list %s: %m", g->abs, g->gens);
		return r;
	}
	g->next = (n && v[n - 1] > g->current ? v[n - 1] : g->current) + 1;
	if (g->next < 1)
		g->next = 1;
	if (g->next > JAIL_TEMPLATE_GEN_MAX) {
		errorf("%s: out of generation numbers", g->abs);
		return -ERANGE;
	}
	if (fstat(g->gens_fd, &st) < 0)
		return negative_errno();
	/* what a command that died left (we hold the lock: nobody works there) */
	fd = openat(g->gens_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		safe_close(fd);
		return negative_errno();
	}
	while ((de = readdir(d)))
		if (strncmp(de->d_name, ".new-", 5) == 0 || strncmp(de->d_name, ".old-", 5) == 0) {
			r = rm_tree(g->gens_fd, de->d_name, st.st_dev, 0);
			if (r < 0) {
				errno = -r;
				errorf("%s: cannot remove the leftover %s/%s: %m", g->abs, g->gens,
				       de->d_name);
				return r;
			}
		}
	snprintf(g->staging, sizeof(g->staging), ".new-%ld", g->next);
	if (jail_path_join(g->staging_path, sizeof(g->staging_path), g->gens, g->staging) < 0)
		return -ENAMETOOLONG;
	fflush(stdout);
	fflush(stderr);
	/* cp -a: owners, modes, times, links, xattrs; shares blocks where the
	 * file system can (reflink), never hard links: a later change of the
	 * copy can never reach the tree live jails use */
	pid = fork();
	if (pid < 0)
		return negative_errno();
	if (pid == 0) {
		char *const argv[] = { "cp",
				       "-a",
				       "--reflink=auto",
				       "--one-file-system",
				       "--no-target-directory",
				       "--",
				       g->cur_path,
				       g->staging_path,
				       NULL };
		char *const envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };

		execve("/bin/cp", argv, envp);
		_exit(127);
	}
	g->staged = true;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return negative_errno();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errorf("%s: copying %s to %s failed", g->abs, g->cur_path, g->staging_path);
		return -EIO;
	}
	return 0;
}

/* A template still plain after the run: P.gen, made for nothing, goes
 * (only if nothing but the lock is in it) */
static void gen_drop_if_plain(struct gen *g)
{
	if (g->current >= 0 || g->gens_fd < 0 || g->parent_fd < 0)
		return;
	if (g->lock_fd >= 0)
		(void)unlinkat(g->gens_fd, ".lock", 0);
	(void)unlinkat(g->parent_fd, g->gname, AT_REMOVEDIR);
}

/* Drops the staged copy (nothing switched). */
static void gen_abort(struct gen *g)
{
	struct stat st;
	int r;

	if (!g->staged || g->gens_fd < 0 || fstat(g->gens_fd, &st) < 0)
		return;
	r = rm_tree(g->gens_fd, g->staging, st.st_dev, 0);
	if (r < 0 && r != -ENOENT) {
		errno = -r;
		warnf("%s: cannot remove %s: %m", g->abs, g->staging_path);
	}
	g->staged = false;
}

/* Verifies the staged copy and makes it current. */
static int gen_commit(struct gen *g)
{
	_cleanup_close_ int fd = -EBADF;
	struct jail_error err = { 0 };
	char num[32], target[NAME_MAX * 2 + 8], link[NAME_MAX + 16];
	int r;

	fd = openat(g->gens_fd, g->staging, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	r = jail_template_verify_security(fd, g->abs, &err);
	if (r < 0) {
		errorf("%s: the new generation fails verification, not switched (%s stays "
		       "current): %s",
		       g->abs, g->cur_path, err.msg);
		return r;
	}
	/* the new tree on disk before anything points at it */
	if (syncfs(g->gens_fd) < 0)
		return negative_errno();
	snprintf(num, sizeof(num), "%ld", g->next);
	if (renameat(g->gens_fd, g->staging, g->gens_fd, num) < 0) {
		errorf("%s: cannot rename %s: %m", g->abs, g->staging_path);
		return negative_errno();
	}
	g->staged = false;
	snprintf(target, sizeof(target), "%s/%s", g->gname, num);
	snprintf(link, sizeof(link), ".%s.link", g->base);
	(void)unlinkat(g->parent_fd, link, 0);
	if (symlinkat(target, g->parent_fd, link) < 0) {
		errorf("%s: cannot create the link %s/%s: %m", g->abs, g->parent, link);
		return negative_errno();
	}
	if (g->current >= 0) {
		if (renameat(g->parent_fd, link, g->parent_fd, g->base) < 0) {
			errorf("%s: cannot switch to generation %s: %m", g->abs, num);
			(void)unlinkat(g->parent_fd, link, 0);
			return negative_errno();
		}
		printf("%s: generation %s is current (was %ld)\n", g->abs, num, g->current);
		g->current = g->next;
		return 0;
	}
	/* conversion: P becomes the link in one step, the old tree gen 0 */
	if (renameat2(g->parent_fd, link, g->parent_fd, g->base, RENAME_EXCHANGE) < 0) {
		errorf("%s: cannot switch to generation %s: %m", g->abs, num);
		(void)unlinkat(g->parent_fd, link, 0);
		return negative_errno();
	}
	if (renameat(g->parent_fd, link, g->gens_fd, "0") < 0) {
		errorf("%s: switched to generation %s, but the old tree stays at %s/%s: %m", g->abs,
		       num, g->parent, link);
		g->current = g->next;
		return negative_errno();
	}
	printf("%s: converted to generations: generation %s is current, the old directory is "
	       "generation 0 (%s/0)\n",
	       g->abs, num, g->gens);
	g->current = g->next;
	return 0;
}

/* users of generation path `p` ("" if none) into buf; -errno if unknown */
static int gen_users(const char *p, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!users_fn)
		return -ENOSYS;
	return users_fn(p, buf, size, users_data);
}

static int cmd_generations(int argc, char **argv)
{
	struct gen g = GEN_INIT;
	_cleanup_free_ long *v = NULL;
	size_t n = 0;
	int r, ret = 1;

	if (argc != 2 || argv[1][0] == '-') {
		errorf("template generations: needs exactly one DIR\nTry 'jailctl template "
		       "--help'.");
		return 2;
	}
	if (gen_open(&g, argv[1], false, false) < 0)
		goto out;
	r = gen_list(&g, &v, &n);
	if (r < 0) {
		errno = -r;
		errorf("%s: cannot list %s: %m", g.abs, g.gens);
		goto out;
	}
	printf("%-10s %-8s %s\n", "GENERATION", "STATE", "JAILS");
	for (size_t i = 0; i < n; i++) {
		char p[PATH_MAX + 32], users[1024];

		snprintf(p, sizeof(p), "%s/%ld", g.gens, v[i]);
		r = gen_users(p, users, sizeof(users));
		printf("%-10ld %-8s %s\n", v[i], v[i] == g.current ? "current" : "old",
		       r < 0      ? "(unknown: run it as 'jailctl template generations')"
		       : users[0] ? users
				  : "-");
	}
	if (g.current < 0)
		printf("%s is a plain directory (unversioned); the next change makes it "
		       "generations\n",
		       g.abs);
	ret = 0;
out:
	gen_close(&g);
	return ret;
}

/* Removes every generation of template `dir` but the current one that no
 * live jail uses: `jailctl template gc DIR`, and `jailctl gc` for every
 * template of the config (`quiet`: only what it removed and what failed,
 * nothing for a template without generations).  Returns 0, or 1 when
 * something could not be removed or told. */
int jail_template_gc(const char *dir, bool quiet)
{
	struct gen g = GEN_INIT;
	_cleanup_free_ long *v = NULL;
	struct stat st;
	size_t n = 0;
	unsigned removed = 0, kept = 0;
	int r, ret = 1;

	if (!users_fn) {
		errorf("template gc: cannot tell which generations live jails use here; run it as "
		       "'jailctl template gc'");
		return 1;
	}
	if (quiet) {
		char gens[PATH_MAX];

		/* a plain template that never had generations: nothing to do */
		if (snprintf(gens, sizeof(gens), "%s" JAIL_TEMPLATE_GEN_SUFFIX, dir) >=
		    (int)sizeof(gens)) {
			errorf("%s: name too long", dir);
			return 1;
		}
		if (lstat(gens, &st) < 0 && errno == ENOENT)
			return 0;
	}
	if (gen_open(&g, dir, false, true) < 0)
		goto out;
	if (fstat(g.gens_fd, &st) < 0 || (r = gen_list(&g, &v, &n)) < 0) {
		errorf("%s: cannot list %s: %m", g.abs, g.gens);
		goto out;
	}
	ret = 0;
	for (size_t i = 0; i < n; i++) {
		char p[PATH_MAX + 32], num[32], old[48], users[1024];

		if (v[i] == g.current)
			continue;
		snprintf(p, sizeof(p), "%s/%ld", g.gens, v[i]);
		/* the state of every jail, each read under its user's lock: a
		 * jail being built now records its generation before we look */
		r = gen_users(p, users, sizeof(users));
		if (r < 0) {
			errno = -r;
			warnf("%s: generation %ld kept: cannot tell whether a jail uses it: %m",
			      g.abs, v[i]);
			kept++;
			ret = 1;
			continue;
		}
		if (r > 0) {
			if (!quiet)
				printf("%s: generation %ld kept: used by %s\n", g.abs, v[i], users);
			kept++;
			continue;
		}
		/* out of the generation names first, then removed */
		snprintf(num, sizeof(num), "%ld", v[i]);
		snprintf(old, sizeof(old), ".old-%ld", v[i]);
		if (renameat(g.gens_fd, num, g.gens_fd, old) < 0) {
			warnf("%s: cannot rename %s: %m", g.abs, p);
			ret = 1;
			continue;
		}
		r = rm_tree(g.gens_fd, old, st.st_dev, 0);
		if (r < 0) {
			errno = -r;
			warnf("%s: cannot remove generation %ld (left as %s/%s): %m", g.abs, v[i],
			      g.gens, old);
			ret = 1;
			continue;
		}
		printf("%s: removed generation %ld\n", g.abs, v[i]);
		removed++;
	}
	if (!quiet)
		printf("%s: %u generation%s removed, %u kept besides the current one (%ld)\n",
		       g.abs, removed, removed == 1 ? "" : "s", kept, g.current);
out:
	gen_close(&g);
	return ret;
}

static int cmd_gc(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		errorf("template gc: needs exactly one DIR\nTry 'jailctl template --help'.");
		return 2;
	}
	if (geteuid() != 0) {
		errorf("template gc needs root");
		return 1;
	}
	return jail_template_gc(argv[1], false);
}

/* ---- apt (a new generation changed by apt-get in a chroot) ---------------- */

/*
 * What `template add` does to what it copies, for what apt-get installed:
 * owned by root, no setuid/setgid, not writable by group or others, no
 * device nodes, fifos or sockets (jails refuse all of these).  Said on
 * standard output, one line each.
 */
struct sanitize {
	struct gen *g;
	unsigned fixed;
	int errors;
};

static int sanitize_visit(const struct jail_template_entry *e, void *userdata)
{
	struct sanitize *s = userdata;
	const struct stat *st = e->st;
	mode_t m = st->st_mode & 07777;
	const char *name = strcmp(e->path, ".") == 0 ? "." : e->name;

	if (!e->problem)
		return 0;
	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) || S_ISFIFO(st->st_mode) ||
	    S_ISSOCK(st->st_mode)) {
		if (unlinkat(e->dir_fd, name, 0) < 0) {
			errorf("%s: %s: cannot remove: %m", s->g->abs, e->path);
			s->errors++;
			return 0;
		}
		printf("%s: %s: removed (%s)\n", s->g->abs, e->path, e->problem);
		s->fixed++;
		return 0;
	}
	if (st->st_uid != 0 || st->st_gid != 0) {
		if (fchownat(e->dir_fd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0) {
			errorf("%s: %s: cannot chown: %m", s->g->abs, e->path);
			s->errors++;
			return 0;
		}
	}
	if (!S_ISLNK(st->st_mode)) {
		mode_t nm = m & ~(mode_t)(S_IWGRP | S_IWOTH | S_ISUID | S_ISGID);

		if (S_ISDIR(st->st_mode))
			nm &= ~(mode_t)S_ISVTX;
		if (fchmodat(e->dir_fd, name, nm, 0) < 0) {
			errorf("%s: %s: cannot chmod: %m", s->g->abs, e->path);
			s->errors++;
			return 0;
		}
		printf("%s: %s: %s: now root-owned, mode %04o\n", s->g->abs, e->path, e->problem,
		       (unsigned)nm);
	} else
		printf("%s: %s: %s: now root-owned\n", s->g->abs, e->path, e->problem);
	s->fixed++;
	return 0;
}

/* mount fstype (or bind `src`) on `rel` in the tree at root_fd, by fd:
 * symlinks in the tree resolve inside it.  Missing targets are skipped. */
static int mount_in(int root_fd, const char *rel, const char *fstype, const char *src,
		    const char *opts, unsigned long flags, bool dir)
{
	_cleanup_close_ int fd =
		root_open(root_fd, rel, O_PATH | O_NOFOLLOW | (dir ? O_DIRECTORY : 0));
	char target[64];

	if (fd < 0)
		return fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP ? 0 : fd;
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (mount(src ? src : fstype, target, src ? NULL : fstype, flags | (src ? MS_BIND : 0),
		  opts) < 0)
		return negative_errno();
	return 1;
}

/* Runs in the new mount and PID namespaces, as their pid 1: the chroot's
 * /proc, /dev, /tmp, /run, DNS, then apt-get ARGS and apt-get clean. */
static _Noreturn void apt_child(const struct gen *g, char **args, size_t n)
{
	static const struct {
		const char *name;
		unsigned maj, min;
	} devs[] = { { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
		     { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 } };
	char *const envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			       "DEBIAN_FRONTEND=noninteractive", "LC_ALL=C", "HOME=/root", NULL };
	_cleanup_free_ char **argv = calloc(n + 3, sizeof(char *));
	int root_fd, dev_fd, status;
	pid_t pid;

	root_fd = open(g->staging_path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (!argv || root_fd < 0 ||
	    mount_in(root_fd, "proc", "proc", NULL, NULL, MS_NOSUID | MS_NODEV | MS_NOEXEC, true) <=
		    0 ||
	    mount_in(root_fd, "dev", "tmpfs", NULL, "mode=0755,size=64k", MS_NOSUID | MS_NOEXEC,
		     true) <= 0 ||
	    mount_in(root_fd, "tmp", "tmpfs", NULL, "mode=1777", MS_NOSUID | MS_NODEV, true) < 0 ||
	    mount_in(root_fd, "var/tmp", "tmpfs", NULL, "mode=1777", MS_NOSUID | MS_NODEV, true) <
		    0 ||
	    mount_in(root_fd, "run", "tmpfs", NULL, "mode=0755", MS_NOSUID | MS_NODEV, true) < 0 ||
	    mount_in(root_fd, "etc/resolv.conf", NULL, "/etc/resolv.conf", NULL, 0, false) < 0) {
		errorf("%s: cannot prepare the chroot in %s (it needs proc/ and dev/): %m", g->abs,
		       g->staging_path);
		_exit(1);
	}
	dev_fd = root_open(root_fd, "dev", O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	for (size_t i = 0; dev_fd >= 0 && i < ELEMENTSOF(devs); i++)
		if (mknodat(dev_fd, devs[i].name, S_IFCHR | 0666,
			    makedev(devs[i].maj, devs[i].min)) < 0 ||
		    fchmodat(dev_fd, devs[i].name, 0666, 0) <
			    0) /* not the umask's mode: apt's _apt writes there */
			dev_fd = -1;
	/* a devpts of its own: apt logs the maintainer scripts through a pty */
	if (dev_fd >= 0 &&
	    (mkdirat(dev_fd, "pts", 0755) < 0 || symlinkat("pts/ptmx", dev_fd, "ptmx") < 0 ||
	     mount_in(root_fd, "dev/pts", "devpts", NULL, "newinstance,ptmxmode=0666,mode=0620",
		      MS_NOSUID | MS_NOEXEC, true) <= 0))
		dev_fd = -1;
	if (dev_fd < 0 || symlinkat("/proc/self/fd", dev_fd, "fd") < 0 ||
	    fchdir(root_fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		errorf("%s: cannot enter the chroot %s: %m", g->abs, g->staging_path);
		_exit(1);
	}
	argv[0] = "apt-get";
	argv[1] = "-y";
	for (size_t i = 0; i < n; i++)
		argv[i + 2] = args[i];
	pid = fork();
	if (pid == 0) {
		execve("/usr/bin/apt-get", argv, envp);
		errorf("%s: cannot run /usr/bin/apt-get in the template: %m", g->abs);
		_exit(127);
	}
	if (pid < 0)
		_exit(1);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	{
		/* the downloaded .deb files need not live on in the generation */
		char *const clean[] = { "apt-get", "clean", NULL };

		execve("/usr/bin/apt-get", clean, envp);
	}
	_exit(127);
}

/* an empty file or policy-rc.d made for the run, removed after it */
static bool make_if_missing(int root_fd, const char *rel, const char *content, mode_t mode)
{
	_cleanup_close_ int fd = -EBADF;
	const char *slash = strrchr(rel, '/');
	char dir[PATH_MAX];
	int dfd;
	size_t len = strlen(content);

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
	dfd = root_open(root_fd, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW);
	if (dfd < 0)
		return false;
	fd = openat(dfd, slash + 1, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	safe_close(dfd);
	if (fd < 0)
		return false;
	if (write(fd, content, len) != (ssize_t)len || fchmod(fd, mode) < 0)
		return true; /* made: removed after the run all the same */
	return true;
}

static void remove_made(int root_fd, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	char dir[PATH_MAX];
	int dfd;

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
	dfd = root_open(root_fd, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW);
	if (dfd >= 0)
		(void)unlinkat(dfd, slash + 1, 0);
	safe_close(dfd);
}

static int cmd_apt(int argc, char **argv)
{
	struct gen g = GEN_INIT;
	struct jail_error err = { 0 };
	struct sanitize s = { .g = &g };
	_cleanup_close_ int root_fd = -EBADF;
	const char *dir;
	bool made_resolv, made_policy;
	int first, status, r, ret = 1;
	pid_t pid;

	if (argc < 3 || argv[1][0] == '-') {
		errorf("template apt: needs DIR and apt-get arguments: jailctl template apt DIR -- "
		       "install PACKAGE...\n"
		       "Try 'jailctl template --help'.");
		return 2;
	}
	dir = argv[1];
	first = strcmp(argv[2], "--") == 0 ? 3 : 2;
	if (first >= argc) {
		errorf("template apt: no apt-get arguments after '--'");
		return 2;
	}
	if (geteuid() != 0) {
		errorf("template apt needs root");
		return 1;
	}
	if (gen_open(&g, dir, true, true) < 0 || gen_stage(&g) < 0)
		goto out;
	root_fd = open(g.staging_path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root_fd < 0) {
		errorf("%s: %m", g.staging_path);
		goto out;
	}
	{
		_cleanup_close_ int fd = root_open(root_fd, "usr/bin/apt-get", O_PATH | O_NOFOLLOW);

		if (fd < 0) {
			errorf("%s: has no usr/bin/apt-get: 'template apt' is for templates made "
			       "from Debian packages (mmdebstrap, debootstrap); see jailctl(8)",
			       dir);
			goto out;
		}
	}
	/* DNS for apt, and no service started by a maintainer script: both
	 * only for the run when the template lacks them */
	made_resolv = make_if_missing(root_fd, "etc/resolv.conf", "", 0644);
	made_policy =
		make_if_missing(root_fd, "usr/sbin/policy-rc.d", "#!/bin/sh\nexit 101\n", 0755);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		pid_t init;

		/* private mounts and processes: nothing of the run reaches the
		 * host's mount table, its daemons end with it */
		if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
			errorf("%s: cannot make a mount and PID namespace for apt-get: %m", dir);
			_exit(1);
		}
		init = fork();
		if (init == 0)
			apt_child(&g, argv + first, (size_t)(argc - first));
		if (init < 0)
			_exit(1);
		while (waitpid(init, &status, 0) < 0)
			if (errno != EINTR)
				_exit(1);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	status = 0;
	while (pid > 0 && waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	if (made_resolv)
		remove_made(root_fd, "etc/resolv.conf");
	if (made_policy)
		remove_made(root_fd, "usr/sbin/policy-rc.d");
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errorf("%s: apt-get failed (exit %d); nothing switched, %s stays current", dir,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1, g.cur_path);
		goto out;
	}
	/* what jails refuse, fixed as `template add` fixes its copies */
	r = jail_template_walk(root_fd, sanitize_visit, &s, &err);
	if (r < 0 || s.errors) {
		errorf("%s: %s; nothing switched, %s stays current", dir,
		       r < 0 ? err.msg : "cannot fix the new tree", g.cur_path);
		goto out;
	}
	if (s.fixed)
		printf("%s: %u entr%s fixed (see above)\n", g.abs, s.fixed,
		       s.fixed == 1 ? "y" : "ies");
	if (gen_commit(&g) < 0)
		goto out;
	ret = 0;
out:
	gen_abort(&g);
	gen_drop_if_plain(&g);
	gen_close(&g);
	return ret;
}

/* ---- commands ------------------------------------------------------------- */

/* one output line per source line */
static const char usage_text[] =
	"Usage: jailctl template COMMAND ...\n"
	"\n"
	"  create DIR\n"
	"      make an empty template skeleton in DIR (new, or an empty root-owned directory);\n"
	"      tmp and var/tmp are 0755 root: every jail mounts its own tmpfs there\n"
	"  add DIR [PROGRAM...] [--set NAME]... [--with-files PATH...]\n"
	"      copy programs with their dynamic loader and every library they need, and data\n"
	"      files or directory trees (and what the ELF files in them need), to the same\n"
	"      paths in DIR; operands after --with-files are files, up to the next option.\n"
	"      A program name is looked up in the fixed system path\n"
	"      " SYSTEM_PATH ", never in $PATH.\n"
	"      DIR itself is never written: the copy is a new generation of DIR (DIR.gen/N),\n"
	"      verified, then made current; live jails keep the generation they were built from\n"
	"  apt DIR -- APT-GET-ARGUMENTS...\n"
	"      run 'apt-get -y APT-GET-ARGUMENTS' chrooted in a new generation of DIR (a template\n"
	"      made from Debian packages), fix what jails refuse, verify, make it current\n"
	"  generations DIR\n"
	"      list the generations of template DIR and the live jails that use each\n"
	"  gc DIR\n"
	"      remove the generations of DIR that are not current and that no live jail uses\n"
	"  verify DIR [--shell PATH]\n"
	"      list every problem of the template as 'PATH: problem'; exit 1 if there is any\n"
	"      (what is in tmp and var/tmp is not checked: no jail ever shows it)\n"
	"\n"
	"Sets:\n"
	"  --set shell   sh bash ls cat cp mv rm mkdir rmdir ln chmod touch echo pwd printf true\n"
	"                false test [ env id whoami head tail wc sort uniq cut tr date sleep stat\n"
	"                readlink basename dirname mktemp du grep sed less tty ps stty, nano\n"
	"                and/or vim.tiny if present, and the terminfo trees /usr/share/terminfo\n"
	"                /lib/terminfo /etc/terminfo if present\n"
	"  --set sftp    /usr/lib/openssh/sftp-server and scp (for legacy 'scp -O', which runs\n"
	"                'scp -t' through the login shell: that needs a shell in the template)\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

/* `arg` names the template in messages; `path` (NULL: arg) is the tree
 * changed: the staged new generation */
static int open_template(struct tpl *t, const char *arg, const char *path)
{
	struct jail_error err = { 0 };
	struct stat hst;
	int r;

	t->dir = arg;
	r = absolute_path(arg, t->abs, sizeof(t->abs));
	if (r < 0) {
		errno = -r;
		errorf("%s: %m", arg);
		return r;
	}
	if (strcmp(t->abs, "/") == 0) {
		errorf("%s: is the host's root directory", arg);
		return -EINVAL;
	}
	t->root_fd = jail_open_trusted(path ? path : t->abs, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR,
				       0, &err);
	if (t->root_fd < 0) {
		errorf("%s: not usable as a template: %s\n"
		       "  (a template and every directory above it must be root-owned and not "
		       "writable by group or others)",
		       arg, err.msg);
		return t->root_fd;
	}
	t->host_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (t->host_fd < 0 || fstat(t->root_fd, &t->root_st) < 0 || fstat(t->host_fd, &hst) < 0) {
		errorf("%s: %m", arg);
		return -EIO;
	}
	if (hst.st_dev == t->root_st.st_dev && hst.st_ino == t->root_st.st_ino) {
		errorf("%s: is the host's root directory", arg);
		return -EINVAL;
	}
	return 0;
}

static int cmd_add(int argc, char **argv)
{
	struct tpl t = { .root_fd = -EBADF, .host_fd = -EBADF };
	struct gen g = GEN_INIT;
	struct strv programs = { 0 }, files = { 0 }, sets = { 0 };
	const char *dir = NULL;
	bool in_files = false, opts_done = false;
	int ret = 1;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!opts_done && a[0] == '-' && a[1]) {
			if (strcmp(a, "--") == 0)
				opts_done = true;
			else if (strcmp(a, "--with-files") == 0)
				in_files = true;
			else if (strncmp(a, "--with-files=", 13) == 0)
				strv_add(&files, a + 13);
			else if (strcmp(a, "--set") == 0 && i + 1 < argc) {
				strv_add(&sets, argv[++i]);
				in_files = false;
			} else if (strncmp(a, "--set=", 6) == 0) {
				strv_add(&sets, a + 6);
				in_files = false;
			} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
				usage(stdout);
				ret = 0;
				goto out;
			} else {
				errorf("template add: unknown option or missing argument: '%s'", a);
				ret = 2;
				goto out;
			}
			continue;
		}
		if (!dir)
			dir = a;
		else if (in_files)
			strv_add(&files, a);
		else
			strv_add(&programs, a);
	}
	if (!dir || programs.n + files.n + sets.n == 0) {
		errorf("template add: needs DIR and something to add\nTry 'jailctl template "
		       "--help'.");
		ret = 2;
		goto out;
	}
	for (size_t i = 0; i < sets.n; i++)
		if (strcmp(sets.v[i], "shell") != 0 && strcmp(sets.v[i], "sftp") != 0) {
			errorf("template add: unknown set '%s' (known: shell, sftp)", sets.v[i]);
			ret = 2;
			goto out;
		}
	if (geteuid() != 0) {
		errorf("template add needs root");
		goto out;
	}
	/* never in place: a new generation, switched to when complete */
	if (gen_open(&g, dir, true, true) < 0 || gen_stage(&g) < 0)
		goto out;
	snprintf(t.gens, sizeof(t.gens), "%s", g.gens);
	if (open_template(&t, dir, g.staging_path) < 0)
		goto out;
	lib_dirs_load(t.host_fd, true, &t.lib_dirs);

	for (size_t i = 0; i < programs.n; i++)
		add_program(&t, programs.v[i], false);
	for (size_t i = 0; i < sets.n; i++) {
		if (strcmp(sets.v[i], "sftp") == 0) {
			for (size_t j = 0; set_sftp_programs[j]; j++)
				add_program(&t, set_sftp_programs[j], true);
			continue;
		}
		{
			unsigned editors = 0;

			for (size_t j = 0; set_shell_programs[j]; j++)
				add_program(&t, set_shell_programs[j], true);
			for (size_t j = 0; set_shell_editors[j]; j++) {
				char p[PATH_MAX];

				if (find_program(set_shell_editors[j], p, sizeof(p)) == 0) {
					add_program(&t, set_shell_editors[j], true);
					editors++;
				}
			}
			if (!editors)
				warnf("no editor (nano, vim.tiny) on this host; none added");
			for (size_t j = 0; set_shell_files[j]; j++)
				add_files(&t, set_shell_files[j], true);
		}
	}
	for (size_t i = 0; i < files.n; i++)
		add_files(&t, files.v[i], false);
	report_outside(&t);
	check_scripts(&t);

	if (t.copied + t.updated + t.linked + t.dirs + t.fixed == 0)
		printf("%s: nothing copied, %u files and links already up to date\n", t.abs,
		       t.unchanged);
	else
		printf("%s: %u copied, %u updated, %u links, %u directories created, %u fixed, %u "
		       "unchanged\n",
		       t.abs, t.copied, t.updated, t.linked, t.dirs, t.fixed, t.unchanged);
	if (t.errors)
		errorf("%s: %d error%s; see above; the template is unchanged (%s stays current)",
		       t.abs, t.errors, t.errors == 1 ? "" : "s", g.cur_path);
	else if (t.copied + t.updated + t.linked + t.dirs + t.fixed > 0 && gen_commit(&g) < 0)
		t.errors++;
	ret = t.errors ? 1 : 0;
out:
	gen_abort(&g);
	gen_drop_if_plain(&g);
	gen_close(&g);
	safe_close(t.root_fd);
	safe_close(t.host_fd);
	strv_free(&t.done);
	strv_free(&t.lib_dirs);
	strv_free(&t.outside);
	strv_free(&t.scripts);
	strv_free(&t.tree_scripts);
	strv_free(&t.dirs_warned);
	strv_free(&t.tree_objects);
	strv_free(&programs);
	strv_free(&files);
	strv_free(&sets);
	return ret;
}

/* ---- create --------------------------------------------------------------- */

static int skel_dir(int dfd, const char *rel, mode_t mode)
{
	struct stat st;

	if (mkdirat(dfd, rel, mode) < 0) {
		if (errno != EEXIST || fstatat(dfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			return negative_errno();
	}
	if (fchownat(dfd, rel, 0, 0, AT_SYMLINK_NOFOLLOW) < 0 || fchmodat(dfd, rel, mode, 0) < 0)
		return negative_errno();
	return 0;
}

static int skel_file(int dfd, const char *rel, const char *content)
{
	_cleanup_close_ int fd =
		openat(dfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	size_t len = strlen(content);

	if (fd < 0)
		return negative_errno();
	if (write(fd, content, len) != (ssize_t)len)
		return errno ? negative_errno() : -EIO;
	if (fchown(fd, 0, 0) < 0 || fchmod(fd, 0644) < 0)
		return negative_errno();
	return 0;
}

static const char skel_nsswitch[] = "# written by jailctl template create\n"
				    "passwd: files\n"
				    "group: files\n"
				    "shadow: files\n"
				    "hosts: files\n";
static const char skel_passwd[] = "root:x:0:0:root:/root:/bin/sh\n";
static const char skel_group[] = "root:x:0:\n";
static const char skel_profile[] =
	"# written by jailctl template create\n"
	"PATH=/usr/local/bin:/usr/bin:/bin\n"
	"PS1='$ '\n"
	"if [ -n \"${BASH_VERSION-}\" ]; then PS1='\\u@jail:\\w\\$ '; fi\n"
	"export PATH PS1\n";

static int build_skeleton(int dfd, const char **ret_what)
{
	static const struct {
		const char *rel;
		mode_t mode;
	} dirs[] = {
		{ "usr", 0755 }, { "usr/bin", 0755 }, { "usr/sbin", 0755 }, { "usr/lib", 0755 },
		/* tmp and var/tmp are only mount points: every jail mounts a
		 * tmpfs of its own there.  Not 1777: on the host nobody but
		 * root needs to write there, and nobody else should. */
		{ "etc", 0755 }, { "tmp", 0755 },     { "var", 0755 },      { "var/tmp", 0755 },
		{ "proc", 0755 }, { "dev", 0755 },    { "home", 0755 },     { "root", 0700 },
	};
	static const struct {
		const char *rel;
		const char *content;
	} files[] = {
		{ "etc/nsswitch.conf", skel_nsswitch },
		{ "etc/passwd", skel_passwd },
		{ "etc/group", skel_group },
		{ "etc/profile", skel_profile },
	};
	const char *top[] = { "bin", "sbin", "lib",
#if defined(__x86_64__) && defined(__LP64__)
			      "lib64",
#endif
			      NULL };
	int r;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		*ret_what = dirs[i].rel;
		r = skel_dir(dfd, dirs[i].rel, dirs[i].mode);
		if (r < 0)
			return r;
	}
	/* bin, sbin, lib, lib64: the same kind as on the host, so that a merged-/usr
	 * host's paths (PT_INTERP /lib64/..., /bin/sh) mean the same inside */
	for (size_t i = 0; top[i]; i++) {
		char host[PATH_MAX], target[PATH_MAX], norm[PATH_MAX];
		struct stat st;
		ssize_t l;

		*ret_what = top[i];
		snprintf(host, sizeof(host), "/%s", top[i]);
		if (lstat(host, &st) == 0 && S_ISLNK(st.st_mode) &&
		    (l = readlink(host, target, sizeof(target) - 1)) > 0) {
			target[l] = '\0';
			/* only a link that stays a plain path below "/" (usr/bin) */
			if (lexical_path("/", target, norm, sizeof(norm)) == 0 &&
			    strcmp(norm, "/") != 0 && norm[0] == '/') {
				char dir[PATH_MAX];

				/* create the target directory and its parents */
				for (char *p = norm + 1;; p++) {
					char *e = strchrnul(p, '/');

					snprintf(dir, sizeof(dir), "%.*s", (int)(e - norm - 1),
						 norm + 1);
					r = skel_dir(dfd, dir, 0755);
					if (r < 0)
						return r;
					if (!*e)
						break;
					p = e;
				}
				if (symlinkat(target, dfd, top[i]) < 0 ||
				    fchownat(dfd, top[i], 0, 0, AT_SYMLINK_NOFOLLOW) < 0)
					return negative_errno();
				continue;
			}
		}
		r = skel_dir(dfd, top[i], 0755);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		*ret_what = files[i].rel;
		r = skel_file(dfd, files[i].rel, files[i].content);
		if (r < 0)
			return r;
	}
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	_cleanup_close_ int pfd = -EBADF, dfd = -EBADF;
	_cleanup_closedir_ DIR *d = NULL;
	struct jail_error err = { 0 };
	char abs[PATH_MAX], parent[PATH_MAX];
	const char *base, *what = "";
	struct dirent *de;
	struct stat st;
	bool created = true;
	int r, fd;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		errorf("template create: needs exactly one DIR\nTry 'jailctl template --help'.");
		return 2;
	}
	if (geteuid() != 0) {
		errorf("template create needs root");
		return 1;
	}
	r = absolute_path(argv[1], abs, sizeof(abs));
	if (r < 0 || strcmp(abs, "/") == 0) {
		errorf("%s: not usable as a template directory", argv[1]);
		return 1;
	}
	dirname_of(abs, parent, sizeof(parent));
	base = strrchr(abs, '/') + 1;
	pfd = jail_open_trusted(parent, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, &err);
	if (pfd < 0) {
		errorf("%s: cannot create a template there: %s\n"
		       "  (every directory above a template must be root-owned and not writable by "
		       "group or others;\n"
		       "   sticky ones such as /var/tmp are accepted)",
		       abs, err.msg);
		return 1;
	}
	if (mkdirat(pfd, base, 0755) < 0) {
		if (errno != EEXIST) {
			errorf("%s: cannot create: %m", abs);
			return 1;
		}
		created = false;
	}
	dfd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) < 0) {
		errorf("%s: %s", abs,
		       errno == ENOTDIR || errno == ELOOP ? "exists and is not a directory"
							  : strerror(errno));
		return 1;
	}
	if (!created && st.st_uid != 0) {
		errorf("%s: exists and is not owned by root; refusing to use it", abs);
		return 1;
	}
	/* first make it ours alone, then look inside: nobody can add entries after */
	if (fchown(dfd, 0, 0) < 0 || fchmod(dfd, 0755) < 0) {
		errorf("%s: cannot set owner/mode: %m", abs);
		return 1;
	}
	if (!created) {
		fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d) {
			safe_close(fd);
			errorf("%s: %m", abs);
			return 1;
		}
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
				errorf("%s: exists and is not empty (holds '%s'); refusing to "
				       "touch it",
				       abs, de->d_name);
				return 1;
			}
	}
	r = build_skeleton(dfd, &what);
	if (r < 0) {
		errno = -r;
		errorf("%s/%s: %m (the skeleton is incomplete)", abs, what);
		return 1;
	}
	printf("created template skeleton %s\n"
	       "next: jailctl template add %s --set shell   (or PROGRAM..., --set sftp, "
	       "--with-files PATH...)\n",
	       abs, abs);
	return 0;
}

/* ---- verify --------------------------------------------------------------- */

struct verify {
	const char *dir;
	int root_fd;
	unsigned problems;
	unsigned entries;
	struct strv lib_dirs;
};

static void problem(struct verify *v, const char *path, const char *fmt, ...) _printf_(3, 4);
static void problem(struct verify *v, const char *path, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", path);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	v->problems++;
}

static bool host_place(const char *p)
{
	for (size_t i = 0; host_places[i]; i++) {
		const char *h = host_places[i];
		size_t n = strlen(h);

		if (h[n - 1] == '*') {
			if (strncmp(p, h, n - 1) == 0)
				return true;
		} else if (jail_path_at_or_under(p, h))
			return true;
	}
	return false;
}

static void check_symlink(struct verify *v, const struct jail_template_entry *e)
{
	char target[PATH_MAX], dir[PATH_MAX], self[PATH_MAX], abs[PATH_MAX];
	ssize_t l = readlinkat(e->dir_fd, e->name, target, sizeof(target) - 1);
	int fd;

	if (l < 0) {
		problem(v, e->path, "cannot read symlink: %s", strerror(errno));
		return;
	}
	target[l] = '\0';
	snprintf(self, sizeof(self), "/%s", e->path);
	dirname_of(self, dir, sizeof(dir));
	if (lexical_path(dir, target, abs, sizeof(abs)) < 0)
		return;
	fd = root_open(v->root_fd, self, O_PATH);
	if (fd >= 0) {
		safe_close(fd);
		return;
	}
	if (fd == -ENOENT && host_place(abs))
		problem(v, e->path,
			"symlink to %s, which is not in the template (outside a chroot it is the "
			"host's %s)",
			target, abs);
}

static void check_elf(struct verify *v, const struct jail_template_entry *e)
{
	_cleanup_close_ int fd = -EBADF;
	struct jail_elf *elf = NULL;
	char self[PATH_MAX], origin[PATH_MAX];
	struct stat st;
	int r;

	if (e->st->st_size < 4)
		return;
	fd = openat(e->dir_fd, e->name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		problem(v, e->path, "cannot read: %s", strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || st.st_ino != e->st->st_ino || st.st_dev != e->st->st_dev) {
		problem(v, e->path, "changed while being checked");
		return;
	}
	r = jail_elf_read_fd(fd, &elf);
	if (r == -ENOEXEC)
		return;
	if (r < 0) {
		if (e->st->st_mode & 0111)
			problem(v, e->path, "an executable that is not a valid ELF file: %s",
				strerror(-r));
		return;
	}
	if (elf->type != ET_EXEC && elf->type != ET_DYN)
		goto out;
	if (elf->interp) {
		int ifd = root_open(v->root_fd, elf->interp, O_PATH);

		if (ifd < 0)
			problem(v, e->path, "needs the loader %s, which is not in the template",
				elf->interp);
		safe_close(ifd);
	}
	snprintf(self, sizeof(self), "/%s", e->path);
	dirname_of(self, origin, sizeof(origin));
	for (size_t i = 0; i < elf->n_needed; i++) {
		char found[PATH_MAX];

		if (elf->needed[i][0] == '/') {
			int nfd = root_open(v->root_fd, elf->needed[i], O_PATH);

			if (nfd < 0)
				problem(v, e->path, "needs %s, which is not in the template",
					elf->needed[i]);
			safe_close(nfd);
			continue;
		}
		if (find_library(v->root_fd, &v->lib_dirs, elf->needed[i], elf, origin, NULL, NULL,
				 found, sizeof(found), NULL, NULL) < 0)
			problem(v, e->path, "needs %s, which is not in the template",
				elf->needed[i]);
	}
out:
	jail_elf_free(elf);
}

static int verify_visit(const struct jail_template_entry *e, void *userdata)
{
	struct verify *v = userdata;

	v->entries++;
	if (e->error) {
		problem(v, e->path, "cannot check: %s", strerror(-e->error));
		return 0;
	}
	if (e->problem)
		problem(v, e->path, "%s", e->problem);
	if (S_ISLNK(e->st->st_mode))
		check_symlink(v, e);
	else if (S_ISREG(e->st->st_mode))
		check_elf(v, e);
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	struct verify v = { .root_fd = -EBADF };
	struct jail_error err = { 0 };
	const char *dir = NULL, *shell = "/bin/sh";
	char abs[PATH_MAX];
	int r, fd, ret = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--shell") == 0 && i + 1 < argc)
			shell = argv[++i];
		else if (strncmp(argv[i], "--shell=", 8) == 0)
			shell = argv[i] + 8;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] != '-' && !dir)
			dir = argv[i];
		else {
			errorf("template verify: unexpected '%s'\nTry 'jailctl template --help'.",
			       argv[i]);
			return 2;
		}
	}
	if (!dir) {
		errorf("template verify: needs DIR\nTry 'jailctl template --help'.");
		return 2;
	}
	if (shell[0] != '/') {
		errorf("template verify: --shell must be an absolute path inside the template");
		return 2;
	}
	v.dir = dir;
	r = absolute_path(dir, abs, sizeof(abs));
	if (r < 0) {
		errno = -r;
		errorf("%s: %m", dir);
		return 1;
	}
	v.root_fd = jail_open_trusted(abs, O_PATH | O_DIRECTORY, JAIL_TRUST_DIR, 0, &err);
	if (v.root_fd < 0) {
		problem(&v, ".", "%s", err.msg);
		v.root_fd = open(abs, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (v.root_fd < 0) {
			errorf("%s: %m", dir);
			return 1;
		}
	}
	/* without an ld.so.cache the loader inside knows its built-in directories only */
	fd = root_open(v.root_fd, "/etc/ld.so.cache", O_PATH);
	lib_dirs_load(v.root_fd, fd >= 0, &v.lib_dirs);
	safe_close(fd);

	r = jail_template_walk(v.root_fd, verify_visit, &v, &err);
	if (r < 0) {
		errorf("%s: %s", dir, err.msg);
		goto out;
	}
	fd = root_open(v.root_fd, shell, O_RDONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		problem(&v, shell + 1, "the shell is %s",
			fd == -ENOENT ? "missing" : strerror(-fd));
	else {
		struct stat st;

		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			problem(&v, shell + 1, "the shell is not a regular file");
		else if (!(st.st_mode & S_IXOTH))
			problem(&v, shell + 1, "the shell is not executable by others (mode %04o)",
				(unsigned)(st.st_mode & 07777));
		safe_close(fd);
	}
	if (v.problems) {
		fflush(stdout);
		fprintf(stderr, "%s: %u problem%s\n", dir, v.problems, v.problems == 1 ? "" : "s");
	}
	else {
		printf("%s: OK (%u entries checked)\n", dir, v.entries);
		ret = 0;
	}
out:
	safe_close(v.root_fd);
	strv_free(&v.lib_dirs);
	return ret;
}

int jail_template_main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "create") == 0)
		return cmd_create(argc - 1, argv + 1);
	if (strcmp(cmd, "add") == 0)
		return cmd_add(argc - 1, argv + 1);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(cmd, "generations") == 0)
		return cmd_generations(argc - 1, argv + 1);
	if (strcmp(cmd, "gc") == 0)
		return cmd_gc(argc - 1, argv + 1);
	if (strcmp(cmd, "apt") == 0)
		return cmd_apt(argc - 1, argv + 1);
	errorf("template: unknown command '%s'\nTry 'jailctl template --help'.", cmd);
	return 2;
}
