package event

import (
	"strings"
	"testing"
)

func TestRecognize(t *testing.T) {
	tests := []struct {
		data      string
		truncated bool
		move      Move
		commit    string // "" when no commitment
	}{
		{"rock\n", false, Rock, ""},
		{"paper", false, Paper, ""},
		{"scissors\r\n", false, Scissors, ""},
		{"ROCK", false, Rock, ""},
		{"I play PaPeR today", false, Paper, ""},
		{"reveal 3 scissors 8f2a", false, Scissors, ""},
		{"rocks\n", false, MoveNone, ""},
		{"rockpaper", false, MoveNone, ""},
		{"xrock", false, MoveNone, ""},
		{"rock1", false, MoveNone, ""},
		{"_paper", false, MoveNone, ""},
		{"(rock)", false, Rock, ""},
		{"rock,paper", false, Rock, ""},
		{"sciss", false, MoveNone, ""},
		{"", false, MoveNone, ""},
		{"round 1\n", false, MoveNone, ""},
		{"commit 0a1b2c\n", false, MoveNone, "0a1b2c"},
		{"COMMIT DEADbeef", false, MoveNone, "DEADbeef"},
		{"commit\t\tff", false, MoveNone, "ff"},
		{"commit zz", false, MoveNone, ""},
		{"commit 12xyz", false, MoveNone, ""},
		{"commit", false, MoveNone, ""},
		{"commitment abc", false, MoveNone, ""},
		{"commit ab", true, MoveNone, "ab"},
		// A word that runs into the copy bound may continue beyond it.
		{"my move is rock", true, MoveNone, ""},
		{"rock and more", true, Rock, ""},
		{"paper\x00\xff", false, Paper, ""},
	}
	for _, tt := range tests {
		t.Run(tt.data, func(t *testing.T) {
			r := Recognize([]byte(tt.data), tt.truncated)
			if r.Move != tt.move {
				t.Errorf("move = %q, want %q", r.Move, tt.move)
			}
			if r.Commit != (tt.commit != "") || string(r.Commitment) != tt.commit {
				t.Errorf("commit = %v %q, want %q", r.Commit, r.Commitment, tt.commit)
			}
			if r.Truncated != tt.truncated {
				t.Errorf("truncated = %v", r.Truncated)
			}
			if r.Found() != (tt.move != MoveNone || tt.commit != "") {
				t.Errorf("Found = %v", r.Found())
			}
		})
	}
}

func TestRecognizeDoesNotAllocate(t *testing.T) {
	data := []byte("reveal 12 Scissors 0123456789abcdef and commit 00ff")
	if n := testing.AllocsPerRun(100, func() { Recognize(data, false) }); n != 0 {
		t.Fatalf("Recognize allocates %v times", n)
	}
}

func TestMoveString(t *testing.T) {
	for m, want := range map[Move]string{MoveNone: "", Rock: "rock", Paper: "paper", Scissors: "scissors"} {
		if m.String() != want {
			t.Errorf("%d: %q", m, m.String())
		}
	}
}

// FuzzRecognize checks Recognize against a simple reference: a reported
// move word occurs in the data, bounded by non-word bytes.
func FuzzRecognize(f *testing.F) {
	for _, s := range []string{"rock", "x paper y", "commit abc", "SCISSORS!", "rocks", ""} {
		f.Add([]byte(s), false)
	}
	f.Fuzz(func(t *testing.T, data []byte, truncated bool) {
		r := Recognize(data, truncated)
		if r.Move != MoveNone && !strings.Contains(strings.ToLower(string(data)), r.Move.String()) {
			t.Fatalf("%q: reported %q", data, r.Move)
		}
		if r.Commit && len(r.Commitment) == 0 {
			t.Fatalf("%q: empty commitment", data)
		}
	})
}

func BenchmarkRecognize(b *testing.B) {
	data := []byte("reveal 12 scissors 0123456789abcdef\n")
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
