//go:build linux

package capture

import (
	"fmt"
	"runtime"

	"github.com/roshambo-game/roshambo/internal/mono"
	"github.com/roshambo-game/roshambo/internal/ptyharness"
)

// maxStages is the number of timed stages a reader can report per byte
// (roshambo: ring and consumer; peers: read).
const maxStages = 2

// stamps are the reader side's readings for one received byte: absolute mono
// times for each of the reader's stages, and for roshambo the user-space
// part (epoll_wait returning to the capture stamp), a duration, 0 if none.
type stamps struct {
	t         [maxStages]int64
	userspace int64
}

// session is the reader side of one run: it matches received bytes to the
// writer's timestamps and stores the latencies. It is used by the reader's
// own goroutine only; deliver does not allocate.
type session struct {
	sh      *ptyharness.Shared
	mode    ptyharness.Mode
	warmup  int
	nstages int

	next      int // samples received so far
	lat       [maxStages][]int64
	userspace []int64

	// keepAbs keeps the absolute write times and stage stamps of the
	// measured samples (for the eBPF breakdown).
	keepAbs bool
	writes  []int64
	abs     [maxStages][]int64

	mallocStart, mallocEnd uint64
	// profileAllocs turns on the allocation profile (every allocation,
	// with its stack) for the measured samples only (allocs.go).
	profileAllocs bool
	// cpuStart/End and wallStart/End: process CPU time (getrusage) and
	// mono time over the measured samples.
	cpuStart, cpuEnd, wallStart, wallEnd int64
	err                                  error

	// onReady runs in ready (the load's begin); procs is GOMAXPROCS right
	// after it, i.e. while the reader runs.
	onReady        func()
	procs          int
	loadGoroutines int // busy goroutines of the load (set by runOne)
}

func newSession(sh *ptyharness.Shared, mode ptyharness.Mode, warmup, total, nstages int) *session {
	s := &session{sh: sh, mode: mode, warmup: warmup, nstages: nstages}
	for k := 0; k < nstages; k++ {
		s.lat[k] = make([]int64, 0, total)
	}
	s.userspace = make([]int64, 0, total)
	return s
}

// keepAbsolute makes the session keep absolute times (preallocated).
func (s *session) keepAbsolute(total int) {
	s.keepAbs = true
	s.writes = make([]int64, 0, total)
	for k := 0; k < s.nstages; k++ {
		s.abs[k] = make([]int64, 0, total)
	}
}

// ready tells the writer to start. Readers call it once they are reading.
func (s *session) ready() {
	if s.onReady != nil {
		s.onReady()
	}
	s.procs = runtime.GOMAXPROCS(0)
	if s.warmup == 0 {
		s.startMeasure()
	}
	s.sh.SetReady()
}

// startMeasure takes the readings at the start of the measured samples.
func (s *session) startMeasure() {
	s.mallocStart = mallocs()
	s.cpuStart, _ = cpuNs()
	s.wallStart = mono.Now()
	if s.profileAllocs {
		runtime.MemProfileRate = 1
	}
}

// endMeasure takes them at the end.
func (s *session) endMeasure() {
	if s.profileAllocs {
		runtime.MemProfileRate = 0
	}
	s.wallEnd = mono.Now()
	s.cpuEnd, _ = cpuNs()
	s.mallocEnd = mallocs()
}

// cpuCores is the process's CPU time per wall second over the measured
// samples (1 = one core busy), or -1 if unknown.
func (s *session) cpuCores() float64 {
	if s.wallEnd <= s.wallStart || s.cpuEnd < s.cpuStart || s.cpuStart == 0 {
		return -1
	}
	return float64(s.cpuEnd-s.cpuStart) / float64(s.wallEnd-s.wallStart)
}

func mallocs() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

// deliver records the received byte b with the reader's stamps and
// acknowledges it to the writer. It returns true when the run is over: every
// sample received, or an error (s.err, and the writer is told to abort).
func (s *session) deliver(b byte, st stamps) bool {
	i := s.next
	if i >= s.sh.Limit() {
		s.fail(fmt.Errorf("received an extra byte %q after %d samples", b, i))
		return true
	}
	if want := ptyharness.ExpectedByte(s.mode, i); b != want {
		s.fail(fmt.Errorf("sample %d: received byte %q, want %q", i, b, want))
		return true
	}
	wt := s.sh.WriteTime(i)
	if i >= s.warmup {
		for k := 0; k < s.nstages; k++ {
			s.lat[k] = append(s.lat[k], st.t[k]-wt)
		}
		if st.userspace != 0 {
			s.userspace = append(s.userspace, st.userspace)
		}
		if s.keepAbs {
			s.writes = append(s.writes, wt)
			for k := 0; k < s.nstages; k++ {
				s.abs[k] = append(s.abs[k], st.t[k])
			}
		}
	}
	s.next = i + 1
	done := s.next >= s.sh.Limit()
	if s.next == s.warmup && !done {
		s.startMeasure()
	}
	if done {
		s.endMeasure()
	}
	s.sh.Ack(s.next)
	return done
}

func (s *session) fail(err error) {
	if s.err == nil {
		s.err = err
	}
	s.sh.Abort()
}

// measured is the number of samples recorded (after the warm-up).
func (s *session) measured() int { return max(0, s.next-s.warmup) }

// allocsPerKey is the process-wide heap allocation count per measured
// sample (runtime.MemStats.Mallocs delta), or -1 if unknown.
func (s *session) allocsPerKey() float64 {
	n := s.measured()
	if n == 0 || s.mallocEnd < s.mallocStart {
		return -1
	}
	return float64(s.mallocEnd-s.mallocStart) / float64(n)
}
