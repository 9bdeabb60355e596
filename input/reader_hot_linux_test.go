package input

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// waitStable polls get until it returns the same value twice 20 ms apart
// (the side it counts has stopped), or fails after a generous deadline.
func waitStable(t *testing.T, what string, get func() uint64) uint64 {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	prev := get()
	for {
		time.Sleep(20 * time.Millisecond)
		cur := get()
		if cur == prev {
			return cur
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still changing after 20 s (%d)", what, cur)
		}
		prev = cur
	}
}

// waitGrows polls until get exceeds v, or fails after a generous deadline.
func waitGrows(t *testing.T, what string, v uint64, get func() uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for get() <= v {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not grow past %d", what, v)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestReaderHotOffByDefault: without HotMax, Hot changes nothing: the
// consumer stays parked and the reader thread never polls.
func TestReaderHotOffByDefault(t *testing.T) {
	_, slave := openRawPty(t)
	r := newReader(t, slave, ReaderOptions{})
	errc := make(chan error, 1)
	go func() {
		_, err := r.Next(0)
		errc <- err
	}()
	waitParked(t, r)
	// The reader thread's first read (bytes may be queued at start), and
	// the consumer's own before it waits on the fd.
	waitGrows(t, "reads", 0, func() uint64 { return r.Stats().Reads })
	waitStable(t, "reads", func() uint64 { return r.Stats().Reads })
	before := r.Stats()
	r.Hot(time.Hour)
	time.Sleep(50 * time.Millisecond)
	after := r.Stats()
	if after != before || after.HotPolls != 0 || r.parked.Load() == 0 {
		t.Fatalf("Hot without HotMax changed the reader: before %+v, after %+v", before, after)
	}
	r.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Fatalf("Next = %v, want ErrClosed", err)
	}
}

// TestReaderHot: Hot wakes a parked consumer, which then spins, and puts the
// reader thread in its polling loop; keys arrive in order without a park;
// Hot(0) parks both sides again.
func TestReaderHot(t *testing.T) {
	for _, wake := range []wakeMode{wakeDirect, wakeFutex, wakeChan} {
		t.Run(map[wakeMode]string{wakeDirect: "on-fd", wakeFutex: "futex", wakeChan: "chan"}[wake], func(t *testing.T) {
			master, slave := openRawPty(t)
			r := newReader(t, slave, ReaderOptions{HotMax: time.Minute, wake: wake})
			got := make(chan byte, 64)
			errc := make(chan error, 1)
			go func() {
				for {
					c, err := r.Next(0)
					if err != nil {
						errc <- err
						return
					}
					for _, b := range c.Data {
						got <- b
					}
					r.Release()
				}
			}()
			waitParked(t, r)
			r.Hot(time.Minute)
			waitGrows(t, "hot polls", 0, func() uint64 { return r.Stats().HotPolls })
			parks := r.Stats().Parks
			const keys = "hotkeys"
			for i := range len(keys) {
				writeAll(t, master, []byte{keys[i]})
				if b := <-got; b != keys[i] {
					t.Fatalf("key %d: got %q, want %q", i, b, keys[i])
				}
			}
			st := r.Stats()
			if st.Parks != parks {
				t.Errorf("the consumer parked %d times while hot", st.Parks-parks)
			}
			if st.HotSpins == 0 {
				t.Errorf("no chunk found while spinning hot: %+v", st)
			}
			r.Hot(0)
			waitParks(t, r, parks+1)
			polls := waitStable(t, "hot polls after Hot(0)", func() uint64 { return r.Stats().HotPolls })
			reads := r.Stats().Reads
			time.Sleep(50 * time.Millisecond)
			if st := r.Stats(); st.HotPolls != polls || st.Reads != reads {
				t.Fatalf("the reader thread still reads after Hot(0): %+v", st)
			}
			writeAll(t, master, []byte{'z'})
			if b := <-got; b != 'z' {
				t.Fatalf("after Hot(0): got %q, want 'z'", b)
			}
			r.Close()
			if err := <-errc; !errors.Is(err, ErrClosed) {
				t.Fatalf("Next = %v, want ErrClosed", err)
			}
		})
	}
}

// TestReaderHotBounded: Hot(d) lasts at most HotMax; then both sides park
// on their own.
func TestReaderHotBounded(t *testing.T) {
	_, slave := openRawPty(t)
	r := newReader(t, slave, ReaderOptions{HotMax: 30 * time.Millisecond})
	errc := make(chan error, 1)
	go func() {
		_, err := r.Next(0)
		errc <- err
	}()
	waitParked(t, r)
	r.Hot(time.Hour)
	waitParks(t, r, 2) // woken by Hot, spun until HotMax passed, parked again
	waitStable(t, "hot polls", func() uint64 { return r.Stats().HotPolls })
	if r.hot() {
		t.Fatal("still hot after the consumer parked again")
	}
	r.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Fatalf("Next = %v, want ErrClosed", err)
	}
}

// TestReaderHotCloseWhilePolling: Close stops a reader thread that polls.
func TestReaderHotCloseWhilePolling(t *testing.T) {
	_, slave := openRawPty(t)
	r := newReader(t, slave, ReaderOptions{HotMax: time.Hour})
	r.Hot(time.Hour)
	waitGrows(t, "hot polls", 0, func() uint64 { return r.Stats().HotPolls })
	done := make(chan error, 1)
	go func() { done <- r.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Close did not return while the reader thread polled")
	}
	if _, err := r.Next(0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Next after Close = %v, want ErrClosed", err)
	}
}

// TestReaderHotNoAllocs: the hot path allocates nothing either.
func TestReaderHotNoAllocs(t *testing.T) {
	master, slave := openRawPty(t)
	r := newReader(t, slave, ReaderOptions{HotMax: time.Minute})
	r.Hot(time.Minute)
	defer r.Hot(0)
	key := []byte{'h'}
	var failed error
	allocs := testing.AllocsPerRun(500, func() {
		if _, err := unix.Write(master, key); err != nil {
			failed = err
			return
		}
		c, err := r.Next(0)
		if err != nil || len(c.Data) != 1 {
			failed = err
			return
		}
		r.Release()
	})
	if failed != nil {
		t.Fatal(failed)
	}
	if allocs != 0 {
		t.Fatalf("%v allocations per key while hot", allocs)
	}
	if r.Stats().HotPolls == 0 {
		t.Fatal("the reader thread never polled")
	}
}

func TestNewReaderNegativeHotMax(t *testing.T) {
	_, slave := openRawPty(t)
	if _, err := NewReader(slave, ReaderOptions{HotMax: -time.Second}); err == nil {
		t.Fatal("NewReader accepted a negative HotMax")
	}
}
