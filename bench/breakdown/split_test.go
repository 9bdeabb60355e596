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
