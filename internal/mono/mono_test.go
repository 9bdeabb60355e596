package mono

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestNowIsClockMonotonic checks that Now reads CLOCK_MONOTONIC: other processes
// (the benchmark writer, the eBPF side) stamp with that clock and compare.
func TestNowIsClockMonotonic(t *testing.T) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	before := ts.Nano()
	now := Now()
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	after := ts.Nano()
	if now < before || now > after {
		t.Fatalf("Now() = %d, not within CLOCK_MONOTONIC readings [%d, %d]", now, before, after)
	}
}

func TestNowDoesNotAllocate(t *testing.T) {
	if n := testing.AllocsPerRun(1000, func() { _ = Now() }); n != 0 {
		t.Fatalf("Now allocates %v times per call", n)
	}
}

func TestSinceIsNonNegative(t *testing.T) {
	t0 := Now()
	if d := Since(t0); d < 0 {
		t.Fatalf("Since = %d < 0", d)
	}
}

func BenchmarkNow(b *testing.B) {
	for b.Loop() {
		_ = Now()
	}
}
