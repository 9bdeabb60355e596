package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/bpf/event"
)

const rockABC = "056c2fcf7699263e0aa19831eaf9cd04ff91ec3386a448d5e104c5577b55f4d6" // sha256("rock:abc")

func writeEvent(data string, truncated bool) *event.Event {
	ev := &event.Event{Kind: event.KindWrite, TimeNS: 5e9, PID: 42, TID: 43, Syscall: event.SysWrite, FD: 1,
		Requested: uint64(len(data)), Ret: int64(len(data)), Truncated: truncated, Data: []byte(data)}
	copy(ev.Comm[:], "roshambo-bot")
	return ev
}

func changedEvent() *event.Event {
	ev := writeEvent("paper   \n", false)
	ev.Changed, ev.Entry = true, []byte("scissors\n")
	return ev
}

func TestPrintText(t *testing.T) {
	tests := []struct {
		name  string
		evs   []*event.Event
		all   bool
		color bool
		want  []string // substrings; nil: nothing printed
		moves int
	}{
		{"move", []*event.Event{writeEvent("rock\n", false)}, false, false, []string{"pid 42/43", "roshambo-bot", "write fd=1", "  ROCK  ", `"rock\n"`}, 1},
		{"unicode", []*event.Event{writeEvent("SC\u0130SSORS\n", false)}, false, false, []string{"  SCISSORS  "}, 1},
		{"colour", []*event.Event{writeEvent("paper\n", false)}, false, true, []string{"\x1b[1;34mPAPER\x1b[0m"}, 1},
		{"commit", []*event.Event{writeEvent("commit "+rockABC+"\n", false)}, false, false, []string{"COMMIT (move hidden)"}, 1},
		{"reveal", []*event.Event{writeEvent("reveal 3 paper x\n", false)}, false, false, []string{"REVEAL round 3: PAPER"}, 1},
		{"no move", []*event.Event{writeEvent("hello\n", false)}, false, false, nil, 0},
		{"not a protocol line", []*event.Event{writeEvent("I play rock\n", false)}, false, false, nil, 0},
		{"no move, --all", []*event.Event{writeEvent("hello\n", false)}, true, false, []string{`"hello\n"`}, 0},
		{"two calls", []*event.Event{writeEvent("ro", false), func() *event.Event { e := writeEvent("ck\n", false); e.TimeNS += 1500; return e }()},
			false, false, []string{"(2 calls over 2µs)", "ROCK"}, 1},
		{"truncated, --all", []*event.Event{writeEvent("scissors and more", true)}, true, false, []string{"bytes missing"}, 0},
		{"changed", []*event.Event{changedEvent()}, false, false,
			[]string{"REWRITTEN during the write: SCISSORS at entry, PAPER at exit", `"paper   \n" at exit, "scissors\n" at entry`}, 1},
		{"unverified", []*event.Event{func() *event.Event { e := writeEvent("rock\n", false); e.Unverified = true; return e }()},
			false, false, []string{"ROCK (unverified: read only once)"}, 1},
		{"fork, --all", []*event.Event{{Kind: event.KindFork, PID: 7, TID: 7, Parent: 6}}, true, false, []string{"fork: follows child 7 of 6"}, 0},
		{"exit, --all", []*event.Event{{Kind: event.KindExit, PID: 7, TID: 7}}, true, false, []string{"exit"}, 0},
		{"exit", []*event.Event{{Kind: event.KindExit, PID: 7, TID: 7}}, false, false, nil, 0},
		{"ring", []*event.Event{{Kind: event.KindRing, PID: 7, TID: 7, FD: 5, Requested: 2}}, false, false, []string{"io_uring: created a ring, fd=5 with a kernel polling thread"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := newPrinter(&buf, false, tt.all, tt.color)
			moves := 0
			for _, ev := range tt.evs {
				moves += p.print(ev)
			}
			if moves != tt.moves {
				t.Errorf("print = %v moves, want %v", moves, tt.moves)
			}
			out := buf.String()
			if tt.want == nil {
				if out != "" {
					t.Fatalf("printed %q, want nothing", out)
				}
				return
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%q does not contain %q", out, w)
				}
			}
			if !tt.color && strings.Contains(out, "\x1b") {
				t.Errorf("%q has escape codes without colour", out)
			}
			if strings.Count(out, "\n") != 1 {
				t.Errorf("%q is not one line", out)
			}
		})
	}
}

func TestPrintFlush(t *testing.T) {
	var buf bytes.Buffer
	p := newPrinter(&buf, false, false, false)
	if n := p.print(writeEvent("paper", false)); n != 0 {
		t.Fatalf("a line without its newline reported %d moves", n)
	}
	n, err := p.flush()
	if err != nil || n != 1 || !strings.Contains(buf.String(), "PAPER (no newline)") {
		t.Fatalf("flush: %d, %v, %q", n, err, buf.String())
	}
}

func TestPrintJSON(t *testing.T) {
	var buf bytes.Buffer
	p := newPrinter(&buf, true, false, false)
	p.print(writeEvent("commit "+rockABC+"\n", false))
	p.print(writeEvent("hello\n", false)) // not a move: not printed without --all
	p.print(writeEvent("ROC\u212a\n", false))
	p.print(changedEvent())
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines: %q", len(lines), buf.String())
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ts_ns", "call_ts_ns", "pid", "tid", "comm", "syscall", "fd", "bytes", "truncated", "data", "move", "changed"} {
		if _, ok := first[k]; !ok {
			t.Errorf("field %s missing from %s", k, lines[0])
		}
	}
	if first["move"] != "commit" || first["commitment"] != rockABC || first["comm"] != "roshambo-bot" || first["syscall"] != "write" {
		t.Errorf("commitment line %s", lines[0])
	}
	var second jsonLine
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if second.Move != "rock" || second.Data != "ROC\u212a\n" || second.Bytes != 7 || second.TsNS != 5e9 || second.Changed {
		t.Errorf("move line %s", lines[1])
	}
	var third jsonLine
	if err := json.Unmarshal([]byte(lines[2]), &third); err != nil {
		t.Fatal(err)
	}
	if !third.Changed || third.Move != "" || third.EntryMove != "scissors" || third.ExitMove != "paper" || third.EntryData != "scissors\n" {
		t.Errorf("changed line %s", lines[2])
	}
}

func TestUseColor(t *testing.T) {
	var buf bytes.Buffer
	if useColor(&buf) {
		t.Error("colour for a buffer")
	}
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if useColor(f) {
		t.Error("colour for a file that is not a terminal")
	}
	t.Setenv("NO_COLOR", "1")
	if useColor(os.Stdout) {
		t.Error("colour with NO_COLOR set")
	}
}
