package input

import (
	"encoding/binary"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/mono"
)

// BenchmarkPtyRoundTrip writes one key to a pty master and waits for it with
// Next, per iteration. Besides ns/op (the whole round trip) it reports, as
// percentiles over the iterations:
//
//	capture-p50/p99-ns  master write -> capture time (kernel tty flush + reader wake + read)
//	handoff-p50/p99-ns  capture time -> Next returned (the consumer's wake: spin hit or doorbell)
//
// Sub-benchmarks compare spinning first (the default) with parking at once,
// and the channel doorbell (the default) with a futex. gap=0 writes each key
// right after the previous one was consumed (a burst: the consumer is still
// spinning). gap=1ms has a writer goroutine type a key every millisecond,
// like a (fast) human: the consumer has parked long before each key, so the
// handoff is the doorbell's wake-up; ns/op then includes the gap.
func BenchmarkPtyRoundTrip(b *testing.B) {
	type variant struct {
		name string
		opts ReaderOptions
		gap  time.Duration
	}
	var variants []variant
	for _, gap := range []time.Duration{0, time.Millisecond} {
		for _, w := range []struct {
			name string
			mode wakeMode
		}{{"chan", wakeChan}, {"futex", wakeFutex}, {"direct", wakeDirect}} {
			for _, s := range []struct {
				name string
				spin time.Duration
			}{{"default", 0}, {"none", -1}} {
				variants = append(variants, variant{
					name: "gap=" + map[time.Duration]string{0: "0", time.Millisecond: "1ms"}[gap] + "/spin=" + s.name + "/wake=" + w.name,
					opts: ReaderOptions{Spin: s.spin, wake: w.mode},
					gap:  gap,
				})
			}
		}
	}
	for _, bc := range variants {
		b.Run(bc.name, func(b *testing.B) {
			master, slave := openRawPty(b)
			r := newReader(b, slave, bc.opts)
			capture := make([]int64, b.N)
			handoff := make([]int64, b.N)
			if bc.gap > 0 {
				// A writer goroutine types a key every gap, so the
				// consumer has parked long before each key arrives.
				go func() {
					var key [8]byte
					for range b.N {
						time.Sleep(bc.gap)
						binary.NativeEndian.PutUint64(key[:], uint64(mono.Now()))
						writeAll(b, master, key[:])
					}
				}()
			}
			var key [8]byte
			var pend [64]byte // partial frame of the gap>0 writer
			np := 0
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; {
				var t0 int64
				if bc.gap == 0 {
					t0 = mono.Now()
					if _, err := unix.Write(master, key[:1]); err != nil {
						b.Fatal(err)
					}
				}
				c, err := r.Next(0)
				t1 := mono.Now()
				if err != nil {
					b.Fatalf("Next: %v", err)
				}
				if bc.gap == 0 {
					capture[i], handoff[i] = c.Time-t0, t1-c.Time
					i++
					r.Release()
					continue
				}
				// Keys may pile up in one chunk when the consumer is late.
				for _, x := range c.Data {
					pend[np] = x
					if np++; np == 8 {
						np = 0
						if i < b.N {
							t0 = int64(binary.NativeEndian.Uint64(pend[:8]))
							capture[i], handoff[i] = c.Time-t0, t1-c.Time
							i++
						}
					}
				}
				r.Release()
			}
			b.StopTimer()
			report(b, "capture", capture)
			report(b, "handoff", handoff)
			st := r.Stats()
			b.ReportMetric(float64(st.Parks)/float64(b.N), "parks/op")
		})
	}
}

func report(b *testing.B, name string, v []int64) {
	slices.Sort(v)
	b.ReportMetric(float64(v[len(v)/2]), name+"-p50-ns")
	b.ReportMetric(float64(v[len(v)*99/100]), name+"-p99-ns")
}
