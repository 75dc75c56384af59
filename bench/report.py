#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""report.py RESULTS_DIR OUT_DIR [ANALYSIS_MD]

Reads what bench/run.sh measured (RESULTS_DIR: ssh.tsv, cycles.tsv, scale.tsv,
ramp.tsv, leftovers.tsv, meta), prints the tables, writes OUT_DIR/BENCHMARKS.md,
the raw data and the gnuplot plots under OUT_DIR/bench/.

Exit status: 0 every target met, 3 a performance target missed, 1 something
was left behind or a file is missing.
"""
import os
import shutil
import subprocess
import sys

RES, OUT = sys.argv[1], sys.argv[2]
ANALYSIS = sys.argv[3] if len(sys.argv) > 3 else None
BENCH = os.path.join(OUT, "bench")
os.makedirs(BENCH, exist_ok=True)


def res(name):
    """RESULTS_DIR/name, or RESULTS_DIR/raw-name: the copies this script leaves under
    OUT_DIR/bench, so that `report.py docs/bench docs bench/analysis.md` redoes the
    document (e.g. after editing bench/analysis.md) without measuring again"""
    p = os.path.join(RES, name)
    return p if os.path.exists(p) else os.path.join(RES, "raw-" + name)


def pct(xs, p):
    """percentile with linear interpolation (p in 0..100)"""
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100.0
    f = int(k)
    c = min(f + 1, len(xs) - 1)
    return xs[f] + (xs[c] - xs[f]) * (k - f)


def med(xs):
    return pct(xs, 50)


def read_tsv(name, header=True):
    path = res(name)
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    if header:
        head, rows = rows[0], rows[1:]
        return [dict(zip(head, r)) for r in rows]
    return rows


meta = {}
with open(res("meta")) as f:
    for line in f:
        if "=" in line:
            k, v = line.rstrip("\n").split("=", 1)
            meta[k] = v

# ---- (a) ssh -------------------------------------------------------------------------------
VARIANTS = [
    ("plain", "plain login: user pam_jail leaves alone (pam_jail in the stack)"),
    ("jail-chroot", "jailed, ChrootDirectory mode (jail built and torn down per login)"),
    ("jail-shell", "jailed, shell mode: jailsh as login shell (built and torn down per login)"),
    ("jail-join", "jailed, second login joining a live jail (ChrootDirectory mode)"),
    ("openssh-chroot", "peer: OpenSSH ChrootDirectory to a static root-owned directory"),
    ("pam_namespace", "peer: pam_namespace, polyinstantiated /tmp (second sshd)"),
    ("plain-nopamjail", "control: plain login on the second sshd (no pam_jail, no pam_namespace)"),
    ("plain@c25519", "plain login, key exchange curve25519-sha256 (baseline of the @c25519 rows)"),
    ("jail-chroot@c25519", "ChrootDirectory mode, curve25519-sha256"),
    ("jail-shell@c25519", "shell mode, curve25519-sha256"),
    ("jail-join@c25519", "joining login, curve25519-sha256"),
    ("sftp-jail@c25519", "sftp session (`ls`), jailed in ChrootDirectory mode, internal-sftp, curve25519-sha256"),
    ("sftp-static@c25519", "peer: sftp session (`ls`), OpenSSH ChrootDirectory to the static directory, internal-sftp"),
    ("jail-chroot-linger", "ChrootDirectory mode, template with linger: the login joins the jail its previous one left"),
    ("jail-shell-linger", "shell mode, template with linger: the login joins the jail its previous one left"),
    ("sftp-jail-linger@c25519", "sftp session (`ls`), ChrootDirectory mode, template with linger (joins), curve25519-sha256"),
]
# issue 15: what a jailed login adds to its static-chroot peer, after authentication,
# paired per round (target: within 2 ms)
PEERS = [
    ("jail-shell", "openssh-chroot", "shell mode vs OpenSSH's static ChrootDirectory"),
    ("jail-chroot", "openssh-chroot", "ChrootDirectory mode vs OpenSSH's static ChrootDirectory"),
    ("sftp-jail@c25519", "sftp-static@c25519", "sftp session in ChrootDirectory mode vs a static ChrootDirectory"),
    ("jail-shell-linger", "openssh-chroot", "shell mode with linger (each login joins) vs OpenSSH's static ChrootDirectory"),
    ("jail-chroot-linger", "openssh-chroot",
     "ChrootDirectory mode with linger (each login joins) vs OpenSSH's static ChrootDirectory"),
    ("sftp-jail-linger@c25519", "sftp-static@c25519",
     "sftp session with linger (each login joins) vs a static ChrootDirectory"),
]
KEX_SUFFIX = "@c25519"


def base_of(var):
    """the plain login a variant is compared with: the one with the same key exchange"""
    return "plain" + KEX_SUFFIX if var.endswith(KEX_SUFFIX) else "plain"


ssh = {}
per_round = {}
ssh_fail = {}
ssh_tries = {}
post = {}          # ms after "Authenticated to": where PAM sessions and the session act
post_round = {}
for label, ns, mark, rc in read_tsv("ssh.tsv", header=False):
    rnd, var = label.split(":", 1)
    ssh_tries[var] = ssh_tries.get(var, 0) + 1
    if int(rc) != 0:
        ssh_fail[var] = ssh_fail.get(var, 0) + 1
        continue
    if rnd == "0":
        continue  # warm-up round
    ms = int(ns) / 1e6
    ssh.setdefault(var, []).append(ms)
    per_round.setdefault(rnd, {})[var] = ms
    if int(mark) > 0:
        pms = (int(ns) - int(mark)) / 1e6
        post.setdefault(var, []).append(pms)
        post_round.setdefault(rnd, {})[var] = pms
cpu = {}           # server CPU per login, ms (sshd listener's reaped children)
if os.path.exists(res("sshcpu.tsv")):
    for label, us_ in read_tsv("sshcpu.tsv", header=False):
        rnd, var = label.split(":", 1)
        if rnd != "0":
            cpu.setdefault(var, []).append(int(us_) / 1000)


def round_ratio(var):
    b = base_of(var)
    return med([r[var] / r[b] for r in per_round.values() if var in r and b in r])


def post_diff(var):
    """median over rounds of (post-auth time of var - that of its plain login), ms"""
    b = base_of(var)
    return med([r[var] - r[b] for r in post_round.values() if var in r and b in r])


def peer_diff(var, peer):
    """median over rounds of (post-auth time of var - that of peer in the same round), ms,
    and the number of rounds that had both"""
    ds = [r[var] - r[peer] for r in post_round.values() if var in r and peer in r]
    return (med(ds) if ds else float("nan")), len(ds)


def boot_ci(var, n=2000):
    """95% bootstrap interval of median(var)/median(its plain login), resampling whole rounds"""
    import random
    rng = random.Random(1)
    b = base_of(var)
    rounds = [r for r in per_round.values() if var in r and b in r]
    if len(rounds) < 5:
        return (float("nan"), float("nan"))
    rs = []
    for _ in range(n):
        smp = [rng.choice(rounds) for _ in rounds]
        rs.append(med([r[var] for r in smp]) / med([r[b] for r in smp]))
    return (pct(rs, 2.5), pct(rs, 97.5))


# older raw data has no @c25519 rows
VARIANTS = [(v, d) for v, d in VARIANTS if ssh.get(v)]
ssh_rows = []
for var, desc in VARIANTS:
    xs = ssh.get(var, [])
    ssh_rows.append({
        "var": var, "desc": desc, "n": len(xs), "med": med(xs), "p25": pct(xs, 25), "p75": pct(xs, 75),
        "p90": pct(xs, 90), "ratio": med(xs) / med(ssh[base_of(var)]), "rratio": round_ratio(var),
        "fail": ssh_fail.get(var, 0), "tries": ssh_tries.get(var, 0),
        "post": med(post.get(var, [])), "pdiff": post_diff(var) if post_round else float("nan"),
        "ci": boot_ci(var),
        "cpu": (sum(cpu[var]) / len(cpu[var])) if cpu.get(var) else float("nan"),
    })
cpu_of = {r["var"]: r["cpu"] for r in ssh_rows}
for r in ssh_rows:
    r["dcpu"] = r["cpu"] - cpu_of[base_of(r["var"])]
for r in ssh_rows:
    # the login with only the post-authentication difference added: the
    # pre-authentication part (key exchange, ~80% of a login) is the same code
    # for every variant and only adds noise
    bm = med(ssh[base_of(r["var"])])
    r["pratio"] = (bm + r["pdiff"]) / bm
broken = [r["var"] for r in ssh_rows if r["fail"] * 10 > r["tries"]]
if broken:
    print(f"report.py: more than 10% of the logins failed for {', '.join(broken)}", file=sys.stderr)
    sys.exit(1)

# ---- (b) cycles ----------------------------------------------------------------------------
cyc = read_tsv("cycles.tsv")
PHASES = [
    ("load", "jail_config_load (every login pays it)"),
    ("lookup", "jail_user_lookup (NSS)"),
    ("create", "create: first jail_acquire"),
    ("join", "join: jail_acquire while the jail is held"),
    ("leave", "leave: jail_release, not the last"),
    ("teardown", "teardown: last jail_release (returns after SIGKILL to the init)"),
    ("gone", "teardown until the init is gone (pidfd readable)"),
]
cyc_us = {p: [int(r[p]) / 1000.0 for r in cyc] for p, _ in PHASES}
cyc_rows = [{"phase": p, "desc": d, "med": med(cyc_us[p]), "p90": pct(cyc_us[p], 90), "p99": pct(cyc_us[p], 99),
             "max": max(cyc_us[p])} for p, d in PHASES]
CPU_PHASES = [("create_cpu", "create"), ("join_cpu", "join"), ("gone_cpu", "gone")]
have_cpu = bool(cyc) and "create_cpu" in cyc[0] and int(cyc[0]["create_cpu"]) > 0
for key, phase in CPU_PHASES:
    xs = [int(r[key]) / 1000.0 for r in cyc] if have_cpu else []
    for r in cyc_rows:
        if r["phase"] == phase:
            r["cpu"] = med(xs) if xs else float("nan")
for r in cyc_rows:
    r.setdefault("cpu", float("nan"))
cyc_by = {r["phase"]: r for r in cyc_rows}

# ---- (c) scale -----------------------------------------------------------------------------
scale = read_tsv("scale.tsv")
ramp = read_tsv("ramp.tsv")
sc_rows = []
for r in scale:
    n = int(r["n"])
    sc_rows.append({
        "n": n,
        "create_med": int(r["create_med_ns"]) / 1e3,
        "create_cpu": int(r.get("create_cpu_med_ns", 0)) / 1e3,
        "create_p90": int(r["create_p90_ns"]) / 1e3,
        "teardown_med": int(r["teardown_med_ns"]) / 1e3,
        "mounts": int(r["mountinfo"]), "mounts_base": int(r["mountinfo_base"]),
        "avail": int(r["memavail_kb"]) / n, "free": int(r["memfree_kb"]) / n,
        "slab": int(r["slab_kb"]) / n, "sunreclaim": int(r["sunreclaim_kb"]) / n,
        "kstack": int(r["kstack_kb"]) / n, "pagetables": int(r["pagetables_kb"]) / n,
        "percpu": int(r["percpu_kb"]) / n, "shmem": int(r.get("shmem_kb", 0)) / n,
        "pss": int(r["init_pss_kb"]) / n, "rss": int(r["init_rss_kb"]) / n,
        "avail_total": int(r["memavail_kb"]),
        "cg": int(r.get("cg_usage_kb", -1)) / n if int(r.get("cg_usage_kb", -1)) >= 0 else None,
        "cg_total": int(r.get("cg_usage_kb", -1)),
        "cg_kmem": int(r.get("cg_kmem_kb", -1)) / n, "cg_rss": int(r.get("cg_rss_kb", -1)) / n,
        "cg_shmem": int(r.get("cg_shmem_kb", -1)) / n,
    })
for r in sc_rows:
    # kernel objects the meminfo counters attribute, plus the init's own pages
    r["parts"] = r["slab"] + r["kstack"] + r["pagetables"] + r["percpu"] + r["shmem"] + r["pss"]
sc1 = sc_rows[0]
scN = sc_rows[-1]
# the marginal cost of a jail between the two largest N (offsets cancel out)
if len(sc_rows) >= 2:
    a, b = sc_rows[-2], sc_rows[-1]
    slope = (b["avail_total"] - a["avail_total"]) / (b["n"] - a["n"])
    slope_txt = f"{slope:.0f} KiB from N={a['n']} to N={b['n']}"
else:
    slope, slope_txt = scN["avail"], "n/a"
have_cg = scN["cg"] is not None
if have_cg:
    if len(sc_rows) >= 2:
        cg_slope = (sc_rows[-1]["cg_total"] - sc_rows[-2]["cg_total"]) / (sc_rows[-1]["n"] - sc_rows[-2]["n"])
    else:
        cg_slope = scN["cg"]
    mem_per_jail = max(scN["cg"], cg_slope)
else:
    mem_per_jail = max(scN["avail"], scN["parts"], slope)

# ---- (d) leftovers -------------------------------------------------------------------------
left = read_tsv("leftovers.tsv")
left_ok = all(r["before"] == r["after"] for r in left)


def read_summary(name):
    d = {}
    try:
        with open(res(name)) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("\t")
                d[k] = v
    except FileNotFoundError:
        pass
    return d


cyc_sum = read_summary("cycles.summary")
sc_sum = read_summary("scale.summary")
cyc_fail = int(cyc_sum.get("create_failures", "0"))
cyc_leak = int(cyc_sum.get("leaked_inits", "0"))
sc_fail = int(sc_sum.get("create_failures", "0"))
sc_leak = int(sc_sum.get("leaked_inits_killed", "0"))
ssh_fail_total = sum(ssh_fail.values())
fail_msg = cyc_sum.get("first_failure") or sc_sum.get("first_failure") or ""

# ---- targets -------------------------------------------------------------------------------
by = {r["var"]: r for r in ssh_rows}
targets = []


def target(what, measured, ok):
    targets.append((what, measured, ok))


for var, name in (("jail-chroot", "ChrootDirectory mode"), ("jail-shell", "shell mode"), ("jail-join", "joining login")):
    for v, kex in ((var, "default key exchange"), (var + KEX_SUFFIX, "curve25519-sha256")):
        if v not in by:
            continue
        r = by[v]
        bm = med(ssh[base_of(v)])
        target(f"jailed login median <= 1.05x plain ({name}, {kex})",
               f"{r['ratio']:.3f}x ({r['med']:.1f} ms vs {bm:.1f} ms; 95% CI {r['ci'][0]:.3f}..{r['ci'][1]:.3f}); "
               f"after authentication {r['pdiff']:+.1f} ms = {r['pratio']:.3f}x", r["ratio"] <= 1.05)
for var, peer, name in PEERS:
    if var in post and peer in post:
        d, n = peer_diff(var, peer)
        target(f"{name}: within 2 ms after authentication",
               f"{d:+.1f} ms (median of {n} paired rounds; {med(post[var]):.1f} ms vs {med(post[peer]):.1f} ms)",
               d <= 2.0)
cpu_txt = f"; CPU {cyc_by['create']['cpu'] / 1000:.2f} ms" if have_cpu else ""
target("create <= 2 ms at N=1", f"{cyc_by['create']['med'] / 1000:.2f} ms median, p99 {cyc_by['create']['p99'] / 1000:.2f} ms"
       f"{cpu_txt} (scale run, N={sc1['n']}: {sc1['create_med'] / 1000:.2f} ms)",
       cyc_by["create"]["med"] <= 2000)
target("join <= 0.5 ms at N=1", f"{cyc_by['join']['med'] / 1000:.3f} ms median, p99 {cyc_by['join']['p99'] / 1000:.3f} ms",
       cyc_by["join"]["med"] <= 500)
cr = scN["create_med"] / sc1["create_med"]
ccr = scN["create_cpu"] / sc1["create_cpu"] if sc1["create_cpu"] > 0 else float("nan")
again = int(sc_sum.get("again_n1_create_med_ns", "0")) / 1e3
again_cpu = int(sc_sum.get("again_n1_create_cpu_med_ns", "0")) / 1e3
again_txt = (f"; N=1 again after the {scN['n']} were torn down: {again / 1000:.2f} ms (CPU {again_cpu / 1000:.2f} ms)"
             if again > 0 else "")
target(f"create at N={scN['n']} within 1.5x of N={sc1['n']}",
       f"{cr:.2f}x ({scN['create_med'] / 1000:.2f} ms vs {sc1['create_med'] / 1000:.2f} ms)"
       + (f"; CPU {ccr:.2f}x ({scN['create_cpu'] / 1000:.2f} ms vs {sc1['create_cpu'] / 1000:.2f} ms)"
          if sc1["create_cpu"] > 0 else "") + again_txt, cr <= 1.5)
extra_mounts = max(r["mounts"] - r["mounts_base"] for r in sc_rows)
target("zero host mounts per jail",
       f"{extra_mounts} extra lines in the host's mountinfo with {scN['n']} jails alive", extra_mounts == 0)
if have_cg:
    target("<= 1 MiB memory per idle jail",
           f"{mem_per_jail:.0f} KiB: charged to the benchmark's memory cgroup / N at N={scN['n']} {scN['cg']:.0f} KiB "
           f"(kernel {scN['cg_kmem']:.0f}, anon {scN['cg_rss']:.0f}, shmem {scN['cg_shmem']:.0f}), marginal "
           f"{cg_slope:.0f} KiB; init PSS {scN['pss']:.0f} KiB",
           mem_per_jail <= 1024)
else:
    target("<= 1 MiB memory per idle jail",
           f"{mem_per_jail:.0f} KiB, the largest of: MemAvailable drop / N at N={scN['n']} {scN['avail']:.0f} KiB; "
           f"marginal MemAvailable drop {slope_txt}; Slab+KernelStack+PageTables+Percpu+Shmem+init PSS "
           f"{scN['parts']:.0f} KiB (init PSS {scN['pss']:.0f} KiB)",
           mem_per_jail <= 1024)
cycles_n = int(cyc_sum.get("cycles", len(cyc)))
left_ssh = [r for r in left if r["what"].startswith("after the ssh logins")]
left_lib = [r for r in left if not r["what"].startswith("after the ssh logins")]
n_logins = sum(v for k, v in ssh_tries.items() if k.startswith("jail-"))
ssh_ok = all(r["before"] == r["after"] for r in left_ssh)
target(f"nothing left after the jailed ssh logins ({n_logins} timed + the checks)",
       "0 jail-inits, 0 processes" if ssh_ok else
       "; ".join(f"{r['what'][len('after the ssh logins: '):]}: {r['after']}" for r in left_ssh if r["before"] != r["after"]),
       ssh_ok)
lib_ok = all(r["before"] == r["after"] for r in left_lib)
nothing = "0 mounts, 0 jail-inits, 0 state files" if lib_ok else \
    "; ".join(f"{r['what']}: {r['before']} -> {r['after']}" for r in left_lib if r["before"] != r["after"])
if cyc_fail:
    nothing += (f"; {cyc_fail} of {cycles_n} creates failed (\"{fail_msg}\"), leaving {cyc_leak} jail-init"
                f" process{'es' if cyc_leak != 1 else ''} behind")
target(f"nothing left after {cycles_n} cycles", nothing, lib_ok and cyc_fail == 0)
if sc_fail or ssh_fail_total:
    target("no failed creates elsewhere in the run",
           f"scale run: {sc_fail} failed creates ({sc_leak} leaked jail-inits, killed by the benchmark); "
           f"ssh: {ssh_fail_total} failed logins ({', '.join(f'{k}: {v}' for k, v in ssh_fail.items())})", False)
all_ok = all(ok for _, _, ok in targets)


# ---- plots -----------------------------------------------------------------------------------
def write(path, text):
    with open(path, "w") as f:
        f.write(text)


write(os.path.join(BENCH, "login.dat"), "# variant median p25 p75 (ms)\n" + "".join(
    f"{r['var']} {r['med']:.3f} {r['p25']:.3f} {r['p75']:.3f}\n" for r in ssh_rows))
write(os.path.join(BENCH, "login-post.dat"), "# variant median_after_auth delta_vs_plain (ms)\n" + "".join(
    f"{r['var']} {r['post']:.3f} {r['pdiff']:.3f}\n" for r in ssh_rows))
with open(os.path.join(BENCH, "login-samples.dat"), "w") as f:
    f.write("# variant_index ms\n")
    for i, (var, _) in enumerate(VARIANTS):
        for x in ssh.get(var, []):
            f.write(f"{i} {x:.3f}\n")
with open(os.path.join(BENCH, "cycles-cdf.dat"), "w") as f:
    for p in ("create", "join", "teardown", "gone"):
        xs = sorted(cyc_us[p])
        f.write(f"# {p}\n")
        for i, x in enumerate(xs):
            f.write(f"{x:.2f} {(i + 1) / len(xs):.5f}\n")
        f.write("\n\n")
write(os.path.join(BENCH, "scale-ramp.dat"), "# jails_alive_before create_ms create_cpu_ms\n" + "".join(
    f"{int(r['alive'])} {int(r['create_ns']) / 1e6:.4f} {int(r.get('create_cpu_ns', 0)) / 1e6:.4f}\n" for r in ramp))
write(os.path.join(BENCH, "scale.dat"), "# n create_med_ms create_p90_ms memavail_kib_per_jail slab sunreclaim pss parts\n" + "".join(
    f"{r['n']} {r['create_med'] / 1000:.4f} {r['create_p90'] / 1000:.4f} {r['avail']:.1f} {r['slab']:.1f} "
    f"{r['sunreclaim']:.1f} {r['pss']:.1f} {r['parts']:.1f} {r['cg'] if r['cg'] is not None else 'NaN'} "
    f"{r['cg_kmem'] if r['cg'] is not None else 'NaN'} {r['create_cpu'] / 1000:.4f}\n" for r in sc_rows))
def copy(src, dst):
    if os.path.exists(src) and os.path.abspath(src) != os.path.abspath(dst):
        shutil.copy(src, dst)


for name in ("profile-cycles.txt", "profile-init.txt", "profile-template.txt"):
    copy(os.path.join(RES, name), os.path.join(BENCH, name))
for name in ("ssh.tsv", "sshcpu.tsv", "cycles.tsv", "cycles.summary", "scale.tsv", "ramp.tsv", "scale.summary",
             "leftovers.tsv", "meta"):
    copy(res(name), os.path.join(BENCH, "raw-" + name))

gp = f"""
set terminal pngcairo size 900,480 font "sans,10" noenhanced
set grid ytics
set key top left

