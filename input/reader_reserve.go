package input

import (
	"runtime"
	"sync"
)

// The reserved P. While at least one Reader that did not opt out
// (ReaderOptions.NoReserveP) is open, GOMAXPROCS is one higher than it was
// when the first of them opened. See ReaderOptions.NoReserveP for why.
var reserve struct {
	mu    sync.Mutex
	count int // open Readers holding the reservation
	orig  int // GOMAXPROCS before the first of them raised it
	set   int // the value it was raised to
}

// reserveP takes a share of the reserved P, raising GOMAXPROCS by one if this
// is the first share.
func reserveP() {
	reserve.mu.Lock()
	defer reserve.mu.Unlock()
	reserve.count++
	if reserve.count == 1 {
		reserve.orig = runtime.GOMAXPROCS(0)
		reserve.set = reserve.orig + 1
		runtime.GOMAXPROCS(reserve.set)
	}
}

// unreserveP gives a share back. The last one restores GOMAXPROCS, but only
// if nobody changed it meanwhile (a value set by the application wins).
func unreserveP() {
	reserve.mu.Lock()
	defer reserve.mu.Unlock()
	reserve.count--
	if reserve.count == 0 && runtime.GOMAXPROCS(0) == reserve.set {
		runtime.GOMAXPROCS(reserve.orig)
	}
}
