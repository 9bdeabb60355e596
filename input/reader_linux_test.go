package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/input/ring"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// openRawPty opens a pty pair and puts the slave in raw mode (cfmakeraw), as
// a terminal application would. It returns the master fd (blocking) and the
// slave fd (blocking, the one the Reader reads).
func openRawPty(t testing.TB) (master, slave int) {
	t.Helper()
	m, s, err := pty.Open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	sfd := int(s.Fd()) // Fd puts the file in blocking mode
	setRaw(t, sfd)
	return int(m.Fd()), sfd
}

// setRaw puts the tty fd in raw mode (cfmakeraw).
func setRaw(t testing.TB, sfd int) {
	t.Helper()
	tio, err := unix.IoctlGetTermios(sfd, unix.TCGETS)
	if err != nil {
		t.Fatalf("get termios: %v", err)
	}
	tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	tio.Cflag &^= unix.CSIZE | unix.PARENB
	tio.Cflag |= unix.CS8
	tio.Cc[unix.VMIN], tio.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(sfd, unix.TCSETS, tio); err != nil {
		t.Fatalf("set raw mode: %v", err)
	}
}

func newReader(t testing.TB, fd int, opts ReaderOptions) *Reader {
	t.Helper()
	r, err := NewReader(fd, opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func writeAll(t testing.TB, fd int, p []byte) {
	for len(p) > 0 {
		n, err := unix.Write(fd, p)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			t.Errorf("write: %v", err)
			return
		}
		p = p[n:]
	}
}

func getfl(t *testing.T, fd int) int {
	t.Helper()
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		t.Fatal(err)
	}
	return fl
}

// TestReaderPtyOrder writes messages to the master one at a time and checks
// that each arrives complete, in order, stamped no earlier than the write and
// never earlier than the chunk before.
func TestReaderPtyOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts ReaderOptions
	}{
		{"spin", ReaderOptions{}},
		{"park-chan", ReaderOptions{Spin: -1, wake: wakeChan}},
		{"park-futex", ReaderOptions{Spin: -1, wake: wakeFutex}},
		{"park-direct", ReaderOptions{Spin: -1, wake: wakeDirect}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openRawPty(t)
			r := newReader(t, slave, tc.opts)
			msgs := []string{"a", "b", "\x1b", "\x1b[A", "é", "\x1b[1;5C", "hello, world", "\x03", "\r", "\x7f", "\x00", "\xff\xfe"}
			var last int64
			for round := range 20 {
				for _, msg := range msgs {
					t0 := mono.Now()
					writeAll(t, master, []byte(msg))
					var got []byte
					for len(got) < len(msg) {
						c, err := r.Next(0)
						if err != nil {
							t.Fatalf("round %d %q: Next: %v", round, msg, err)
						}
						if c.Time < t0 || c.Time < last || c.Woke > c.Time {
							t.Fatalf("round %d %q: chunk time %d woke %d; write at %d, previous chunk %d", round, msg, c.Time, c.Woke, t0, last)
						}
						last = c.Time
						got = append(got, c.Data...)
						r.Release()
					}
					if string(got) != msg {
						t.Fatalf("round %d: got %q, want %q", round, got, msg)
					}
				}
			}
			st := r.Stats()
			t.Logf("%+v", st)
			if want := uint64(20 * len(bytes.Join(func() (b [][]byte) {
				for _, m := range msgs {
					b = append(b, []byte(m))
				}
				return
			}(), nil))); st.Bytes != want {
				t.Fatalf("Stats.Bytes = %d, want %d", st.Bytes, want)
			}
		})
	}
}

// pasteByte is byte i of the paste: every byte value, varying with position.
func pasteByte(i int) byte { return byte(i ^ i>>8 ^ i>>16) }

