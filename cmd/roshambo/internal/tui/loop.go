package tui

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/input/mono"
)

// EventKind says what an input Event is.
type EventKind uint8

// The input events the game loop handles.
const (
	// EventKey is a decoded key (Event.Key) with its capture time.
	EventKey EventKind = iota + 1
	// EventResize: the window size changed; redraw at once.
	EventResize
	// EventRepaint: the process was resumed; the screen must be repainted
	// from scratch.
	EventRepaint
	// EventWake: Interrupt was called (e.g. the spy saw a move).
	EventWake
	// EventTerminate: the terminal is going away (SIGTERM, SIGHUP): end the
	// match at once.
	EventTerminate
)

// Event is one input event for the game loop.
type Event struct {
	Kind EventKind
	Key  Key // EventKey only
}

// Key is a key press as the game sees it; the caller adapts the input
// layer's decoded events (key releases and terminal replies are not keys).
type Key struct {
	// Rune is the character typed (for Ctrl+letter, the lower-case
	// letter); 0 for a key that is not a character.
	Rune rune
	// Ctrl is set when Ctrl was held (Ctrl-C, Ctrl-Z).
	Ctrl bool
	// Alt is set when Alt was held (Alt+letter is not a throw).
	Alt bool
	// Esc is the Escape key.
	Esc bool
	// Time is the key's capture timestamp (input/mono nanoseconds).
	Time int64
}

// Input is the game loop's view of the input layer. Next and Suspend are
// called from the loop's goroutine only; Interrupt from any goroutine.
type Input interface {
	// Next blocks until the next event. An Interrupt, before or during the
	// wait, makes it return an EventWake.
	Next() (Event, error)
	// Interrupt wakes a blocked (or the next) Next with an EventWake.
	Interrupt()
	// Suspend restores the terminal, stops the process (Ctrl-Z) and returns
	// once it has been continued and raw mode is back on.
	Suspend() error
}

// Opponent is the game loop's view of the opponent process (a
// *game.Opponent).
type Opponent interface {
	Ask(n int) (game.Answer, error)
	Reveal(n int, other game.Move) (game.Move, error)
}

// Spied is what the spy saw in one write of the opponent: a move (plain
// mode) or a commitment (commit mode).
type Spied struct {
	Move       game.Move
	Committed  bool
	Commitment string
}

// Config configures a Game.
type Config struct {
	Screen   tcell.Screen // initialised screen to draw on
	Input    Input
	Opponent Opponent
	// Name names the opponent in the header, e.g. "cycle".
	Name   string
	Format game.Format
	// Commit says the opponent plays in commit mode.
	Commit bool
	// Theme, if its zero value, is chosen from the screen's colours and
	// the NO_COLOR environment variable by the caller.
	Theme Theme
	// Spy is the initial spy panel (Enabled and Status); reports arrive
	// through Game.Spy.
	Spy SpyPanel
}

// Result is how a match ended.
type Result struct {
	Match *game.Match
	// Reactions holds the reaction time of each round in ns (Typeahead for
	// a key captured before the round's frame was shown).
	Reactions []int64
	// Quit is set when the player quit before the match was over.
	Quit bool
	// Err is the opponent's (or the terminal's) error that ended the match;
	// the record up to it is kept in Match.
	Err error
}

// Typeahead marks a reaction time that cannot be measured: the key was
// captured before the round's frame was shown.
const Typeahead int64 = -1

// Game runs one match on the terminal. Run must be called once, from one
// goroutine; Spy may be called from any goroutine.
type Game struct {
	cfg    Config
	scr    tcell.Screen
	in     Input
	r      *Renderer
	st     State
	mu     sync.Mutex
	spied  []Spied // reports not yet taken by the loop
	status *string // a new spy status not yet taken by the loop
	seen   int     // answers the spy has seen: the round of the last one
}

