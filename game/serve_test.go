package game

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// writeRecorder records every Write call separately.
type writeRecorder struct{ writes []string }

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

// checkOneLinePerWrite fails unless each Write carried exactly one whole line.
func checkOneLinePerWrite(t *testing.T, writes []string) {
	t.Helper()
	for _, w := range writes {
		if !strings.HasSuffix(w, "\n") || strings.Count(w, "\n") != 1 {
			t.Errorf("write %q is not exactly one line", w)
		}
	}
}

func TestServeBotPlain(t *testing.T) {
	in := "hello there\nround 1\nround 1\nopponent 1 rock\nopponent 7 rock\nround 2\nopponent 2 paper\nround 3\nquit\nround 4\n"
	var out writeRecorder
	if err := ServeBot(strings.NewReader(in), &out, constant(Scissors), ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"scissors\n", "scissors\n", "scissors\n", "scissors\n"}
	if fmt.Sprint(out.writes) != fmt.Sprint(want) {
		t.Errorf("writes %q, want %q", out.writes, want)
	}
	checkOneLinePerWrite(t, out.writes)
}

// recordingStrategy plays a fixed sequence and records its updates.
type recordingStrategy struct {
	moves   []Move
	n       int
	updates []string
}

func (*recordingStrategy) Name() string { return "recording" }
func (s *recordingStrategy) Next() Move { return s.moves[s.n%len(s.moves)] }
func (s *recordingStrategy) Update(mine, theirs Move) {
	s.updates = append(s.updates, mine.String()+"/"+theirs.String())
	s.n++
}

func TestServeBotCommit(t *testing.T) {
	s := &recordingStrategy{moves: []Move{Rock, Paper}}
	nonces := bytes.NewReader(bytes.Repeat([]byte{0xab}, 64))
	in := "round 1\nopponent 1 scissors\nopponent 1 scissors\nround 2\nopponent 2 rock\n" // EOF, no quit
	var out writeRecorder
	if err := ServeBot(strings.NewReader(in), &out, s, ServeOptions{Commit: true, Nonce: nonces}); err != nil {
		t.Fatal(err)
	}
	checkOneLinePerWrite(t, out.writes)
	nonce := strings.Repeat("ab", 16)
	want := []string{
		"commit " + Commitment(Rock, nonce) + "\n",
		"reveal 1 rock " + nonce + "\n",
		"reveal 1 rock " + nonce + "\n", // a repeated opponent line gets the reveal again
		"commit " + Commitment(Paper, nonce) + "\n",
		"reveal 2 paper " + nonce + "\n",
	}
	if strings.Join(out.writes, "") != strings.Join(want, "") {
		t.Errorf("writes:\n%s\nwant:\n%s", strings.Join(out.writes, ""), strings.Join(want, ""))
	}
	if fmt.Sprint(s.updates) != "[rock/scissors paper/rock]" {
		t.Errorf("strategy updates %v", s.updates)
	}
}

func TestServeBotIgnoresLongLines(t *testing.T) {
	in := strings.Repeat("z", 10*MaxLine) + "\nround 1\n" + strings.Repeat("y", 5000)
	var out writeRecorder
	if err := ServeBot(strings.NewReader(in), &out, constant(Rock), ServeOptions{}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out.writes) != "[rock\n]" {
		t.Errorf("writes %q", out.writes)
	}
}

// FuzzServeBot feeds arbitrary input to the bot side: it must not fail on
// input alone, and every write must be exactly one protocol line.
func FuzzServeBot(f *testing.F) {
	f.Add("round 1\nopponent 1 rock\nquit\n", true)
	f.Add("round 2\nround 1\nopponent 2 paper\n\x00\nround 3", false)
	f.Fuzz(func(t *testing.T, in string, commit bool) {
		var out writeRecorder
		if err := ServeBot(strings.NewReader(in), &out, NewIocaine(1), ServeOptions{Commit: commit}); err != nil {
			t.Fatal(err)
		}
		checkOneLinePerWrite(t, out.writes)
		for _, w := range out.writes {
			m, err := ParseMessage(w)
			if err != nil {
				t.Fatalf("bot wrote %q: %v", w, err)
			}
			if commit && m.Kind == MsgMove || !commit && m.Kind != MsgMove {
				t.Fatalf("bot wrote %q in commit=%v mode", w, commit)
			}
		}
	})
}

// FuzzReadLine checks the line framing that both sides of the protocol use
// against a model: every "\n"-terminated line comes back without its "\n"
// (and a "\r" before it), a line longer than MaxLine+2 bytes with its ending
// is reported as errLongLine and skipped whole, and a final unterminated
// line is returned before io.EOF. The reader's buffer is small, so long
// lines cross many buffer refills.
func FuzzReadLine(f *testing.F) {
	f.Add("round 1\r\nquit\n", 0)
	f.Add("rock\npaper", 0)
	f.Add("x", MaxLine+5)
	f.Fuzz(func(t *testing.T, in string, pad int) {
		if pad < 0 || pad > 3*MaxLine {
			pad = 0
		}
		in = strings.Repeat("a", pad) + in
		var want []string // the model: lines, or "<long>"
		rest := in
		for {
			i := strings.IndexByte(rest, '\n')
			if i < 0 {
				break
			}
			if i+1 > MaxLine+2 {
				want = append(want, "<long>")
			} else {
				want = append(want, trimEOL(rest[:i+1]))
			}
			rest = rest[i+1:]
		}
		r := bufio.NewReaderSize(strings.NewReader(in), 16)
		for i, w := range want {
			got, err := readLine(r)
			if errors.Is(err, errLongLine) {
				got = "<long>"
			} else if err != nil {
				t.Fatalf("line %d: %v, want %q", i, err, w)
			}
			if got != w {
				t.Fatalf("line %d: %q, want %q", i, got, w)
			}
		}
		got, err := readLine(r)
		switch {
		case rest == "":
			if err != io.EOF {
				t.Fatalf("after the last line: %q, %v; want io.EOF", got, err)
			}
		case len(rest) <= MaxLine+2:
			if err != nil || got != trimEOL(rest) {
				t.Fatalf("final unterminated line: %q, %v; want %q", got, err, rest)
			}
		default: // an overlong unterminated tail: dropped, with or without errLongLine
			if err == nil {
				t.Fatalf("overlong final line returned as %q", got)
			}
		}
	})
}
