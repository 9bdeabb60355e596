package ring

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestNewCapacity(t *testing.T) {
	tests := []struct {
		capacity int
		ok       bool
	}{
		{0, false}, {-64, false}, {1, false}, {32, false}, {63, false},
		{64, true}, {100, false}, {4096, true}, {65536, true}, {65537, false},
		{MaxCapacity, true}, {MaxCapacity * 2, false},
	}
	for _, tt := range tests {
		if tt.capacity > 1<<20 && testing.Short() {
			continue
		}
		b, err := New(tt.capacity)
		if tt.ok {
			if err != nil || b.Cap() != tt.capacity {
				t.Errorf("New(%d) = cap %v, %v; want cap %d, nil", tt.capacity, b, err, tt.capacity)
			}
			continue
		}
		if !errors.Is(err, ErrCapacity) {
			t.Errorf("New(%d) error = %v, want ErrCapacity", tt.capacity, err)
		}
	}
}

// push copies p into the ring as one chunk; it reports false when the
// reserved space is smaller than p or the ring is full.
func push(b *Buffer, p []byte, m Meta) bool {
	buf := b.Reserve()
	if len(buf) < len(p) {
		return false
	}
	b.Commit(copy(buf, p), m)
	return true
}

func TestSingleGoroutine(t *testing.T) {
	b, err := New(64)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Peek(); ok {
		t.Fatal("Peek on an empty ring returned a chunk")
	}
	if !push(b, []byte("abc"), Meta{Time: 10, Woke: 5, Drained: true}) || !push(b, []byte("de"), Meta{Time: 11}) {
		t.Fatal("push into an empty ring failed")
	}
	if n := b.Len(); n != 2 {
		t.Fatalf("Len = %d, want 2", n)
	}
	c, ok := b.Peek()
	if !ok || string(c.Data) != "abc" || c.Time != 10 || c.Woke != 5 || !c.Drained {
		t.Fatalf("Peek = %q %+v %v, want abc time 10 woke 5 drained", c.Data, c, ok)
	}
	if cap(c.Data) != len(c.Data) {
		t.Errorf("chunk capacity %d, want clipped to %d", cap(c.Data), len(c.Data))
	}
	if c2, _ := b.Peek(); string(c2.Data) != "abc" {
		t.Fatalf("second Peek = %q, want the same chunk", c2.Data)
	}
	b.Release()
	c, ok = b.Peek()
	if !ok || string(c.Data) != "de" || c.Time != 11 || c.Drained {
		t.Fatalf("Peek = %q %+v %v, want de", c.Data, c, ok)
	}
	b.Release()
	if _, ok := b.Peek(); ok {
		t.Fatal("ring not empty after releasing everything")
	}
	st := b.Stats()
	if st != (Stats{Bytes: 5, Chunks: 2}) {
		t.Fatalf("Stats = %+v, want 5 bytes, 2 chunks, 0 full", st)
	}
	// Commit(0) publishes nothing.
	b.Reserve()
	b.Commit(0, Meta{})
	if b.Len() != 0 {
		t.Fatal("Commit(0) published a chunk")
	}
}

