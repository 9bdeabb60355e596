package tui

import (
	"github.com/roshambo-game/roshambo/game"
)

// Frames composed ahead of the key.
//
// While the prompt waits for the player, the loop composes the frame that
// each of the three throws would lead to: in plain mode the bot's move is
// already known, so the outcome, the score, the statistics and the strip of
// rounds are all known too; in commit mode the frame acknowledges the throw.
// When the key comes, the frame is ready, and so are the bytes that show it
// (computed against the frame on the screen), but for its reaction time,
// which only the key's capture stamp gives: that one line is drawn and its
// bytes appended, and the whole goes out in one write, before the throw
// reaches the referee (answerEarly). The key's path then touches one row of
// cells, not the whole frame, and little code but the frame's. Composing a
// frame costs about 25 µs with warm caches and 140 µs and more after the
// process has slept between two keys; the guesses move that cost to the
// time the player spends thinking.
//
// A guess is used only if the state before the throw is exactly the state it
// was composed from (sameFrame): any other change in between (a spy report,
// help, a resize) makes the loop compose the frame afresh. After the throw,
// the loop checks that the state is the one the guess showed; if it is not,
// the next diff mends the screen.

// guesses are the frames the three throws would lead to, by move index.
type guesses struct {
	from  State // the state they were composed from (before the throw)
	w, h  int
	ok    bool
	state [3]State    // the state each throw leads to (reaction: a placeholder)
	frame [3]Prepared // its frame, and the bytes that show it
}

// guessAhead composes the frames of the three throws, if the loop waits for
// one and they are not already composed for the current state.
func (g *Game) guessAhead() {
	gs := &g.guesses
	if g.cfg.Frames == nil || g.st.Phase != PhaseThrow || !g.ref.Awaits(game.Human) {
		gs.ok = false
		return
	}
	w, h := g.scr.Size()
	if gs.ok && gs.w == w && gs.h == h && sameFrame(&gs.from, &g.st) {
		return
	}
	gs.from, gs.w, gs.h, gs.ok = g.st, w, h, true
	gs.from.Reactions = append([]int64(nil), g.st.Reactions...)
	for i, m := range game.Moves {
		st := g.afterThrow(m)
		gs.state[i] = st
		g.r.Prepare(&gs.frame[i], g.cfg.Frames, &st, w, h)
	}
}

// afterThrow returns the state that the throw m leads to, as onThrow and
// roundDone make it (with a placeholder reaction time).
func (g *Game) afterThrow(m game.Move) State {
	st := g.st
	st.Reactions = append(append(make([]int64, 0, len(g.st.Reactions)+1), g.st.Reactions...), 0)
	st.Help = false
	if _, committed := g.ref.Answered(game.Bot); committed {
		st.Phase, st.Thrown = PhaseWait, m
		return st
	}
	st.Match = g.st.Match.Clone()
	if _, err := st.Match.Record(m, g.ref.Move(game.Bot)); err != nil {
		return g.st // cannot happen: both moves are valid
	}
	st.Thrown, st.Waiting = game.NoMove, false
	if st.Match.Over() {
		st.Phase, st.Ready = PhaseOver, false
	} else {
		st.Phase = PhaseWait
	}
	return st
}

// guessShown reports whether the frame of the throw m went out early
// (m is not NoMove) and the state is now exactly what it was composed for.
func (g *Game) guessShown(m game.Move, w, h int) bool {
	gs := &g.guesses
	if !gs.ok || !m.Valid() || gs.w != w || gs.h != h {
		return false
	}
	return sameFrame(&gs.state[int(m)-int(game.Rock)], &g.st)
}

// sameFrame reports whether a and b compose the same frame, reaction times
// aside (only their number counts): every field compose reads, with the
// matches compared by what a frame shows of them (two matches with the same
// history before their last round, as a guess's clone has).
func sameFrame(a, b *State) bool {
	if a.Opponent != b.Opponent || a.Commit != b.Commit || a.Phase != b.Phase || a.Thrown != b.Thrown ||
		a.Waiting != b.Waiting || a.Ready != b.Ready || a.CanRestart != b.CanRestart || a.Matches != b.Matches ||
		a.Help != b.Help || a.Spy != b.Spy || a.Err != b.Err || len(a.ErrDetail) != 0 || len(b.ErrDetail) != 0 ||
		a.Explaining != b.Explaining || a.Explain != b.Explain ||
		len(a.Reactions) != len(b.Reactions) {
		return false
	}
	ma, mb := a.Match, b.Match
	la, _ := ma.Last()
	lb, _ := mb.Last()
	return ma.Format() == mb.Format() && ma.Played() == mb.Played() && ma.Score() == mb.Score() && la == lb
}
