package app

import (
	"time"

	"github.com/roshambo-game/roshambo/cmd/roshambo/internal/tui"
	"github.com/roshambo-game/roshambo/input"
	"github.com/roshambo-game/roshambo/input/keys"
)

// leaveScreen is the game's share of the emergency restore (see
// input.Console.SetLeaveSequence): attributes off, cursor keys back to normal
// mode, cursor shown, normal screen back. The Console writes its own mode
// resets (kitty keyboard pop, bracketed paste and focus reporting off) after
// it, when the process crashes or is terminated by a signal.
const leaveScreen = "\x1b[0m\x1b[?1l\x1b>\x1b[?25h\x1b[?1049l"

// consoleInput adapts an input.Console to the game loop's tui.Input: it
// turns the Console's events into the game's and drops what the game has no
// use for (key releases, terminal replies, pastes, focus reports). Next and
// Suspend are for the loop's goroutine, Interrupt for any (see
// input.Console).
type consoleInput struct {
	c  *input.Console
	ev input.Event
	// hot: --hot was given; heated: the Console is hot now (Heat).
	hot, heated bool
}

// HotBound bounds each stretch of hot mode (--hot): a player who has not
// thrown for that long gets the parked reader until the loop's next event
// makes it hot again.
const HotBound = 30 * time.Second

// Heat implements tui.Heater: with --hot, the Console polls while the loop
// awaits a throw, and parks as soon as it does not.
func (ci *consoleInput) Heat(on bool) {
	if !ci.hot {
		return
	}
	switch {
	case on:
		ci.c.Hot(HotBound) // re-arming is cheap: see input.Reader.Hot
		ci.heated = true
	case ci.heated:
		ci.c.Hot(0)
		ci.heated = false
	}
}

// Next implements tui.Input.
func (ci *consoleInput) Next() (tui.Event, error) {
	for {
		if err := ci.c.ReadEvent(&ci.ev); err != nil {
			return tui.Event{}, err
		}
		switch ci.ev.Type {
		case input.EventResize:
			return tui.Event{Kind: tui.EventResize}, nil
		case input.EventRepaint:
			return tui.Event{Kind: tui.EventRepaint}, nil
		case input.EventTerminate:
			return tui.Event{Kind: tui.EventTerminate, Signal: ci.ev.Signal}, nil
		case input.EventWake:
			return tui.Event{Kind: tui.EventWake}, nil
		case input.EventSuspend:
			return tui.Event{Kind: tui.EventSuspend}, nil
		case input.EventInput:
			if k, ok := gameKey(&ci.ev.Event); ok {
				return tui.Event{Kind: tui.EventKey, Key: k}, nil
			}
		}
	}
}

// gameKey adapts a decoded key press to the game's Key; Time is the key's
// capture timestamp (input.Now), from which the reaction time is measured.
func gameKey(ev *keys.Event) (tui.Key, bool) {
	if ev.Kind != keys.KindKey || ev.Action == keys.ActionRelease {
		return tui.Key{}, false
	}
	k := tui.Key{
		Ctrl:  ev.Mod&keys.ModCtrl != 0,
		Alt:   ev.Mod&keys.ModAlt != 0,
		Esc:   ev.Key == keys.KeyEsc,
		Enter: ev.Key == keys.KeyEnter,
		Time:  ev.Time,
	}
	if ev.Key == keys.KeyRune {
		k.Rune = ev.Rune
	}
	return k, true
}

// Interrupt implements tui.Input.
func (ci *consoleInput) Interrupt() { ci.c.Interrupt() }

// Suspend implements tui.Input: the Console leaves its modes and raw mode,
// stops the process, and restores both once it is continued.
func (ci *consoleInput) Suspend() error {
	ci.Heat(false)
	return ci.c.Suspend()
}
