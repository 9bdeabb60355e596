package tui

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/input/mono"
)

// fakeInput feeds the loop events from a channel. Keys with no Time are
// stamped when the loop receives them, as a key captured after the frame.
type fakeInput struct {
	ev       chan Event
	wake     chan struct{}
	suspends atomic.Int32
}

func newFakeInput() *fakeInput {
	return &fakeInput{ev: make(chan Event, 64), wake: make(chan struct{}, 1)}
}

func (f *fakeInput) Next() (Event, error) {
	select {
	case <-f.wake:
		return Event{Kind: EventWake}, nil
	default:
	}
	select {
	case <-f.wake:
		return Event{Kind: EventWake}, nil
	case ev, ok := <-f.ev:
		if !ok {
			return Event{}, errors.New("input closed")
		}
		if ev.Kind == EventKey && ev.Key.Time == 0 {
			ev.Key.Time = mono.Now()
		}
		return ev, nil
	}
}

func (f *fakeInput) Interrupt() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *fakeInput) Suspend() error { f.suspends.Add(1); return nil }

func (f *fakeInput) key(r rune) { f.ev <- Event{Kind: EventKey, Key: Key{Rune: r}} }

// cycleOpponent plays rock, paper, scissors, rock... and fails at round
// failAt (0: never).
type cycleOpponent struct {
	failAt int
	asked  atomic.Int32
}

var errDied = errors.New("opponent exited (exit status 3) before answering")

func (c *cycleOpponent) Ask(n int) (game.Answer, error) {
	c.asked.Store(int32(n))
	if n == c.failAt {
		return game.Answer{}, errDied
	}
	return game.Answer{Round: n, Move: game.Moves[(n-1)%3]}, nil
}

func (c *cycleOpponent) Reveal(n int, other game.Move) (game.Move, error) {
	return game.Moves[(n-1)%3], nil
}

// recScreen records the text of every frame shown, on the goroutine that
// shows it (GetContents returns the simulation's live cells, which another
// goroutine must not read).
type recScreen struct {
	tcell.SimulationScreen
	mu   sync.Mutex
	last string
}

func (r *recScreen) Show() { r.SimulationScreen.Show(); r.record() }
func (r *recScreen) Sync() { r.SimulationScreen.Sync(); r.record() }
func (r *recScreen) record() {
	txt := text(r.SimulationScreen)
	r.mu.Lock()
	r.last = txt
	r.mu.Unlock()
}

// waitScreen polls the screen until it shows want.
func waitScreen(t *testing.T, s *recScreen, want string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		got := s.last
		s.mu.Unlock()
		if strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q; last frame:\n%s", want, got)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func startGame(t *testing.T, op Opponent, f game.Format) (*Game, *fakeInput, *recScreen, chan Result) {
	t.Helper()
	s := &recScreen{SimulationScreen: newSim(t, 80, 24)}
	in := newFakeInput()
	g := New(Config{Screen: s, Input: in, Opponent: op, Name: "cycle", Format: f, Theme: NewTheme(256, false),
		Spy: SpyPanel{Enabled: true, Status: "test spy"}})
	done := make(chan Result, 1)
	go func() { done <- g.Run() }()
	return g, in, s, done
}

func result(t *testing.T, done chan Result) Result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the game did not end")
	}
	return Result{}
}

