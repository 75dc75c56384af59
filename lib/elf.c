/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ELF dynamic-section reader (see include/jail/elf.h).
 *
 * Fields are read byte by byte with the file's byte order through offsetof()
 * on the <elf.h> structures, so the same code reads 32/64-bit, little and
 * big endian files on any host, and nothing depends on the alignment of a
 * buffer.  Every offset from the file is a 64-bit number that is checked
 * against the file size with overflow-safe comparisons before a pread().
 */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include "jail/elf.h"
#include "jail/macro.h"

struct reader {
	int fd;
	uint64_t size;
	bool msb;
	bool is64;
};

struct load {
	uint64_t vaddr;
	uint64_t offset;
	uint64_t filesz;
};

/* Reads exactly `len` bytes at `off`, which must lie inside the file. */
static int read_at(const struct reader *r, uint64_t off, void *buf, size_t len)
{
	size_t done = 0;

	if (off > r->size || len > r->size - off)
		return -EBADMSG;
	while (done < len) {
		ssize_t n = pread(r->fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return negative_errno();
		}
		if (n == 0)
			return -EBADMSG; /* the file shrank under us */
		done += (size_t)n;
	}
	return 0;
}

static uint64_t get(const struct reader *r, const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[r->msb ? n - 1 - i : i] << (8 * i);
	return v;
}

/* Field `f` of a structure in `buf`, which is a T32 or a T64 by class. */
#define FIELD(r, buf, T32, T64, f)                                                          \
	((r)->is64 ? get(r, (buf) + offsetof(T64, f), sizeof(((T64 *)0)->f))               \
		   : get(r, (buf) + offsetof(T32, f), sizeof(((T32 *)0)->f)))

/* A NUL-terminated string of at most JAIL_ELF_MAX_STRING bytes at `off`,
 * in a region that ends at `end`. */
static int read_string(const struct reader *r, uint64_t off, uint64_t end, char **ret)
{
	char buf[JAIL_ELF_MAX_STRING];
	size_t len;
	char *nul;
	int k;

	if (off >= end)
		return -EBADMSG;
	len = end - off > sizeof(buf) ? sizeof(buf) : (size_t)(end - off);
	k = read_at(r, off, buf, len);
	if (k < 0)
		return k;
	nul = memchr(buf, '\0', len);
	if (!nul)
		return len == sizeof(buf) ? -EFBIG : -EBADMSG;
	*ret = strndup(buf, (size_t)(nul - buf));
	return *ret ? 0 : -ENOMEM;
}

/* File offset of virtual address `addr` with `len` bytes behind it, through
 * the PT_LOAD segments. */
static int vaddr_to_offset(const struct load *loads, size_t n, uint64_t addr, uint64_t len,
			   uint64_t *ret)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t delta;

		if (addr < loads[i].vaddr)
			continue;
		delta = addr - loads[i].vaddr;
		if (delta >= loads[i].filesz)
			continue;
		if (len > loads[i].filesz - delta)
			return -EBADMSG;
		*ret = loads[i].offset +
		       delta; /* offset + filesz was checked against the file size */
		return 0;
	}
	return -EBADMSG;
}

void jail_elf_free(struct jail_elf *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n_needed; i++)
		free(e->needed[i]);
	free(e->needed);
	free(e->interp);
	free(e->rpath);
	free(e->runpath);
	free(e);
}

bool jail_elf_compatible(const struct jail_elf *a, const struct jail_elf *b)
{
	return a->elf_class == b->elf_class && a->data == b->data && a->machine == b->machine;
}

/* Reads the strings of the DT_NEEDED/DT_RPATH/DT_RUNPATH entries of the
 * `n` dynamic entries in `dyn` into e.  `needed` has room for
 * JAIL_ELF_MAX_NEEDED string offsets. */
