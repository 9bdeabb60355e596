package game

import (
	"fmt"
	"strings"
)

// Move is one throw. The zero value is not a valid move; use Rock, Paper or
// Scissors. The numeric order is such that (m+1)%3 beats m.
type Move uint8

// The three moves. NoMove is the zero value, used for "not yet known".
const (
	NoMove Move = iota
	Rock
	Paper
	Scissors
)

// Moves lists the three valid moves in a fixed order.
var Moves = [3]Move{Rock, Paper, Scissors}

// idx maps a valid move to 0..2.
func (m Move) idx() int { return int(m) - 1 }

// moveOf maps 0..2 (any int, taken modulo 3) to a move.
func moveOf(i int) Move { return Move(((i%3)+3)%3 + 1) }

// Valid reports whether m is Rock, Paper or Scissors.
func (m Move) Valid() bool { return m >= Rock && m <= Scissors }

// String returns "rock", "paper" or "scissors" (the protocol spelling), or
// "none" for NoMove and "Move(n)" for anything else.
func (m Move) String() string {
	switch m {
	case Rock:
		return "rock"
	case Paper:
		return "paper"
	case Scissors:
		return "scissors"
	case NoMove:
		return "none"
	}
	return fmt.Sprintf("Move(%d)", uint8(m))
}

// Beater returns the move that beats m (Paper for Rock). It panics on an
// invalid move.
func (m Move) Beater() Move {
	if !m.Valid() {
		panic("game: Beater of invalid move " + m.String())
	}
	return moveOf(m.idx() + 1)
}

// Loser returns the move that m beats (Scissors for Rock). It panics on an
// invalid move.
func (m Move) Loser() Move {
	if !m.Valid() {
		panic("game: Loser of invalid move " + m.String())
	}
	return moveOf(m.idx() + 2)
}

// ErrBadMove is returned (wrapped) by ParseMove for text that names no move.
var ErrBadMove = fmt.Errorf("not a move (want rock, paper or scissors)")

// ParseMove parses a move name. It accepts "rock", "paper" and "scissors" in
// any letter case, and the one-letter forms "r", "p" and "s"; surrounding
// white space is ignored. Errors wrap ErrBadMove.
func ParseMove(s string) (Move, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "rock", "r":
		return Rock, nil
	case "paper", "p":
		return Paper, nil
	case "scissors", "s":
		return Scissors, nil
	}
	return NoMove, fmt.Errorf("parse move %q: %w", s, ErrBadMove)
}

// Outcome is the result of a round (or a match) from one side's view.
type Outcome int8

// The outcomes. Their numeric values are the payoff: +1, 0, -1.
const (
	Loss Outcome = -1
	Draw Outcome = 0
	Win  Outcome = 1
)

// String returns "win", "draw" or "loss".
func (o Outcome) String() string {
	switch o {
	case Win:
		return "win"
	case Draw:
		return "draw"
	case Loss:
		return "loss"
	}
	return fmt.Sprintf("Outcome(%d)", int8(o))
}

// Reverse returns the same result seen from the other side.
func (o Outcome) Reverse() Outcome { return -o }

// outcomeIdx maps Loss, Draw, Win to 0, 1, 2.
func (o Outcome) idx() int { return int(o) + 1 }

// payoff[a][b] is the outcome for a side playing move index a against b.
var payoff = [3][3]Outcome{
	{Draw, Loss, Win}, // rock vs rock, paper, scissors
	{Win, Draw, Loss}, // paper
	{Loss, Win, Draw}, // scissors
}

// Beats reports whether a beats b. Invalid moves beat nothing.
func Beats(a, b Move) bool {
	return a.Valid() && b.Valid() && payoff[a.idx()][b.idx()] == Win
}

// Judge returns the outcome for the side that threw mine against theirs. Both
// moves must be valid; Judge panics otherwise.
func Judge(mine, theirs Move) Outcome {
	if !mine.Valid() || !theirs.Valid() {
		panic(fmt.Sprintf("game: Judge(%v, %v) with an invalid move", mine, theirs))
	}
	return payoff[mine.idx()][theirs.idx()]
}
