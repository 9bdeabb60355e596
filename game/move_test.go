package game

import (
	"errors"
	"testing"
)

func TestJudge(t *testing.T) {
	tests := []struct {
		a, b Move
		want Outcome
	}{
		{Rock, Rock, Draw}, {Rock, Paper, Loss}, {Rock, Scissors, Win},
		{Paper, Rock, Win}, {Paper, Paper, Draw}, {Paper, Scissors, Loss},
		{Scissors, Rock, Loss}, {Scissors, Paper, Win}, {Scissors, Scissors, Draw},
	}
	for _, tt := range tests {
		if got := Judge(tt.a, tt.b); got != tt.want {
			t.Errorf("Judge(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := Judge(tt.b, tt.a); got != tt.want.Reverse() {
			t.Errorf("Judge(%v, %v) = %v, want %v", tt.b, tt.a, got, tt.want.Reverse())
		}
		if got := Beats(tt.a, tt.b); got != (tt.want == Win) {
			t.Errorf("Beats(%v, %v) = %v", tt.a, tt.b, got)
		}
	}
	if Beats(NoMove, Rock) || Beats(Rock, NoMove) || Beats(Move(9), Rock) {
		t.Error("an invalid move beats something")
	}
}

func TestBeaterLoser(t *testing.T) {
	for _, m := range Moves {
		if !Beats(m.Beater(), m) {
			t.Errorf("%v.Beater() = %v does not beat it", m, m.Beater())
		}
		if !Beats(m, m.Loser()) {
			t.Errorf("%v does not beat %v.Loser() = %v", m, m, m.Loser())
		}
	}
}

func TestParseMove(t *testing.T) {
	tests := []struct {
		in   string
		want Move
		ok   bool
	}{
		{"rock", Rock, true}, {"Paper", Paper, true}, {" SCISSORS\n", Scissors, true},
		{"r", Rock, true}, {"p", Paper, true}, {"S", Scissors, true},
		{"", NoMove, false}, {"rocks", NoMove, false}, {"lizard", NoMove, false}, {"x", NoMove, false},
	}
	for _, tt := range tests {
		got, err := ParseMove(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseMove(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadMove) {
			t.Errorf("ParseMove(%q) error %v does not wrap ErrBadMove", tt.in, err)
		}
	}
	for _, m := range Moves {
		if got, err := ParseMove(m.String()); got != m || err != nil {
			t.Errorf("ParseMove(%v.String()) = %v, %v", m, got, err)
		}
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{Rock.String(), "rock"}, {Paper.String(), "paper"}, {Scissors.String(), "scissors"},
		{NoMove.String(), "none"}, {Move(7).String(), "Move(7)"},
		{Win.String(), "win"}, {Draw.String(), "draw"}, {Loss.String(), "loss"},
		{Human.String(), "human"}, {Bot.String(), "bot"},
		{BestOf(5).String(), "best of 5"}, {FirstTo(3).String(), "first to 3"},
		{Rounds(10).String(), "10 rounds"}, {Endless().String(), "endless"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