func TestLoopPlaysAMatch(t *testing.T) {
	g, in, s, done := startGame(t, &cycleOpponent{}, game.BestOf(3))
	waitScreen(t, s, "round 1 · throw:")
	// The spy's report shows while the loop waits for the key.
	g.Spy(Spied{Move: game.Rock})
	waitScreen(t, s, "round 1: the bot wrote ROCK")
	in.key('?')
	waitScreen(t, s, "show or hide this help")
	in.key('?')
	in.key('p') // paper beats the bot's rock
	waitScreen(t, s, "round 1: YOU WIN · paper covers rock")
	// Resize: the next frame fills the new size at once.
	s.SetSize(100, 30)
	in.ev <- Event{Kind: EventResize}
	waitScreen(t, s, strings.Repeat("─", 100))
	in.ev <- Event{Kind: EventKey, Key: Key{Rune: 'z', Ctrl: true}}
	in.key('3') // scissors beats paper
	frame := waitScreen(t, s, "MATCH OVER: YOU WIN 2 : 0")
	if !strings.Contains(frame, "#1 P/R #2 S/P") {
		t.Errorf("strip of rounds missing:\n%s", frame)
	}
	in.key('x')
	res := result(t, done)
	if res.Err != nil || res.Quit {
		t.Fatalf("result: err %v, quit %v", res.Err, res.Quit)
	}
	if got := res.Match.Score(); got != (game.Score{HumanWins: 2}) {
		t.Errorf("score %+v", got)
	}
	if len(res.Reactions) != 2 || res.Reactions[0] < 0 || res.Reactions[1] < 0 {
		t.Errorf("reactions %v", res.Reactions)
	}
	if in.suspends.Load() != 1 {
		t.Errorf("Ctrl-Z suspended %d times, want 1", in.suspends.Load())
	}
	sum := Summary("cycle", res)
	for _, want := range []string{"match over: you win", "score: you 2 : 0 bot, draws 0", "round  1: you paper    bot rock     win"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

func TestLoopOpponentDies(t *testing.T) {
	_, in, s, done := startGame(t, &cycleOpponent{failAt: 3}, game.Endless())
	waitScreen(t, s, "round 1 · throw:")
	in.key('r')
	in.key('r')
	frame := waitScreen(t, s, "opponent error")
	for _, want := range []string{errDied.Error(), "record kept: 2 rounds · you 0 : 1 bot · draws 1"} {
		if !strings.Contains(frame, want) {
			t.Errorf("error screen lacks %q:\n%s", want, frame)
		}
	}
	in.key(' ')
	res := result(t, done)
	if !errors.Is(res.Err, errDied) || res.Match.Played() != 2 {
		t.Fatalf("err %v after %d rounds", res.Err, res.Match.Played())
	}
	if sum := Summary("cycle", res); !strings.Contains(sum, "match ended by an error (record kept)") {
		t.Errorf("summary:\n%s", sum)
	}
}

func TestLoopQuit(t *testing.T) {
	for _, k := range []Key{{Rune: 'q'}, {Rune: 'c', Ctrl: true}} {
		_, in, s, done := startGame(t, &cycleOpponent{}, game.Endless())
		waitScreen(t, s, "round 1 · throw:")
		in.key('s')
		waitScreen(t, s, "round 2 · throw:")
		in.ev <- Event{Kind: EventKey, Key: k}
		res := result(t, done)
		if !res.Quit || res.Match.Played() != 1 {
			t.Errorf("%+v: quit %v after %d rounds", k, res.Quit, res.Match.Played())
		}
	}
}

func TestLoopTypeahead(t *testing.T) {
	_, in, s, done := startGame(t, &cycleOpponent{}, game.Rounds(1))
	waitScreen(t, s, "round 1 · throw:")
	in.ev <- Event{Kind: EventKey, Key: Key{Rune: 'r', Time: 1}} // captured long before the frame
	waitScreen(t, s, "reaction typed ahead")
	in.key('q')
	res := result(t, done)
	if len(res.Reactions) != 1 || res.Reactions[0] != Typeahead {
		t.Errorf("reactions %v, want [Typeahead]", res.Reactions)
	}
}

// shownScreen notes the monotonic time at which each Show returned.
type shownScreen struct {
	*recScreen
	lastShown atomic.Int64
}

func (s *shownScreen) Show() { s.recScreen.Show(); s.lastShown.Store(mono.Now()) }

// TestLoopReactionFromShow: the reaction time is the key's capture timestamp
// minus the moment the round's frame was shown (taken right after Show), not
// the moment the key reached the loop.
func TestLoopReactionFromShow(t *testing.T) {
	s := &shownScreen{recScreen: &recScreen{SimulationScreen: newSim(t, 80, 24)}}
	in := newFakeInput()
	g := New(Config{Screen: s, Input: in, Opponent: &cycleOpponent{}, Name: "cycle", Format: game.Rounds(1), Theme: NewTheme(256, false)})
	done := make(chan Result, 1)
	go func() { done <- g.Run() }()
	waitScreen(t, s.recScreen, "round 1 · throw:")
	shown := s.lastShown.Load() // the throw frame's Show returned here or earlier
	// A key captured exactly one second after that, delivered late: its
	// delivery time must not count.
	const later = int64(time.Second)
	in.ev <- Event{Kind: EventKey, Key: Key{Rune: 'p', Time: shown + later}}
	waitScreen(t, s.recScreen, "MATCH OVER: YOU WIN 1 : 0")
	in.key('q')
	res := result(t, done)
	if len(res.Reactions) != 1 {
		t.Fatalf("reactions %v", res.Reactions)
	}
	// The loop reads the clock after Show returns: at shown or later, and
	// long before the key was delivered.
	if r := res.Reactions[0]; r > later || r < later-int64(250*time.Millisecond) {
		t.Errorf("reaction %d ns, want the capture time minus the frame's Show (just under %d ns)", r, later)
	}
	if frame := waitScreen(t, s.recScreen, "reaction "); !regexp.MustCompile(`reaction \d+\.\d{3} ms`).MatchString(frame) {
		t.Errorf("the reaction is not shown in ms with µs precision:\n%s", frame)
	}
}