set output "login.png"
set title "ssh login latency (ssh -o BatchMode=yes user@127.0.0.1 true), {len(per_round)} interleaved rounds"
set ylabel "ms (median, bar = p25..p75, dots = samples)"
set style fill solid 0.4
set boxwidth 0.6
set xrange [-0.6:{len(VARIANTS) - 0.4}]
set yrange [0:*]
set xtics rotate by -20
plot "login.dat" using 0:2:xtic(1) with boxes lc rgb "#4477aa" notitle, \\
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle, \\
     "login-samples.dat" using ($1 + 0.15):2 with points pt 7 ps 0.3 lc rgb "#cc3311" notitle

set output "login-postauth.png"
set title "ssh login: the part after authentication (median) and the difference to the plain login (paired median)"
set ylabel "ms"
set yrange [*:*]
plot "login-post.dat" using 0:2:xtic(1) with boxes lc rgb "#4477aa" title "after authentication", \\
     "" using 0:3 with boxes lc rgb "#cc3311" fs solid 0.7 title "difference to plain"
unset xtics
set xtics
set xrange [*:*]

set output "cycles.png"
set title "jail life cycle through libjail.a, {cycles_n} cycles (ECDF)"
set xlabel "microseconds (log)"
set ylabel "fraction of cycles"
set logscale x
set yrange [0:1]
set key bottom right
plot "cycles-cdf.dat" index 0 using 1:2 with lines lw 2 title "create", \\
     "" index 1 using 1:2 with lines lw 2 title "join", \\
     "" index 2 using 1:2 with lines lw 2 title "teardown (jail_release)", \\
     "" index 3 using 1:2 with lines lw 2 title "teardown until the init is gone"