// TestReaderPaste pushes a 1 MiB burst through the ring: through a 4 KiB
// ring, which goes full many times, and through the default ring, where the
// kernel's own tty buffer (4 KiB in n_tty) fills first and short reads end
// each drain. The whole paste arrives, in order.
func TestReaderPaste(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ringSize int
		wantFull bool
	}{
		{"4KiB-ring", 4096, true},
		{"default-ring", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openRawPty(t)
			r := newReader(t, slave, ReaderOptions{RingSize: tc.ringSize})
			const size = 1 << 20
			paste := make([]byte, size)
			for i := range paste {
				paste[i] = pasteByte(i)
			}
			go writeAll(t, master, paste)
			got := make([]byte, 0, size)
			var last int64
			for n := 0; len(got) < size; n++ {
				c, err := r.Next(mono.Now() + int64(20*time.Second))
				if err != nil {
					t.Fatalf("after %d bytes: %v (stats %+v)", len(got), err, r.Stats())
				}
				if c.Time < last {
					t.Fatalf("chunk time %d before previous %d", c.Time, last)
				}
				last = c.Time
				got = append(got, c.Data...)
				if n%16 == 0 {
					time.Sleep(100 * time.Microsecond) // a slow consumer now and then
				}
				r.Release()
			}
			if i := firstDiff(got, paste); i >= 0 {
				t.Fatalf("paste differs at byte %d of %d (got %d bytes)", i, size, len(got))
			}
			st := r.Stats()
			t.Logf("%+v", st)
			if tc.wantFull && (st.Full == 0 || st.SpaceWaits == 0) {
				t.Fatalf("the ring never filled (Full %d, SpaceWaits %d): the test did not test the full path", st.Full, st.SpaceWaits)
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// TestReaderClose closes the reader while the consumer is parked in Next and
// the reader thread blocked in epoll_wait, and checks that Close returns
// promptly, the consumer gets ErrClosed, the fd's flags are as before and the
// reader goroutine is gone.
func TestReaderClose(t *testing.T) {
	for _, nonblock := range []bool{false, true} {
		t.Run(map[bool]string{false: "blocking-fd", true: "nonblocking-fd"}[nonblock], func(t *testing.T) {
			_, slave := openRawPty(t)
			if nonblock {
				if err := unix.SetNonblock(slave, true); err != nil {
					t.Fatal(err)
				}
			}
			before := getfl(t, slave)
			goroutines := runtime.NumGoroutine()
			r, err := NewReader(slave, ReaderOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if fl := getfl(t, slave); fl&unix.O_NONBLOCK == 0 {
				t.Fatalf("flags while reading %#x: O_NONBLOCK not set", fl)
			}
			errc := make(chan error, 1)
			go func() {
				_, err := r.Next(0)
				errc <- err
			}()
			waitParked(t, r) // both sides asleep
			t0 := time.Now()
			if err := r.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			d := time.Since(t0)
			t.Logf("Close took %v", d)
			if d > time.Second {
				t.Fatalf("Close took %v", d)
			}
			select {
			case <-r.exited:
			default:
				t.Fatal("Close returned before the reader goroutine exited")
			}
			select {
			case err := <-errc:
				if !errors.Is(err, ErrClosed) {
					t.Fatalf("Next after Close = %v, want ErrClosed", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Next still blocked 5 s after Close")
			}
			if after := getfl(t, slave); after != before {
				t.Fatalf("fd flags %#x after Close, %#x before", after, before)
			}
			if err := r.Close(); err != nil {
				t.Fatalf("second Close: %v", err)
			}
			if _, err := r.Next(0); !errors.Is(err, ErrClosed) {
				t.Fatalf("Next after Close = %v, want ErrClosed", err)
			}
			// The reader goroutine and the consumer goroutine are gone.
			for i := 0; runtime.NumGoroutine() > goroutines; i++ {
				if i == 500 {
					t.Fatalf("%d goroutines after Close, %d before", runtime.NumGoroutine(), goroutines)
				}
				time.Sleep(2 * time.Millisecond)
			}
		})
	}
}

// TestReaderCloseKeepsData: chunks captured before Close are still returned.
func TestReaderCloseKeepsData(t *testing.T) {
	master, slave := openRawPty(t)
	r := newReader(t, slave, ReaderOptions{})
	writeAll(t, master, []byte("xyz"))
	for r.Stats().Bytes < 3 {
		time.Sleep(time.Millisecond)
	}
	r.Close()
	c, err := r.Next(0)
	if err != nil || string(c.Data) != "xyz" {
		t.Fatalf("Next = %q, %v; want xyz", c.Data, err)
	}
	r.Release()
	if _, err := r.Next(0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Next = %v, want ErrClosed", err)
	}
}

// TestReaderEOF: a pipe's writer closes; the data comes first, then io.EOF.
func TestReaderEOF(t *testing.T) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(p[0])
	r := newReader(t, p[0], ReaderOptions{})
	writeAll(t, p[1], []byte("last words"))
	unix.Close(p[1])
	var got []byte
	for {
		c, err := r.Next(0)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("Next = %v, want io.EOF", err)
			}
			break
		}
		got = append(got, c.Data...)
		r.Release()
	}
	if string(got) != "last words" {
		t.Fatalf("got %q before EOF", got)
	}
	if _, err := r.Next(0); !errors.Is(err, io.EOF) {
		t.Fatalf("Next again = %v, want io.EOF", err)
	}
}

// TestReaderHangup: the master side goes away; the consumer gets an error
// (EIO, or EOF from a hung-up tty), not silence.
func TestReaderHangup(t *testing.T) {
	m, s, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := newReader(t, int(s.Fd()), ReaderOptions{})
	m.Close()
	done := make(chan error, 1)
	go func() {
		for {
			_, err := r.Next(0)
			if err != nil {
				done <- err
				return
			}
			r.Release()
		}
	}()
	select {
	case err := <-done:
		if !errors.Is(err, unix.EIO) && !errors.Is(err, io.EOF) {
			t.Fatalf("Next after hangup = %v, want EIO or EOF", err)
		}
		t.Logf("after hangup: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no error 5 s after the master closed")
	}
}

func TestReaderDeadline(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts ReaderOptions
	}{{"chan", ReaderOptions{wake: wakeChan}}, {"futex", ReaderOptions{wake: wakeFutex}}, {"direct", ReaderOptions{wake: wakeDirect}}} {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openRawPty(t)
			r := newReader(t, slave, tc.opts)
			for _, d := range []time.Duration{-time.Millisecond, 0, 100 * time.Microsecond, 3 * time.Millisecond} {
				deadline := mono.Now() + int64(d)
				if d == 0 {
					deadline = mono.Now()
				}
				if _, err := r.Next(deadline); !errors.Is(err, ErrDeadline) {
					t.Fatalf("Next(now%+v) = %v, want ErrDeadline", d, err)
				}
				if now := mono.Now(); now < deadline {
					t.Fatalf("ErrDeadline %d ns before the deadline", deadline-now)
				}
			}
			// A chunk that arrives before the deadline wins.
			writeAll(t, master, []byte("k"))
			c, err := r.Next(mono.Now() + int64(5*time.Second))
			if err != nil || string(c.Data) != "k" {
				t.Fatalf("Next = %q, %v", c.Data, err)
			}
			r.Release()
			// The timer is reused: many short deadlines in a row.
			for range 50 {
				if _, err := r.Next(mono.Now() + 20_000); !errors.Is(err, ErrDeadline) {
					t.Fatalf("Next = %v, want ErrDeadline", err)
				}
			}
		})
	}
}

