package ptyharness

import (
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Layout of the shared memory (all fields int64, each hot field on its own
// 64-byte cache line so that the writer's stores and the reader's acks do
// not share a line):
//
//	[0]    magic
//	[8]    capacity (number of timestamp slots)
//	[64]   ready:  set to 1 by the reader side when it is reading
//	[128]  ack:    number of samples the reader side has received
//	[192]  limit:  number of samples the writer will write (lowered on early stop)
//	[256]  abort:  set by either side to stop the other (1 = reader gave up)
//	[320]  written: number of samples written so far
//	[512 + 8*i]   mono time just before sample i was written to the master
const (
	magic       = 0x726f7368616d626f // "roshambo"
	offCapacity = 8
	offReady    = 64
	offAck      = 128
	offLimit    = 192
	offAbort    = 256
	offWritten  = 320
	offTimes    = 512
)

// Shared is the memory shared between the reader side (the benchmark) and
// the writer process: a memfd mapped by both. All accessors are atomic, so
// any goroutine of either process may call them; the intended protocol is
// one writer process and one reader goroutine.
type Shared struct {
	f   *os.File
	mem []byte
	n   int
}

// NewShared creates a memfd with room for n timestamps and maps it.
func NewShared(n int) (*Shared, error) {
	if n <= 0 {
		return nil, fmt.Errorf("shared memory: %d samples", n)
	}
	fd, err := unix.MemfdCreate("roshambo-bench", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "memfd:roshambo-bench")
	size := offTimes + 8*n
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		return nil, fmt.Errorf("memfd truncate: %w", err)
	}
	s, err := mapShared(f, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.store(0, magic)
	s.store(offCapacity, int64(n))
	s.store(offLimit, int64(n))
	return s, nil
}

// OpenShared maps a memfd created by NewShared (in the writer process).
func OpenShared(f *os.File) (*Shared, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("shared memory stat: %w", err)
	}
	if st.Size() < offTimes {
		return nil, fmt.Errorf("shared memory: %d bytes, too small", st.Size())
	}
	s, err := mapShared(f, int(st.Size()))
	if err != nil {
		return nil, err
	}
	if s.load(0) != magic {
		s.Close()
		return nil, errors.New("shared memory: bad magic")
	}
	return s, nil
}

func mapShared(f *os.File, size int) (*Shared, error) {
	mem, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mmap memfd: %w", err)
	}
	return &Shared{f: f, mem: mem, n: (size - offTimes) / 8}, nil
}

func (s *Shared) ptr(off int) *int64 { return (*int64)(unsafe.Pointer(&s.mem[off])) }
func (s *Shared) load(off int) int64 { return atomic.LoadInt64(s.ptr(off)) }
func (s *Shared) store(off int, v int64) {
	atomic.StoreInt64(s.ptr(off), v)
}

// File is the memfd, to pass to the writer process.
func (s *Shared) File() *os.File { return s.f }

// Capacity is the number of timestamp slots.
func (s *Shared) Capacity() int { return s.n }

// SetReady marks the reader side as reading; the writer starts then.
func (s *Shared) SetReady() { s.store(offReady, 1) }

// Ready reports whether SetReady was called.
func (s *Shared) Ready() bool { return s.load(offReady) != 0 }

// Ack records that the reader side has received n samples.
func (s *Shared) Ack(n int) { s.store(offAck, int64(n)) }

// Acked is the number of samples the reader side has received.
func (s *Shared) Acked() int { return int(s.load(offAck)) }

// Limit is the number of samples that will be written in all (the
// capacity, or fewer when the writer stopped early at its time budget).
// It is updated before the last sample is written.
func (s *Shared) Limit() int { return int(s.load(offLimit)) }

// SetLimit lowers the number of samples that will be written.
func (s *Shared) SetLimit(n int) { s.store(offLimit, int64(n)) }

// Abort tells the other side to give up.
func (s *Shared) Abort() { s.store(offAbort, 1) }

// Aborted reports whether Abort was called.
func (s *Shared) Aborted() bool { return s.load(offAbort) != 0 }

// SetWriteTime records the mono time at which sample i is written.
func (s *Shared) SetWriteTime(i int, t int64) { s.store(offTimes+8*i, t) }

// WriteTime is the mono time recorded for sample i (0 if not yet written).
func (s *Shared) WriteTime(i int) int64 { return s.load(offTimes + 8*i) }

// SetWritten records that n samples have been written.
func (s *Shared) SetWritten(n int) { s.store(offWritten, int64(n)) }

// Written is the number of samples written so far.
func (s *Shared) Written() int { return int(s.load(offWritten)) }

// Close unmaps the memory and closes the memfd.
func (s *Shared) Close() error {
	err := unix.Munmap(s.mem)
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}