func TestFullAndWrap(t *testing.T) {
	b, _ := New(64)
	buf := b.Reserve()
	if len(buf) != 64 {
		t.Fatalf("Reserve on an empty ring = %d bytes, want 64", len(buf))
	}
	b.Commit(60, Meta{})
	if buf := b.Reserve(); len(buf) != 4 {
		t.Fatalf("Reserve = %d bytes, want the 4 left", len(buf))
	}
	b.Commit(4, Meta{})
	for range 3 {
		if buf := b.Reserve(); buf != nil {
			t.Fatalf("Reserve on a full ring = %d bytes, want nil", len(buf))
		}
	}
	if st := b.Stats(); st.Full != 1 {
		t.Fatalf("Full = %d after one full episode, want 1", st.Full)
	}
	b.Peek()
	b.Release() // frees [0,60)
	buf = b.Reserve()
	if len(buf) != 60 {
		t.Fatalf("Reserve after release = %d bytes, want 60 at the start", len(buf))
	}
	copy(buf, "wrapped")
	b.Commit(7, Meta{Time: 3})
	b.Peek()
	b.Release() // the 4-byte chunk at the end
	c, ok := b.Peek()
	if !ok || string(c.Data) != "wrapped" || c.Time != 3 {
		t.Fatalf("Peek after wrap = %q, %v", c.Data, ok)
	}
	b.Release()
	if b.Reserve() == nil {
		t.Fatal("Reserve nil on an empty ring")
	}
	b.Commit(0, Meta{})
	if b.Reserve() == nil {
		t.Fatal("Reserve nil on an empty ring")
	}
	if st := b.Stats(); st.Full != 1 {
		t.Fatalf("Full = %d, want still 1", st.Full)
	}
}

func TestDescriptorsFull(t *testing.T) {
	b, _ := New(4096) // 64 descriptors
	n := 0
	for push(b, []byte{byte(n)}, Meta{}) {
		n++
	}
	if n != 64 {
		t.Fatalf("pushed %d one-byte chunks, want 64 (the descriptor count)", n)
	}
	if b.Stats().Full != 1 {
		t.Fatalf("Full = %d, want 1", b.Stats().Full)
	}
	for i := range n {
		c, ok := b.Peek()
		if !ok || len(c.Data) != 1 || c.Data[0] != byte(i) {
			t.Fatalf("chunk %d = %v %v", i, c.Data, ok)
		}
		b.Release()
	}
}

func TestSkipShortTail(t *testing.T) {
	b, _ := New(4096)
	buf := b.Reserve()
	b.Commit(len(buf)-10, Meta{})
	b.Peek()
	b.Release()
	// 10 bytes left before the end, 4086 at the start: Reserve skips the tail.
	buf = b.Reserve()
	if len(buf) != 4086 {
		t.Fatalf("Reserve = %d bytes, want 4086 (the short tail skipped)", len(buf))
	}
	copy(buf, "xyz")
	b.Commit(3, Meta{})
	c, _ := b.Peek()
	if string(c.Data) != "xyz" {
		t.Fatalf("chunk = %q", c.Data)
	}
	b.Release()
	// 4093 bytes are free up to the end; the producer may still see its
	// older (conservative) view of the consumer's progress: 4083.
	if buf = b.Reserve(); len(buf) < 4083 || len(buf) > 4093 {
		t.Fatalf("Reserve after the skipped tail was released = %d, want 4083..4093", len(buf))
	}
}