func TestReaderInterrupt(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts ReaderOptions
	}{{"chan", ReaderOptions{wake: wakeChan}}, {"futex", ReaderOptions{wake: wakeFutex}}, {"direct", ReaderOptions{wake: wakeDirect}}} {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openRawPty(t)
			r := newReader(t, slave, tc.opts)
			// Before Next: one-shot.
			r.Interrupt()
			if _, err := r.Next(0); !errors.Is(err, ErrInterrupted) {
				t.Fatalf("Next = %v, want ErrInterrupted", err)
			}
			if _, err := r.Next(mono.Now() + 1e6); !errors.Is(err, ErrDeadline) {
				t.Fatalf("second Next = %v, want ErrDeadline (the interrupt is one-shot)", err)
			}
			// While parked, from other goroutines, many times.
			for i := range 200 {
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					if i%2 == 0 {
						time.Sleep(100 * time.Microsecond)
					}
					r.Interrupt()
				}()
				_, err := r.Next(0)
				wg.Wait()
				if !errors.Is(err, ErrInterrupted) {
					t.Fatalf("Next = %v, want ErrInterrupted", err)
				}
			}
			// Data still flows afterwards.
			writeAll(t, master, []byte("z"))
			c, err := r.Next(0)
			if err != nil || string(c.Data) != "z" {
				t.Fatalf("Next = %q, %v", c.Data, err)
			}
			r.Release()
		})
	}
}

