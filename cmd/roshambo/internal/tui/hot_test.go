package tui

import (
	"sync"
	"testing"
	"time"

	"github.com/roshambo-game/roshambo/game"
)

// heatInput is a fakeInput that records the loop's Heat calls.
type heatInput struct {
	*fakeInput
	mu   sync.Mutex
	last bool
	ons  int
}

func (h *heatInput) Heat(on bool) {
	h.mu.Lock()
	h.last = on
	if on {
		h.ons++
	}
	h.mu.Unlock()
}

func (h *heatInput) state() (bool, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last, h.ons
}

// waitHeat polls until the last Heat call was want.
func (h *heatInput) waitHeat(t *testing.T, want bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if on, _ := h.state(); on == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: Heat(%v) never called", what, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestLoopHeat: an Input that can poll is told to while the prompt awaits
// the throw, and not while help is open or once the match is over.
func TestLoopHeat(t *testing.T) {
	log := &journal{}
	in := &heatInput{fakeInput: newFakeInput()}
	bot := &fakeBot{wake: in.Interrupt, log: log}
	scr := &recScreen{SimulationScreen: newSim(t, 80, 24), log: log}
	g := New(Config{Screen: scr, Input: in, Opponent: bot, Name: "cycle", Format: game.Rounds(1),
		Theme: NewTheme(256, false)})
	done := make(chan Result, 1)
	go func() { done <- g.Run() }()
	waitScreen(t, scr, "round 1 · throw:")
	in.waitHeat(t, true, "the prompt")
	in.key('?')
	waitScreen(t, scr, "show or hide this help")
	in.waitHeat(t, false, "help open")
	in.key('?')
	in.waitHeat(t, true, "help closed")
	in.key('r')
	waitScreen(t, scr, "MATCH OVER")
	in.waitHeat(t, false, "match over")
	in.key('q')
	select {
	case <-done:
		g.Close()
	case <-time.After(10 * time.Second):
		t.Fatal("the game did not end")
	}
	if on, _ := in.state(); on {
		t.Error("hot after the game ended")
	}
}
