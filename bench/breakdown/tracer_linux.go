package breakdown

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/cilium/ebpf/ringbuf"
	"github.com/cilium/ebpf/rlimit"
	"golang.org/x/sys/unix"
)

// Kind is the kind of a traced event.
type Kind uint32

// Event kinds (the values of enum kind in breakdown.c).
const (
	KindWrite     Kind = 1 // the writer process enters write(2)
	KindWQStart   Kind = 2 // a kernel worker starts flush_to_ldisc
	KindWQEnd     Kind = 3 // ... and finishes it
	KindWakeup    Kind = 4 // a thread of the reader process is woken (Tid2: the waker)
	KindSwitchIn  Kind = 5 // a thread of the reader process is switched in
	KindEpollExit Kind = 6 // a thread of the reader process returns from epoll_wait
)

// Event is one traced event. Time is CLOCK_MONOTONIC ns (input.Now's clock).
type Event struct {
	Time int64
	Kind Kind
	Tid  uint32 // the thread concerned
	Tid2 uint32 // KindWakeup: the waking thread
}

const eventSize = 24 // struct event in breakdown.c

// ErrPrivileges means the process lacks CAP_BPF/CAP_PERFMON (run as root).
var ErrPrivileges = errors.New("eBPF breakdown needs root (CAP_BPF and CAP_PERFMON)")

// Tracer is the loaded and attached BPF program. Configure, then Drain after
// the traced run. Not safe for concurrent use.
type Tracer struct {
	objs  breakdownObjects
	links []link.Link
	rd    *ringbuf.Reader
	flush uint64
}

// FlushToLdisc returns the kernel address of flush_to_ldisc from
// /proc/kallsyms (root needed to see real addresses).
func FlushToLdisc() (uint64, error) {
	f, err := os.Open("/proc/kallsyms")
	if err != nil {
		return 0, fmt.Errorf("open kallsyms: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 3 && fields[2] == "flush_to_ldisc" {
			addr, err := strconv.ParseUint(fields[0], 16, 64)
			if err != nil {
				return 0, fmt.Errorf("kallsyms address %q: %w", fields[0], err)
			}
			if addr == 0 {
				return 0, fmt.Errorf("flush_to_ldisc address hidden in /proc/kallsyms: %w", ErrPrivileges)
			}
			return addr, nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("read kallsyms: %w", err)
	}
	return 0, errors.New("flush_to_ldisc not found in /proc/kallsyms")
}

// Open loads the program and attaches it to its tracepoints. It traces
// nothing until Configure names the processes.
func Open() (*Tracer, error) {
	if unix.Geteuid() != 0 {
		return nil, ErrPrivileges
	}
	flush, err := FlushToLdisc()
	if err != nil {
		return nil, err
	}
	_ = rlimit.RemoveMemlock()
	t := &Tracer{flush: flush}
	if err := loadBreakdownObjects(&t.objs, nil); err != nil {
		return nil, fmt.Errorf("load breakdown BPF program: %w", err)
	}
	for _, p := range []*ebpf.Program{t.objs.HandleSysEnter, t.objs.HandleSysExit, t.objs.HandleWqStart,
		t.objs.HandleWqEnd, t.objs.HandleSchedWakeup, t.objs.HandleSchedSwitch} {
		l, err := link.AttachTracing(link.TracingOptions{Program: p, AttachType: ebpf.AttachTraceRawTp})
		if err != nil {
			t.Close()
			return nil, fmt.Errorf("attach %s: %w", p, err)
		}
		t.links = append(t.links, l)
	}
	if t.rd, err = ringbuf.NewReader(t.objs.Events); err != nil {
		t.Close()
		return nil, fmt.Errorf("breakdown ring buffer: %w", err)
	}
	return t, nil
}

// Configure sets the processes traced: writerTgid's write(2) calls and
// readerTgid's wake-ups, switches and epoll_wait returns. 0 disables.
func (t *Tracer) Configure(writerTgid, readerTgid int) error {
	c := breakdownConfig{WriterTgid: uint32(writerTgid), ReaderTgid: uint32(readerTgid), FlushFn: t.flush}
	if err := t.objs.Cfg.Put(uint32(0), &c); err != nil {
		return fmt.Errorf("configure breakdown: %w", err)
	}
	return nil
}

// Drain returns every event recorded so far, in ring order.
func (t *Tracer) Drain() ([]Event, error) {
	var evs []Event
	var rec ringbuf.Record
	for {
		t.rd.SetDeadline(time.Now())
		err := t.rd.ReadInto(&rec)
		if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, ringbuf.ErrFlushed) {
			return evs, nil
		}
		if err != nil {
			return evs, fmt.Errorf("read breakdown events: %w", err)
		}
		if len(rec.RawSample) < eventSize {
			return evs, fmt.Errorf("breakdown event of %d bytes", len(rec.RawSample))
		}
		b := rec.RawSample
		evs = append(evs, Event{
			Time: int64(binary.NativeEndian.Uint64(b[0:])),
			Kind: Kind(binary.NativeEndian.Uint32(b[8:])),
			Tid:  binary.NativeEndian.Uint32(b[12:]),
			Tid2: binary.NativeEndian.Uint32(b[16:]),
		})
	}
}

// Lost is the number of events the kernel could not record (ring full).
func (t *Tracer) Lost() (uint64, error) {
	var n uint64
	if err := t.objs.Lost.Lookup(uint32(0), &n); err != nil {
		return 0, fmt.Errorf("read lost counter: %w", err)
	}
	return n, nil
}

// Close detaches and unloads everything.
func (t *Tracer) Close() error {
	for _, l := range t.links {
		l.Close()
	}
	t.links = nil
	if t.rd != nil {
		t.rd.Close()
	}
	return t.objs.Close()
}
