package app

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/roshambo-game/roshambo/bpf/event"
	"github.com/roshambo-game/roshambo/bpf/spy"
	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/tui"
	"github.com/roshambo-game/roshambo/game"
)

// spyOn is a loaded spy that follows the opponent.
type spyOn struct {
	s *spy.Spy
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

// run reads the spy's events until Close and reports the opponent's answers
// to g: a move, or a commitment. The opponent's "reveal" lines (sent after the
// player has thrown) and writes to other descriptors than stdout are not
// answers and are skipped.
func (sp *spyOn) run(g *tui.Game) {
	var ev event.Event
	for {
		if err := sp.s.Read(&ev); err != nil {
			if !errors.Is(err, spy.ErrClosed) {
				g.SpyStatus(fmt.Sprintf("spy stopped: %v", err))
			}
			return
		}
		if ev.Kind != event.KindWrite || ev.FD != 1 || ev.Ret <= 0 {
			continue
		}
		if bytes.HasPrefix(bytes.TrimSpace(ev.Data), []byte("reveal")) {
			continue
		}
		rv := ev.Reveal()
		switch {
		case rv.Commit:
			g.Spy(tui.Spied{Committed: true, Commitment: string(rv.Commitment)})
		case rv.Move != event.MoveNone:
			g.Spy(tui.Spied{Move: spiedMove(rv.Move)})
		}
	}
}

func spiedMove(m event.Move) game.Move {
	switch m {
	case event.Rock:
		return game.Rock
	case event.Paper:
		return game.Paper
	case event.Scissors:
		return game.Scissors
	}
	return game.NoMove
}

// close detaches the spy and unblocks run.
func (sp *spyOn) close() { sp.s.Close() }
