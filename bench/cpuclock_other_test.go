//go:build !unix

package bench

import "time"

var clockStart = time.Now()

// cpuNow falls back to wall time where the process CPU time is not available.
func cpuNow() time.Duration { return time.Since(clockStart) }
