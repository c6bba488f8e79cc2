//go:build unix

package bench

import (
	"syscall"
	"time"
)

// cpuNow returns the CPU time this process has used, all threads, user and system: the gate
// times work in CPU time so that other load on the machine (which steals wall time from both
// sides of a ratio, but not equally) moves its ratios less.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