// New returns a Game ready to Run.
func New(cfg Config) *Game {
	g := &Game{cfg: cfg, scr: cfg.Screen, in: cfg.Input, r: NewRenderer(cfg.Theme)}
	g.st = State{
		Opponent: cfg.Name,
		Commit:   cfg.Commit,
		Match:    game.NewMatch(cfg.Format),
		Phase:    PhaseWait,
		Spy:      cfg.Spy,
	}
	return g
}

// Spy reports a write of the opponent seen by the spy. It is safe to call
// from any goroutine; the panel updates at once, even while the loop waits
// for the player's key.
func (g *Game) Spy(s Spied) {
	g.mu.Lock()
	g.spied = append(g.spied, s)
	g.mu.Unlock()
	g.in.Interrupt()
}

// SpyStatus replaces the spy panel's status line (any goroutine).
func (g *Game) SpyStatus(status string) {
	g.mu.Lock()
	g.status = &status
	g.mu.Unlock()
	g.in.Interrupt()
}

// takeSpied moves the spy's reports into the state; it reports whether
// anything changed.
func (g *Game) takeSpied() bool {
	g.mu.Lock()
	reps, status := g.spied, g.status
	g.spied, g.status = nil, nil
	g.mu.Unlock()
	if status != nil {
		g.st.Spy.Status = *status
	}
	for _, s := range reps {
		g.seen++
		c := s.Commitment
		if len(c) > 16 {
			c = c[:16] + "…"
		}
		g.st.Spy.Round, g.st.Spy.Move, g.st.Spy.Committed, g.st.Spy.Commitment = g.seen, s.Move, s.Committed, c
	}
	return len(reps) > 0 || status != nil
}

// show draws the state and shows it; full repaints the whole terminal
// (after a resize or a resume).
func (g *Game) show(full bool) {
	g.r.Draw(g.scr, &g.st)
	if full {
		g.scr.Sync()
	} else {
		g.scr.Show()
	}
}

// errQuit ends waitKey when the player quits.
var errQuit = errors.New("quit")

// waitKey handles events until a key that is not the game's own (help,
// suspend, quit) arrives, and returns it.
func (g *Game) waitKey() (Key, error) {
	for {
		ev, err := g.in.Next()
		if err != nil {
			return Key{}, fmt.Errorf("read input: %w", err)
		}
		switch ev.Kind {
		case EventResize, EventRepaint:
			// Show makes tcell read the new size (Size is updated only
			// by Show and Sync); the frame is then composed for it and
			// repainted in full.
			g.takeSpied()
			g.scr.Show()
			g.show(true)
		case EventWake:
			if g.takeSpied() {
				g.show(false)
			}
		case EventTerminate:
			return Key{}, errQuit
		case EventKey:
			k := ev.Key
			plain := !k.Ctrl && !k.Alt
			switch {
			case k.Ctrl && k.Rune == 'c', plain && (k.Rune == 'q' || k.Rune == 'Q'):
				return k, errQuit
			case k.Ctrl && k.Rune == 'z':
				if err := g.suspend(); err != nil {
					return Key{}, err
				}
			case plain && k.Rune == '?':
				g.st.Help = !g.st.Help
				g.show(false)
			case k.Esc && g.st.Help:
				g.st.Help = false
				g.show(false)
			default:
				return k, nil
			}
		}
	}
}

// suspend leaves the screen, stops the process and repaints in full once it
// is continued.
func (g *Game) suspend() error {
	if err := g.scr.Suspend(); err != nil {
		return fmt.Errorf("suspend screen: %w", err)
	}
	err := g.in.Suspend()
	if rerr := g.scr.Resume(); rerr != nil && err == nil {
		err = fmt.Errorf("resume screen: %w", rerr)
	}
	if err != nil {
		return fmt.Errorf("suspend: %w", err)
	}
	g.show(true)
	return nil
}

// throwOf maps a key to a throw.
func throwOf(k Key) game.Move {
	if k.Ctrl || k.Alt {
		return game.NoMove
	}
	switch k.Rune {
	case 'r', 'R', '1':
		return game.Rock
	case 'p', 'P', '2':
		return game.Paper
	case 's', 'S', '3':
		return game.Scissors
	}
	return game.NoMove
}

