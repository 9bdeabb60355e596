package spybench

import (
	"strings"
	"testing"
)

func TestStraceCountWrites(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want int64
	}{
		{"empty", "", 0},
		{"plain", "write(4, \"rock!\\n\", 6) = 6\nwrite(4, \"paper\\n\", 6) = 6\n", 2},
		{"pid prefix", "1234 write(4, \"rock!\\n\", 6) = 6\n1234 write(1, \"{}\\n\", 3) = 3\n", 1},
		{"bracket prefix", "[pid  99] write(4, \"x\", 1) = 1\n", 1},
		{"unfinished counts once", "7 write(4, \"rock!\\n\", 6 <unfinished ...>\n8 futex(...) = 0\n7 <... write resumed>) = 6\n", 1},
		{"other fd", "write(40, \"x\", 1) = 1\nwrite(14, \"x\", 1) = 1\n", 0},
		{"exit lines", "+++ exited with 0 +++\n--- SIGURG {si_signo=SIGURG} ---\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := straceCountWrites(strings.NewReader(tc.in), 4)
			if err != nil || got != tc.want {
				t.Errorf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestParseBpftraceLine(t *testing.T) {
	for _, tc := range []struct {
		in   string
		kind bpftraceLine
		n    int64
	}{
		{"READY", btReady, 0},
		{"w", btEvent, 1},
		{"Lost 1234 events", btLost, 1234},
		{"Lost 5 events\r", btLost, 5},
		{"Lost -3 events", btOther, 0},
		{"Lost many events", btOther, 0},
		{"@c: 42", btCount, 42},
		{"@c:", btOther, 0},
		{"Attaching 2 probes...", btOther, 0},
		{"", btOther, 0},
	} {
		kind, n := parseBpftraceLine(tc.in)
		if kind != tc.kind || n != tc.n {
			t.Errorf("%q: got %d, %d; want %d, %d", tc.in, kind, n, tc.kind, tc.n)
		}
	}
}

func FuzzParseBpftraceLine(f *testing.F) {
	for _, s := range []string{"READY", "w", "Lost 12 events", "@c: 7", "Attaching 2 probes..."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		kind, n := parseBpftraceLine(line)
		if n < 0 {
			t.Fatalf("%q: negative count %d", line, n)
		}
		if (kind == btOther || kind == btReady) && n != 0 {
			t.Fatalf("%q: kind %d carries %d", line, kind, n)
		}
	})
}

func FuzzStraceCountWrites(f *testing.F) {
	for _, s := range []string{"write(4, \"rock!\\n\", 6) = 6\n", "12 write(4, \"a\", 1 <unfinished ...>\n12 <... write resumed>) = 1\n", "[pid 3] write(4, \"\", 0) = 0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := straceCountWrites(strings.NewReader(in), 4)
		if err != nil {
			return // a line longer than the scanner's limit
		}
		if lines := int64(strings.Count(in, "\n") + 1); n < 0 || n > lines {
			t.Fatalf("%d writes counted in %d lines", n, lines)
		}
	})
}
