package ptyharness

import (
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/internal/mono"
)

func TestMain(m *testing.M) {
	if code, ok := RunChild(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// readSamples plays a minimal reader side: a blocking read on the slave,
// acknowledging each byte, and returns the latencies.
func readSamples(t *testing.T, p *Pair, sh *Shared, mode Mode) []int64 {
	t.Helper()
	fd, err := unix.Open(p.SlavePath, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	sh.SetReady()
	var lat []int64
	buf := make([]byte, 16)
	for i := 0; i < sh.Limit(); {
		n, err := unix.Read(fd, buf)
		now := mono.Now()
		if err != nil {
			sh.Abort()
			t.Fatalf("read: %v", err)
		}
		for _, b := range buf[:n] {
			if want := ExpectedByte(mode, i); b != want {
				sh.Abort()
				t.Fatalf("sample %d: byte %q, want %q", i, b, want)
			}
			lat = append(lat, now-sh.WriteTime(i))
			i++
		}
		sh.Ack(i)
	}
	return lat
}

func TestWriterEndToEnd(t *testing.T) {
	for _, mode := range []Mode{ModeKeys, ModeEsc} {
		t.Run(string(mode), func(t *testing.T) {
			p, err := OpenPair()
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			const n = 100
			sh, err := NewShared(n)
			if err != nil {
				t.Fatal(err)
			}
			defer sh.Close()
			w, err := StartWriter(p, sh, WriterConfig{Samples: n, GapMin: 100 * time.Microsecond, GapMax: 300 * time.Microsecond, Mode: mode, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if p.Master != nil {
				t.Error("master still held by the harness after StartWriter")
			}
			lat := readSamples(t, p, sh, mode)
			if err := w.Wait(); err != nil {
				t.Fatal(err)
			}
			if len(lat) != n || sh.Written() != n || sh.Acked() != n {
				t.Fatalf("got %d samples, written %d, acked %d; want %d", len(lat), sh.Written(), sh.Acked(), n)
			}
			for i, l := range lat {
				if l <= 0 || l > int64(10*time.Second) {
					t.Errorf("sample %d: latency %d ns out of range", i, l)
				}
			}
		})
	}
}

func TestWriterBudgetStopsEarly(t *testing.T) {
	p, err := OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	const n = 10_000
	sh, err := NewShared(n)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	// 1 ms gaps and a 30 ms budget: far fewer than n samples.
	w, err := StartWriter(p, sh, WriterConfig{Samples: n, GapMin: time.Millisecond, GapMax: time.Millisecond, Mode: ModeKeys, Budget: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	lat := readSamples(t, p, sh, ModeKeys)
	if err := w.Wait(); err != nil {
		t.Fatal(err)
	}
	if len(lat) >= n || len(lat) != sh.Limit() || len(lat) < 2 {
		t.Fatalf("got %d samples with limit %d; want 2 <= got == limit < %d", len(lat), sh.Limit(), n)
	}
}

func TestWriterAbort(t *testing.T) {
	p, err := OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sh, err := NewShared(10)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	w, err := StartWriter(p, sh, WriterConfig{Samples: 10, GapMin: time.Millisecond, GapMax: time.Millisecond, Mode: ModeKeys})
	if err != nil {
		t.Fatal(err)
	}
	sh.Abort()
	if err := w.Wait(); err == nil {
		t.Fatal("writer exited cleanly after the reader side aborted")
	}
}

func TestStartWriterRejectsBadConfig(t *testing.T) {
	p, err := OpenPair()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sh, err := NewShared(10)
	if err != nil {
		t.Fatal(err)
	}
	defer sh.Close()
	for _, cfg := range []WriterConfig{
		{Samples: 11, GapMin: 1, GapMax: 1},
		{Samples: 0, GapMin: 1, GapMax: 1},
		{Samples: 5, GapMin: 2, GapMax: 1},
	} {
		if _, err := StartWriter(p, sh, cfg); err == nil {
			t.Errorf("StartWriter(%+v) succeeded", cfg)
		}
	}
}

func TestSpinner(t *testing.T) {
	s, err := StartSpinner(1)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	var ru unix.Rusage
	s.Stop()
	if err := unix.Getrusage(unix.RUSAGE_CHILDREN, &ru); err != nil {
		t.Fatal(err)
	}
	if cpu := time.Duration(ru.Utime.Nano()); cpu < 50*time.Millisecond {
		t.Errorf("spinner used only %v of CPU in 200 ms", cpu)
	}
}