func TestMisuse(t *testing.T) {
	b, _ := New(64)
	mustPanic(t, "Release of an empty ring", b.Release)
	b.Reserve()
	mustPanic(t, "Commit beyond the reservation", func() { b.Commit(65, Meta{}) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

// streamByte is the content of byte p of the test stream: it varies with
// every byte, so a lost, duplicated or reordered byte is caught.
func streamByte(p uint64) byte { return byte(p ^ p>>8 ^ p>>16 ^ p>>24) }

// runSPSC pushes chunks of 1-8 bytes (content streamByte, Meta.Time = stream
// position of the chunk, Meta.Woke = chunk number) from a producer goroutine
// and checks every chunk in a consumer goroutine. slow makes the consumer
// pause now and then. It returns the ring's Stats.
func runSPSC(t *testing.T, capacity, chunks int, slow bool) Stats {
	b, err := New(capacity)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var total uint64
	go func() { // producer
		defer wg.Done()
		var pos uint64
		for i := range chunks {
			want := 1 + i%8
			var buf []byte
			for buf = b.Reserve(); buf == nil; buf = b.Reserve() {
				runtime.Gosched()
			}
			n := min(want, len(buf))
			for k := range n {
				buf[k] = streamByte(pos + uint64(k))
			}
			b.Commit(n, Meta{Time: int64(pos), Woke: int64(i), Drained: i%3 == 0})
			pos += uint64(n)
		}
		total = pos
	}()
	var pos uint64
	for i := 0; i < chunks; i++ {
		c, ok := b.Peek()
		if !ok {
			runtime.Gosched()
			i--
			continue
		}
		if c.Woke != int64(i) || c.Time != int64(pos) || c.Drained != (i%3 == 0) || len(c.Data) == 0 || len(c.Data) > 1+i%8 {
			t.Fatalf("chunk %d at %d: got woke %d time %d drained %v len %d", i, pos, c.Woke, c.Time, c.Drained, len(c.Data))
		}
		for k, x := range c.Data {
			if want := streamByte(pos + uint64(k)); x != want {
				t.Fatalf("chunk %d byte %d (stream %d) = %#x, want %#x", i, k, pos+uint64(k), x, want)
			}
		}
		pos += uint64(len(c.Data))
		b.Release()
		if slow && i%512 == 0 {
			time.Sleep(50 * time.Microsecond)
		}
	}
	wg.Wait()
	if _, ok := b.Peek(); ok {
		t.Fatal("chunks left after the last one")
	}
	st := b.Stats()
	if st.Chunks != uint64(chunks) || st.Bytes != total || pos != total {
		t.Fatalf("Stats = %+v, consumed %d bytes; want %d chunks, %d bytes", st, pos, chunks, total)
	}
	return st
}

// TestConcurrentMillions runs millions of chunks through a small ring across
// two goroutines (meant for -race) and checks order, content and metadata.
func TestConcurrentMillions(t *testing.T) {
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	st := runSPSC(t, 1024, n, false)
	t.Logf("%d chunks, %d bytes, full %d times", st.Chunks, st.Bytes, st.Full)
}

// TestFullNothingLost has a producer much faster than the consumer: the ring
// goes full many times and every byte still arrives, in order.
func TestFullNothingLost(t *testing.T) {
	st := runSPSC(t, 256, 100_000, true)
	if st.Full == 0 {
		t.Fatal("the ring never went full; the test did not test anything")
	}
	t.Logf("full %d times", st.Full)
}

func TestNoAllocs(t *testing.T) {
	b, _ := New(1024)
	m := Meta{Time: 1}
	allocs := testing.AllocsPerRun(10000, func() {
		buf := b.Reserve()
		buf[0] = 'x'
		b.Commit(1, m)
		c, _ := b.Peek()
		_ = c.Data[0]
		b.Release()
	})
	if allocs != 0 {
		t.Fatalf("Reserve/Commit/Peek/Release allocates %v times per run", allocs)
	}
}

// BenchmarkPushPop is one key through the ring on one goroutine:
// Reserve, Commit 4 bytes, Peek, Release.
func BenchmarkPushPop(b *testing.B) {
	r, _ := New(64 << 10)
	m := Meta{Time: 1, Drained: true}
	b.ReportAllocs()
	for b.Loop() {
		buf := r.Reserve()
		copy(buf, "\x1b[A\x00")
		r.Commit(4, m)
		c, _ := r.Peek()
		_ = c.Data[0]
		r.Release()
	}
}

// BenchmarkSPSC moves 8-byte chunks from a producer goroutine to the
// benchmark goroutine (a cross-core hand-off per chunk when both run).
func BenchmarkSPSC(b *testing.B) {
	r, _ := New(64 << 10)
	n := b.N
	b.ReportAllocs()
	b.SetBytes(8)
	b.ResetTimer()
	go func() {
		for i := range n {
			var buf []byte
			for buf = r.Reserve(); buf == nil; buf = r.Reserve() {
				runtime.Gosched()
			}
			r.Commit(min(8, len(buf)), Meta{Time: int64(i)})
		}
	}()
	for i := 0; i < n; {
		if _, ok := r.Peek(); ok {
			r.Release()
			i++
			continue
		}
		runtime.Gosched()
	}
}
