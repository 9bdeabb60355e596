package spy

import (
	"errors"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/event"
)

func monoNow() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// BenchmarkRevealLatency measures, at game pace (one move every pace), the
// time from a move's write(2) entering the kernel (the event's timestamp)
// to Read returning it, with each wake-up policy. It reports p50 and p99
// in µs. The benchmark process follows itself.
func BenchmarkRevealLatency(b *testing.B) {
	for _, bc := range []struct {
		name   string
		wakeup Wakeup
	}{{"adaptive", WakeupAdaptive}, {"always", WakeupAlways}, {"parked", WakeupParked}} {
		b.Run(bc.name, func(b *testing.B) {
			const pace = 2 * time.Millisecond
			s := openSpy(b, Options{Wakeup: bc.wakeup})
			if err := s.AddTarget(os.Getpid()); err != nil {
				b.Fatal(err)
			}
			null, err := unix.Open("/dev/null", unix.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			defer unix.Close(null)
			var stop atomic.Bool
			done := make(chan struct{})
			go func() {
				defer close(done)
				runtime.LockOSThread()
				msg := []byte("rock\n")
				for !stop.Load() {
					unix.Write(null, msg)
					time.Sleep(pace)
				}
			}()
			lat := make([]float64, 0, b.N)
			var ev event.Event
			b.ResetTimer()
			for len(lat) < b.N {
				if err := s.Read(&ev); err != nil {
					b.Fatal(err)
				}
				now := monoNow()
				if ev.Kind != event.KindWrite || ev.FD != int32(null) {
					continue
				}
				lat = append(lat, float64(now-int64(ev.TimeNS))/1e3)
			}
			b.StopTimer()
			stop.Store(true)
			<-done
			slices.Sort(lat)
			b.ReportMetric(lat[len(lat)/2], "p50-µs")
			b.ReportMetric(lat[len(lat)*99/100], "p99-µs")
			b.ReportMetric(lat[len(lat)-1], "max-µs")
		})
	}
}

// BenchmarkWrite measures a 5-byte write(2) to /dev/null: without the
// spy, with the spy loaded but not following this process, with the spy
// following it and nobody reading, and with a goroutine draining the ring
// (which adds the reader's wake-ups).
func BenchmarkWrite(b *testing.B) {
	null, err := unix.Open("/dev/null", unix.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer unix.Close(null)
	msg := []byte("rock\n")
	loop := func(b *testing.B) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		for b.Loop() {
			unix.Write(null, msg)
		}
	}
	b.Run("no-spy", loop)
	b.Run("untargeted", func(b *testing.B) {
		openSpy(b, Options{})
		loop(b)
	})
	b.Run("targeted-no-reader", func(b *testing.B) {
		// The in-kernel cost alone: nobody reads, so no wake-ups (the ring
		// holds about 190k events; drops are reported).
		s := openSpy(b, Options{RingSize: 16 << 20})
		if err := s.AddTarget(os.Getpid()); err != nil {
			b.Fatal(err)
		}
		loop(b)
		if n, err := s.Dropped(); err == nil && n > 0 {
			b.ReportMetric(float64(n), "dropped")
		}
	})
	for _, pol := range policies {
		b.Run("targeted/"+pol.name, func(b *testing.B) {
			s := openSpy(b, Options{RingSize: 4 << 20, Wakeup: pol.wakeup})
			if err := s.AddTarget(os.Getpid()); err != nil {
				b.Fatal(err)
			}
			done := make(chan struct{})
			go func() {
				defer close(done)
				var ev event.Event
				for s.Read(&ev) == nil {
				}
			}()
			loop(b)
			s.Close()
			<-done
			if n, err := s.Dropped(); err == nil && n > 0 {
				b.ReportMetric(float64(n), "dropped")
			}
		})
	}
}

// BenchmarkRead measures Read and decode per event, from a ring filled
// ahead (in batches, outside the timer).
func BenchmarkRead(b *testing.B) {
	s := openSpy(b, Options{RingSize: 4 << 20})
	if err := s.AddTarget(os.Getpid()); err != nil {
		b.Fatal(err)
	}
	null, _ := unix.Open("/dev/null", unix.O_WRONLY, 0)
	defer unix.Close(null)
	msg := []byte("paper\n")
	var ev event.Event
	b.ReportAllocs()
	b.ResetTimer()
	for left := b.N; left > 0; {
		n := min(left, 10000)
		left -= n
		b.StopTimer()
		for range n {
			unix.Write(null, msg)
		}
		b.StartTimer()
		for got := 0; got < n; {
			if err := s.Read(&ev); err != nil {
				b.Fatal(err)
			}
			if ev.Kind == event.KindWrite && ev.FD == int32(null) {
				got++
			}
		}
	}
	if n, _ := s.Dropped(); n > 0 {
		b.Fatalf("%d events dropped", n)
	}
}

// policies are the wake-up policies that the throughput benchmarks compare.
var policies = []struct {
	name   string
	wakeup Wakeup
}{{"adaptive", WakeupAdaptive}, {"parked", WakeupParked}}

// BenchmarkPaced runs a target writing at a paced rate for 1 s (per
// iteration; use -benchtime 1x) with the default 256 KiB ring, under each
// wake-up policy, and reports the events received and dropped.
func BenchmarkPaced(b *testing.B) {
	for _, rate := range []int{100_000, 1_000_000} {
		for _, pol := range policies {
			b.Run(strconv.Itoa(rate/1000)+"k/"+pol.name, func(b *testing.B) {
				s := openSpy(b, Options{Wakeup: pol.wakeup})
				var got, want int
				for range b.N {
					cmd := helperCmd("paced", "SPY_RATE="+strconv.Itoa(rate), "SPY_DUR=1s")
					if err := s.Launch(cmd); err != nil {
						b.Fatal(err)
					}
					want += rate
					var ev event.Event
					for {
						err := s.Read(&ev)
						if errors.Is(err, ErrTargetsExited) {
							break
						}
						if err != nil {
							b.Fatal(err)
						}
						if ev.Kind == event.KindWrite && len(ev.Data) > 0 && ev.Data[0] == 'p' {
							got++
						}
					}
					if err := cmd.Wait(); err != nil {
						b.Fatal(err)
					}
				}
				dropped, _ := s.Dropped()
				b.ReportMetric(float64(got)/float64(b.N), "events/op")
				b.ReportMetric(float64(want-got)/float64(b.N), "lost/op")
				b.ReportMetric(float64(dropped)/float64(b.N), "dropped/op")
			})
		}
	}
}
