package spybench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/bpf/spy"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// wakeupPolicies are the spy's ring buffer wake-up policies, by the name the
// flags and the output use.
var wakeupPolicies = map[string]spy.Wakeup{
	"adaptive": spy.WakeupAdaptive, // the kernel's default: wake when the ring was empty
	"always":   spy.WakeupAlways,   // BPF_RB_FORCE_WAKEUP on every record
	"parked":   spy.WakeupParked,   // wake only a reader that has parked (it spins first)
}

// spySession is the spy, in this process, following one process and
// counting the events of another (the same one for roshambo-spy).
//
// The reader goroutine owns the histogram and counters until done is closed.
type spySession struct {
	s         *spy.Spy
	watch     uint32 // the measured target: its sink writes are counted
	delivered atomic.Int64
	mismatch  int64 // events whose data is not the word written (reader only)
	hist      *hdrhistogram.Histogram
	readErr   error
	done      chan struct{}
	// poll > 0 makes the reader drain the ring, then sleep poll, instead
	// of blocking in Read: the kernel's adaptive wake-up then fires once
	// per drain (the first event into an empty ring), not once per event.
	poll time.Duration
}

// startSpy opens the spy, adds follow as its target and starts reading;
// the events of process watch on the sink fd are counted and timed.
// ringSize 0 is the spy's default ring.
func startSpy(opt *options, follow, watch int, wakeup string, ringSize int, poll time.Duration) (session, error) {
	o := spy.Options{RingSize: ringSize, CopyBytes: opt.copyBytes, NoFollowForks: true}
	w, ok := wakeupPolicies[wakeup]
	if !ok {
		return nil, fmt.Errorf("unknown wake-up policy %q", wakeup)
	}
	o.Wakeup = w
	s, err := spy.Open(o)
	if err != nil {
		if errors.Is(err, spy.ErrNoPrivilege) || errors.Is(err, spy.ErrNoBTF) || errors.Is(err, spy.ErrUnsupportedKernel) {
			return nil, errAbsent{err.Error()}
		}
		return nil, fmt.Errorf("open spy: %w", err)
	}
	if err := s.AddTarget(follow); err != nil {
		s.Close()
		return nil, fmt.Errorf("spy: %w", err)
	}
	ss := &spySession{
		s:     s,
		watch: uint32(watch),
		hist:  hdrhistogram.New(1, int64(10*time.Second), 3),
		done:  make(chan struct{}),
		poll:  poll,
	}
	if poll > 0 {
		// Read returns os.ErrDeadlineExceeded as soon as the ring is empty.
		s.SetDeadline(time.Unix(1, 0))
	}
	go ss.read()
	return ss, nil
}

// read receives events until the spy says its targets have exited or it is
// closed. The receipt time is taken as soon as Read returns the decoded
// event: reveal latency = receipt - the kernel's timestamp at syscall entry.
func (ss *spySession) read() {
	defer close(ss.done)
	var ev event.Event
	for {
		err := ss.s.Read(&ev)
		now := mono.Now()
		if ss.poll > 0 && errors.Is(err, os.ErrDeadlineExceeded) {
			time.Sleep(ss.poll)
			continue
		}
		if err != nil {
			if !errors.Is(err, spy.ErrTargetsExited) && !errors.Is(err, spy.ErrClosed) {
				ss.readErr = err
			}
			return
		}
		if ev.Kind != event.KindWrite || ev.PID != ss.watch || ev.FD != sinkFD {
			continue
		}
		lat := now - int64(ev.TimeNS)
		if lat < 1 {
			lat = 1
		}
		_ = ss.hist.RecordValue(lat) // values past the top (10 s) are not recorded
		if !isWord(ev.Data) {
			ss.mismatch++
		}
		ss.delivered.Add(1)
	}
}

// isWord reports whether data is one of the words the target writes.
func isWord(data []byte) bool {
	for _, w := range words {
		if bytes.Equal(data, w) {
			return true
		}
	}
	return false
}

func (ss *spySession) finish(expected int64) (outcome, error) {
	// For roshambo-spy the reader ends by itself once the target's exit has
	// been read (every event before it too). roshambo-spy-other follows a
	// process that is still alive: wait for delivery to settle.
	select {
	case <-ss.done:
	case <-time.After(100 * time.Millisecond):
		waitSettled(ss.delivered.Load, expected)
	}
	dropped, derr := ss.s.Dropped()
	ss.s.Close()
	<-ss.done
	if ss.readErr != nil {
		return outcome{}, ss.readErr
	}
	if derr != nil {
		return outcome{}, derr
	}
	n := ss.delivered.Load()
	d := int64(dropped)
	out := outcome{delivered: &n, dropped: &d}
	if c := ss.hist.TotalCount(); c > 0 {
		p50, p99, mx := ss.hist.ValueAtQuantile(50), ss.hist.ValueAtQuantile(99), ss.hist.Max()
		out.latP50, out.latP99, out.latMax, out.latN = &p50, &p99, &mx, c
	}
	if ss.mismatch > 0 {
		out.note = fmt.Sprintf("%d events carried data other than the word written", ss.mismatch)
	}
	return out, nil
}

func (ss *spySession) abort() {
	ss.s.Close()
	<-ss.done
}
