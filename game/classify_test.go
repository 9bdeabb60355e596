package game

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/internal/testutil"
)

// gameReads is what the game makes of a line that an opponent writes: its
// line reader, then ParseMessage.
func gameReads(line string) (Message, bool) {
	text, err := readLine(bufio.NewReaderSize(strings.NewReader(line), 4096))
	if err != nil {
		return Message{}, false
	}
	m, err := ParseMessage(text)
	return m, err == nil
}

func TestClassifyLine(t *testing.T) {
	tests := []struct {
		line string
		want Message
		ok   bool
	}{
		{"rock\n", Message{Kind: MsgMove, Move: Rock}, true},
		{"ROC\u212a\n", Message{Kind: MsgMove, Move: Rock}, true},           // KELVIN SIGN lower-cases to k
		{"SC\u0130SSORS\r\n", Message{Kind: MsgMove, Move: Scissors}, true}, // dotted capital I lower-cases to i
		{strings.Repeat(" ", 1000) + "paper\n", Message{Kind: MsgMove, Move: Paper}, true},
		{"\u00a0paper\u3000", Message{Kind: MsgMove, Move: Paper}, true}, // Unicode blanks
		{"commit " + strings.ToUpper(rockABC) + "\n", Message{Kind: MsgCommit, Hash: rockABC}, true},
		{"reveal 4 ROC\u212a abc\n", Message{Kind: MsgReveal, Round: 4, Move: Rock, Nonce: "abc"}, true},
		{"m01 rock\n", Message{}, false},
		{"rock\u200b\n", Message{}, false}, // ZERO WIDTH SPACE is not white space
		{"commit " + rockABC[:57] + "\n", Message{}, false},
		{strings.Repeat(" ", MaxLine) + "rock\n", Message{}, false}, // longer than the reader takes
		{"", Message{}, false},
	}
	for _, tt := range tests {
		got, ok := ClassifyLine([]byte(tt.line))
		if got != tt.want || ok != tt.ok {
			t.Errorf("ClassifyLine(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

// TestClassifyLineAgrees pins that ClassifyLine says what the game reads,
// for every line of the shared table, with "\n", "\r\n" or no line ending.
func TestClassifyLineAgrees(t *testing.T) {
	for _, line := range testutil.ProtocolLines(t) {
		for _, eol := range []string{"\n", "\r\n", ""} {
			l := line + eol
			want, wantOK := gameReads(l)
			got, ok := ClassifyLine([]byte(l))
			if got != want || ok != wantOK {
				t.Errorf("%q: ClassifyLine = %+v, %v; the game reads %+v, %v", l, got, ok, want, wantOK)
			}
		}
	}
}

func TestClassifyLineDoesNotAlias(t *testing.T) {
	b := []byte("reveal 1 rock nonce\n")
	m, ok := ClassifyLine(b)
	copy(b, "xxxxxxxxxxxxxxxxxxx")
	if !ok || m.Nonce != "nonce" {
		t.Fatalf("nonce %q after the buffer changed, want %q", m.Nonce, "nonce")
	}
	h := []byte("commit " + rockABC)
	m, _ = ClassifyLine(h)
	copy(h[7:], strings.Repeat("0", 64))
	if m.Hash != rockABC {
		t.Fatalf("hash %q after the buffer changed", m.Hash)
	}
}

func TestClassifyLineAllocs(t *testing.T) {
	line := []byte("  SC\u0130SSORS\r\n")
	if n := testing.AllocsPerRun(100, func() { ClassifyLine(line) }); n != 0 {
		t.Errorf("ClassifyLine of a move allocates %v times, want 0", n)
	}
	bad := []byte("m01 rock\n")
	if n := testing.AllocsPerRun(100, func() { ClassifyLine(bad) }); n != 0 {
		t.Errorf("ClassifyLine of a malformed line allocates %v times, want 0", n)
	}
}

// FuzzClassifyLine checks that ClassifyLine never panics and agrees with
// the game's reader and ParseMessage on any one line.
func FuzzClassifyLine(f *testing.F) {
	for _, l := range []string{"rock\n", "ROC\u212a\r\n", "SC\u0130SSORS", "commit " + rockABC, "reveal 1 paper x\n", "\xff"} {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if i := strings.IndexByte(line, '\n'); i >= 0 && i != len(line)-1 {
			line = line[:i+1] // one line: the reader would split the rest off
		}
		got, ok := ClassifyLine([]byte(line))
		want, wantOK := gameReads(line)
		if got != want || ok != wantOK {
			t.Fatalf("%q: ClassifyLine = %+v, %v; the game reads %+v, %v", line, got, ok, want, wantOK)
		}
		_, err := ParseMessage(line)
		if ok && err != nil && !errors.Is(err, ErrSyntax) {
			t.Fatalf("ParseMessage error %v does not wrap ErrSyntax", err)
		}
	})
}

func ExampleClassifyLine() {
	for _, line := range []string{"ROC\u212a\n", "commit 12ab\n", "m01 rock\n"} {
		m, ok := ClassifyLine([]byte(line))
		fmt.Printf("%+q: %v %v\n", line, ok, m.Move)
	}
	// Output:
	// "ROC\u212a\n": true rock
	// "commit 12ab\n": false none
	// "m01 rock\n": false none
}