// Run plays the match until it is over, the player quits, or the opponent
// fails, and returns how it ended. The caller restores the terminal
// afterwards and prints Summary.
func (g *Game) Run() (res Result) {
	res.Match = g.st.Match
	defer func() { res.Reactions = g.st.Reactions }()
	g.takeSpied()
	g.show(true)
	m := g.st.Match
	for !m.Over() {
		n := m.Played() + 1
		ans, err := g.cfg.Opponent.Ask(n)
		if err != nil {
			res.Err = err
			g.fail(err)
			return res
		}
		g.takeSpied()
		g.st.Phase = PhaseThrow
		g.show(false)
		shown := mono.Now() // the frame is on its way to the terminal
		var human game.Move
		for human == game.NoMove {
			k, err := g.waitKey()
			if errors.Is(err, errQuit) {
				res.Quit = true
				return res
			}
			if err != nil {
				res.Err = err
				return res
			}
			human = throwOf(k)
			if human != game.NoMove {
				react := k.Time - shown
				if k.Time < shown {
					react = Typeahead
				}
				g.st.Reactions = append(g.st.Reactions, react)
			}
		}
		g.st.Phase = PhaseWait
		bot, err := g.cfg.Opponent.Reveal(n, human)
		if err != nil {
			g.st.Reactions = g.st.Reactions[:len(g.st.Reactions)-1]
			res.Err = err
			g.fail(err)
			return res
		}
		if ans.Move != game.NoMove && bot != ans.Move {
			res.Err = fmt.Errorf("round %d: opponent answered %v but revealed %v", n, ans.Move, bot)
			g.fail(res.Err)
			return res
		}
		if _, err := m.Record(human, bot); err != nil {
			res.Err = err
			g.fail(err)
			return res
		}
	}
	g.st.Phase = PhaseOver
	g.show(false)
	if _, err := g.waitKey(); err != nil && !errors.Is(err, errQuit) {
		res.Err = err
	}
	return res
}

// fail shows the error screen and waits for a key.
func (g *Game) fail(err error) {
	g.takeSpied()
	g.st.Phase = PhaseError
	g.st.Help = false
	g.st.Err = err.Error()
	g.show(false)
	_, _ = g.waitKey()
}

// Summary is the text printed on the normal screen after the terminal is
// restored, so that it stays in the scrollback.
func Summary(name string, res Result) string {
	var b strings.Builder
	m := res.Match
	sc := m.Score()
	fmt.Fprintf(&b, "roshambo: %s vs %s, %d rounds played\n", m.Format(), name, sc.Rounds())
	switch {
	case res.Err != nil:
		b.WriteString("match ended by an error (record kept)\n")
	case res.Quit:
		b.WriteString("match abandoned\n")
	default:
		word := map[game.Outcome]string{game.Win: "you win", game.Loss: "you lose", game.Draw: "a draw"}[m.Result()]
		fmt.Fprintf(&b, "match over: %s\n", word)
	}
	fmt.Fprintf(&b, "score: you %d : %d bot, draws %d\n", sc.HumanWins, sc.BotWins, sc.Draws)
	var sum int64
	n := 0
	best := int64(-1)
	for i, r := range m.History() {
		react := "typed ahead"
		if i < len(res.Reactions) && res.Reactions[i] >= 0 {
			react = FormatDuration(res.Reactions[i])
			sum += res.Reactions[i]
			n++
			if best < 0 || res.Reactions[i] < best {
				best = res.Reactions[i]
			}
		}
		fmt.Fprintf(&b, "  round %2d: you %-8s bot %-8s %-4s  reaction %s\n", r.N, r.Human, r.Bot, r.Outcome, react)
	}
	if n > 0 {
		fmt.Fprintf(&b, "reaction: avg %s, best %s over %d throws\n", FormatDuration(sum/int64(n)), FormatDuration(best), n)
	}
	return b.String()
}
