package event

import (
	"bytes"
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/game"
)

func write(pid uint32, fd int32, ts uint64, data string) *Event {
	return &Event{Kind: KindWrite, PID: pid, TID: pid, FD: fd, TimeNS: ts, Ret: int64(len(data)), Requested: uint64(len(data)), Data: []byte(data)}
}

func TestAssemblerSplitWrite(t *testing.T) {
	a := NewAssembler()
	if got := a.Add(write(1, 1, 10, "ro")); len(got) != 0 {
		t.Fatalf("half a line completed %d lines", len(got))
	}
	// Another descriptor and another process in between.
	if got := a.Add(write(1, 2, 11, "paper\n")); len(got) != 1 || got[0].FD != 2 {
		t.Fatalf("fd 2: %+v", got)
	}
	if got := a.Add(write(2, 1, 12, "scis")); len(got) != 0 {
		t.Fatalf("other process: %+v", got)
	}
	got := a.Add(write(1, 1, 13, "ck\nrock"))
	if len(got) != 1 {
		t.Fatalf("%d lines, want 1", len(got))
	}
	l := got[0]
	if string(l.Text) != "rock\n" || len(l.Times) != 2 || l.Times[0] != 10 || l.Times[1] != 13 || l.Reveal().Move != game.Rock || !l.Reveal().Confident() {
		t.Fatalf("line %q times %v reveal %+v", l.Text, l.Times, l.Reveal())
	}
	// The exit of process 1 gives up its unterminated "rock".
	got = a.Add(&Event{Kind: KindExit, PID: 1})
	if len(got) != 1 || string(got[0].Text) != "rock" || !got[0].Unterminated || got[0].Reveal().Confident() {
		t.Fatalf("at exit: %+v", got)
	}
	got = a.Flush()
	if len(got) != 1 || string(got[0].Text) != "scis" || got[0].PID != 2 {
		t.Fatalf("flush: %+v", got)
	}
}

func TestAssemblerChanged(t *testing.T) {
	a := NewAssembler()
	a.Add(write(1, 1, 1, "sci"))
	ev := write(1, 1, 2, "ssors\n")
	ev.Changed, ev.Entry = true, []byte("ssers\n")
	got := a.Add(ev)
	if len(got) != 1 {
		t.Fatalf("%d lines", len(got))
	}
	l := got[0]
	r := l.Reveal()
	if !l.Changed || string(l.Entry) != "scissers\n" || r.Confident() || r.Exit.Move != game.Scissors || r.Entry.Found() {
		t.Fatalf("line %q entry %q reveal %+v", l.Text, l.Entry, r)
	}
	// The next line starts clean.
	got = a.Add(write(1, 1, 3, "paper\n"))
	if len(got) != 1 || got[0].Changed || got[0].Entry != nil || !got[0].Reveal().Confident() {
		t.Fatalf("next line: %+v", got)
	}
}

func TestAssemblerTruncated(t *testing.T) {
	a := NewAssembler()
	ev := write(1, 1, 1, "rock\npap")
	ev.Ret, ev.Truncated = 2000, true
	got := a.Add(ev)
	if len(got) != 2 || got[0].Reveal().Move != game.Rock || !got[1].Truncated || got[1].Reveal().Found() {
		t.Fatalf("truncated call: %+v", got)
	}
	// The next line may continue the cut one: not classified.
	got = a.Add(write(1, 1, 2, "er\nscissors\n"))
	if len(got) != 2 || !got[0].Truncated || got[0].Reveal().Found() || got[1].Truncated || got[1].Reveal().Move != game.Scissors {
		t.Fatalf("after the cut: %+v", got)
	}
}

func TestAssemblerTooLong(t *testing.T) {
	a := NewAssembler()
	a.Add(write(1, 1, 1, strings.Repeat(" ", 1000)))
	got := a.Add(write(1, 1, 2, strings.Repeat(" ", 100)+"rock\n"))
	if len(got) != 1 || !got[0].TooLong || len(got[0].Text) != LineMax || got[0].Reveal().Found() {
		t.Fatalf("too long: %d lines %+v", len(got), got)
	}
	got = a.Add(write(1, 1, 3, strings.Repeat(" ", 1000)+"rock\n"))
	if len(got) != 1 || got[0].TooLong || got[0].Reveal().Move != game.Rock {
		t.Fatalf("1000 blanks and a move: %+v", got)
	}
}

func TestAssemblerIgnoresFailures(t *testing.T) {
	a := NewAssembler()
	ev := write(1, 1, 1, "rock\n")
	ev.Ret = -11
	if got := a.Add(ev); len(got) != 0 {
		t.Fatalf("failed write: %+v", got)
	}
	if got := a.Add(&Event{Kind: KindFork, PID: 2, Parent: 1}); len(got) != 0 {
		t.Fatalf("fork: %+v", got)
	}
}

func TestAssemblerBounded(t *testing.T) {
	a := NewAssembler()
	var given int
	for pid := uint32(1); pid <= MaxStreams+10; pid++ {
		given += len(a.Add(write(pid, 1, uint64(pid), "ro")))
	}
	if len(a.streams) > MaxStreams || given != 10 {
		t.Fatalf("%d streams kept, %d given up", len(a.streams), given)
	}
}

// FuzzAssembler splits a stream of bytes into calls at the given cut
// points and checks that the complete lines come out whole, in order, with
// one time per call that wrote part of them.
func FuzzAssembler(f *testing.F) {
	f.Add([]byte("rock\npaper\n"), []byte{2, 3})
	f.Add([]byte("ro\n\n\nck\r\n"), []byte{1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte(strings.Repeat("x", 1030)+"\nrock\n"), []byte{200, 255, 255, 255, 255, 10})
	f.Fuzz(func(t *testing.T, data, cuts []byte) {
		a := NewAssembler()
		var lines []Line
		rest := data
		ts := uint64(0)
		for len(rest) > 0 {
			n := len(rest)
			if len(cuts) > 0 {
				n = min(n, int(cuts[0])+1)
				cuts = cuts[1:]
			}
			ts++
			for _, l := range a.Add(write(1, 1, ts, string(rest[:n]))) {
				l.Text = bytes.Clone(l.Text)
				lines = append(lines, l)
			}
			rest = rest[n:]
		}
		want := bytes.SplitAfter(data, []byte("\n"))
		if len(want) > 0 && len(want[len(want)-1]) == 0 {
			want = want[:len(want)-1]
		}
		if len(want) > 0 && !bytes.HasSuffix(want[len(want)-1], []byte("\n")) {
			want = want[:len(want)-1] // unterminated: still pending
		}
		if len(lines) != len(want) {
			t.Fatalf("%d lines, want %d", len(lines), len(want))
		}
		for i, l := range lines {
			w := want[i]
			if len(w) > LineMax {
				if !l.TooLong || !bytes.Equal(l.Text, w[:LineMax]) {
					t.Fatalf("line %d: %q too long %v, want the first %d bytes of %q", i, l.Text, l.TooLong, LineMax, w)
				}
				continue
			}
			if l.TooLong || !bytes.Equal(l.Text, w) || len(l.Times) == 0 {
				t.Fatalf("line %d: %q (times %v), want %q", i, l.Text, l.Times, w)
			}
			for j := 1; j < len(l.Times); j++ {
				if l.Times[j] <= l.Times[j-1] {
					t.Fatalf("line %d: times %v out of order", i, l.Times)
				}
			}
		}
	})
}
