package app

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/bpf/spy"
	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/tui"
	"github.com/roshambo-game/roshambo/game"
)

// spyOn is a loaded spy that follows the opponent: its process (and its
// children) from their first instruction, and the pipe it writes its answers
// into, by inode, whoever writes it.
type spyOn struct {
	s       *spy.Spy
	mu      sync.Mutex
	watched *os.File // the current opponent's output pipe, watched by inode
}

// openSpy loads the spy. The error says exactly what is missing when
// privileges are (spy.PrivilegeError names the capabilities).
func openSpy() (*spyOn, error) {
	s, err := spy.Open(spy.Options{})
	if err != nil {
		return nil, fmt.Errorf("spy unavailable: %w", err)
	}
	return &spyOn{s: s}, nil
}

// launch calls start, which starts the opponent process: the spy follows it
// (and its children) from its very first instruction, so no answer escapes.
func (sp *spyOn) launch(start func() error) error {
	return sp.s.LaunchFunc(start)
}

// watch watches op's output pipe by inode (instead of the previous
// opponent's): a bot that passes its stdout to a process the spy does not
// follow still writes into that pipe. Any goroutine.
func (sp *spyOn) watch(op *game.Opponent) error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.watched != nil {
		_ = sp.s.UnwatchFile(sp.watched)
		sp.watched = nil
	}
	if err := sp.s.WatchFile(op.Output()); err != nil {
		return err
	}
	sp.watched = op.Output()
	return nil
}

// run reads the spy's events until Close, puts the lines written in several
// calls back together as the game reads them, and reports the opponent's
// answers to g: a move or a commitment, or a buffer the bot rewrote while
// the kernel read it. Reveal lines (sent after the player has thrown) and
// writes to other descriptors than stdout (and other files than the watched
// pipe) are not answers.
func (sp *spyOn) run(g *tui.Game) {
	var ev event.Event
	lines := event.NewAssembler()
	for {
		if err := sp.s.Read(&ev); err != nil {
			if !errors.Is(err, spy.ErrClosed) {
				g.SpyStatus(fmt.Sprintf("spy stopped: %v", err))
			}
			return
		}
		for _, l := range lines.Add(&ev) {
			if s, ok := spied(&l); ok {
				g.Spy(s)
			}
		}
	}
}

// spied turns a line of the opponent into what the spy panel shows, if it
// is an answer.
func spied(l *event.Line) (tui.Spied, bool) {
	if !l.ByInode && l.FD != 1 {
		return tui.Spied{}, false
	}
	r := l.Reveal()
	var s tui.Spied
	if !r.Answer() {
		return s, false // a reveal line, or not an answer at all
	}
	switch {
	case r.Changed:
		s.Changed, s.Entry, s.Exit = true, readingText(r.Entry), readingText(r.Exit)
	case r.Commit:
		s.Committed, s.Commitment = true, r.Commitment
	default:
		s.Move = r.Move
	}
	switch {
	case r.Unverified:
		s.Caveat = "read once: a rewrite would have gone unseen"
	case r.ByReference:
		s.Caveat = "vmsplice: the pipe holds the bot's pages, not a copy"
	case r.Unterminated || l.Unterminated:
		s.Caveat = "no newline yet"
	}
	return s, true
}

// readingText says what one reading of a rewritten buffer held.
func readingText(r event.Reading) string {
	switch {
	case r.Commit:
		return "a commitment"
	case r.Move != game.NoMove:
		return strings.ToUpper(r.Move.String())
	}
	return "no answer"
}

// close detaches the spy and unblocks run.
func (sp *spyOn) close() { sp.s.Close() }
