package event

import (
	"bytes"

	"github.com/roshambo-game/roshambo/game"
)

// LineMax is the longest line the game reads from an opponent, its line
// ending included: the protocol's MaxLine plus "\r\n". The spy's default
// copy bound covers it.
const LineMax = game.MaxLine + 2

// MaxStreams bounds how many (process, descriptor) pairs an Assembler keeps
// a partial line for; beyond it, the oldest partial line is given up
// (reported as Unterminated).
const MaxStreams = 4096

// Line is one line that a process wrote to a descriptor, reassembled from
// the calls that wrote it, as the game's line reader would see it.
type Line struct {
	// PID, TID and Comm are those of the last call's thread.
	PID, TID uint32
	Comm     [CommLen]byte
	// FD is the descriptor written to.
	FD int32
	// Syscall and IoUringOp are the last call's.
	Syscall   Syscall
	IoUringOp IoUringOp
	// Text is the line as read at the end of each call, its newline
	// included (at most LineMax bytes).
	Text []byte
	// Entry is the line as read at the start of each call, when Changed.
	Entry []byte
	// Times holds every call's TimeNS, in order: a line written in two
	// calls has two.
	Times []uint64
	// Changed, Unverified, ByReference, ByInode, Submitted and IA32 are
	// set when they are set on any of the calls (see Event).
	Changed, Unverified, ByReference, ByInode, Submitted, IA32 bool
	// Truncated is set when bytes of the line are missing: a call was cut
	// at the copy bound, so the line may go on beyond the cut, or may have
	// begun in the bytes that were cut. It is not classified.
	Truncated bool
	// TooLong is set when the line is longer than LineMax: the game
	// rejects it. Text holds its first LineMax bytes.
	TooLong bool
	// Unterminated is set when the line has no newline: the process
	// exited, or the Assembler gave up on it.
	Unterminated bool
}

// Name returns Comm up to its first NUL.
func (l *Line) Name() string {
	n := bytes.IndexByte(l.Comm[:], 0)
	if n < 0 {
		n = len(l.Comm)
	}
	return string(l.Comm[:n])
}

// Reveal says what the line holds, by the game's rules: for a Changed line,
// both readings; nothing for a Truncated or TooLong one.
func (l *Line) Reveal() Reveal {
	if l.Truncated || l.TooLong {
		return Reveal{Truncated: l.Truncated}
	}
	exit := Recognize(l.Text, false)
	if !l.Changed {
		exit.Unverified = l.Unverified || l.Submitted
		exit.ByReference = l.ByReference
		return exit
	}
	return changed(Recognize(l.Entry, false), exit, false, l.ByReference)
}

type streamKey struct {
	pid uint32
	fd  int32
}

// stream is a partial line.
type stream struct {
	line     Line
	desync   bool   // a call was cut: the next bytes up to a newline may continue a line whose start is lost
	tooLong  bool   // the line passed LineMax: skip to its newline
	serial   uint64 // when it was last written, for eviction
	hasEntry bool
}

// Assembler reassembles the lines that processes write, per process and
// descriptor, from the write events of the spy: a line written in several
// calls ("ro", then "ck\n") is one Line, with every call's time. The
// partial line of each pair is bounded by LineMax; what goes beyond is a
// TooLong line, as for the game.
//
// Events of one (process, descriptor) must come in the order of their calls;
// two threads that write parts of lines to one descriptor at once may be
// reassembled out of order.
//
// An Assembler is not safe for concurrent use.
type Assembler struct {
	streams map[streamKey]*stream
	out     []Line
	free    []*stream
	serial  uint64
}

// NewAssembler returns an empty Assembler.
func NewAssembler() *Assembler {
	return &Assembler{streams: make(map[streamKey]*stream)}
}

// Add takes one event and returns the lines it completes: those ended by a
// newline in a write, those given up (TooLong), and, for a KindExit, the
// process's unterminated lines. The result is valid until the next call of
// Add or Flush. Events other than successful writes complete nothing, except
// an exit.
func (a *Assembler) Add(ev *Event) []Line {
	a.out = a.out[:0]
	switch {
	case ev.Kind == KindExit:
		a.flush(ev.PID)
		return a.out
	case ev.Kind != KindWrite || ev.Ret <= 0:
		return a.out
	}
	a.serial++
	key := streamKey{ev.PID, ev.FD}
	st := a.streams[key]
	if st == nil {
		if len(a.streams) >= MaxStreams {
			a.evict()
		}
		st = a.newStream()
		a.streams[key] = st
	}
	st.serial = a.serial
	data, entry := ev.Data, ev.Entry
	if !ev.Changed {
		entry = nil
	}
	for len(data) > 0 {
		n := bytes.IndexByte(data, '\n')
		part := data
		if n >= 0 {
			part = data[:n+1]
		}
		var epart []byte
		if entry != nil {
			epart = entry[:min(len(part), len(entry))]
			entry = entry[len(epart):]
		}
		a.append(st, ev, part, epart)
		data = data[len(part):]
		if n >= 0 {
			a.complete(key, st, false)
		}
	}
	if ev.Truncated {
		// The rest of the call was not copied: the partial line goes on
		// there, and the next bytes may belong to a line whose start is
		// lost.
		if len(st.line.Times) > 0 && st.line.Times[len(st.line.Times)-1] == ev.TimeNS {
			st.line.Truncated = true
			a.complete(key, st, true)
		}
		st.desync = true
	}
	if len(st.line.Times) == 0 && !st.desync && !st.tooLong {
		delete(a.streams, key)
		a.free = append(a.free, st)
	}
	return a.out
}

