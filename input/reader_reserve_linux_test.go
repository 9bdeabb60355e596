package input

import (
	"runtime"
	"testing"
)

// TestReaderReservesP: an open Reader raises GOMAXPROCS by one; the
// reservation is counted across Readers, the last Close restores the value
// it found unless the application changed it meanwhile, and NoReserveP
// leaves GOMAXPROCS alone.
func TestReaderReservesP(t *testing.T) {
	base := runtime.GOMAXPROCS(0)
	t.Cleanup(func() { runtime.GOMAXPROCS(base) })
	open := func(opts ReaderOptions) *Reader {
		t.Helper()
		_, slave := openRawPty(t)
		r, err := NewReader(slave, opts)
		if err != nil {
			t.Fatalf("NewReader: %v", err)
		}
		return r
	}
	closeR := func(r *Reader) {
		t.Helper()
		if err := r.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	want := func(step string, n int) {
		t.Helper()
		if got := runtime.GOMAXPROCS(0); got != n {
			t.Fatalf("%s: GOMAXPROCS = %d, want %d", step, got, n)
		}
	}

	a := open(ReaderOptions{})
	want("one Reader open", base+1)
	b := open(ReaderOptions{})
	want("two Readers open", base+1)
	c := open(ReaderOptions{NoReserveP: true})
	want("plus an opted-out Reader", base+1)
	closeR(a)
	want("first of two closed", base+1)
	closeR(c)
	want("opted-out Reader closed", base+1)
	closeR(b)
	want("last Reader closed", base)
	closeR(b) // idempotent: gives nothing back twice
	want("second Close of the last Reader", base)

	d := open(ReaderOptions{NoReserveP: true})
	want("only an opted-out Reader open", base)
	closeR(d)
	want("opted-out Reader closed", base)

	// The application changes GOMAXPROCS while a Reader is open: its value
	// stays after the last Close.
	e := open(ReaderOptions{})
	want("Reader open again", base+1)
	runtime.GOMAXPROCS(base + 3)
	closeR(e)
	want("closed after the application set GOMAXPROCS", base+3)
}
