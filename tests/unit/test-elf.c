/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of lib/elf.c: real programs (/bin/ls, a static binary, a
 * script), hand-built images in all four class/byte-order variants, one
 * broken field at a time, every truncation of the header area of /bin/ls
 * and a seeded fuzz loop over it.  Meant to run under valgrind and ASan too:
 * whatever the input, the reader must return 0 or a documented -errno.
 *
 * The static binary is build/jail-init (TEST_STATIC_BIN, or the environment
 * variable JAIL_TEST_STATIC_BIN); the test skips loudly when it is missing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/elf.h"

#ifndef TEST_STATIC_BIN
#define TEST_STATIC_BIN "build/jail-init"
#endif

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#elif defined(__i386__)
#define HOST_MACHINE EM_386
#else
#define HOST_MACHINE 0 /* not checked */
#endif

static char tmp_dir[128];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/pam_jail-test-elf.XXXXXX");
	return mkdtemp(tmp_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char p[256];

	(void)state;
	for (const char *const *n =
		     (const char *const[]){ "script", "empty", "short", "fifo", NULL };
	     *n; n++) {
		snprintf(p, sizeof(p), "%s/%s", tmp_dir, *n);
		unlink(p);
	}
	return rmdir(tmp_dir);
}

static void write_file(const char *name, const void *data, size_t len, char *path, size_t size)
{
	int fd;

	snprintf(path, size, "%s/%s", tmp_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* The result of reading `len` bytes of `data` from a memfd. */
static int read_mem(const void *data, size_t len, struct jail_elf **ret)
{
	int fd = memfd_create("elf", MFD_CLOEXEC), r;

	assert_true(fd >= 0);
	if (len)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
	r = jail_elf_read_fd(fd, ret);
	close(fd);
	return r;
}

static bool has_needed(const struct jail_elf *e, const char *name)
{
	for (size_t i = 0; i < e->n_needed; i++)
		if (strcmp(e->needed[i], name) == 0)
			return true;
	return false;
}

/* Whatever came back must be a documented result, and a parsed object sane. */
static void assert_sane(int r, struct jail_elf *e)
{
	if (r < 0) {
		assert_true(r == -ENOEXEC || r == -EBADMSG || r == -EFBIG);
		return;
	}
	assert_non_null(e);
	assert_true(e->elf_class == ELFCLASS32 || e->elf_class == ELFCLASS64);
	assert_true(e->n_needed <= JAIL_ELF_MAX_NEEDED);
	if (e->interp)
		assert_true(strlen(e->interp) > 0 && strlen(e->interp) < JAIL_ELF_MAX_STRING);
	for (size_t i = 0; i < e->n_needed; i++)
		assert_true(strlen(e->needed[i]) > 0 && strlen(e->needed[i]) < JAIL_ELF_MAX_STRING);
	if (e->rpath)
		assert_true(strlen(e->rpath) < JAIL_ELF_MAX_STRING);
	if (e->runpath)
		assert_true(strlen(e->runpath) < JAIL_ELF_MAX_STRING);
	jail_elf_free(e);
}

static void test_bin_ls(void **state)
{
	struct jail_elf *e = NULL;

	(void)state;
	assert_int_equal(jail_elf_read("/bin/ls", &e), 0);
	assert_int_equal(e->elf_class, sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32);
	if (HOST_MACHINE)
		assert_int_equal(e->machine, HOST_MACHINE);
	assert_true(e->type == ET_DYN || e->type == ET_EXEC);
	assert_true(e->dynamic);
	assert_non_null(e->interp);
	assert_true(e->interp[0] == '/');
	assert_true(has_needed(e, "libc.so.6"));
	jail_elf_free(e);
}

static void test_static(void **state)
{
	const char *path = getenv("JAIL_TEST_STATIC_BIN") ?: TEST_STATIC_BIN;
	struct jail_elf *e = NULL;

	(void)state;
	if (access(path, R_OK) < 0) {
		fprintf(stderr, "#### SKIPPED: %s missing (run make first)\n", path);
		skip();
	}
	assert_int_equal(jail_elf_read(path, &e), 0);
	assert_null(e->interp);
	assert_int_equal(e->n_needed, 0);
	jail_elf_free(e);
}

static void test_not_elf(void **state)
{
	struct jail_elf *e = NULL;
	char path[256];

	(void)state;
	write_file("script", "#!/bin/sh\necho hi\n", 18, path, sizeof(path));
	assert_int_equal(jail_elf_read(path, &e), -ENOEXEC);
	write_file("empty", "", 0, path, sizeof(path));
	assert_int_equal(jail_elf_read(path, &e), -ENOEXEC);
	write_file("short", "\177EL", 3, path, sizeof(path));
	assert_int_equal(jail_elf_read(path, &e), -ENOEXEC);
	write_file("short", "\177ELF\002", 5, path, sizeof(path));
	assert_int_equal(jail_elf_read(path, &e), -EBADMSG);
	assert_int_equal(jail_elf_read("/", &e), -EISDIR);
	assert_int_equal(jail_elf_read("/nonexistent/for/sure", &e), -ENOENT);
	assert_int_equal(jail_elf_read("/dev/null", &e), -EINVAL);
	/* a fifo must be refused, not block the reader */
	snprintf(path, sizeof(path), "%s/fifo", tmp_dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(jail_elf_read(path, &e), -EINVAL);
	assert_int_equal(jail_elf_read(NULL, &e), -EINVAL);
}

/* ---- hand-built images ---------------------------------------------------- */

#define IMG_SIZE 65536
#define VBASE 0x10000u
#define OFF_PH 64
#define OFF_INTERP 512
#define OFF_DYN 1024
#define OFF_STR 2048

static const char strtab[] = "\0libfoo.so.1\0libbar.so.2\0$ORIGIN/../lib\0/opt/rpath";
#define STR_FOO 1
#define STR_BAR 13
#define STR_RUNPATH 25
#define STR_RPATH 40

struct img {
	unsigned char b[IMG_SIZE];
	size_t size;
	bool is64, msb;
};

static void put(struct img *m, size_t off, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		m->b[off + (m->msb ? n - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

#define PUT(m, base, T32, T64, f, v)                                                               \
	((m)->is64 ? put(m, (base) + offsetof(T64, f), (v), sizeof(((T64 *)0)->f))                 \
		   : put(m, (base) + offsetof(T32, f), (v), sizeof(((T32 *)0)->f)))
#define EH(m, f, v) PUT(m, 0, Elf32_Ehdr, Elf64_Ehdr, f, v)
#define PH(m, i, f, v) PUT(m, OFF_PH + (i) * phsize(m), Elf32_Phdr, Elf64_Phdr, f, v)
#define DY(m, i, f, v) PUT(m, OFF_DYN + (i) * dynsize(m), Elf32_Dyn, Elf64_Dyn, f, v)

static size_t phsize(const struct img *m)
{
	return m->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
}

static size_t dynsize(const struct img *m)
{
	return m->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
}

static void dyn(struct img *m, size_t i, uint64_t tag, uint64_t val)
{
	DY(m, i, d_tag, tag);
	DY(m, i, d_un, val);
}

/* ehdr; PT_LOAD of the whole file, PT_INTERP, PT_DYNAMIC; NEEDED foo, bar,
 * RUNPATH, STRTAB, STRSZ, NULL. */
static void build(struct img *m, bool is64, bool msb)
{
	memset(m, 0, sizeof(*m));
	m->is64 = is64;
	m->msb = msb;
	m->size = 4096;
	memcpy(m->b, ELFMAG, SELFMAG);
	m->b[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	m->b[EI_DATA] = msb ? ELFDATA2MSB : ELFDATA2LSB;
	m->b[EI_VERSION] = EV_CURRENT;
	EH(m, e_type, ET_DYN);
	EH(m, e_machine, is64 ? EM_X86_64 : EM_386);
	EH(m, e_version, EV_CURRENT);
	EH(m, e_phoff, OFF_PH);
	EH(m, e_ehsize, is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr));
	EH(m, e_phentsize, phsize(m));
	EH(m, e_phnum, 3);

	PH(m, 0, p_type, PT_LOAD);
	PH(m, 0, p_offset, 0);
	PH(m, 0, p_vaddr, VBASE);
	PH(m, 0, p_filesz, 4096);
	PH(m, 0, p_memsz, 4096);
	PH(m, 1, p_type, PT_INTERP);
	PH(m, 1, p_offset, OFF_INTERP);
	PH(m, 1, p_filesz, sizeof("/lib/ld-test.so.1"));
	PH(m, 2, p_type, PT_DYNAMIC);
	PH(m, 2, p_offset, OFF_DYN);
	PH(m, 2, p_filesz, 6 * dynsize(m));
	memcpy(m->b + OFF_INTERP, "/lib/ld-test.so.1", sizeof("/lib/ld-test.so.1"));

	dyn(m, 0, DT_NEEDED, STR_FOO);
	dyn(m, 1, DT_NEEDED, STR_BAR);
	dyn(m, 2, DT_RUNPATH, STR_RUNPATH);
	dyn(m, 3, DT_STRTAB, VBASE + OFF_STR);
	dyn(m, 4, DT_STRSZ, sizeof(strtab));
	dyn(m, 5, DT_NULL, 0);
	memcpy(m->b + OFF_STR, strtab, sizeof(strtab));
}

static int read_img(const struct img *m, struct jail_elf **ret)
{
	return read_mem(m->b, m->size, ret);
}

static void test_crafted(void **state)
{
	static struct img m;

	(void)state;
	for (int v = 0; v < 4; v++) {
		struct jail_elf *e = NULL;
		bool is64 = v & 1, msb = v & 2;

		build(&m, is64, msb);
		assert_int_equal(read_img(&m, &e), 0);
		assert_int_equal(e->elf_class, is64 ? ELFCLASS64 : ELFCLASS32);
		assert_int_equal(e->data, msb ? ELFDATA2MSB : ELFDATA2LSB);
		assert_int_equal(e->machine, is64 ? EM_X86_64 : EM_386);
		assert_int_equal(e->type, ET_DYN);
		assert_true(e->dynamic);
		assert_string_equal(e->interp, "/lib/ld-test.so.1");
		assert_int_equal(e->n_needed, 2);
		assert_string_equal(e->needed[0], "libfoo.so.1");
		assert_string_equal(e->needed[1], "libbar.so.2");
		assert_string_equal(e->runpath, "$ORIGIN/../lib");
		assert_null(e->rpath);
		jail_elf_free(e);

		/* DT_RPATH instead of DT_RUNPATH */
		dyn(&m, 2, DT_RPATH, STR_RPATH);
		assert_int_equal(read_img(&m, &e), 0);
		assert_string_equal(e->rpath, "/opt/rpath");
		assert_null(e->runpath);
		jail_elf_free(e);
	}
}

static void test_compatible(void **state)
{
	static struct img m;
	struct jail_elf *a = NULL, *b = NULL, *c = NULL;

	(void)state;
	build(&m, true, false);
	assert_int_equal(read_img(&m, &a), 0);
	assert_int_equal(read_img(&m, &b), 0);
	build(&m, false, false);
	assert_int_equal(read_img(&m, &c), 0);
	assert_true(jail_elf_compatible(a, b));
	assert_false(jail_elf_compatible(a, c));
	jail_elf_free(a);
	jail_elf_free(b);
	jail_elf_free(c);
}

/* One broken field at a time, in every variant. */
static void test_crafted_broken(void **state)
{
	static struct img m;

	(void)state;
	for (int v = 0; v < 4; v++) {
		bool is64 = v & 1, msb = v & 2;
		uint64_t big = is64 ? UINT64_MAX - 4 : UINT32_MAX - 4;
		struct jail_elf *e = NULL;

#define EXPECT(err, mutation)                                                                      \
	do {                                                                                       \
		build(&m, is64, msb);                                                              \
		mutation;                                                                          \
		e = NULL;                                                                          \
		assert_int_equal(read_img(&m, &e), err);                                           \
		assert_null(e);                                                                    \
	} while (0)

		EXPECT(-EBADMSG, m.b[EI_CLASS] = 3);
		EXPECT(-EBADMSG, m.b[EI_DATA] = 0);
		EXPECT(-EBADMSG, m.b[EI_VERSION] = 0);
		EXPECT(-EBADMSG, EH(&m, e_version, 7));
		EXPECT(-EBADMSG, EH(&m, e_phoff, big));
		EXPECT(-EBADMSG, EH(&m, e_phoff, m.size - 10));
		EXPECT(-EFBIG, EH(&m, e_phnum, PN_XNUM));
		EXPECT(-EFBIG, EH(&m, e_phnum, JAIL_ELF_MAX_PHNUM + 1));
		EXPECT(-EBADMSG, EH(&m, e_phnum, 500)); /* past the end of the file */
		EXPECT(-EBADMSG, EH(&m, e_phentsize, 10));
		/* segments pointing past the end, or wrapping around */
		EXPECT(-EBADMSG, PH(&m, 0, p_filesz, 8192));
		EXPECT(-EBADMSG, PH(&m, 1, p_offset, big));
		EXPECT(-EBADMSG, PH(&m, 2, p_offset, big));
		EXPECT(-EBADMSG, PH(&m, 2, p_filesz, big));
		EXPECT(-EBADMSG, m.size = 1500); /* truncated inside the PT_LOAD */
		/* PT_INTERP: empty, not NUL-terminated, twice */
		EXPECT(-EBADMSG, PH(&m, 1, p_filesz, 0));
		EXPECT(-EBADMSG, PH(&m, 1, p_filesz, strlen("/lib/ld-test.so.1")));
		EXPECT(-EBADMSG, m.b[OFF_INTERP] = '\0');
		EXPECT(-EBADMSG, PH(&m, 2, p_type, PT_INTERP));
		EXPECT(-EBADMSG, PH(&m, 0, p_type, PT_DYNAMIC); PH(&m, 0, p_filesz, 64));
		/* the dynamic section */
		EXPECT(-EBADMSG, dyn(&m, 0, DT_NEEDED, sizeof(strtab)));
		EXPECT(-EBADMSG, dyn(&m, 0, DT_NEEDED, 0)); /* "" */
		EXPECT(-EBADMSG, dyn(&m, 2, DT_RUNPATH, 5000));
		EXPECT(-EBADMSG, dyn(&m, 3, DT_STRTAB, 0x999999));
		EXPECT(-EBADMSG, dyn(&m, 3, DT_STRTAB, VBASE + 4090));
		EXPECT(-EBADMSG, dyn(&m, 4, DT_STRSZ, big));
		EXPECT(-EBADMSG, dyn(&m, 4, DT_STRSZ, 0));
		EXPECT(-EBADMSG, dyn(&m, 3, DT_NULL, 0)); /* no DT_STRTAB */
		EXPECT(-EBADMSG, dyn(&m, 5, DT_STRTAB, VBASE)); /* a second, different one */
		EXPECT(-EBADMSG, dyn(&m, 5, DT_RUNPATH, STR_RUNPATH));
		/* the last string runs to the end of DT_STRSZ without a NUL */
		EXPECT(-EBADMSG, dyn(&m, 0, DT_NEEDED, STR_RPATH);
		       dyn(&m, 4, DT_STRSZ, sizeof(strtab) - 1));
		/* an over-long string */
		EXPECT(-EFBIG, memset(m.b + OFF_STR + 1, 'a', 6000); m.size = 8192;
		       PH(&m, 0, p_filesz, 8192); dyn(&m, 4, DT_STRSZ, 6000));
#undef EXPECT
	}
}

static void test_many_needed(void **state)
{
	static struct img m;
	struct jail_elf *e = NULL;
	size_t n;

	(void)state;
	/* exactly the limit parses, one more is refused */
	for (int over = 0; over <= 1; over++) {
		build(&m, true, false);
		n = JAIL_ELF_MAX_NEEDED + (size_t)over;
		m.size = IMG_SIZE;
		PH(&m, 0, p_filesz, IMG_SIZE);
		/* strtab stays at OFF_STR, the dynamic section moves behind it */
		PH(&m, 2, p_offset, 4096);
		PH(&m, 2, p_filesz, (n + 3) * sizeof(Elf64_Dyn));
		for (size_t i = 0; i < n; i++)
			PUT(&m, 4096 + i * sizeof(Elf64_Dyn), Elf32_Dyn, Elf64_Dyn, d_tag,
			    DT_NEEDED),
				PUT(&m, 4096 + i * sizeof(Elf64_Dyn), Elf32_Dyn, Elf64_Dyn, d_un,
				    STR_FOO);
		PUT(&m, 4096 + n * sizeof(Elf64_Dyn), Elf32_Dyn, Elf64_Dyn, d_tag, DT_STRTAB);
		PUT(&m, 4096 + n * sizeof(Elf64_Dyn), Elf32_Dyn, Elf64_Dyn, d_un, VBASE + OFF_STR);
		PUT(&m, 4096 + (n + 1) * sizeof(Elf64_Dyn), Elf32_Dyn, Elf64_Dyn, d_tag, DT_STRSZ);
		PUT(&m, 4096 + (n + 1) * sizeof(Elf64_Dyn), Elf32_Dyn, Elf64_Dyn, d_un,
		    sizeof(strtab));
		e = NULL;
		if (over) {
			assert_int_equal(read_img(&m, &e), -EFBIG);
		} else {
			assert_int_equal(read_img(&m, &e), 0);
			assert_int_equal(e->n_needed, JAIL_ELF_MAX_NEEDED);
			assert_string_equal(e->needed[JAIL_ELF_MAX_NEEDED - 1], "libfoo.so.1");
			jail_elf_free(e);
		}
	}
}

/* ---- /bin/ls, truncated and fuzzed --------------------------------------- */

static unsigned char *slurp(const char *path, size_t *ret_len)
{
	unsigned char *buf;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*ret_len = (size_t)st.st_size;
	return buf;
}

static void test_truncated(void **state)
{
	size_t len, cut;
	unsigned char *ls = slurp("/bin/ls", &len);
	struct jail_elf *e = NULL;

	(void)state;
	/* every length of the header area, then every 509th byte */
	for (cut = 0; cut < len; cut += cut < 4096 ? 1 : 509) {
		int r;

		e = NULL;
		r = read_mem(ls, cut, &e);
		if (cut < 4)
			assert_int_equal(r, -ENOEXEC);
		else if (cut < sizeof(Elf64_Ehdr))
			assert_int_equal(r, -EBADMSG);
		assert_sane(r, e);
	}
	assert_int_equal(read_mem(ls, len, &e), 0);
	jail_elf_free(e);
	free(ls);
}

static void test_fuzz(void **state)
{
	size_t len;
	unsigned char *ls = slurp("/bin/ls", &len);
	int fd = memfd_create("elf", MFD_CLOEXEC);
	unsigned ok = 0;

	(void)state;
	srand(20240601);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, ls, len), (ssize_t)len);
	for (int i = 0; i < 4000; i++) {
		size_t off[8];
		int n = 1 + rand() % 8;
		struct jail_elf *e = NULL;
		int r;

		for (int k = 0; k < n; k++) {
			unsigned char b = (unsigned char)rand();

			/* half in the headers, half anywhere (the dynamic section) */
			off[k] = (rand() & 1) ? (size_t)rand() % 1024 : (size_t)rand() % len;
			if (off[k] < SELFMAG)
				off[k] += SELFMAG; /* keep the magic: not-ELF is tested elsewhere */
			assert_int_equal(pwrite(fd, &b, 1, (off_t)off[k]), 1);
		}
		r = jail_elf_read_fd(fd, &e);
		if (r == 0)
			ok++;
		assert_sane(r, e);
		for (int k = 0; k < n; k++)
			assert_int_equal(pwrite(fd, ls + off[k], 1, (off_t)off[k]), 1);
	}
	/* random garbage after a plausible identification */
	for (int i = 0; i < 2000; i++) {
		unsigned char g[1024];
		size_t glen = (size_t)rand() % sizeof(g);
		struct jail_elf *e = NULL;

		for (size_t k = 0; k < glen; k++)
			g[k] = (unsigned char)rand();
		if (glen >= EI_NIDENT) {
			memcpy(g, ELFMAG, SELFMAG);
			g[EI_CLASS] = (unsigned char)(1 + rand() % 2);
			g[EI_DATA] = (unsigned char)(1 + rand() % 2);
			g[EI_VERSION] = EV_CURRENT;
		}
		assert_sane(read_mem(g, glen, &e), e);
	}
	print_message("fuzz: %u of 4000 mutated copies of /bin/ls still parse\n", ok);
	close(fd);
	free(ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bin_ls),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_crafted),
		cmocka_unit_test(test_compatible),
		cmocka_unit_test(test_crafted_broken),
		cmocka_unit_test(test_many_needed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
