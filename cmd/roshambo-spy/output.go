package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/game"
)

// jsonLine is one line of --json output: a line written by a target (event
// "write", reassembled from one or more calls), or with --all a fork, an
// exit or a follow; "ring" (a target created an io_uring) is always shown.
type jsonLine struct {
	Event        string   `json:"event"`                // write, fork, exit, follow, ring
	TsNS         uint64   `json:"ts_ns"`                // CLOCK_MONOTONIC; a line's first call
	CallTsNS     []uint64 `json:"call_ts_ns,omitempty"` // every call that wrote part of the line
	PID          uint32   `json:"pid"`
	TID          uint32   `json:"tid"`
	Comm         string   `json:"comm"`
	Syscall      string   `json:"syscall,omitempty"`
	IoUringOp    string   `json:"io_uring_op,omitempty"`
	FD           int32    `json:"fd"`
	Parent       uint32   `json:"parent,omitempty"`
	SetupFlags   uint64   `json:"setup_flags,omitempty"` // ring: IORING_SETUP_*
	Bytes        int      `json:"bytes"`                 // length of the line as copied
	Truncated    bool     `json:"truncated"`
	TooLong      bool     `json:"too_long,omitempty"`
	Unterminated bool     `json:"unterminated,omitempty"`
	Data         string   `json:"data"`
	Move         string   `json:"move"` // rock, paper, scissors, commit, or ""
	Commitment   string   `json:"commitment,omitempty"`
	Revealed     string   `json:"revealed,omitempty"` // the move of a reveal line
	Round        int      `json:"round,omitempty"`
	Changed      bool     `json:"changed"`
	EntryData    string   `json:"entry_data,omitempty"` // the line as read at the calls' entry, when changed
	EntryMove    string   `json:"entry_move,omitempty"`
	ExitMove     string   `json:"exit_move,omitempty"`
	Unverified   bool     `json:"unverified,omitempty"`
	ByReference  bool     `json:"by_reference,omitempty"`
	ByInode      bool     `json:"by_inode,omitempty"`
	IA32         bool     `json:"ia32,omitempty"`
}

// printer writes the report, buffered; flush before exit.
type printer struct {
	w     *bufio.Writer
	json  bool
	all   bool
	color bool
	// wallOffset turns CLOCK_MONOTONIC nanoseconds into wall-clock time.
	wallOffset int64
	enc        *json.Encoder
	asm        *event.Assembler
	line       []byte
}

func newPrinter(w io.Writer, asJSON, all, color bool) *printer {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	bw := bufio.NewWriter(w)
	return &printer{w: bw, json: asJSON, all: all, color: color,
		wallOffset: time.Now().UnixNano() - ts.Nano(), enc: json.NewEncoder(bw), asm: event.NewAssembler()}
}

// flush reports the lines still waiting for their newline, then writes
// out the buffer. It returns how many of those lines held a move.
func (p *printer) flush() (int, error) {
	moves := p.printLines(p.asm.Flush())
	return moves, p.w.Flush()
}

// print reports what ev completes: the lines it ends, with their moves
// (every line with --all), and with --all forks, exits and follows; a
// target's new io_uring always. It returns how many lines held a move (or
// a commitment, a reveal, or a rewritten buffer). Output goes out at once:
// the report is read live.
func (p *printer) print(ev *event.Event) int {
	moves := 0
	switch ev.Kind {
	case event.KindWrite:
		moves = p.printLines(p.asm.Add(ev))
	case event.KindExit:
		moves = p.printLines(p.asm.Add(ev))
		if p.all {
			p.printTask(ev)
		}
	case event.KindRing:
		p.printTask(ev)
	default:
		if p.all {
			p.printTask(ev)
		}
	}
	p.w.Flush()
	return moves
}

func (p *printer) printLines(lines []event.Line) int {
	moves := 0
	for i := range lines {
		l := &lines[i]
		r := l.Reveal()
		if r.Found() {
			moves++
		} else if !p.all {
			continue
		}
		if p.json {
			p.lineJSON(l, r)
		} else {
			p.lineText(l, r)
		}
	}
	return moves
}

func moveName(r event.Reading) string {
	if r.Move != game.NoMove {
		return r.Move.String()
	}
	if r.Commit {
		return "commit"
	}
	return ""
}

func syscallName(sys event.Syscall, op event.IoUringOp, ia32 bool) string {
	s := sys.String()
	if sys == event.SysIoUring {
		s += " " + op.String()
	}
	if ia32 {
		s += " (" + compatABI + ")"
	}
	return s
}

// compatABI names the 32-bit compat ABI of the machine's kernel: the events
// come from the kernel the spy runs on.
var compatABI = map[bool]string{false: "ia32", true: "aarch32"}[runtime.GOARCH == "arm64"]

func (p *printer) lineJSON(l *event.Line, r event.Reveal) {
	j := jsonLine{Event: "write", TsNS: l.Times[0], CallTsNS: l.Times, PID: l.PID, TID: l.TID, Comm: l.Name(),
		Syscall: l.Syscall.String(), FD: l.FD, Bytes: len(l.Text), Truncated: l.Truncated, TooLong: l.TooLong,
		Unterminated: l.Unterminated, Data: string(l.Text), Move: moveName(answer(r)), Commitment: r.Commitment,
		Revealed: r.Revealed.String(), Round: r.Round, Changed: r.Changed, Unverified: r.Unverified,
		ByReference: r.ByReference, ByInode: l.ByInode, IA32: l.IA32}
	if l.Syscall == event.SysIoUring {
		j.IoUringOp = l.IoUringOp.String()
	}
	if r.Changed {
		j.EntryData = string(l.Entry)
		j.EntryMove, j.ExitMove = moveName(r.Entry), moveName(r.Exit)
	}
	p.enc.Encode(&j)
}