static int parse_dynamic_entries(const struct reader *r, struct jail_elf *e,
				 const unsigned char *dyn, size_t n, uint64_t *needed,
				 const struct load *loads, size_t n_loads)
{
	size_t entsize = r->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	uint64_t strtab = 0, strsz = 0, rpath = 0, runpath = 0, str_off, str_end;
	bool have_strtab = false, have_strsz = false, have_rpath = false, have_runpath = false;
	size_t n_needed = 0;
	int k;

	for (size_t i = 0; i < n; i++) {
		const unsigned char *d = dyn + i * entsize;
		uint64_t tag = FIELD(r, d, Elf32_Dyn, Elf64_Dyn, d_tag);
		uint64_t val = FIELD(r, d, Elf32_Dyn, Elf64_Dyn, d_un);

		if (tag == DT_NULL)
			break;
		switch (tag) {
		case DT_NEEDED:
			if (n_needed >= JAIL_ELF_MAX_NEEDED)
				return -EFBIG;
			needed[n_needed++] = val;
			break;
		case DT_STRTAB:
			if (have_strtab && strtab != val)
				return -EBADMSG;
			strtab = val;
			have_strtab = true;
			break;
		case DT_STRSZ:
			if (have_strsz && strsz != val)
				return -EBADMSG;
			strsz = val;
			have_strsz = true;
			break;
		case DT_RPATH:
			if (have_rpath)
				return -EBADMSG;
			rpath = val;
			have_rpath = true;
			break;
		case DT_RUNPATH:
			if (have_runpath)
				return -EBADMSG;
			runpath = val;
			have_runpath = true;
			break;
		default:
			break;
		}
	}
	if (n_needed == 0 && !have_rpath && !have_runpath)
		return 0;
	if (!have_strtab || !have_strsz || strsz == 0)
		return -EBADMSG;
	k = vaddr_to_offset(loads, n_loads, strtab, strsz, &str_off);
	if (k < 0)
		return k;
	if (str_off > r->size || strsz > r->size - str_off)
		return -EBADMSG;
	str_end = str_off + strsz;

	e->needed = calloc(n_needed ? n_needed : 1, sizeof(char *));
	if (!e->needed)
		return -ENOMEM;
	for (size_t i = 0; i < n_needed; i++) {
		if (needed[i] >= strsz)
			return -EBADMSG;
		k = read_string(r, str_off + needed[i], str_end, &e->needed[i]);
		if (k < 0)
			return k;
		e->n_needed++;
		if (!e->needed[i][0])
			return -EBADMSG;
	}
	if (have_rpath) {
		if (rpath >= strsz)
			return -EBADMSG;
		k = read_string(r, str_off + rpath, str_end, &e->rpath);
		if (k < 0)
			return k;
	}
	if (have_runpath) {
		if (runpath >= strsz)
			return -EBADMSG;
		k = read_string(r, str_off + runpath, str_end, &e->runpath);
		if (k < 0)
			return k;
	}
	return 0;
}

static int parse_dynamic(const struct reader *r, struct jail_elf *e, uint64_t dyn_off,
			 uint64_t dyn_size, const struct load *loads, size_t n_loads)
{
	size_t entsize = r->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	unsigned char *dyn;
	uint64_t *needed;
	size_t n;
	int k;

	if (dyn_size > JAIL_ELF_MAX_DYNAMIC)
		return -EFBIG;
	n = (size_t)dyn_size / entsize;
	if (n == 0)
		return 0;
	dyn = malloc(n * entsize);
	needed = calloc(JAIL_ELF_MAX_NEEDED, sizeof(*needed));
	if (!dyn || !needed)
		k = -ENOMEM;
	else
		k = read_at(r, dyn_off, dyn, n * entsize);
	if (k == 0)
		k = parse_dynamic_entries(r, e, dyn, n, needed, loads, n_loads);
	free(dyn);
	free(needed);
	return k;
}

/* Walks the `phnum` program headers in `ph`: PT_INTERP into e, the PT_LOAD
 * segments into `loads` (room for phnum), then the dynamic section. */
static int parse_segments(const struct reader *r, struct jail_elf *e, const unsigned char *ph,
			  size_t phnum, struct load *loads)
{
	size_t phentsize = r->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	uint64_t dyn_off = 0, dyn_size = 0;
	size_t n_loads = 0;
	bool have_dyn = false;
	int k;

	for (size_t i = 0; i < phnum; i++) {
		const unsigned char *p = ph + i * phentsize;
		uint64_t type = FIELD(r, p, Elf32_Phdr, Elf64_Phdr, p_type);
		uint64_t off = FIELD(r, p, Elf32_Phdr, Elf64_Phdr, p_offset);
		uint64_t filesz = FIELD(r, p, Elf32_Phdr, Elf64_Phdr, p_filesz);

		if (type != PT_LOAD && type != PT_INTERP && type != PT_DYNAMIC)
			continue;
		if (off > r->size || filesz > r->size - off)
			return -EBADMSG; /* truncated, or a lie */
		if (type == PT_LOAD) {
			loads[n_loads].vaddr = FIELD(r, p, Elf32_Phdr, Elf64_Phdr, p_vaddr);
			loads[n_loads].offset = off;
			loads[n_loads].filesz = filesz;
			n_loads++;
		} else if (type == PT_INTERP) {
			if (e->interp || filesz == 0)
				return -EBADMSG;
			k = read_string(r, off, off + filesz, &e->interp);
			if (k < 0)
				return k;
			if (!e->interp[0])
				return -EBADMSG;
		} else {
			if (have_dyn)
				return -EBADMSG;
			have_dyn = true;
			dyn_off = off;
			dyn_size = filesz;
		}
	}
	if (!have_dyn)
		return 0;
	e->dynamic = true;
	return parse_dynamic(r, e, dyn_off, dyn_size, loads, n_loads);
}

