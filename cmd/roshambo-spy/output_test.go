package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/bpf/event"
)

func writeEvent(data string, truncated bool) *event.Event {
	ev := &event.Event{Kind: event.KindWrite, TimeNS: 5e9, PID: 42, TID: 43, Syscall: event.SysWrite, FD: 1,
		Requested: uint64(len(data)), Ret: int64(len(data)), Truncated: truncated, Data: []byte(data)}
	copy(ev.Comm[:], "roshambo-bot")
	return ev
}

func TestPrintText(t *testing.T) {
	tests := []struct {
		name  string
		ev    *event.Event
		all   bool
		color bool
		want  []string // substrings; nil: nothing printed
		moved bool
	}{
		{"move", writeEvent("rock\n", false), false, false, []string{"pid 42/43", "roshambo-bot", "write fd=1", "  ROCK  ", `"rock\n"`}, true},
		{"colour", writeEvent("paper\n", false), false, true, []string{"\x1b[1;34mPAPER\x1b[0m"}, true},
		{"commit", writeEvent("commit abcd\n", false), false, false, []string{"COMMIT (move hidden)"}, true},
		{"no move", writeEvent("hello\n", false), false, false, nil, false},
		{"no move, --all", writeEvent("hello\n", false), true, false, []string{`"hello\n"`}, false},
		{"truncated", writeEvent("scissors and more", true), false, false, []string{"SCISSORS", "... (17 bytes)"}, true},
		{"fork, --all", &event.Event{Kind: event.KindFork, PID: 7, TID: 7, Parent: 6}, true, false, []string{"fork: follows child 7 of 6"}, false},
		{"exit, --all", &event.Event{Kind: event.KindExit, PID: 7, TID: 7}, true, false, []string{"exit"}, false},
		{"exit", &event.Event{Kind: event.KindExit, PID: 7, TID: 7}, false, false, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := newPrinter(&buf, false, tt.all, tt.color)
			if moved := p.print(tt.ev); moved != tt.moved {
				t.Errorf("print = %v, want %v", moved, tt.moved)
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

func TestPrintJSON(t *testing.T) {
	var buf bytes.Buffer
	p := newPrinter(&buf, true, false, false)
	p.print(writeEvent("commit 00ff\n", false))
	p.print(writeEvent("hello\n", false)) // not a move: not printed without --all
	p.print(writeEvent("Rock!", false))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines: %q", len(lines), buf.String())
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ts_ns", "pid", "tid", "comm", "syscall", "fd", "bytes", "truncated", "data", "move"} {
		if _, ok := first[k]; !ok {
			t.Errorf("field %s missing from %s", k, lines[0])
		}
	}
	if first["move"] != "commit" || first["commitment"] != "00ff" || first["comm"] != "roshambo-bot" || first["syscall"] != "write" {
		t.Errorf("commitment line %s", lines[0])
	}
	var second jsonLine
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if second.Move != "rock" || second.Data != "Rock!" || second.Bytes != 5 || second.TsNS != 5e9 {
		t.Errorf("move line %s", lines[1])
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
