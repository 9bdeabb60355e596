// Package event decodes the records that the spy's eBPF programs put in the
// ring buffer, and recognises the rock-paper-scissors moves in them.
//
// It is pure Go (no eBPF, no privileges), so that the game and the tests can
// use it anywhere. The record layout is struct event in bpf/spy/spy.c; a test
// in bpf/spy checks it against the compiled object's BTF.
//
// A record is a 64-byte little-endian header followed by DataLen bytes of the
// written data:
//
//	offset size field
//	     0    8 ts_ns     bpf_ktime_get_ns (CLOCK_MONOTONIC) at syscall entry
//	     8    8 ret       return value: bytes written, or -errno
//	    16    8 count     requested length
//	    24    4 tgid      process id (host PID namespace)
//	    28    4 tid       thread id
//	    32    4 fd        file descriptor (parent tgid for a fork record)
//	    36    4 data_len  bytes of data after the header
//	    40    2 syscall   x86_64 syscall number
//	    42    1 kind      1 write, 2 fork, 3 exit
//	    43    1 flags     1 truncated, 2 more iovecs than inspected
//	    44    4 (padding)
//	    48   16 comm      thread name, NUL-padded
//	    64    … data
package event

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderSize is the size of a record's fixed header in bytes.
const HeaderSize = 64

// MaxCopy is the largest number of data bytes a record can carry (the
// largest copy bound the spy accepts).
const MaxCopy = 4096

// CommLen is the size of the kernel's task name, including the final NUL.
const CommLen = 16

// Kind says what a record reports.
type Kind uint8

// The kinds of record.
const (
	// KindWrite is one write-family system call of a target.
	KindWrite Kind = 1
	// KindFork is a new target process: a child of a target (or of a
	// launcher), followed from its first instruction. PID is the child,
	// Parent the parent.
	KindFork Kind = 2
	// KindExit is the end of a target process (its whole thread group):
	// the kernel has stopped following it.
	KindExit Kind = 3
)