static int parse(const struct reader *r, const unsigned char *ehdr, struct jail_elf *e)
{
	size_t phentsize = r->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	unsigned char *ph;
	struct load *loads;
	uint64_t phoff;
	size_t phnum;
	int k;

	e->type = (uint16_t)FIELD(r, ehdr, Elf32_Ehdr, Elf64_Ehdr, e_type);
	e->machine = (uint16_t)FIELD(r, ehdr, Elf32_Ehdr, Elf64_Ehdr, e_machine);
	if (FIELD(r, ehdr, Elf32_Ehdr, Elf64_Ehdr, e_version) != EV_CURRENT)
		return -EBADMSG;
	phoff = FIELD(r, ehdr, Elf32_Ehdr, Elf64_Ehdr, e_phoff);
	phnum = (size_t)FIELD(r, ehdr, Elf32_Ehdr, Elf64_Ehdr, e_phnum);
	if (phnum == 0)
		return 0; /* an object file: nothing to load */
	if (phnum == PN_XNUM || phnum > JAIL_ELF_MAX_PHNUM)
		return -EFBIG;
	if (FIELD(r, ehdr, Elf32_Ehdr, Elf64_Ehdr, e_phentsize) != phentsize)
		return -EBADMSG;

	ph = malloc(phnum * phentsize);
	loads = calloc(phnum, sizeof(*loads));
	if (!ph || !loads)
		k = -ENOMEM;
	else
		k = read_at(r, phoff, ph, phnum * phentsize);
	if (k == 0)
		k = parse_segments(r, e, ph, phnum, loads);
	free(ph);
	free(loads);
	return k;
}

int jail_elf_read_fd(int fd, struct jail_elf **ret)
{
	unsigned char ehdr[sizeof(Elf64_Ehdr)];
	struct jail_elf *e;
	struct reader r = { .fd = fd };
	struct stat st;
	size_t n;
	int k;

	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size < SELFMAG)
		return -ENOEXEC;
	r.size = (uint64_t)st.st_size;
	n = r.size < sizeof(ehdr) ? (size_t)r.size : sizeof(ehdr);
	memset(ehdr, 0, sizeof(ehdr));
	k = read_at(&r, 0, ehdr, n);
	if (k < 0)
		return k;
	if (memcmp(ehdr, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	if (n < EI_NIDENT)
		return -EBADMSG;
	if (ehdr[EI_CLASS] != ELFCLASS32 && ehdr[EI_CLASS] != ELFCLASS64)
		return -EBADMSG;
	if (ehdr[EI_DATA] != ELFDATA2LSB && ehdr[EI_DATA] != ELFDATA2MSB)
		return -EBADMSG;
	if (ehdr[EI_VERSION] != EV_CURRENT)
		return -EBADMSG;
	r.is64 = ehdr[EI_CLASS] == ELFCLASS64;
	r.msb = ehdr[EI_DATA] == ELFDATA2MSB;
	if (n < (r.is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return -EBADMSG;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->elf_class = ehdr[EI_CLASS];
	e->data = ehdr[EI_DATA];
	k = parse(&r, ehdr, e);
	if (k < 0) {
		jail_elf_free(e);
		return k;
	}
	*ret = e;
	return 0;
}

int jail_elf_read(const char *path, struct jail_elf **ret)
{
	_cleanup_close_ int fd = -EBADF;

	if (!path || !ret)
		return -EINVAL;
	/* O_NONBLOCK: a fifo must not block us; it is refused by fstat then */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return negative_errno();
	return jail_elf_read_fd(fd, ret);
}
