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
	// KindFollow is a process that became a target by its name (a Comm
	// filter): one of its threads had the name when it wrote, execed into
	// it, or was renamed to it. It stays followed, with its children,
	// until it exits, whatever it is called later.
	KindFollow Kind = 4
	// KindRing is a target that created an io_uring instance: FD is the
	// ring's descriptor and Requested its setup flags (IORING_SETUP_*).
	// It is reported even where none of the ring's requests are decoded.
	KindRing Kind = 5
)

// String returns "write", "fork", "exit", "follow" or "ring".
func (k Kind) String() string {
	switch k {
	case KindWrite:
		return "write"
	case KindFork:
		return "fork"
	case KindExit:
		return "exit"
	case KindFollow:
		return "follow"
	case KindRing:
		return "ring"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Syscall is a write-family system call, identified by its x86_64 number on
// every architecture (write is 1 on arm64 too, whose own number is 64) and
// in every ABI: a 32-bit compat call is reported with the x86_64 number of
// the same call (and Event.IA32 set).
type Syscall uint16

// The system calls that the spy traces. SysIoUring stands for the io_uring
// requests (Event.IoUringOp says which), whichever call submitted them.
const (
	SysWrite    Syscall = 1
	SysPwrite64 Syscall = 18
	SysWritev   Syscall = 20
	SysSendto   Syscall = 44
	SysSendmsg  Syscall = 46
	SysVmsplice Syscall = 278
	SysPwritev  Syscall = 296
	SysSendmmsg Syscall = 307
	SysPwritev2 Syscall = 328
	SysIoUring  Syscall = 426
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
	case SysVmsplice:
		return "vmsplice"
	case SysSendmmsg:
		return "sendmmsg"
	case SysIoUring:
		return "io_uring"
	case 0:
		return ""
	}
	return fmt.Sprintf("syscall(%d)", uint16(s))
}

// IoUringOp is an io_uring opcode (IORING_OP_*).
type IoUringOp uint8

// The io_uring requests that the spy decodes.
const (
	IoUringWritev      IoUringOp = 2
	IoUringWriteFixed  IoUringOp = 5
	IoUringSendmsg     IoUringOp = 9
	IoUringWrite       IoUringOp = 23
	IoUringSend        IoUringOp = 26
	IoUringSendZC      IoUringOp = 47
	IoUringSendmsgZC   IoUringOp = 48
	IoUringWritevFixed IoUringOp = 61
)

// String returns the opcode's name without IORING_OP_, lower-case
// ("write", "send_zc"), or "op(N)".
func (o IoUringOp) String() string {
	switch o {
	case IoUringWritev:
		return "writev"
	case IoUringWriteFixed:
		return "write_fixed"
	case IoUringSendmsg:
		return "sendmsg"
	case IoUringWrite:
		return "write"
	case IoUringSend:
		return "send"
	case IoUringSendZC:
		return "send_zc"
	case IoUringSendmsgZC:
		return "sendmsg_zc"
	case IoUringWritevFixed:
		return "writev_fixed"
	}
	return fmt.Sprintf("op(%d)", uint8(o))
}

const (
	flagTruncated  = 0x001
	flagIovPartial = 0x002
	flagChanged    = 0x004
	flagUnverified = 0x008
	flagIA32       = 0x010
	flagByRef      = 0x020
	flagInode      = 0x040
	flagSubmitted  = 0x080
	flagMore       = 0x100
	knownFlags     = 0x1ff
)

// Event is one decoded record. Decode reuses the backing arrays of Data and
// Entry, so an Event can be decoded into again and again without
// allocating; copy them before keeping them past the next Decode.
type Event struct {
	// Kind says what the record reports.
	Kind Kind
	// TimeNS is CLOCK_MONOTONIC in nanoseconds (bpf_ktime_get_ns) when the
	// system call was entered (an io_uring request submitted), or when
	// the fork, exit or follow happened.
	TimeNS uint64
	// PID is the process (thread group) id in the host PID namespace.
	PID uint32
	// TID is the thread id.
	TID uint32
	// Comm is the thread's name, NUL-padded (see Name).
	Comm [CommLen]byte
	// Syscall is the write-family system call (KindWrite only).
	Syscall Syscall
	// IoUringOp is the request's opcode when Syscall is SysIoUring.
	IoUringOp IoUringOp
	// Message is the index of the message within a sendmmsg call (one
	// event per message sent, for the first 4).
	Message int
	// FD is the file descriptor written to (KindWrite), or the ring's
	// descriptor (KindRing).
	FD int32
	// Parent is the parent process of a KindFork record.
	Parent uint32
	// Requested is the length the caller asked to write. For writev,
	// pwritev(2), vmsplice and sendmsg it is the sum of the first 16
	// iovecs' lengths (IovPartial says there were more).
	Requested uint64
	// Ret is the system call's return value: bytes written, or -errno.
	// For an io_uring request (Submitted) it is the length submitted;
	// for a sendmmsg message, the bytes sent of that message.
	Ret int64
	// Truncated is set when Data holds fewer bytes than were written (the
	// copy bound cut it).
	Truncated bool
	// IovPartial is set when a vector call had more iovecs than the spy
	// inspects (16): Requested and Data cover the first 16.
	IovPartial bool
	// Changed is set when the buffer held other bytes at the start of the
	// call than at its end: another thread (or a page-fault handler)
	// rewrote it while the kernel was consuming it, so what was delivered
	// is not known. Data is the reading at the end, Entry the one at the
	// start; Reveal trusts neither.
	Changed bool
	// Unverified is set when the reading at the start of the call could
	// not cover every byte of Data (its pages were not resident, or the
	// call is one that the spy reads once: a later sendmmsg message, an
	// io_uring request), so a change during the call would go unseen.
	Unverified bool
	// IA32 is set for a system call of the 32-bit compat ABI, decoded with
	// its own numbers and layouts: ia32 on x86_64, AArch32 on arm64.
	IA32 bool
	// ByReference is set for vmsplice: the pipe holds references to the
	// writer's pages, not a copy, so the reader gets whatever they hold
	// when it reads, which may differ from Data.
	ByReference bool
	// ByInode is set when the write was reported because it went into a
	// watched file (Spy.WatchFile), not because of who wrote it.
	ByInode bool
	// Submitted is set for an io_uring request: Data was read when the
	// request was submitted; the kernel may perform it later.
	Submitted bool
	// More is set on the last sendmmsg message reported when more were
	// sent.
	More bool
	// Data is a prefix of the bytes that were written (at most the copy
	// bound), as read at the end of the call, for KindWrite.
	Data []byte
	// Entry is the buffer as read at the start of the call, when Changed.
	Entry []byte
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
	dataLen := int(le.Uint16(rec[36:]))
	entryLen := int(le.Uint16(rec[38:]))
	if dataLen > MaxCopy || entryLen > MaxCopy {
		return fmt.Errorf("%w: data length %d and entry length %d, at most %d each", ErrMalformed, dataLen, entryLen, MaxCopy)
	}
	if len(rec)-HeaderSize < dataLen+entryLen {
		return fmt.Errorf("%w: data length %d + %d, record has %d bytes after the header", ErrShort, dataLen, entryLen, len(rec)-HeaderSize)
	}
	kind := Kind(rec[42])
	if kind < KindWrite || kind > KindRing {
		return fmt.Errorf("%w: unknown kind %d", ErrMalformed, rec[42])
	}
	flags := le.Uint16(rec[44:])
	if flags&^knownFlags != 0 {
		return fmt.Errorf("%w: unknown flags %#x", ErrMalformed, flags)
	}
	if entryLen > 0 && flags&flagChanged == 0 {
		return fmt.Errorf("%w: an entry reading without the changed flag", ErrMalformed)
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
	ev.IoUringOp, ev.Message = 0, 0
	switch ev.Syscall {
	case SysIoUring:
		ev.IoUringOp = IoUringOp(rec[43])
	case SysSendmmsg:
		ev.Message = int(rec[43])
	}
	ev.Truncated = flags&flagTruncated != 0
	ev.IovPartial = flags&flagIovPartial != 0
	ev.Changed = flags&flagChanged != 0
	ev.Unverified = flags&flagUnverified != 0
	ev.IA32 = flags&flagIA32 != 0
	ev.ByReference = flags&flagByRef != 0
	ev.ByInode = flags&flagInode != 0
	ev.Submitted = flags&flagSubmitted != 0
	ev.More = flags&flagMore != 0
	copy(ev.Comm[:], rec[48:64])
	ev.Data = append(ev.Data[:0], rec[HeaderSize:HeaderSize+dataLen]...)
	ev.Entry = append(ev.Entry[:0], rec[HeaderSize+dataLen:HeaderSize+dataLen+entryLen]...)
	return nil
}

// Append encodes ev as a record (the inverse of Decode) and appends it to
// dst. Data and Entry longer than MaxCopy are cut (Data is then marked
// Truncated); Entry is written only when Changed. It exists for tests and
// tools that replay or synthesise records.
func Append(dst []byte, ev *Event) []byte {
	var h [HeaderSize]byte
	le := binary.LittleEndian
	data, entry := ev.Data, ev.Entry
	if !ev.Changed {
		entry = nil
	}
	var flags uint16
	for _, f := range []struct {
		set  bool
		flag uint16
	}{
		{ev.Truncated, flagTruncated}, {ev.IovPartial, flagIovPartial}, {ev.Changed, flagChanged},
		{ev.Unverified, flagUnverified}, {ev.IA32, flagIA32}, {ev.ByReference, flagByRef},
		{ev.ByInode, flagInode}, {ev.Submitted, flagSubmitted}, {ev.More, flagMore},
	} {
		if f.set {
			flags |= f.flag
		}
	}
	if len(data) > MaxCopy {
		data = data[:MaxCopy]
		flags |= flagTruncated
	}
	if len(entry) > MaxCopy {
		entry = entry[:MaxCopy]
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
	le.PutUint16(h[36:], uint16(len(data)))
	le.PutUint16(h[38:], uint16(len(entry)))
	le.PutUint16(h[40:], uint16(ev.Syscall))
	h[42] = byte(ev.Kind)
	switch ev.Syscall {
	case SysIoUring:
		h[43] = byte(ev.IoUringOp)
	case SysSendmmsg:
		h[43] = byte(ev.Message)
	}
	le.PutUint16(h[44:], flags)
	copy(h[48:], ev.Comm[:])
	dst = append(dst, h[:]...)
	dst = append(dst, data...)
	return append(dst, entry...)
}
