package game

import (
	"errors"
	"fmt"
)

// ErrBothCommit is returned when both sides of a round answer with a
// commitment: neither could reveal first, so the round cannot be completed.
var ErrBothCommit = errors.New("both players committed; one side must answer in plain")

// Rules are the protocol rules a Referee enforces beyond the message syntax.
type Rules struct {
	// MustCommit[s] makes side s play in commit mode: a plain answer from
	// it is malformed. Index it by Side: Rules{MustCommit: [2]bool{Bot: true}}.
	MustCommit [2]bool
}

// Envelope is a message the driver must deliver to one side.
type Envelope struct {
	To  Side    // the side to tell
	Msg Message // "round <n>" or "opponent <n> <move>"
}

// Step is what the driver must do after Referee.Start or Referee.Receive:
// deliver Send, in order; when Done, the round has been recorded in the
// match (Round) and the next one may Start.
type Step struct {
	// Send are the messages to deliver now, in order. The slice is valid
	// until the next call on the Referee.
	Send []Envelope
	// Done is set when the round is complete.
	Done bool
	// Round is the recorded round when Done.
	Round Round
}

// sideState is what one side has done in the current round.
type sideState struct {
	answered  bool   // a move or a commitment arrived
	committed bool   // the answer was a commitment
	hash      string // the commitment
	move      Move   // the move, once known (plain answer or verified reveal)
	told      bool   // "opponent n <move>" was sent to this side
}

// Referee runs the protocol of a match between two sides, one round at a
// time. It does no I/O and never blocks: a driver gives it what each side
// said (Receive) and delivers the messages it returns (Step.Send). It is the
// one place that knows the order of a round, for every driver: Play (in-
// process strategies and opponent processes, tournaments) and the game's
// event loop.
//
// The order of round n:
//
//  1. Start: "round n" to both sides.
//  2. Each side answers with a move, or with "commit <hash>" (commit mode).
//     Answers may come in any order; neither side learns anything of the
//     other's answer before it has given its own.
//  3. When both have answered, a side that committed is told the other
//     side's move ("opponent n <move>") and must reveal its own ("reveal n
//     <move> <nonce>"), which the Referee checks against the commitment. A
//     side that answered in plain is told the other's move as soon as it is
//     known: at once, or after the other side's verified reveal.
//  4. When both moves are known and both sides have been told, the round is
//     recorded in the Match (Step.Done).
//
// Any message that the protocol does not allow at that point is an error
// (*OpponentError wrapping ErrMalformed, naming the side); so is a reveal that
// does not match its commitment (ErrCommitMismatch: the round is then
// recorded as forfeited by the side that broke its commitment) and two
// commitments (ErrBothCommit). After an error the Referee is finished:
// every later call returns the same error.
//
// A Referee is not safe for concurrent use: one goroutine, the driver, owns
// it and its Match.
type Referee struct {
	m     *Match
	rules Rules
	n     int // the round in play; 0 before the first Start
	open  bool
	side  [2]sideState
	send  [2]Envelope // backing array of Step.Send
	err   error
}

// NewReferee returns a Referee that records the rounds in m.
func NewReferee(m *Match, rules Rules) *Referee {
	return &Referee{m: m, rules: rules}
}

// Match returns the match the Referee records into.
func (r *Referee) Match() *Match { return r.m }

// Round returns the number of the round in play (0 before the first Start;
// the last round once it is done and the next has not started).
func (r *Referee) Round() int { return r.n }

// InRound reports whether a round has started and is not complete yet.
func (r *Referee) InRound() bool { return r.open }

// Err returns the error that finished the Referee, or nil.
func (r *Referee) Err() error { return r.err }

// Start begins the next round: it returns "round n" for both sides. It is an
// error to Start while a round is in play, or after an error.
func (r *Referee) Start() (Step, error) {
	if r.err != nil {
		return Step{}, r.err
	}
	if r.open {
		return Step{}, fmt.Errorf("referee: round %d started before round %d was complete", r.n+1, r.n)
	}
	r.n = r.m.Played() + 1
	r.open = true
	r.side = [2]sideState{}
	r.send = [2]Envelope{
		{To: Human, Msg: Message{Kind: MsgRound, Round: r.n}},
		{To: Bot, Msg: Message{Kind: MsgRound, Round: r.n}},
	}
	return Step{Send: r.send[:2]}, nil
}

// Awaits reports whether the Referee waits for a message from side s: its
// answer, or its reveal after it committed and was told the other's move.
func (r *Referee) Awaits(s Side) bool {
	if !r.open || r.err != nil {
		return false
	}
	st := &r.side[s]
	return !st.answered || st.committed && st.told && st.move == NoMove
}

