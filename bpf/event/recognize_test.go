package event

import (
	"strings"
	"testing"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/testutil"
)

const rockABC = "056c2fcf7699263e0aa19831eaf9cd04ff91ec3386a448d5e104c5577b55f4d6" // sha256("rock:abc")

func TestRecognize(t *testing.T) {
	tests := []struct {
		data         string
		truncated    bool
		move         game.Move
		commit       string // "" when no commitment
		revealed     game.Move
		unterminated bool
	}{
		{data: "rock\n", move: game.Rock},
		{data: "paper", move: game.Paper, unterminated: true},
		{data: "scissors\r\n", move: game.Scissors},
		{data: "ROCK\n", move: game.Rock},
		{data: "ROC\u212a\n", move: game.Rock},         // KELVIN SIGN
		{data: "SC\u0130SSORS\n", move: game.Scissors}, // dotted capital I
		{data: strings.Repeat(" ", 1000) + "paper\n", move: game.Paper},
		{data: "\u00a0rock\u3000\n", move: game.Rock},
		{data: "I play PaPeR today\n"}, // the game rejects it: no answer
		{data: "m01 rock\n"},
		{data: "rocks\n"},
		{data: "(rock)\n"},
		{data: "round 1\n"},
		{data: "\n\nlizard\npaper\nrock\n", move: game.Paper}, // the first answer line
		{data: "reveal 3 scissors 8f2a\n", revealed: game.Scissors},
		{data: "reveal 3 scissors 8f2a\nrock\n", move: game.Rock, revealed: game.Scissors},
		{data: "commit " + rockABC + "\n", commit: rockABC},
		{data: "COMMIT " + strings.ToUpper(rockABC) + "\n", commit: rockABC},
		{data: "commit " + rockABC[:57] + "\n"}, // a cut commitment is no commitment
		{data: "commit " + rockABC[:57], truncated: true},
		{data: "commit 12xyz\n"},
		// The last line of truncated data may go on beyond the cut.
		{data: "rock\npap", truncated: true, move: game.Rock},
		{data: "rock", truncated: true},
		{data: "paper\x00\xff\n"},
		{data: ""},
	}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			r := Recognize([]byte(tt.data), tt.truncated)
			if r.Move != tt.move {
				t.Errorf("move = %q, want %q", r.Move, tt.move)
			}
			if r.Commit != (tt.commit != "") || r.Commitment != tt.commit {
				t.Errorf("commit = %v %q, want %q", r.Commit, r.Commitment, tt.commit)
			}
			if r.Revealed != tt.revealed {
				t.Errorf("revealed = %q, want %q", r.Revealed, tt.revealed)
			}
			if r.Truncated != tt.truncated || r.Unterminated != tt.unterminated {
				t.Errorf("truncated %v unterminated %v, want %v %v", r.Truncated, r.Unterminated, tt.truncated, tt.unterminated)
			}
			found := tt.move != game.NoMove || tt.commit != "" || tt.revealed != game.NoMove
			if r.Found() != found {
				t.Errorf("Found = %v", r.Found())
			}
			if r.Confident() != ((tt.move != game.NoMove || tt.commit != "") && !tt.unterminated) {
				t.Errorf("Confident = %v", r.Confident())
			}
			if r.Answer() != (tt.move != game.NoMove || tt.commit != "") {
				t.Errorf("Answer = %v", r.Answer())
			}
		})
	}
}

// gameSays is what the game's parser makes of one line: the answer (a move
// or a commitment) or the reveal that the spy must report for it.
func gameSays(line string) Reading {
	m, err := game.ParseMessage(line)
	if err != nil {
		return Reading{}
	}
	switch m.Kind {
	case game.MsgMove:
		return Reading{Move: m.Move}
	case game.MsgCommit:
		return Reading{Commit: true, Commitment: m.Hash}
	case game.MsgReveal:
		return Reading{Revealed: m.Move, Round: m.Round}
	}
	return Reading{}
}

// TestRecognizeAgreesWithGame pins that the spy and the game's parser say
// the same of every line of the shared table (KELVIN SIGN, dotted capital
// I, Unicode blanks, 1000 blanks, cut commitments...).
func TestRecognizeAgreesWithGame(t *testing.T) {
	for _, line := range testutil.ProtocolLines(t) {
		want := gameSays(line)
		for _, eol := range []string{"\n", "\r\n"} {
			got := Recognize([]byte(line+eol), false).reading()
			if got != want {
				t.Errorf("%+q: the spy says %+v, the game %+v", line+eol, got, want)
			}
			// Written in two calls, as the Assembler sees it.
			a := NewAssembler()
			data := []byte(line + eol)
			half := len(data) / 2
			a.Add(&Event{Kind: KindWrite, PID: 1, FD: 1, Ret: int64(half), Data: data[:half], TimeNS: 1})
			lines := a.Add(&Event{Kind: KindWrite, PID: 1, FD: 1, Ret: int64(len(data) - half), Data: data[half:], TimeNS: 2})
			if len(lines) != 1 {
				t.Errorf("%+q in two calls: %d lines", line+eol, len(lines))
				continue
			}
			if got := lines[0].Reveal().reading(); got != want {
				t.Errorf("%+q in two calls: the spy says %+v, the game %+v", line+eol, got, want)
			}
		}
	}
}

