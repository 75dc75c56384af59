
set terminal pngcairo size 900,480 font "sans,10" noenhanced
set grid ytics
set key top left

set output "login.png"
set title "ssh login latency (ssh -o BatchMode=yes user@127.0.0.1 true), 300 interleaved rounds"
set ylabel "ms (median, bar = p25..p75, dots = samples)"
set style fill solid 0.4
set boxwidth 0.6
set xrange [-0.6:15.6]
set yrange [0:*]
set xtics rotate by -20
plot "login.dat" using 0:2:xtic(1) with boxes lc rgb "#4477aa" notitle, \
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 notitle, \
     "login-samples.dat" using ($1 + 0.15):2 with points pt 7 ps 0.3 lc rgb "#cc3311" notitle

set output "login-postauth.png"
set title "ssh login: the part after authentication (median) and the difference to the plain login (paired median)"
set ylabel "ms"
set yrange [*:*]
plot "login-post.dat" using 0:2:xtic(1) with boxes lc rgb "#4477aa" title "after authentication", \
     "" using 0:3 with boxes lc rgb "#cc3311" fs solid 0.7 title "difference to plain"
unset xtics
set xtics
set xrange [*:*]

set output "cycles.png"
set title "jail life cycle through libjail.a, 1000 cycles (ECDF)"
set xlabel "microseconds (log)"
set ylabel "fraction of cycles"
set logscale x
set yrange [0:1]
set key bottom right
plot "cycles-cdf.dat" index 0 using 1:2 with lines lw 2 title "create", \
     "" index 1 using 1:2 with lines lw 2 title "join", \
     "" index 2 using 1:2 with lines lw 2 title "teardown (jail_release)", \
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
plot "scale-ramp.dat" using ($1 + 1):2 with points pt 7 ps 0.3 lc rgb "#999999" title "every create of the ramp-up (x = jails alive + 1)", \
     "scale.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb "#cc3311" title "median of 25 creates at N", \
     "" using 1:3 with linespoints lw 1 pt 6 lc rgb "#ee7733" title "p90 at N", \
     "" using 1:11 with linespoints lw 2 pt 5 lc rgb "#4477aa" title "median CPU time of a create at N"

set output "scale-mem.png"
set title "memory per live jail vs jails alive"
set ylabel "KiB per jail"
set yrange [0:*]
plot "scale.dat" using 1:9 with linespoints lw 3 pt 7 title "memory cgroup / N", \
     "" using 1:10 with linespoints lw 2 pt 7 title "of it kernel (kmem) / N", \
     "" using 1:7 with linespoints lw 2 pt 7 title "jail-init PSS / N"
