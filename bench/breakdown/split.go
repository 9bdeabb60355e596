package breakdown

import "sort"

// Sample is one keystroke split into its steps, in ns. Each step ends where
// the next begins, so Flush + Sched + SyscallExit + User = Total.
type Sample struct {
	// Flush: write to the master -> the reader thread is woken (the kernel
	// worker runs flush_to_ldisc, which pushes the byte through the line
	// discipline and wakes the tty's waiters; a remote wake-up completes on
	// the reader's CPU). WorkerStart is the part before the worker started
	// flush_to_ldisc (0 if its event was not seen).
	Flush, WorkerStart int64
	// Sched: woken -> switched in on a CPU.
	Sched int64
	// SyscallExit: switched in -> epoll_wait returned (kernel exit path).
	SyscallExit int64
	// User: epoll_wait returned -> the reader's capture stamp (user space,
	// including the Go runtime's syscall exit).
	User  int64
	Total int64
}

// Split matches traced events to samples. writes[i] and stamps[i] are
// sample i's write time (just before write(2)) and the reader's capture
// stamp. Within (write, stamp] it finds the reader thread as the one whose
// epoll_wait returned last before the stamp, then walks back: that thread's
// last switch-in before the return, and its last wake-up before the
// switch-in. (The waker cannot identify it: a remote wake-up is often
// completed by the target CPU itself, from its idle task.) The worker start
// is the first flush_to_ldisc start after the write. Samples without the
// full chain (the thread was not asleep, or events were lost) are counted in
// unmatched.
func Split(events []Event, writes, stamps []int64) (samples []Sample, unmatched int) {
	evs := append([]Event(nil), events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time < evs[j].Time })
	// first returns the index of the first event at or after time t.
	first := func(t int64) int {
		return sort.Search(len(evs), func(i int) bool { return evs[i].Time >= t })
	}
	for i := range writes {
		if i >= len(stamps) {
			break
		}
		w, r := writes[i], stamps[i]
		lo, hi := first(w), first(r+1) // events in [w, r]
		var wqStart, wake, sw, ex int64
		var tid uint32
		k := hi - 1
		for ; k >= lo; k-- {
			if evs[k].Kind == KindEpollExit {
				ex, tid = evs[k].Time, evs[k].Tid
				break
			}
		}
		for k--; k >= lo && ex != 0; k-- {
			e := evs[k]
			if e.Tid != tid {
				continue
			}
			if sw == 0 && e.Kind == KindSwitchIn {
				sw = e.Time
			} else if sw != 0 && e.Kind == KindWakeup {
				wake = e.Time
				break
			}
		}
		if wake == 0 {
			unmatched++
			continue
		}
		for k := lo; k < hi; k++ {
			if evs[k].Kind == KindWQStart {
				wqStart = evs[k].Time
				break
			}
		}
		s := Sample{Flush: wake - w, Sched: sw - wake, SyscallExit: ex - sw, User: r - ex, Total: r - w}
		if wqStart != 0 {
			s.WorkerStart = wqStart - w
		}
		samples = append(samples, s)
	}
	return samples, unmatched
}

// Parts is one keystroke split in two at the moment the kernel hands the
// key to the reader, for any reader (ns).
type Parts struct {
	// Kernel: the write to the master -> the first wake-up of a thread of
	// the reader process after flush_to_ldisc started (the flush work,
	// the line discipline, the wake-up itself). When no thread of the
	// reader was woken (it was running: a busy-polling reader), the
	// kernel's part ends when flush_to_ldisc finishes, or at the stamp if
	// that comes first. Woken says which.
	Kernel int64
	// Reader: the rest, up to the reader's stamp: scheduling the woken
	// thread, the system call's exit, the reader's own code and its
	// hand-offs between threads. What a reader's design controls.
	Reader int64
	Woken  bool
}

// SplitParts splits each sample (write writes[i], first stamp stamps[i])
// into Parts: the kernel's part ends at the first sched_wakeup of a thread
// of the reader process at or after the first flush_to_ldisc start in
// [write, stamp] (see Parts for a reader that was not asleep). Samples
// without a flush_to_ldisc start in their window are unmatched (events
// lost); their entry has Kernel = -1.
func SplitParts(events []Event, writes, stamps []int64) (parts []Parts, unmatched int) {
	evs := append([]Event(nil), events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time < evs[j].Time })
	first := func(t int64) int {
		return sort.Search(len(evs), func(i int) bool { return evs[i].Time >= t })
	}
	parts = make([]Parts, 0, len(writes))
	for i, w := range writes {
		if i >= len(stamps) {
			unmatched += len(writes) - i
			break
		}
		r := stamps[i]
		lo, hi := first(w), first(r+1)
		k := lo
		for ; k < hi && evs[k].Kind != KindWQStart; k++ {
		}
		if k >= hi {
			parts = append(parts, Parts{Kernel: -1})
			unmatched++
			continue
		}
		end, woken := int64(-1), false
		for j := k; j < hi; j++ {
			if evs[j].Kind == KindWakeup {
				end, woken = evs[j].Time, true
				break
			}
		}
		if !woken {
			end = r
			for j := k; j < len(evs); j++ {
				if evs[j].Kind == KindWQEnd {
					end = min(evs[j].Time, r)
					break
				}
			}
		}
		parts = append(parts, Parts{Kernel: end - w, Reader: r - end, Woken: woken})
	}
	return parts, unmatched
}