// TestReaderIdle: with no input, neither side loops: the consumer parked
// once, the reader thread did not wake.
func TestReaderIdle(t *testing.T) {
	_, slave := openRawPty(t)
	r := newReader(t, slave, ReaderOptions{})
	errc := make(chan error, 1)
	go func() {
		_, err := r.Next(0)
		errc <- err
	}()
	waitParked(t, r)
	before := r.Stats()
	var ru0, ru1 unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru0)
	time.Sleep(100 * time.Millisecond)
	unix.Getrusage(unix.RUSAGE_SELF, &ru1)
	after := r.Stats()
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	t.Logf("process CPU over 100 ms idle: %v; stats %+v", cpu, after)
	if before.Parks != 1 || after != before {
		t.Fatalf("activity while idle: before %+v, after %+v", before, after)
	}
	r.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Fatalf("Next = %v, want ErrClosed", err)
	}
}

// waitParked polls until the consumer has parked (a loaded machine may take
// a while to run it), or fails after a generous deadline.
func waitParked(t *testing.T, r *Reader) { t.Helper(); waitParks(t, r, 1) }

// waitParks polls until the consumer has parked n times and is parked now.
func waitParks(t *testing.T, r *Reader, n uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for r.Stats().Parks < n || r.parked.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the consumer did not park (%d times): %+v", n, r.Stats())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestNewReaderErrors(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "regular")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	before := getfl(t, fd)
	if _, err := NewReader(fd, ReaderOptions{}); err == nil {
		t.Fatal("NewReader on a regular file succeeded; epoll cannot watch it")
	} else {
		t.Logf("regular file: %v", err)
	}
	if after := getfl(t, fd); after != before {
		t.Fatalf("flags %#x after a failed NewReader, %#x before", after, before)
	}
	if _, err := NewReader(fd, ReaderOptions{RingSize: 1000}); !errors.Is(err, ring.ErrCapacity) {
		t.Fatalf("RingSize 1000: %v, want ring.ErrCapacity", err)
	}
	if _, err := NewReader(-1, ReaderOptions{}); !errors.Is(err, unix.EBADF) {
		t.Fatalf("fd -1: %v, want EBADF", err)
	}
}

// TestReaderNoAllocs: the steady-state capture and consume path (write to a
// pty master, the reader thread reads it into the ring, Next, Release)
// allocates nothing, spinning or parked.
func TestReaderNoAllocs(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts ReaderOptions
	}{
		{"spin", ReaderOptions{}},
		{"park-chan", ReaderOptions{Spin: -1, wake: wakeChan}},
		{"park-futex", ReaderOptions{Spin: -1, wake: wakeFutex}},
		{"park-direct", ReaderOptions{Spin: -1, wake: wakeDirect}},
		{"deadline", ReaderOptions{Spin: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openRawPty(t)
			r := newReader(t, slave, tc.opts)
			key := []byte{'q'}
			var failed error
			allocs := testing.AllocsPerRun(500, func() {
				if _, err := unix.Write(master, key); err != nil {
					failed = err
					return
				}
				var deadline int64
				if tc.name == "deadline" {
					deadline = mono.Now() + int64(time.Second)
				}
				c, err := r.Next(deadline)
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
				t.Fatalf("%v allocations per key", allocs)
			}
		})
	}
}