// Flush returns the unterminated lines of every process, and forgets them
// (at the end of a trace). The result is valid until the next call of Add
// or Flush.
func (a *Assembler) Flush() []Line {
	a.out = a.out[:0]
	for key, st := range a.streams {
		a.giveUp(key, st)
	}
	return a.out
}

// append adds part (up to and including a newline, or the rest of the
// call) of ev's data to the stream's line; epart is the same bytes as read
// at the entry of the call, when it changed.
func (a *Assembler) append(st *stream, ev *Event, part, epart []byte) {
	l := &st.line
	if len(l.Times) == 0 || l.Times[len(l.Times)-1] != ev.TimeNS || l.TID != ev.TID {
		l.Times = append(l.Times, ev.TimeNS)
	}
	l.PID, l.TID, l.Comm, l.FD = ev.PID, ev.TID, ev.Comm, ev.FD
	l.Syscall, l.IoUringOp = ev.Syscall, ev.IoUringOp
	l.Changed = l.Changed || ev.Changed
	l.Unverified = l.Unverified || ev.Unverified
	l.ByReference = l.ByReference || ev.ByReference
	l.ByInode = l.ByInode || ev.ByInode
	l.Submitted = l.Submitted || ev.Submitted
	l.IA32 = l.IA32 || ev.IA32
	if st.desync {
		l.Truncated = true
	}
	if st.tooLong {
		return
	}
	if ev.Changed && !st.hasEntry {
		// Before this call, both readings were the same.
		l.Entry = append(l.Entry[:0], l.Text...)
		st.hasEntry = true
	}
	if len(l.Text)+len(part) > LineMax {
		room := LineMax - len(l.Text)
		l.Text = append(l.Text, part[:room]...)
		if st.hasEntry {
			l.Entry = append(l.Entry, fill(epart, part)[:room]...)
		}
		l.TooLong = true
		st.tooLong = true
		return
	}
	l.Text = append(l.Text, part...)
	if st.hasEntry {
		l.Entry = append(l.Entry, fill(epart, part)...)
	}
}

// fill returns the entry reading of part: epart, completed with part's own
// bytes where the entry reading was shorter.
func fill(epart, part []byte) []byte {
	if len(epart) >= len(part) {
		return epart[:len(part)]
	}
	return append(append([]byte(nil), epart...), part[len(epart):]...)
}

// complete reports the stream's line and starts a new one. A line that
// ended (a newline, not cut) clears the stream's loss of sync.
func (a *Assembler) complete(key streamKey, st *stream, cut bool) {
	if len(st.line.Times) > 0 {
		a.out = append(a.out, st.line)
		a.out[len(a.out)-1].Text = append([]byte(nil), st.line.Text...)
		if st.hasEntry {
			a.out[len(a.out)-1].Entry = append([]byte(nil), st.line.Entry...)
		} else {
			a.out[len(a.out)-1].Entry = nil
		}
		a.out[len(a.out)-1].Times = append([]uint64(nil), st.line.Times...)
	}
	if !cut {
		st.desync = false
		st.tooLong = false
	}
	st.reset()
}

func (st *stream) reset() {
	l := &st.line
	text, entry, times := l.Text[:0], l.Entry[:0], l.Times[:0]
	*l = Line{Text: text, Entry: entry, Times: times}
	st.hasEntry = false
}

func (a *Assembler) newStream() *stream {
	if n := len(a.free); n > 0 {
		st := a.free[n-1]
		a.free = a.free[:n-1]
		st.reset()
		st.desync, st.tooLong = false, false
		return st
	}
	return &stream{}
}

// giveUp reports a stream's partial line as Unterminated and forgets it.
func (a *Assembler) giveUp(key streamKey, st *stream) {
	if len(st.line.Times) > 0 {
		st.line.Unterminated = true
		a.complete(key, st, true)
	}
	delete(a.streams, key)
	a.free = append(a.free, st)
}

func (a *Assembler) flush(pid uint32) {
	for key, st := range a.streams {
		if key.pid == pid {
			a.giveUp(key, st)
		}
	}
}

// evict gives up the partial line written longest ago.
func (a *Assembler) evict() {
	var oldest streamKey
	var st *stream
	for k, s := range a.streams {
		if st == nil || s.serial < st.serial {
			oldest, st = k, s
		}
	}
	if st != nil {
		a.giveUp(oldest, st)
	}
}
