package screen

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/mono"
)

// stallLate is how late a stall probe must wake for the time it missed to
// count as a stall of its CPU. Wake-ups on an idle CPU of this machine are
// late by tens of µs; a key's whole first frame takes about 0.5 ms.
const stallLate = time.Millisecond

// stall is a stretch in which one CPU could not run a thread that was due:
// a stall probe should have woken at From and woke at To (mono ns).
type stall struct {
	CPU  int   `json:"cpu"`
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

// stallProbes watch whether the machine lets its CPUs run: one thread per
// CPU, pinned to it, sleeps until an absolute time every period and notes
// when it wakes more than stallLate after it. A key whose screen update
// overlaps such a stretch met a stall that no program caused: on this
// (paravirtualised) machine the host takes a vCPU away for milliseconds at
// a time while the benchmark runs.
//
// startStallProbes starts them; stop ends them and returns what they saw.
// Both are called from one goroutine; the probes' threads share nothing
// with it until stop has waited for them.
type stallProbes struct {
	done   atomic.Bool
	wg     sync.WaitGroup
	stalls [][]stall // one list per probe, written only by its thread
}

// startStallProbes starts one probe on each CPU this process may use (its
// affinity mask, which taskset may have narrowed), each sleeping for period
// between wake-ups; a period of 0 starts none.
func startStallProbes(period time.Duration) *stallProbes {
	p := &stallProbes{}
	var mask unix.CPUSet
	if period <= 0 || unix.SchedGetaffinity(0, &mask) != nil {
		return p
	}
	for cpu := range len(mask) * 64 {
		if !mask.IsSet(cpu) {
			continue
		}
		p.stalls = append(p.stalls, nil)
		p.wg.Add(1)
		go p.run(len(p.stalls)-1, cpu, int64(period))
	}
	return p
}

// run is probe number slot, on CPU cpu.
func (p *stallProbes) run(slot, cpu int, period int64) {
	defer p.wg.Done()
	// The thread stays locked to the goroutine and exits with it: its
	// affinity and timer slack are not handed to other goroutines.
	runtime.LockOSThread()
	var set unix.CPUSet
	set.Set(cpu)
	if unix.SchedSetaffinity(0, &set) != nil {
		return // a CPU this process may not use is not watched
	}
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, 1, 0, 0, 0)
	out := make([]stall, 0, 256)
	due := mono.Now()
	for !p.done.Load() {
		due += period
		ts := unix.NsecToTimespec(due)
		for unix.ClockNanosleep(unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME, &ts, nil) == unix.EINTR {
		}
		now := mono.Now()
		if now-due > int64(stallLate) {
			out = append(out, stall{CPU: cpu, From: due, To: now})
		}
		if now > due+period {
			due = now // missed wake-ups are not made up in a burst
		}
	}
	p.stalls[slot] = out
}

// stop ends the probes and returns their stalls, by start time.
func (p *stallProbes) stop() []stall {
	p.done.Store(true)
	p.wg.Wait()
	all := slices.Concat(p.stalls...)
	slices.SortFunc(all, func(a, b stall) int { return cmp.Compare(a.From, b.From) })
	return all
}

// stalledDuring reports whether any of stalls overlaps the stretch [from,
// to]. A session has a few hundred keys and stalls: a scan is enough.
func stalledDuring(stalls []stall, from, to int64) bool {
	return slices.ContainsFunc(stalls, func(s stall) bool { return s.From <= to && s.To >= from })
}