// TestReaderCloseWhileFull closes the reader while it waits for space and
// the consumer is releasing chunks: the consumer sees a prefix of the input,
// in order, then ErrClosed (run with -race: Release's wake-up of the reader
// races with Close closing the eventfd).
func TestReaderCloseWhileFull(t *testing.T) {
	for range 20 {
		master, slave := openRawPty(t)
		r := newReader(t, slave, ReaderOptions{RingSize: 64})
		input := make([]byte, 2048)
		for i := range input {
			input[i] = pasteByte(i)
		}
		writeAll(t, master, input)
		for r.Stats().SpaceWaits == 0 {
			time.Sleep(100 * time.Microsecond)
		}
		go r.Close()
		var got []byte
		for {
			c, err := r.Next(0)
			if errors.Is(err, ErrClosed) {
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			got = append(got, c.Data...)
			r.Release()
		}
		if len(got) < 64 || !bytes.Equal(got, input[:len(got)]) {
			t.Fatalf("got %d bytes, not a prefix of the input (or less than the ring held)", len(got))
		}
	}
}

// pipeReader returns a Reader on the read end of a fresh pipe that already
// holds data (written before NewReader, so that the first reads see it all
// queued), and the write end.
func pipeReader(t *testing.T, data []byte, opts ReaderOptions) (*Reader, int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	writeAll(t, p[1], data)
	return newReader(t, p[0], opts), p[1]
}

// nextWithin is Next with a generous deadline, so that a lost wake-up fails
// the test instead of hanging it.
func nextWithin(t *testing.T, r *Reader) ring.Chunk {
	t.Helper()
	c, err := r.Next(mono.Now() + int64(20*time.Second))
	if err != nil {
		t.Fatalf("Next: %v (stats %+v)", err, r.Stats())
	}
	return c
}

// TestReaderDrained: Drained is set only on a genuinely short read. A read
// that fills the reserved space exactly says nothing about what the kernel
// still holds, so it must be Drained=false, even when nothing follows.
func TestReaderDrained(t *testing.T) {
	const ringSize = 64 // the first reservation is the whole ring: 64 bytes
	for _, tc := range []struct {
		name   string
		queued int   // bytes in the pipe before the Reader starts
		want   []int // chunk lengths
		wantDr []bool
	}{
		{"exact fill", 64, []int{64}, []bool{false}},
		{"fill then short", 100, []int{64, 36}, []bool{false, true}},
		{"short", 10, []int{10}, []bool{true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := make([]byte, tc.queued)
			for i := range data {
				data[i] = pasteByte(i)
			}
			r, _ := pipeReader(t, data, ReaderOptions{RingSize: ringSize})
			var got []byte
			for i := range tc.want {
				c := nextWithin(t, r)
				if len(c.Data) != tc.want[i] || c.Drained != tc.wantDr[i] {
					t.Fatalf("chunk %d: %d bytes, Drained %v; want %d bytes, Drained %v",
						i, len(c.Data), c.Drained, tc.want[i], tc.wantDr[i])
				}
				got = append(got, c.Data...)
				r.Release()
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("got %q, want %q", got, data)
			}
			if _, err := r.Next(mono.Now() + int64(20*time.Millisecond)); !errors.Is(err, ErrDeadline) {
				t.Fatalf("Next after the data = %v, want ErrDeadline", err)
			}
		})
	}
}

// TestReaderResumeWithoutEdge: the data is queued in the kernel at once (one
// readiness edge) and the ring holds a fraction of it. The reader must
// resume each time the consumer frees space, although no new edge comes:
// nothing is written after the first write.
func TestReaderResumeWithoutEdge(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts ReaderOptions
	}{
		{"spin", ReaderOptions{RingSize: 64}},
		{"park", ReaderOptions{RingSize: 64, Spin: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := make([]byte, 3000)
			for i := range data {
				data[i] = pasteByte(i)
			}
			r, _ := pipeReader(t, data, tc.opts)
			var got []byte
			for len(got) < len(data) {
				c := nextWithin(t, r)
				got = append(got, c.Data...)
				r.Release()
			}
			if i := firstDiff(got, data); i >= 0 {
				t.Fatalf("data differs at byte %d", i)
			}
			st := r.Stats()
			t.Logf("%+v", st)
			if st.SpaceWaits == 0 {
				t.Fatalf("SpaceWaits %d: the ring never went full with data left in the kernel; the test did not test the resume", st.SpaceWaits)
			}
		})
	}
}