unset logscale x

set output "scale.png"
set title "time to create one more jail vs jails alive"
set xlabel "jails alive (log)"
set ylabel "create, ms"
set logscale x
set xrange [0.8:*]
set yrange [0:*]
set key top left
plot "scale-ramp.dat" using ($1 + 1):2 with points pt 7 ps 0.3 lc rgb "#999999" title "every create of the ramp-up (x = jails alive + 1)", \\
     "scale.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb "#cc3311" title "median of {meta.get('reps', '?')} creates at N", \\
     "" using 1:3 with linespoints lw 1 pt 6 lc rgb "#ee7733" title "p90 at N", \\
     "" using 1:11 with linespoints lw 2 pt 5 lc rgb "#4477aa" title "median CPU time of a create at N"

set output "scale-mem.png"
set title "memory per live jail vs jails alive"
set ylabel "KiB per jail"
set yrange [0:*]
""" + (f"""plot "scale.dat" using 1:9 with linespoints lw 3 pt 7 title "memory cgroup / N", \\
     "" using 1:10 with linespoints lw 2 pt 7 title "of it kernel (kmem) / N", \\
     "" using 1:7 with linespoints lw 2 pt 7 title "jail-init PSS / N"
""" if have_cg else f"""plot "scale.dat" using 1:4 with linespoints lw 2 pt 7 title "MemAvailable drop / N", \\
     "" using 1:8 with linespoints lw 2 pt 7 title "Slab+KernelStack+PageTables+Percpu+Shmem+init PSS / N", \\
     "" using 1:7 with linespoints lw 2 pt 7 title "jail-init PSS / N"
