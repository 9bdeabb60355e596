package capture

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/roshambo-game/roshambo/bench/ptyharness"
)

// Loads, in report order.
const (
	LoadIdle = "idle" // nothing else runs
	LoadCPU  = "cpu"  // GOMAXPROCS busy goroutines in the reader's process
	LoadCPU1 = "cpu1" // one busy goroutine in the reader's process (a P stays free)
	LoadExt  = "ext"  // a separate process spinning on every CPU
)

// AllLoads lists the loads in report order.
var AllLoads = []string{LoadIdle, LoadCPU, LoadCPU1, LoadExt}

// load is a running background load; stop ends it.
type load struct {
	stop func()
}

var spinSinkIn atomic.Uint64

// startLoad starts the named load.
func startLoad(name string) (*load, error) {
	switch name {
	case LoadIdle:
		return &load{stop: func() {}}, nil
	case LoadCPU, LoadCPU1:
		n := 1
		if name == LoadCPU {
			n = runtime.GOMAXPROCS(0)
		}
		var quit atomic.Bool
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x := uint64(i)
				for !quit.Load() {
					// Pure computation: no allocation, no system call, so
					// these goroutines hold their P until preempted.
					for j := 0; j < 1000; j++ {
						x = x*6364136223846793005 + 1442695040888963407
					}
				}
				spinSinkIn.Add(x)
			}()
		}
		return &load{stop: func() { quit.Store(true); wg.Wait() }}, nil
	case LoadExt:
		sp, err := ptyharness.StartSpinner(runtime.NumCPU())
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
		return &load{stop: sp.Stop}, nil
	}
	return nil, fmt.Errorf("unknown load %q (want %s, %s, %s or %s)", name, LoadIdle, LoadCPU, LoadCPU1, LoadExt)
}
