package tui

import "github.com/roshambo-game/roshambo/game"

// Heater is an Input that can poll instead of sleeping (roshambo --hot:
// input.Reader.Hot). If the loop's Input implements it, the loop calls
// Heat before each wait: on while the round awaits the player's throw (the
// prompt is up, help closed), off otherwise (the opponent's turn, the
// match over, help open, an error). Heat(true) is called again before
// every wait of a long prompt: it must be cheap when already on.
type Heater interface {
	Heat(on bool)
}

// heat tells a Heater input whether a throw is awaited now.
func (g *Game) heat() {
	if h, ok := g.in.(Heater); ok {
		h.Heat(g.awaitsThrow())
	}
}

// awaitsThrow: the prompt waits for the player's throw.
func (g *Game) awaitsThrow() bool {
	return g.st.Phase == PhaseThrow && !g.st.Help && !g.done && g.ref.Awaits(game.Human)
}