// TestReaderDoorbellOnlyWhenParked: the reader rings the doorbell only for a
// parked consumer. A consumer that finds the chunk while spinning costs the
// reader no doorbell; a parked one gets exactly one per wake-up.
func TestReaderDoorbellOnlyWhenParked(t *testing.T) {
	t.Run("spinning", func(t *testing.T) {
		master, slave := openRawPty(t)
		r := newReader(t, slave, ReaderOptions{Spin: time.Minute}) // never parks here
		for i := range 20 {
			errc := make(chan error, 1)
			go func() {
				c, err := r.Next(0)
				if err == nil && string(c.Data) != "s" {
					err = fmt.Errorf("got %q", c.Data)
				}
				if err == nil {
					r.Release()
				}
				errc <- err
			}()
			writeAll(t, master, []byte("s"))
			if err := <-errc; err != nil {
				t.Fatalf("key %d: %v", i, err)
			}
		}
		if st := r.Stats(); st.Doorbells != 0 || st.Parks != 0 {
			t.Fatalf("spinning consumer: %+v; want no park, no doorbell", st)
		}
	})
	// Parked on the futex, a key costs one doorbell; parked on the fd, the
	// consumer reads the key itself and none is rung.
	for _, tc := range []struct {
		name string
		wake wakeMode
	}{{"parked", wakeFutex}, {"parked-on-fd", wakeDirect}} {
		t.Run(tc.name, func(t *testing.T) {
			master, slave := openRawPty(t)
			r := newReader(t, slave, ReaderOptions{Spin: -1, wake: tc.wake})
			// The reader thread's first read (bytes may be queued at
			// start) is over before the consumer parks.
			for r.Stats().Reads == 0 || r.producer.Load() {
				time.Sleep(100 * time.Microsecond)
			}
			for i := range 20 {
				errc := make(chan error, 1)
				go func() {
					c, err := r.Next(0)
					if err == nil && string(c.Data) != "p" {
						err = fmt.Errorf("got %q", c.Data)
					}
					if err == nil {
						r.Release()
					}
					errc <- err
				}()
				if tc.wake == wakeDirect {
					waitDirect(t, r)
				} else {
					waitParks(t, r, uint64(i+1))
				}
				writeAll(t, master, []byte("p"))
				if err := <-errc; err != nil {
					t.Fatalf("key %d: %v", i, err)
				}
				st, n := r.Stats(), uint64(i+1)
				switch {
				case st.Parks != n:
					t.Fatalf("after key %d: %+v; want one park per key", i, st)
				case tc.wake == wakeFutex && st.Doorbells != n:
					t.Fatalf("after key %d: %+v; want one doorbell per key", i, st)
				case tc.wake == wakeDirect && (st.Doorbells != 0 || st.Direct != n):
					t.Fatalf("after key %d: %+v; want one direct read per key, no doorbell", i, st)
				}
			}
		})
	}
}

// TestReaderDirect: in the default mode a parked consumer reads the fd
// itself (Stats.Direct counts it), hands the fd back to the reader thread
// when it returns (bytes written while the consumer works are captured by
// the reader thread, in order), and notices a hangup while it waits.
func TestReaderDirect(t *testing.T) {
	m, s, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	setRaw(t, int(s.Fd()))
	r := newReader(t, int(s.Fd()), ReaderOptions{Spin: -1})
	if r.wake != wakeDirect {
		t.Fatalf("default wake mode %d, want wakeDirect", r.wake)
	}
	next := func() (string, error) {
		c, err := r.Next(mono.Now() + int64(5*time.Second))
		if err != nil {
			return "", err
		}
		defer r.Release()
		return string(c.Data), nil
	}
	for i := range 20 {
		got := make(chan string, 1)
		go func() { s, _ := next(); got <- s }()
		waitDirect(t, r)
		key := string(rune('a' + i))
		if _, err := m.Write([]byte(key)); err != nil {
			t.Fatal(err)
		}
		if s := <-got; s != key {
			t.Fatalf("key %d: got %q, want %q", i, s, key)
		}
		// While the consumer is away, the reader thread captures.
		reads := r.Stats().Reads
		if _, err := m.Write([]byte("xy")); err != nil {
			t.Fatal(err)
		}
		for r.Stats().Reads == reads {
			time.Sleep(100 * time.Microsecond)
		}
		var all string
		for len(all) < 2 {
			s, err := next()
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			all += s
		}
		if all != "xy" {
			t.Fatalf("got %q, want %q", all, "xy")
		}
	}
	st := r.Stats()
	t.Logf("%+v", st)
	if st.Direct < 15 {
		t.Fatalf("Stats.Direct = %d after 20 keys to a parked consumer, want most of them", st.Direct)
	}
	errc := make(chan error, 1)
	go func() { _, err := r.Next(0); errc <- err }()
	waitDirect(t, r)
	m.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, unix.EIO) && !errors.Is(err, io.EOF) {
			t.Fatalf("Next after hangup = %v, want EIO or EOF", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no error 5 s after the master closed while the consumer waited on the fd")
	}
}

// waitDirect polls until the consumer waits on the fd itself.
func waitDirect(t *testing.T, r *Reader) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !r.direct.Load() {
		if time.Now().After(deadline) {
			t.Fatalf("the consumer did not park on the fd: %+v", r.Stats())
		}
		time.Sleep(100 * time.Microsecond)
	}
}
