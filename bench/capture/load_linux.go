package capture

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// Loads, in report order.
const (
	LoadIdle = "idle" // nothing else runs
	// LoadCPU: GOMAXPROCS busy goroutines in the reader's process, counted
	// when the load starts, before the reader exists: every P the
	// application configured is busy. roshambo's Reader raises GOMAXPROCS
	// by one while it is open (its reserved P), which this load leaves
	// free; LoadCPUAll takes that P too.
	LoadCPU = "cpu"
	// LoadCPUAll: GOMAXPROCS busy goroutines counted once the reader is
	// open, so they also hold roshambo's reserved P. For the peers, which
	// reserve nothing, it is the same as LoadCPU.
	LoadCPUAll = "cpuall"
	LoadCPU1   = "cpu1" // one busy goroutine in the reader's process (a P stays free)
	LoadExt    = "ext"  // a separate process spinning on every CPU
)

// AllLoads lists the loads in report order.
var AllLoads = []string{LoadIdle, LoadCPU, LoadCPUAll, LoadCPU1, LoadExt}

// load is a background load. begin is called once the reader is open (it
// starts LoadCPUAll's goroutines; the other loads run from startLoad on);
// stop ends it. spinners is the number of busy goroutines started so far.
type load struct {
	begin    func()
	stop     func()
	spinners atomic.Int32
}

var spinSinkIn atomic.Uint64

// spin starts n busy goroutines that run until quit.
func (l *load) spin(n int, quit *atomic.Bool, wg *sync.WaitGroup) {
	for i := 0; i < n; i++ {
		wg.Add(1)
		l.spinners.Add(1)
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
}

// startLoad starts the named load.
func startLoad(name string) (*load, error) {
	l := &load{begin: func() {}, stop: func() {}}
	switch name {
	case LoadIdle:
		return l, nil
	case LoadCPU, LoadCPU1, LoadCPUAll:
		var quit atomic.Bool
		var wg sync.WaitGroup
		l.stop = func() { quit.Store(true); wg.Wait() }
		switch name {
		case LoadCPU:
			l.spin(runtime.GOMAXPROCS(0), &quit, &wg)
		case LoadCPU1:
			l.spin(1, &quit, &wg)
		case LoadCPUAll:
			var once sync.Once
			l.begin = func() { once.Do(func() { l.spin(runtime.GOMAXPROCS(0), &quit, &wg) }) }
		}
		return l, nil
	case LoadExt:
		sp, err := ptyharness.StartSpinner(runtime.NumCPU())
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
		l.stop = sp.Stop
		return l, nil
	}
	return nil, fmt.Errorf("unknown load %q (want one of %s)", name, strings.Join(AllLoads, ", "))
}