func (p *printer) printTask(ev *event.Event) {
	if p.json {
		j := jsonLine{Event: ev.Kind.String(), TsNS: ev.TimeNS, PID: ev.PID, TID: ev.TID, Comm: ev.Name(), Parent: ev.Parent}
		if ev.Kind == event.KindRing {
			j.FD, j.SetupFlags = ev.FD, ev.Requested
		}
		p.enc.Encode(&j)
		return
	}
	b := p.prefix(ev.TimeNS, ev.PID, ev.TID, ev.Name())
	switch ev.Kind {
	case event.KindFork:
		b = fmt.Appendf(b, "fork: follows child %d of %d\n", ev.PID, ev.Parent)
	case event.KindExit:
		b = append(b, "exit\n"...)
	case event.KindFollow:
		b = fmt.Appendf(b, "follow: now bears or bore the name followed (its children are followed too)\n")
	case event.KindRing:
		b = fmt.Appendf(b, "io_uring: created a ring, fd=%d", ev.FD)
		if ev.Requested&2 != 0 {
			b = append(b, " with a kernel polling thread (SQPOLL)"...)
		}
		b = append(b, '\n')
	}
	p.w.Write(b)
	p.line = b
}

const (
	ansiReset = "\x1b[0m"
	ansiDim   = "\x1b[2m"
)

var moveColor = map[game.Move]string{
	game.Rock:     "\x1b[1;31m", // bold red
	game.Paper:    "\x1b[1;34m", // bold blue
	game.Scissors: "\x1b[1;33m", // bold yellow
}

const (
	commitColor  = "\x1b[1;35m" // bold magenta
	warningColor = "\x1b[1;7m"  // bold reverse
)

// answer is the reading to label the line with: the answer the data gives.
func answer(r event.Reveal) event.Reading {
	return event.Reading{Move: r.Move, Commit: r.Commit, Commitment: r.Commitment}
}

// label returns how a reading is shown: "ROCK", "COMMIT (move hidden)", or "".
func label(r event.Reading) string {
	switch {
	case r.Move != game.NoMove:
		return strings.ToUpper(r.Move.String())
	case r.Commit:
		return "COMMIT (move hidden)"
	}
	return ""
}

func (p *printer) paint(b []byte, color, text string) []byte {
	if !p.color || color == "" {
		return append(b, text...)
	}
	b = append(b, color...)
	b = append(b, text...)
	return append(b, ansiReset...)
}

func readingColor(r event.Reading) string {
	if r.Move != game.NoMove {
		return moveColor[r.Move]
	}
	return commitColor
}

func (p *printer) prefix(ts uint64, pid, tid uint32, comm string) []byte {
	b := p.line[:0]
	t := time.Unix(0, int64(ts)+p.wallOffset)
	b = t.AppendFormat(b, "15:04:05.000000")
	return fmt.Appendf(b, "  pid %d/%d  %-15s  ", pid, tid, comm)
}

// lineText writes "15:04:05.000000  pid 123/124  comm  write fd=1  ROCK  "rock\n"",
// with what the spy knows about the line after it.
func (p *printer) lineText(l *event.Line, r event.Reveal) {
	b := p.prefix(l.Times[0], l.PID, l.TID, l.Name())
	b = fmt.Appendf(b, "%s fd=%d", syscallName(l.Syscall, l.IoUringOp, l.IA32), l.FD)
	if n := len(l.Times); n > 1 {
		b = fmt.Appendf(b, " (%d calls over %v)", n, time.Duration(l.Times[n-1]-l.Times[0]).Round(time.Microsecond))
	}
	switch {
	case r.Changed:
		b = append(b, "  "...)
		b = p.paint(b, warningColor, "REWRITTEN during the write")
		b = fmt.Appendf(b, ": %s at entry, %s at exit", orNothing(label(r.Entry)), orNothing(label(r.Exit)))
	case r.Move != game.NoMove || r.Commit:
		b = append(b, "  "...)
		b = p.paint(b, readingColor(answer(r)), label(answer(r)))
	case r.Revealed != game.NoMove:
		b = append(b, "  "...)
		b = p.paint(b, moveColor[r.Revealed], fmt.Sprintf("REVEAL round %d: %s", r.Round, strings.ToUpper(r.Revealed.String())))
	}
	var notes []string
	if r.Unverified {
		notes = append(notes, "unverified: read only once")
	}
	if r.ByReference {
		notes = append(notes, "vmsplice: the reader gets what the pages hold when it reads")
	}
	if l.ByInode {
		notes = append(notes, "into the watched file")
	}
	if l.Unterminated {
		notes = append(notes, "no newline")
	}
	if l.TooLong {
		notes = append(notes, "longer than a protocol line")
	}
	if l.Truncated {
		notes = append(notes, "bytes missing: cut at the copy bound")
	}
	if len(notes) > 0 {
		b = fmt.Appendf(b, " (%s)", strings.Join(notes, "; "))
	}
	b = append(b, "  "...)
	if p.color {
		b = append(b, ansiDim...)
	}
	b = strconv.AppendQuote(b, string(l.Text))
	if r.Changed {
		b = append(b, " at exit, "...)
		b = strconv.AppendQuote(b, string(l.Entry))
		b = append(b, " at entry"...)
	}
	if p.color {
		b = append(b, ansiReset...)
	}
	b = append(b, '\n')
	p.w.Write(b)
	p.line = b
}

func orNothing(s string) string {
	if s == "" {
		return "no move"
	}
	return s
}
