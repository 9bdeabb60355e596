package breakdown

import "testing"

func TestSplit(t *testing.T) {
	const reader, other, worker = 100, 101, 7
	// Sample 0: write at 1000, stamp at 2000; sample 1: the reader thread
	// was not asleep (no wake-up): unmatched.
	events := []Event{
		{Time: 1000, Kind: KindWrite, Tid: 50},
		{Time: 1100, Kind: KindWakeup, Tid: other}, // another thread of the reader process
		{Time: 1200, Kind: KindWQStart, Tid: worker},
		{Time: 1300, Kind: KindSwitchIn, Tid: other},
		{Time: 1400, Kind: KindWakeup, Tid: reader, Tid2: 0}, // completed by the target CPU's idle task
		{Time: 1450, Kind: KindWQEnd, Tid: worker},
		{Time: 1600, Kind: KindSwitchIn, Tid: reader},
		{Time: 1700, Kind: KindEpollExit, Tid: other}, // an epoll return of another thread, earlier
		{Time: 1800, Kind: KindEpollExit, Tid: reader},
		// sample 1
		{Time: 5000, Kind: KindWrite, Tid: 50},
		{Time: 5200, Kind: KindWQStart, Tid: worker},
		{Time: 5300, Kind: KindEpollExit, Tid: reader},
	}
	// Give the events out of order: Split sorts them.
	events[2], events[8] = events[8], events[2]
	got, unmatched := Split(events, []int64{1000, 5000}, []int64{2000, 5400})
	if unmatched != 1 || len(got) != 1 {
		t.Fatalf("got %d samples, %d unmatched; want 1, 1", len(got), unmatched)
	}
	want := Sample{Flush: 400, WorkerStart: 200, Sched: 200, SyscallExit: 200, User: 200, Total: 1000}
	if got[0] != want {
		t.Errorf("sample = %+v, want %+v", got[0], want)
	}
	if s := got[0]; s.Flush+s.Sched+s.SyscallExit+s.User != s.Total {
		t.Errorf("steps do not add up to the total: %+v", s)
	}
}

func TestSplitNoEvents(t *testing.T) {
	got, unmatched := Split(nil, []int64{1, 2, 3}, []int64{10, 20})
	if len(got) != 0 || unmatched != 2 {
		t.Errorf("got %v, unmatched %d; want none, 2 (stamps shorter than writes)", got, unmatched)
	}
}

func TestSplitParts(t *testing.T) {
	const reader, other, worker = 100, 101, 7
	events := []Event{
		// Sample 0: a wake-up of another thread before the flush starts
		// does not count; the first after it ends the kernel's part.
		{Time: 1000, Kind: KindWrite, Tid: 50},
		{Time: 1100, Kind: KindWakeup, Tid: other},
		{Time: 1200, Kind: KindWQStart, Tid: worker},
		{Time: 1400, Kind: KindWakeup, Tid: reader},
		{Time: 1450, Kind: KindWQEnd, Tid: worker},
		{Time: 1500, Kind: KindWakeup, Tid: other},
		// Sample 1: nobody woken (a busy reader): the flush's end.
		{Time: 5000, Kind: KindWrite, Tid: 50},
		{Time: 5200, Kind: KindWQStart, Tid: worker},
		{Time: 5300, Kind: KindWQEnd, Tid: worker},
		// Sample 2: the busy reader has the byte before the flush ends.
		{Time: 8000, Kind: KindWrite, Tid: 50},
		{Time: 8100, Kind: KindWQStart, Tid: worker},
		{Time: 8400, Kind: KindWQEnd, Tid: worker},
		// Sample 3: no flush start seen (lost): unmatched.
		{Time: 9000, Kind: KindWrite, Tid: 50},
	}
	events[0], events[7] = events[7], events[0] // out of order: sorted
	got, unmatched := SplitParts(events, []int64{1000, 5000, 8000, 9000}, []int64{2000, 5400, 8300, 9500})
	want := []Parts{
		{Kernel: 400, Reader: 600, Woken: true},
		{Kernel: 300, Reader: 100},
		{Kernel: 300, Reader: 0},
		{Kernel: -1},
	}
	if unmatched != 1 || len(got) != len(want) {
		t.Fatalf("got %+v, %d unmatched; want %+v, 1", got, unmatched, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sample %d: %+v, want %+v", i, got[i], want[i])
		}
		if got[i].Kernel >= 0 && got[i].Kernel+got[i].Reader != []int64{1000, 400, 300}[i] {
			t.Errorf("sample %d: parts do not add up to the total", i)
		}
	}
	if _, un := SplitParts(nil, []int64{1, 2}, []int64{5}); un != 2 {
		t.Errorf("stamps shorter than writes: %d unmatched, want 2", un)
	}
}