""")
write(os.path.join(BENCH, "plots.gp"), gp)
plots_ok = subprocess.run(["gnuplot", "plots.gp"], cwd=BENCH).returncode == 0

# ---- the document ------------------------------------------------------------------------------
def f1(x):
    return f"{x:.1f}"


def f2(x):
    return f"{x:.2f}"


md = []
md.append("# pam_jail benchmarks\n")
md.append("Generated by `bench/run.sh` (`make bench`); do not edit by hand: the numbers and plots are")
md.append("rewritten by every full run, the notes at the end come from `bench/analysis.md`.\n")
md.append(f"Run: {meta.get('date')} ({meta.get('mode')} mode), commit {meta.get('commit')}; {meta.get('os')}, kernel "
          f"{meta.get('kernel')}, {meta.get('cpu')}, {meta.get('mem')}; {meta.get('openssh')}; Linux-PAM "
          f"{meta.get('pam')}. Load average during the run {meta.get('load_during')}, CPU busy "
          f"{meta.get('cpu_busy')} (machine-wide, the benchmark included). Took {meta.get('secs_total')} s "
          f"(set-up {meta.get('secs_setup')} s, ssh {meta.get('secs_ssh')} s, cycles {meta.get('secs_cycles')} s, "
          f"scale {meta.get('secs_scale')} s, profile {meta.get('secs_profile', 0)} s, plus the clean-up).\n")
md.append("## Targets\n")
md.append("| target | measured | |")
md.append("|---|---|---|")
for what, measured, ok in targets:
    md.append(f"| {what} | {measured} | {'met' if ok else '**missed**'} |")
md.append("")

md.append("## ssh login latency\n")
md.append(f"`ssh -o BatchMode=yes USER@127.0.0.1 true` with key authentication, timed from fork to exit of the")
pool = meta.get("pool", "1")
md.append(f"client (`bench/timeit.c`). {len(per_round)} rounds (after one warm-up round); in each round every")
md.append("variant logs in once, in a new random order, so slow drifts of the machine hit all variants")
md.append(f"alike. Each variant logs in as one of {pool} users of its kind, in turn: identical users differ")
md.append("by up to ~10 ms in the part of the login before authentication here (a per-user offset that")
md.append("changes from one set-up to the next and has nothing to do with PAM), which a single user per")
md.append("variant would charge to the variant. All but the pam_namespace variants go to the same sshd, whose PAM session stack is")
md.append("`pam_permit` + `pam_jail.so` (no `debug`). *ratio* is median / median of the plain login;")
md.append("*paired* is the median over rounds of (this login / the plain login of the same round).")
md.append("The `@c25519` rows log in with `-o KexAlgorithms=curve25519-sha256` and are compared with")
md.append("`plain@c25519`: OpenSSH's default key exchange here, sntrup761x25519, repeats its key")
md.append("generation a random number of times (~30 ms each on this machine), which makes the login")
md.append("times multimodal (compare the p25..p75 ranges) and their medians jump by a few percent from run")
md.append("to run; without it a login is ~35% shorter and far steadier, so the same jail cost is a")
md.append("larger share of it: the stricter of the two tests.\n")
md.append("| variant | median ms | p25..p75 ms | p90 ms | ratio | 95% CI | paired | after auth ms | Δ after auth ms | server CPU ms | Δ CPU ms | failed | what |")
md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for r in ssh_rows:
    md.append(f"| {r['var']} | {f1(r['med'])} | {f1(r['p25'])}..{f1(r['p75'])} | {f1(r['p90'])} | "
              f"{r['ratio']:.3f} | {r['ci'][0]:.3f}..{r['ci'][1]:.3f} | {r['rratio']:.3f} | {f1(r['post'])} | "
              f"{r['pdiff']:+.1f} | {f2(r['cpu'])} | {r['dcpu']:+.2f} | {r['fail']}/{r['tries']} | {r['desc']} |")
md.append("""
*95% CI*: bootstrap interval of the ratio (rounds resampled). *after auth*: the part of the
login after the client printed `Authenticated to` (`-o LogLevel=VERBOSE`), i.e. PAM session
set-up, the session and its end, where the jail acts; the key exchange and authentication
before it (about 80% of a login here) run the same code for every variant and mostly add
noise. *Δ after auth*: median over rounds of (this login's after-auth time - the plain
login's in the same round): the best estimate of what the variant adds to a login.
*server CPU*: mean CPU time per login of the sshd and everything it starts for the login, the
jail's set-up and init included: each sshd runs in a cpuacct cgroup (v1) of its own, read before
the login and after its processes are gone. Unlike the wall-clock times it hardly depends on what
else the machine is doing (without cpuacct: what the listener reaped, in 10 ms ticks).
*failed*: logins that did not exit 0 (of all tries including the warm-up round); they are
left out of the statistics.""")
md.append("\n![login latency](bench/login.png)\n")
md.append("![after authentication](bench/login-postauth.png)\n")

md.append("## Jail life cycle without ssh\n")
md.append(f"`bench/bench-jail.c cycles`, linked against `libjail.a`: {cycles_n} cycles of config load, user")
md.append("lookup, create, join, leave, teardown for one user, one jail alive at a time (N=1). Microseconds.")
md.append(f"Failed creates: {cyc_fail} of {cycles_n}; they are left out of the statistics (see the notes).\n")
md.append("| phase | median µs | p90 µs | p99 µs | max µs | CPU median µs |")
md.append("|---|---:|---:|---:|---:|---:|")
for r in cyc_rows:
    md.append(f"| {r['desc']} | {f1(r['med'])} | {f1(r['p90'])} | {f1(r['p99'])} | {f1(r['max'])} | "
              f"{f1(r['cpu']) if r['cpu'] == r['cpu'] else ''} |")
if have_cpu:
    md.append("")
    md.append("*CPU*: CPU time of the benchmark process and everything it started (setup child, jail-init)")
    md.append("over the phase, from a cpuacct cgroup (v1) of its own; it does not grow when other work takes")
    md.append("the CPUs away, so it is the better figure to compare runs by. For the last row it includes the")
    md.append("init's exit, where the kernel tears the namespaces down.")
md.append("\n![life cycle](bench/cycles.png)\n")

md.append("## Scale\n")
md.append("`bench/bench-jail.c scale`: one process creates jails for users `pjb_0001`… and holds every")
md.append(f"handle, so N jails stay alive (each with its jail-init). At each N: {meta.get('reps')} times create")
md.append("+ teardown of one more jail (`pjb_extra`), the host's `/proc/self/mountinfo`, the change of")
md.append("`/proc/meminfo` since before the first jail (divided by N), and the jail-inits' PSS/RSS from")
md.append("`/proc/PID/smaps_rollup`. Memory figures in KiB per jail.\n")
md.append("| N | create median µs | create p90 µs | vs N=1 | create CPU median µs | CPU vs N=1 | teardown µs | host mounts (base) |")
md.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in sc_rows:
    cvs = f"{r['create_cpu'] / sc1['create_cpu']:.2f}x" if sc1["create_cpu"] > 0 else ""
    md.append(f"| {r['n']} | {f1(r['create_med'])} | {f1(r['create_p90'])} | {r['create_med'] / sc1['create_med']:.2f}x | "
              f"{f1(r['create_cpu'])} | {cvs} | {f1(r['teardown_med'])} | {r['mounts']} ({r['mounts_base']}) |")
if again > 0:
    md.append(f"| 1 again | {f1(again)} | | {again / sc1['create_med']:.2f}x | {f1(again_cpu)} | "
              f"{again_cpu / sc1['create_cpu']:.2f}x | | |" if sc1["create_cpu"] > 0 else
              f"| 1 again | {f1(again)} | | {again / sc1['create_med']:.2f}x | | | | |")
md.append("")
md.append("*1 again*: after the largest N, all but one jail are torn down and one more is created again;")
md.append("the ramp runs in time order, so this row tells an effect of N from drift of the machine.")
md.append("The jails are made by a child process that holds nothing but the jail it is making, as sshd's")
md.append("monitor does, and hands the new handle's fds to the holder (SCM_RIGHTS); a creator that itself")
md.append("held 4 fds per live jail would copy that fd table into every setup child and init (with 1000")
md.append("jails about +1 ms of CPU per create that no real caller pays).")
md.append("")
md.append("Memory per live jail, KiB (change since before the first jail, divided by N):\n")
if have_cg:
    md.append("| N | memory cgroup | of it kernel | anon | shmem | init PSS | init RSS | MemAvailable ↓ | Slab | SUnreclaim | KernelStack | PageTables | Percpu |")
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in sc_rows:
        md.append(f"| {r['n']} | **{f1(r['cg'])}** | {f1(r['cg_kmem'])} | {f1(r['cg_rss'])} | {f1(r['cg_shmem'])} | "
                  f"{f1(r['pss'])} | {f1(r['rss'])} | {f1(r['avail'])} | {f1(r['slab'])} | {f1(r['sunreclaim'])} | "
                  f"{f1(r['kstack'])} | {f1(r['pagetables'])} | {f1(r['percpu'])} |")
    md.append("")
    md.append("*memory cgroup*: `memory.usage_in_bytes` of a cgroup (v1) that bench/run.sh makes for the")
    md.append("benchmark process alone: every jail's processes and the kernel objects made for them")
    md.append("(namespaces, mounts, superblocks, inodes, page tables, kernel stacks, tmpfs pages) are charged")
    md.append("to it, other activity on the machine is not. The `/proc/meminfo` columns are machine-wide and")
    md.append("include whatever else ran meanwhile (negative values happen); they are shown for comparison.")
    md.append(f"Marginal cost between the two largest N: {cg_slope:.0f} KiB per jail (memory cgroup).")
else:
    md.append("| N | MemAvailable ↓ | Slab | SUnreclaim | KernelStack | PageTables | Percpu | Shmem | init PSS | init RSS | sum of parts |")
    md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in sc_rows:
        md.append(f"| {r['n']} | {f1(r['avail'])} | {f1(r['slab'])} | {f1(r['sunreclaim'])} | {f1(r['kstack'])} | "
                  f"{f1(r['pagetables'])} | {f1(r['percpu'])} | {f1(r['shmem'])} | {f1(r['pss'])} | {f1(r['rss'])} | "
                  f"{f1(r['parts'])} |")
    md.append("")
    md.append("No memory cgroup (v1) was available: machine-wide `/proc/meminfo` deltas only, so small N are")
    md.append("dominated by noise. *sum of parts* = Slab + KernelStack + PageTables + Percpu + Shmem + the")
    md.append(f"inits' PSS. Marginal MemAvailable cost between the two largest N: {slope_txt} per jail.")
md.append("\n![create vs N](bench/scale.png)\n")
md.append("![memory vs N](bench/scale-mem.png)\n")

md.append(f"Failed creates during the scale run: {sc_fail} (the benchmark killed the {sc_leak} jail-init"
          " processes they left behind, retried, and kept them out of the figures).\n")
md.append(f"## Leftovers after {cycles_n} cycles (and after the scale run)\n")
md.append("| what | before | after |")
md.append("|---|---:|---:|")
for r in left:
    md.append(f"| {r['what']} | {r['before']} | {r['after']} |")
md.append("")

if os.path.exists(os.path.join(RES, "profile-cycles.txt")):
    md.append("## Profile\n")
    md.append("`bench/run.sh` (full mode, or `--profile`) also records where the CPU of the life cycle goes")
    md.append("(`perf record --call-graph dwarf` of `bench-jail cycles`, split by `bench/perf-phases.py`):")
    md.append("[bench/profile-cycles.txt](bench/profile-cycles.txt); and how long the jail-init takes to start")
    md.append("compared with the same system calls without a C library start-up (`bench/init-startup.c`,")
    md.append("`bench/mini-init.c`): [bench/profile-init.txt](bench/profile-init.txt).\n")
    with open(os.path.join(RES, "profile-cycles.txt")) as f:
        head = f.read().split("By process and system call")[0].strip().splitlines()
    md.append("```")
    md.extend(l for l in head if not l.startswith("#"))
    md.append("```\n")
    for name, what in (("profile-init.txt", "jail-init start-up, fork to ready"),
                       ("profile-template.txt", "create vs template size ([bench/profile-template.txt]"
                                                "(bench/profile-template.txt))")):
        if os.path.exists(os.path.join(RES, name)):
            with open(os.path.join(RES, name)) as f:
                md.append(f"{what}:\n")
                md.append("```")
                md.extend(l.rstrip() for l in f if l.strip() and not l.startswith("#"))
                md.append("```\n")
md.append("## How it is measured, and what is set up\n")
md.append("""- One sshd (OpenSSH, `UsePAM yes`, key authentication only, `LogLevel INFO`) on 127.0.0.1 with
  its own PAM service `sshd-pamjail-bench` (argv[0] symlink); `Match User` blocks give the
  ChrootDirectory-mode users `ChrootDirectory STATE_DIR/%u/root` and the OpenSSH peer
  `ChrootDirectory` to a static busybox root. The shell-mode user has `jailsh` as login shell.
- The joining login: one login of that user runs `sleep` in the background for the whole
  measurement, so every timed login of that user joins a live jail.
- pam_namespace peer: a second sshd (same config, port+1, PAM service `sshd-pamjail-bench-ns`:
  `pam_permit` + `pam_namespace.so`, skipped for the control user by `pam_succeed_if`), started
  in a private mount namespace (`unshare --mount --propagation private`) in which a private
  `namespace.conf` (`/tmp <scratch>/ns-inst/ user root,<the plain users>`) and an empty `namespace.d` are
  bind-mounted over the system's. pam_namespace has no `config=` option; this way the system's
  `/etc/security/namespace.conf` is never written, and the bind mounts exist only in that
  namespace. The system's `/etc/security/namespace.init` runs as it would by default.
- Timing: `bench/timeit.c` (CLOCK_MONOTONIC around fork/exec/wait of the ssh client).
- Libraries: `bench/bench-jail.c`, built with the Makefile's flags against the `libjail.a` of
  the same private build that the sshd uses.
- Users `pjb_*` (homes under a scratch directory, GECOS "pam_jail benchmark (temporary)"),
  groups, PAM service files, both sshds, jails and the scratch directory are removed on exit,
  also on failure. `/etc/pam.d/sshd`, `sshd_config`, existing users and `/dev/log` are not
  touched (syslog goes wherever `/dev/log` points, if anywhere).
- Noise: 2 vCPUs in a VM; other work on the machine shows up in the p90 columns. The ratios
  compare variants measured interleaved, so they are more stable than the absolute times.
""")
# the soak (bench/soak.sh, `make soak`) is a run of its own: its last report,
# copied by hand to docs/bench/soak.md, is kept as it is
SOAK = os.path.join(BENCH, "soak.md")
if os.path.exists(SOAK):
    with open(SOAK) as f:
        md.append(f.read().rstrip() + "\n")
if ANALYSIS and os.path.exists(ANALYSIS):
    with open(ANALYSIS) as f:
        md.append(f.read().rstrip() + "\n")
write(os.path.join(OUT, "BENCHMARKS.md"), "\n".join(md))

# ---- the table on stdout -------------------------------------------------------------------------
print()
print(f"{'ssh login (ms)':<18}{'median':>8}{'p25':>8}{'p75':>8}{'ratio':>8}{'95% CI':>14}{'postauth':>9}{'delta':>7}"
      f"{'srv CPU':>8}{'delta':>7}{'failed':>9}")
for r in ssh_rows:
    print(f"{r['var']:<18}{r['med']:8.1f}{r['p25']:8.1f}{r['p75']:8.1f}{r['ratio']:8.3f}"
          f"{r['ci'][0]:8.3f}..{r['ci'][1]:.3f}{r['post']:8.1f}{r['pdiff']:+7.1f}{r['cpu']:8.2f}{r['dcpu']:+7.2f}"
          f"{r['fail']:>5}/{r['tries']:<3}")
print()
print(f"{'life cycle (us)':<18}{'median':>10}{'p90':>10}{'p99':>10}{'CPU med':>10}")
for r in cyc_rows:
    print(f"{r['phase']:<18}{r['med']:10.1f}{r['p90']:10.1f}{r['p99']:10.1f}{r['cpu']:10.1f}")
print()
print(f"{'scale N':<8}{'create us':>10}{'vs N=1':>8}{'CPU us':>8}{'+mounts':>8}{'memcg KiB/jail':>16}{'MemAv KiB/jail':>16}{'init PSS':>10}")
for r in sc_rows:
    print(f"{r['n']:<8}{r['create_med']:10.1f}{r['create_med'] / sc1['create_med']:8.2f}{r['create_cpu']:8.0f}{r['mounts'] - r['mounts_base']:8d}"
          f"{(r['cg'] if r['cg'] is not None else float('nan')):16.1f}{r['avail']:16.1f}{r['pss']:10.1f}")
print()
for what, measured, ok in targets:
    print(f"{'ok  ' if ok else 'MISS'} {what}: {measured}")
print(f"\nwrote {os.path.join(OUT, 'BENCHMARKS.md')} and {BENCH}/*.png")
if not plots_ok:
    sys.exit(1)
sys.exit(0 if all_ok else 3)