func TestRecognizeAllocs(t *testing.T) {
	for _, data := range []string{"  SC\u0130SSORS\r\n", "m01 rock and more\nlizard\n", strings.Repeat(" ", 1000) + "rock\n"} {
		b := []byte(data)
		if n := testing.AllocsPerRun(100, func() { Recognize(b, false) }); n != 0 {
			t.Errorf("Recognize(%.20q) allocates %v times", data, n)
		}
	}
}

func TestEventReveal(t *testing.T) {
	ev := &Event{Kind: KindWrite, Ret: 9, Data: []byte("paper   \n"), Entry: []byte("scissors\n"), Changed: true}
	r := ev.Reveal()
	if r.Move != game.NoMove || r.Confident() || !r.Changed || r.Entry.Move != game.Scissors || r.Exit.Move != game.Paper || !r.Found() || !r.Answer() {
		t.Errorf("changed buffer: %+v", r)
	}
	// A reveal in either reading: no answer, whatever the other says.
	ev = &Event{Kind: KindWrite, Ret: 25, Data: []byte("reveal 3 paper 8f2a\nrock\n"), Entry: []byte("rock\nreveal 3 paper 8f2a\n"), Changed: true}
	if r := ev.Reveal(); !r.Changed || !r.Found() || r.Answer() {
		t.Errorf("changed buffer with a reveal: %+v, Answer %v", r, r.Answer())
	}
	ev = &Event{Kind: KindWrite, Ret: 9, Data: []byte("hello   \n"), Entry: []byte("goodbye \n"), Changed: true}
	if r := ev.Reveal(); !r.Changed || r.Found() || r.Answer() {
		t.Errorf("changed buffer without answers: %+v, Answer %v", r, r.Answer())
	}
	// The entry reading covered only the first page: the rest is as at exit.
	ev = &Event{Kind: KindWrite, Ret: 9, Data: []byte("rock    \n"), Entry: []byte("sciss"), Changed: true}
	if r := ev.Reveal(); r.Entry.Move != game.NoMove || r.Exit.Move != game.Rock || r.Confident() {
		t.Errorf("changed buffer, short entry reading: %+v", r)
	}
	ev = &Event{Kind: KindWrite, Ret: 9, Data: []byte("paper   \n"), Entry: []byte("scissors"), Changed: true}
	if r := ev.Reveal(); r.Entry.Move != game.Scissors || r.Exit.Move != game.Paper || r.Confident() {
		t.Errorf("changed buffer, entry reading without the newline: %+v", r)
	}
	ev = &Event{Kind: KindWrite, Ret: 5, Data: []byte("rock\n"), Unverified: true}
	if r := ev.Reveal(); r.Move != game.Rock || r.Confident() || !r.Unverified {
		t.Errorf("unverified: %+v", r)
	}
	ev = &Event{Kind: KindWrite, Ret: 5, Data: []byte("rock\n"), ByReference: true}
	if r := ev.Reveal(); r.Move != game.Rock || r.Confident() || !r.ByReference {
		t.Errorf("by reference: %+v", r)
	}
	ev = &Event{Kind: KindWrite, Ret: 5, Data: []byte("rock\n"), Submitted: true}
	if r := ev.Reveal(); r.Move != game.Rock || r.Confident() {
		t.Errorf("io_uring at submission: %+v", r)
	}
	ev = &Event{Kind: KindWrite, Ret: 5, Data: []byte("rock\n")}
	if r := ev.Reveal(); r.Move != game.Rock || !r.Confident() {
		t.Errorf("plain write: %+v", r)
	}
}

// FuzzRecognize checks that Recognize never panics and, for one line, says
// what the game's parser says.
func FuzzRecognize(f *testing.F) {
	for _, s := range []string{"rock\n", "ROC\u212a\n", "commit " + rockABC, "SC\u0130SSORS\r\n", "m01 rock\n", ""} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, truncated bool) {
		r := Recognize(data, truncated)
		if r.Commit && len(r.Commitment) != 64 {
			t.Fatalf("%q: commitment %q", data, r.Commitment)
		}
		line, ok := strings.CutSuffix(string(data), "\n")
		if truncated || !ok || strings.Contains(line, "\n") || len(data) > LineMax {
			return
		}
		if got, want := r.reading(), gameSays(line); got != want {
			t.Fatalf("%q: the spy says %+v, the game %+v", data, got, want)
		}
	})
}

func BenchmarkRecognize(b *testing.B) {
	data := []byte("scissors\n")
	b.ReportAllocs()
	for b.Loop() {
		Recognize(data, false)
	}
}

func BenchmarkDecode(b *testing.B) {
	rec := Append(nil, sample())
	var ev Event
	b.ReportAllocs()
	for b.Loop() {
		if err := Decode(rec, &ev); err != nil {
			b.Fatal(err)
		}
	}
}