// Answered reports whether side s has answered the round in play (with a
// move or a commitment), and whether it committed.
func (r *Referee) Answered(s Side) (answered, committed bool) {
	if !r.open {
		return false, false
	}
	return r.side[s].answered, r.side[s].committed
}

// Move returns side s's move in the round in play, once known (a plain
// answer, or a verified reveal); NoMove before.
func (r *Referee) Move(s Side) Move {
	if !r.open {
		return NoMove
	}
	return r.side[s].move
}

// Commitment returns side s's commitment in the round in play, or "".
func (r *Referee) Commitment(s Side) string {
	if !r.open {
		return ""
	}
	return r.side[s].hash
}

// Receive takes one message that side s sent and advances the round. The
// message must be what the protocol allows from s at this point: its answer
// (a move, or a commitment; only a commitment when Rules.MustCommit[s]), or,
// after it committed and was told the other's move, "reveal n <move>
// <nonce>". Anything else is an *OpponentError wrapping ErrMalformed, and a
// reveal that does not hash to the commitment one wrapping
// ErrCommitMismatch.
func (r *Referee) Receive(s Side, msg Message) (Step, error) {
	if r.err != nil {
		return Step{}, r.err
	}
	st := &r.side[s]
	switch {
	case !r.open:
		return Step{}, r.fail(s, ErrMalformed, fmt.Sprintf("unsolicited line %q before round %d was asked", msg.String(), r.n+1))
	case !st.answered:
		switch {
		case msg.Kind == MsgMove && !r.rules.MustCommit[s]:
			st.answered, st.move = true, msg.Move
		case msg.Kind == MsgCommit:
			st.answered, st.committed, st.hash = true, true, msg.Hash
		default:
			want := "a move or a commitment"
			if r.rules.MustCommit[s] {
				want = "a commitment (commit mode)"
			}
			return Step{}, r.fail(s, ErrMalformed, fmt.Sprintf("want %s, got %q", want, msg.String()))
		}
	case r.Awaits(s):
		if msg.Kind != MsgReveal || msg.Round != r.n {
			return Step{}, r.fail(s, ErrMalformed, fmt.Sprintf("want \"reveal %d <move> <nonce>\", got %q", r.n, msg.String()))
		}
		if got := Commitment(msg.Move, msg.Nonce); got != st.hash {
			return r.forfeit(s, msg, got)
		}
		st.move = msg.Move
	default:
		return Step{}, r.fail(s, ErrMalformed, fmt.Sprintf("unsolicited line %q after its answer", msg.String()))
	}
	return r.advance()
}

// advance tells each side what it may now learn and records the round once
// both moves are known and told.
func (r *Referee) advance() (Step, error) {
	a, b := &r.side[Human], &r.side[Bot]
	if !a.answered || !b.answered {
		return Step{}, nil
	}
	if a.committed && b.committed {
		r.err = fmt.Errorf("round %d: %w", r.n, ErrBothCommit)
		r.open = false
		return Step{}, r.err
	}
	k := 0
	for _, s := range [2]Side{Human, Bot} {
		st, other := &r.side[s], &r.side[s.Other()]
		if !st.told && other.move != NoMove {
			st.told = true
			r.send[k] = Envelope{To: s, Msg: Message{Kind: MsgOpponent, Round: r.n, Move: other.move}}
			k++
		}
	}
	step := Step{Send: r.send[:k]}
	if a.move == NoMove || b.move == NoMove || !a.told || !b.told {
		return step, nil
	}
	rd, err := r.m.Record(a.move, b.move)
	if err != nil {
		r.err = err
		return step, err
	}
	r.open = false
	step.Done, step.Round = true, rd
	return step, nil
}

// forfeit records the round as lost by s, whose reveal does not match its
// commitment, and finishes the Referee with ErrCommitMismatch.
func (r *Referee) forfeit(s Side, msg Message, got string) (Step, error) {
	st, other := &r.side[s], &r.side[s.Other()]
	moves := [2]Move{}
	moves[s], moves[s.Other()] = msg.Move, other.move
	err := r.fail(s, ErrCommitMismatch, fmt.Sprintf("committed %s, revealed %q, which hashes to %s", st.hash, msg.String(), got))
	if rd, rerr := r.m.RecordForfeit(s, moves[Human], moves[Bot]); rerr == nil {
		return Step{Done: true, Round: rd}, err
	}
	return Step{}, err
}

// fail finishes the Referee with an *OpponentError about side s.
func (r *Referee) fail(s Side, sentinel error, detail string) error {
	r.open = false
	r.err = &OpponentError{Side: s, Round: max(r.n, 1), Err: sentinel, Detail: detail}
	return r.err
}
