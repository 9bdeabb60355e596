package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/roshambo-game/roshambo/bpf/event"
)

// jsonLine is one line of --json output.
type jsonLine struct {
	Event      string `json:"event"` // write, fork, exit
	TsNS       uint64 `json:"ts_ns"` // CLOCK_MONOTONIC
	PID        uint32 `json:"pid"`
	TID        uint32 `json:"tid"`
	Comm       string `json:"comm"`
	Syscall    string `json:"syscall,omitempty"`
	FD         int32  `json:"fd"`
	Parent     uint32 `json:"parent,omitempty"`
	Bytes      int64  `json:"bytes"`     // bytes written (0 on error)
	Requested  uint64 `json:"requested"` // length asked for
	Ret        int64  `json:"ret"`       // return value
	Truncated  bool   `json:"truncated"`
	Data       string `json:"data"`
	Move       string `json:"move"` // rock, paper, scissors, commit, or ""
	Commitment string `json:"commitment,omitempty"`
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
	line       []byte
}

func newPrinter(w io.Writer, asJSON, all, color bool) *printer {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	bw := bufio.NewWriter(w)
	return &printer{w: bw, json: asJSON, all: all, color: color,
		wallOffset: time.Now().UnixNano() - ts.Nano(), enc: json.NewEncoder(bw)}
}

func (p *printer) flush() error { return p.w.Flush() }

// print reports ev when it reveals a move (or always with --all) and says
// whether it revealed a move or a commitment. Lines go out at once: the
// report is read live.
func (p *printer) print(ev *event.Event) bool {
	var r event.Reveal
	if ev.Kind == event.KindWrite {
		r = ev.Reveal()
	}
	if !r.Found() && !p.all {
		return false
	}
	if p.json {
		p.printJSON(ev, r)
	} else {
		p.printText(ev, r)
	}
	p.w.Flush()
	return r.Found()
}

func moveName(r event.Reveal) string {
	if r.Move != event.MoveNone {
		return r.Move.String()
	}
	if r.Commit {
		return "commit"
	}
	return ""
}

func (p *printer) printJSON(ev *event.Event, r event.Reveal) {
	l := jsonLine{Event: ev.Kind.String(), TsNS: ev.TimeNS, PID: ev.PID, TID: ev.TID, Comm: ev.Name(),
		Syscall: ev.Syscall.String(), FD: ev.FD, Parent: ev.Parent, Requested: ev.Requested, Ret: ev.Ret,
		Truncated: ev.Truncated, Data: string(ev.Data), Move: moveName(r)}
	if ev.Ret > 0 {
		l.Bytes = ev.Ret
	}
	if r.Commit {
		l.Commitment = string(r.Commitment)
	}
	p.enc.Encode(&l)
}

const (
	ansiReset = "\x1b[0m"
	ansiDim   = "\x1b[2m"
)

var moveColor = map[event.Move]string{
	event.Rock:     "\x1b[1;31m", // bold red
	event.Paper:    "\x1b[1;34m", // bold blue
	event.Scissors: "\x1b[1;33m", // bold yellow
}

const commitColor = "\x1b[1;35m" // bold magenta

// printText writes "15:04:05.000000  pid 123/124  comm  write fd=1  ROCK  "data"".
func (p *printer) printText(ev *event.Event, r event.Reveal) {
	b := p.line[:0]
	t := time.Unix(0, int64(ev.TimeNS)+p.wallOffset)
	b = t.AppendFormat(b, "15:04:05.000000")
	b = fmt.Appendf(b, "  pid %d/%d  %-15s  ", ev.PID, ev.TID, ev.Name())
	switch ev.Kind {
	case event.KindFork:
		b = fmt.Appendf(b, "fork: follows child %d of %d\n", ev.PID, ev.Parent)
		p.w.Write(b)
		p.line = b
		return
	case event.KindExit:
		b = append(b, "exit\n"...)
		p.w.Write(b)
		p.line = b
		return
	}
	b = fmt.Appendf(b, "%s fd=%d", ev.Syscall, ev.FD)
	if m := moveName(r); m != "" {
		label := "  " + upper(m)
		if r.Commit && r.Move == event.MoveNone {
			label = "  COMMIT (move hidden)"
		}
		color := moveColor[r.Move]
		if r.Move == event.MoveNone {
			color = commitColor
		}
		if p.color {
			b = append(b, "  "+color...)
			b = append(b, label[2:]...)
			b = append(b, ansiReset...)
		} else {
			b = append(b, label...)
		}
	}
	b = append(b, "  "...)
	if p.color {
		b = append(b, ansiDim...)
	}
	b = strconv.AppendQuote(b, string(ev.Data))
	if ev.Truncated {
		b = fmt.Appendf(b, "... (%d bytes)", ev.Ret)
	}
	if ev.Ret < 0 {
		b = fmt.Appendf(b, " = %d (error)", ev.Ret)
	}
	if p.color {
		b = append(b, ansiReset...)
	}
	b = append(b, '\n')
	p.w.Write(b)
	p.line = b
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
