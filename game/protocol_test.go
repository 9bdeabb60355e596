package game

import (
	"errors"
	"strings"
	"testing"
)

const rockABC = "056c2fcf7699263e0aa19831eaf9cd04ff91ec3386a448d5e104c5577b55f4d6" // sha256("rock:abc")

func TestCommitment(t *testing.T) {
	if got := Commitment(Rock, "abc"); got != rockABC {
		t.Errorf("Commitment(rock, abc) = %s, want %s", got, rockABC)
	}
	if Commitment(Paper, "abc") == rockABC || Commitment(Rock, "abd") == rockABC {
		t.Error("different inputs give the same commitment")
	}
}

func TestParseMessage(t *testing.T) {
	tests := []struct {
		line string
		want Message
	}{
		{"round 1", Message{Kind: MsgRound, Round: 1}},
		{"round 42\n", Message{Kind: MsgRound, Round: 42}},
		{"ROUND  7\r\n", Message{Kind: MsgRound, Round: 7}},
		{"opponent 3 paper", Message{Kind: MsgOpponent, Round: 3, Move: Paper}},
		{"quit", Message{Kind: MsgQuit}},
		{"rock", Message{Kind: MsgMove, Move: Rock}},
		{"Scissors\r", Message{Kind: MsgMove, Move: Scissors}},
		{"commit " + rockABC, Message{Kind: MsgCommit, Hash: rockABC}},
		{"commit " + strings.ToUpper(rockABC), Message{Kind: MsgCommit, Hash: rockABC}},
		{"reveal 9 rock abc", Message{Kind: MsgReveal, Round: 9, Move: Rock, Nonce: "abc"}},
	}
	for _, tt := range tests {
		got, err := ParseMessage(tt.line)
		if err != nil || got != tt.want {
			t.Errorf("ParseMessage(%q) = %+v, %v; want %+v", tt.line, got, err, tt.want)
		}
	}
	bad := []string{
		"", "   ", "round", "round 0", "round -1", "round +1", "round 1x", "round 99999999999", "round 1 2",
		"opponent 1", "opponent 1 lizard", "opponent x rock", "quit now", "rock paper", "r", "lizard",
		"commit", "commit abc", "commit " + rockABC + "0", "commit " + rockABC[:63] + "g",
		"reveal 1 rock", "reveal 1 rock a b", "reveal 0 rock a", "reveal 1 spock a",
		"reveal 1 rock " + strings.Repeat("n", MaxNonce+1), "reveal 1 rock nonce\x01",
		strings.Repeat("x", MaxLine+10),
	}
	for _, line := range bad {
		if m, err := ParseMessage(line); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseMessage(%q) = %+v, %v; want ErrSyntax", line, m, err)
		}
	}
}

func TestMessageString(t *testing.T) {
	tests := []struct {
		m    Message
		want string
	}{
		{Message{Kind: MsgRound, Round: 5}, "round 5"},
		{Message{Kind: MsgOpponent, Round: 5, Move: Scissors}, "opponent 5 scissors"},
		{Message{Kind: MsgQuit}, "quit"},
		{Message{Kind: MsgMove, Move: Paper}, "paper"},
		{Message{Kind: MsgCommit, Hash: rockABC}, "commit " + rockABC},
		{Message{Kind: MsgReveal, Round: 2, Move: Rock, Nonce: "abc"}, "reveal 2 rock abc"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.m, got, tt.want)
		}
	}
}

// FuzzParseMessage checks that the parser never panics, that everything it
// accepts formats back to a line that parses to the same message, and that
// every rejection wraps ErrSyntax.
func FuzzParseMessage(f *testing.F) {
	for _, s := range []string{"round 1", "opponent 2 rock", "quit", "paper", "commit " + rockABC, "reveal 3 scissors 00ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		m, err := ParseMessage(line)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		s := m.String()
		if strings.ContainsAny(s, "\r\n") {
			t.Fatalf("formatted message %q contains a line break", s)
		}
		m2, err := ParseMessage(s)
		if err != nil || m2 != m {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", line, m, s, m2, err)
		}
	})
}
