package game

import (
	"context"
	"errors"
	"fmt"
)

// ErrBothCommit is returned by Play when both players answer with a
// commitment: neither could reveal first, so the round cannot be completed.
var ErrBothCommit = errors.New("both players committed; one side must answer in plain")

// StrategyPlayer adapts an in-process Strategy to the Player interface: Ask
// returns Next's move and Reveal feeds the round to Update.
func StrategyPlayer(s Strategy) Player { return &strategyPlayer{s: s} }

type strategyPlayer struct {
	s    Strategy
	n    int
	move Move
}

func (p *strategyPlayer) Ask(n int) (Answer, error) {
	p.n, p.move = n, p.s.Next()
	return Answer{Round: n, Move: p.move}, nil
}

func (p *strategyPlayer) Reveal(n int, other Move) (Move, error) {
	if n != p.n || p.move == NoMove {
		return NoMove, fmt.Errorf("strategy %s: Reveal(%d) without Ask(%d)", p.s.Name(), n, n)
	}
	if !other.Valid() {
		return NoMove, fmt.Errorf("strategy %s: Reveal(%d, %v): %w", p.s.Name(), n, other, ErrBadMove)
	}
	m := p.move
	p.move = NoMove
	p.s.Update(m, other)
	return m, nil
}

// Play plays rounds between human and bot, recording them in m, until the
// match is over, ctx is done, or a player fails. Each round, both players are
// asked before either learns the other's move; a player that committed
// reveals after the one that answered in plain. On error the rounds played so
// far stay recorded in m and the error names the round; opponent failures
// wrap ErrTimeout, ErrOpponentExited, ErrMalformed or ErrCommitMismatch.
// Play does not close the players.
func Play(ctx context.Context, human, bot Player, m *Match) error {
	for !m.Over() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("play round %d: %w", m.Played()+1, err)
		}
		if _, err := PlayRound(human, bot, m); err != nil {
			return err
		}
	}
	return nil
}

// PlayRound plays and records one round (see Play).
func PlayRound(human, bot Player, m *Match) (Round, error) {
	n := m.Played() + 1
	ah, err := human.Ask(n)
	if err != nil {
		return Round{}, fmt.Errorf("human side: %w", err)
	}
	ab, err := bot.Ask(n)
	if err != nil {
		return Round{}, fmt.Errorf("bot side: %w", err)
	}
	var hm, bm Move
	switch {
	case !ah.Committed():
		if bm, err = bot.Reveal(n, ah.Move); err != nil {
			return Round{}, fmt.Errorf("bot side: %w", err)
		}
		if hm, err = human.Reveal(n, bm); err != nil {
			return Round{}, fmt.Errorf("human side: %w", err)
		}
	case !ab.Committed():
		if hm, err = human.Reveal(n, ab.Move); err != nil {
			return Round{}, fmt.Errorf("human side: %w", err)
		}
		if bm, err = bot.Reveal(n, hm); err != nil {
			return Round{}, fmt.Errorf("bot side: %w", err)
		}
	default:
		return Round{}, fmt.Errorf("round %d: %w", n, ErrBothCommit)
	}
	return m.Record(hm, bm)
}

// PlayOpponent plays strategy s (as the human side) against the opponent
// process op until m is over; see Play.
func PlayOpponent(ctx context.Context, s Strategy, op *Opponent, m *Match) error {
	return Play(ctx, StrategyPlayer(s), op, m)
}
