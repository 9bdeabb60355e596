package game

import (
	"context"
	"errors"
	"fmt"
)

// Player is one side of a match as Play drives it: it is sent the
// Referee's messages and answers with its own, as an opponent process does
// over the line protocol. *Opponent is a Player, and StrategyPlayer adapts an
// in-process Strategy.
type Player interface {
	// Send delivers a message to the player: "round n" (asking for its
	// move) or "opponent n <move>" (the other side's move).
	Send(msg Message) error
	// Receive returns the player's next message: its answer (a move or a
	// commitment) or, after a commitment, its reveal.
	Receive() (Message, error)
}

// StrategyPlayer adapts an in-process Strategy to the Player interface: it
// answers "round n" with Next's move and feeds "opponent n <move>" to Update.
func StrategyPlayer(s Strategy) Player { return &strategyPlayer{s: s} }

type strategyPlayer struct {
	s       Strategy
	n       int
	move    Move
	pending bool // an answer is waiting for Receive
}

func (p *strategyPlayer) Send(msg Message) error {
	switch msg.Kind {
	case MsgRound:
		p.n, p.move, p.pending = msg.Round, p.s.Next(), true
	case MsgOpponent:
		if msg.Round != p.n || p.move == NoMove {
			return fmt.Errorf("strategy %s: told round %d's move, asked round %d", p.s.Name(), msg.Round, p.n)
		}
		p.s.Update(p.move, msg.Move)
		p.move = NoMove
	}
	return nil
}

func (p *strategyPlayer) Receive() (Message, error) {
	if !p.pending {
		return Message{}, fmt.Errorf("strategy %s: nothing to say (not asked)", p.s.Name())
	}
	p.pending = false
	return Message{Kind: MsgMove, Move: p.move}, nil
}

// Play plays rounds between a (the Human side) and b (the Bot side) until m
// is over, ctx is done, or a player fails, recording them in m. The order of
// each round is the Referee's (see Referee). On error the rounds played so far
// stay recorded in m; a player's failure is an *OpponentError whose Side says
// which player is at fault, wrapping ErrTimeout, ErrOpponentExited,
// ErrMalformed or ErrCommitMismatch. Play does not close the players.
func Play(ctx context.Context, a, b Player, m *Match, rules Rules) error {
	ref := NewReferee(m, rules)
	players := [2]Player{Human: a, Bot: b}
	for !m.Over() {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("play round %d: %w", m.Played()+1, err)
		}
		if err := playRound(ref, players); err != nil {
			return err
		}
	}
	return nil
}

// playRound drives one round: it delivers what the Referee says and gives
// it each awaited message until the round is recorded.
func playRound(ref *Referee, players [2]Player) error {
	step, err := ref.Start()
	for err == nil {
		for _, env := range step.Send {
			if serr := players[env.To].Send(env.Msg); serr != nil {
				return blame(env.To, serr)
			}
		}
		if step.Done {
			return nil
		}
		s := Human
		if !ref.Awaits(Human) {
			s = Bot
		}
		msg, rerr := players[s].Receive()
		if rerr != nil {
			return blame(s, rerr)
		}
		step, err = ref.Receive(s, msg)
	}
	return err
}

// blame marks a player's *OpponentError with its side.
func blame(s Side, err error) error {
	var oe *OpponentError
	if errors.As(err, &oe) {
		oe.Side = s
	}
	return err
}

// PlayOpponent plays strategy s (as the Human side) against the opponent
// process op (the Bot side) until m is over; see Play.
func PlayOpponent(ctx context.Context, s Strategy, op *Opponent, m *Match, rules Rules) error {
	return Play(ctx, StrategyPlayer(s), op, m, rules)
}