// String returns "write", "fork" or "exit".
func (k Kind) String() string {
	switch k {
	case KindWrite:
		return "write"
	case KindFork:
		return "fork"
	case KindExit:
		return "exit"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Syscall is an x86_64 system call number.
type Syscall uint16

// The system calls that the spy traces.
const (
	SysWrite    Syscall = 1
	SysPwrite64 Syscall = 18
	SysWritev   Syscall = 20
	SysSendto   Syscall = 44
	SysSendmsg  Syscall = 46
	SysPwritev  Syscall = 296
	SysPwritev2 Syscall = 328
)

// String returns the system call's name, or "syscall(N)" for others.
func (s Syscall) String() string {
	switch s {
	case SysWrite:
		return "write"
	case SysPwrite64:
		return "pwrite64"
	case SysWritev:
		return "writev"
	case SysSendto:
		return "sendto"
	case SysSendmsg:
		return "sendmsg"
	case SysPwritev:
		return "pwritev"
	case SysPwritev2:
		return "pwritev2"
	case 0:
		return ""
	}
	return fmt.Sprintf("syscall(%d)", uint16(s))
}

const (
	flagTruncated  = 1
	flagIovPartial = 2
	knownFlags     = flagTruncated | flagIovPartial
)

// Event is one decoded record. Decode reuses Data's backing array, so an
// Event can be decoded into again and again without allocating; copy Data
// before keeping it past the next Decode.
type Event struct {
	// Kind says what the record reports.
	Kind Kind
	// TimeNS is CLOCK_MONOTONIC in nanoseconds (bpf_ktime_get_ns) when the
	// system call was entered, or when the fork or exit happened.
	TimeNS uint64
	// PID is the process (thread group) id in the host PID namespace.
	PID uint32
	// TID is the thread id.
	TID uint32
	// Comm is the thread's name, NUL-padded (see Name).
	Comm [CommLen]byte
	// Syscall is the write-family system call (KindWrite only).
	Syscall Syscall
	// FD is the file descriptor written to (KindWrite only).
	FD int32
	// Parent is the parent process of a KindFork record.
	Parent uint32
	// Requested is the length the caller asked to write. For writev,
	// pwritev(2) and sendmsg it is the sum of the first 16 iovecs' lengths
	// (IovPartial says there were more).
	Requested uint64
	// Ret is the system call's return value: bytes written, or -errno.
	Ret int64
	// Truncated is set when Data holds fewer bytes than were written (the
	// copy bound cut it).
	Truncated bool
	// IovPartial is set when a vector call had more iovecs than the spy
	// inspects (16): Requested and Data cover the first 16.
	IovPartial bool
	// Data is a prefix of the bytes that were written (at most the copy
	// bound), for KindWrite.
	Data []byte
}

// Name returns Comm up to its first NUL.
func (e *Event) Name() string {
	n := bytes.IndexByte(e.Comm[:], 0)
	if n < 0 {
		n = len(e.Comm)
	}
	return string(e.Comm[:n])
}

// Errors returned by Decode.
var (
	// ErrShort means the record is shorter than its header says.
	ErrShort = errors.New("event record too short")
	// ErrMalformed means a header field holds an impossible value.
	ErrMalformed = errors.New("malformed event record")
)

// Decode parses one ring buffer record into ev, reusing ev.Data's storage.
// On error ev is left in an unspecified state. It never panics, whatever rec
// holds, and does not allocate once ev.Data has grown to the copy bound.
func Decode(rec []byte, ev *Event) error {
	if len(rec) < HeaderSize {
		return fmt.Errorf("%w: %d bytes, header needs %d", ErrShort, len(rec), HeaderSize)
	}
	le := binary.LittleEndian
	dataLen := le.Uint32(rec[36:])
	if dataLen > MaxCopy {
		return fmt.Errorf("%w: data length %d exceeds %d", ErrMalformed, dataLen, MaxCopy)
	}
	if uint64(len(rec)-HeaderSize) < uint64(dataLen) {
		return fmt.Errorf("%w: data length %d, record has %d bytes after the header", ErrShort, dataLen, len(rec)-HeaderSize)
	}
	kind := Kind(rec[42])
	if kind < KindWrite || kind > KindExit {
		return fmt.Errorf("%w: unknown kind %d", ErrMalformed, rec[42])
	}
	flags := rec[43]
	if flags&^knownFlags != 0 {
		return fmt.Errorf("%w: unknown flags %#x", ErrMalformed, flags)
	}
	ev.Kind = kind
	ev.TimeNS = le.Uint64(rec[0:])
	ev.Ret = int64(le.Uint64(rec[8:]))
	ev.Requested = le.Uint64(rec[16:])
	ev.PID = le.Uint32(rec[24:])
	ev.TID = le.Uint32(rec[28:])
	fd := le.Uint32(rec[32:])
	ev.FD, ev.Parent = 0, 0
	if kind == KindFork {
		ev.Parent = fd
	} else {
		ev.FD = int32(fd)
	}
	ev.Syscall = Syscall(le.Uint16(rec[40:]))
	ev.Truncated = flags&flagTruncated != 0
	ev.IovPartial = flags&flagIovPartial != 0
	copy(ev.Comm[:], rec[48:64])
	ev.Data = append(ev.Data[:0], rec[HeaderSize:HeaderSize+int(dataLen)]...)
	return nil
}

// Append encodes ev as a record (the inverse of Decode) and appends it to
// dst. Data longer than MaxCopy is cut and marked Truncated. It exists for
// tests and tools that replay or synthesise records.
func Append(dst []byte, ev *Event) []byte {
	var h [HeaderSize]byte
	le := binary.LittleEndian
	data := ev.Data
	flags := byte(0)
	if ev.Truncated {
		flags |= flagTruncated
	}
	if len(data) > MaxCopy {
		data = data[:MaxCopy]
		flags |= flagTruncated
	}
	if ev.IovPartial {
		flags |= flagIovPartial
	}
	le.PutUint64(h[0:], ev.TimeNS)
	le.PutUint64(h[8:], uint64(ev.Ret))
	le.PutUint64(h[16:], ev.Requested)
	le.PutUint32(h[24:], ev.PID)
	le.PutUint32(h[28:], ev.TID)
	if ev.Kind == KindFork {
		le.PutUint32(h[32:], ev.Parent)
	} else {
		le.PutUint32(h[32:], uint32(ev.FD))
	}
	le.PutUint32(h[36:], uint32(len(data)))
	le.PutUint16(h[40:], uint16(ev.Syscall))
	h[42] = byte(ev.Kind)
	h[43] = flags
	copy(h[48:], ev.Comm[:])
	dst = append(dst, h[:]...)
	return append(dst, data...)
}
