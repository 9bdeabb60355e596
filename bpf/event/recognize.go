package event

import (
	"bytes"

	"github.com/roshambo-game/roshambo/game"
)

// Reading is what one reading of written data says, line by line, by the
// game's rules (game.ClassifyLine).
type Reading struct {
	// Move is the move of the first answer line ("rock"), or game.NoMove.
	Move game.Move
	// Commit is set when the first answer line is a commitment,
	// "commit <64 hex digits>": the move is hidden behind a hash.
	Commit bool
	// Commitment is the commitment's digest, in lower case.
	Commitment string
	// Revealed is the move of the first "reveal <n> <move> <nonce>" line
	// (commit mode, after the other side has thrown), and Round its round.
	Revealed game.Move
	Round    int
}

// Found reports whether the reading holds an answer (a move or a
// commitment) or a reveal.
func (r Reading) Found() bool { return r.Move != game.NoMove || r.Commit || r.Revealed != game.NoMove }

// Reveal is what Recognize (or Event.Reveal, Line.Reveal) found in written
// data.
type Reveal struct {
	// Move, Commit and Commitment are the answer that the data gives: the
	// first line that the game reads as a move ("rock", "ROC\u212A"), or
	// as a commitment ("commit <64 hex digits>"). They are not set when
	// the buffer Changed during the call: then Entry and Exit say what
	// each reading holds.
	Move       game.Move
	Commit     bool
	Commitment string
	// Revealed and Round are the first reveal line's move and round.
	Revealed game.Move
	Round    int
	// Truncated is set when the data was cut at the copy bound: its last
	// line may go on beyond what was copied, so it is not classified.
	Truncated bool
	// Unterminated is set when the answer came from a last line without
	// its newline: the game reads it only once the newline comes (or at
	// the end of the output).
	Unterminated bool
	// Changed is set when the process rewrote its buffer during the call
	// (Event.Changed): what was delivered is not known. Entry and Exit
	// are the two readings; no answer is given.
	Changed bool
	// Entry and Exit are what the buffer said at the start and at the end
	// of the call, when Changed.
	Entry, Exit Reading
	// Unverified is set when the data could be read only once (see
	// Event.Unverified): the answer is shown, but a rewrite during the
	// call would have gone unseen.
	Unverified bool
	// ByReference is set for vmsplice (see Event.ByReference): the reader
	// gets what the pages hold when it reads, which may not be this.
	ByReference bool
}

// Found reports whether the write revealed a move or a commitment (or a
// reveal line), or would have in either reading if it Changed.
func (r Reveal) Found() bool {
	return r.Move != game.NoMove || r.Commit || r.Revealed != game.NoMove || r.Changed && (r.Entry.Found() || r.Exit.Found())
}

// Answer reports whether the write answers a round, as the game reads it:
// a move or a commitment; or, when the buffer Changed, a move or a
// commitment in either reading and a reveal in neither. A reveal line alone
// is no answer: it comes after both sides have thrown.
func (r Reveal) Answer() bool {
	if r.Changed {
		return (r.Entry.Found() || r.Exit.Found()) && r.Entry.Revealed == game.NoMove && r.Exit.Revealed == game.NoMove
	}
	return r.Move != game.NoMove || r.Commit
}

// Confident reports whether the answer can be shown as the move sent: a
// move or a commitment, from a reading that nothing could have changed
// (not Changed, not Unverified, not ByReference) of a complete line.
func (r Reveal) Confident() bool {
	return (r.Move != game.NoMove || r.Commit) && !r.Changed && !r.Unverified && !r.ByReference && !r.Unterminated
}

// Reveal recognises the moves in the event's data (see Recognize), and
// when the buffer changed during the call, in both readings (the entry
// reading completed with the exit reading's bytes where it stopped short).
func (e *Event) Reveal() Reveal {
	exit := Recognize(e.Data, e.Truncated)
	if !e.Changed {
		exit.Unverified = e.Unverified || e.Submitted
		exit.ByReference = e.ByReference
		return exit
	}
	// The entry reading may stop short (a page was not resident): beyond
	// it, the bytes are as read at exit.
	entry := Recognize(fill(e.Entry, e.Data), e.Truncated)
	return changed(entry, exit, e.Truncated, e.ByReference)
}

// changed is the Reveal of a buffer whose two readings differ.
func changed(entry, exit Reveal, truncated, byRef bool) Reveal {
	return Reveal{Changed: true, Truncated: truncated, ByReference: byRef,
		Entry: entry.reading(), Exit: exit.reading()}
}

func (r Reveal) reading() Reading {
	return Reading{Move: r.Move, Commit: r.Commit, Commitment: r.Commitment, Revealed: r.Revealed, Round: r.Round}
}

// Recognize reads data as lines written to the game, with the game's own
// parser (game.ClassifyLine): the same Unicode case folding, white space
// and line length rules, so the spy and the game cannot disagree on what a
// line says. The answer is the first line that the game reads as a move or
// as a commitment; a line that the game would reject ("m01 rock", "I play
// rock") is no answer. truncated says that data was cut at the copy bound:
// its last line then goes on beyond the cut and is not classified. A last
// line without a newline is classified (Unterminated says so). Recognize
// does not allocate unless the data holds a commitment.
func Recognize(data []byte, truncated bool) Reveal {
	r := Reveal{Truncated: truncated}
	answered := false
	for len(data) > 0 {
		n := bytes.IndexByte(data, '\n')
		line, last := data, true
		if n >= 0 {
			line, data, last = data[:n+1], data[n+1:], false
		} else {
			data = nil
		}
		if last && truncated {
			break
		}
		m, ok := game.ClassifyLine(line)
		if !ok {
			continue
		}
		switch m.Kind {
		case game.MsgMove, game.MsgCommit:
			if answered {
				continue
			}
			answered = true
			r.Unterminated = last
			if m.Kind == game.MsgMove {
				r.Move = m.Move
			} else {
				r.Commit, r.Commitment = true, m.Hash
			}
		case game.MsgReveal:
			if r.Revealed == game.NoMove {
				r.Revealed, r.Round = m.Move, m.Round
			}
		}
	}
	return r
}
