package tui

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/mono"
)

func init() {
	// Short delays keep the tests quick; the behaviour is the same.
	readyDelay = 30 * time.Millisecond
}

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

func (f *fakeInput) key(r rune)    { f.ev <- Event{Kind: EventKey, Key: Key{Rune: r}} }
func (f *fakeInput) send(k Key)    { f.ev <- Event{Kind: EventKey, Key: k} }
func (f *fakeInput) event(e Event) { f.ev <- e }

// journal is the order of what the loop did: frames shown and lines sent.
type journal struct {
	mu      sync.Mutex
	entries []string
}

func (j *journal) add(s string) {
	j.mu.Lock()
	j.entries = append(j.entries, s)
	j.mu.Unlock()
}

func (j *journal) all() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.entries...)
}

// fakeBot is an opponent process as the loop sees it, in memory: it plays
// rock, paper, scissors, ... (or commits to them), answering on a goroutine
// of its own and waking the loop, as game.Opponent does.
type fakeBot struct {
	wake    func()
	log     *journal
	commit  bool          // commit to each move, reveal when told
	cheat   bool          // reveal another move than the one committed to
	hold    chan struct{} // when set, each answer waits for a token
	hang    bool          // never answer
	failAt  int           // die when asked this round (0: never)
	timeout time.Duration

	mu     sync.Mutex
	queue  []game.Message
	err    error
	closed atomic.Bool
	asked  atomic.Int32
}

var errDied = &game.OpponentError{Round: 3, Err: game.ErrOpponentExited, Exit: "exit status 3", Stderr: "out of cheese"}

func (b *fakeBot) move(n int) game.Move { return game.Moves[(n-1)%3] }

func (b *fakeBot) Send(msg game.Message) error {
	if b.log != nil {
		b.log.add("send " + msg.String())
	}
	switch {
	case b.hang:
	case msg.Kind == game.MsgRound && msg.Round == b.failAt:
		go b.fail(errDied)
	case msg.Kind == game.MsgRound:
		b.asked.Store(int32(msg.Round))
		ans := game.Message{Kind: game.MsgMove, Move: b.move(msg.Round)}
		if b.commit {
			ans = game.Message{Kind: game.MsgCommit, Hash: game.Commitment(b.move(msg.Round), "salt")}
		}
		go b.say(ans)
	case msg.Kind == game.MsgOpponent && b.commit:
		m := b.move(msg.Round)
		if b.cheat {
			m = msg.Move.Beater()
		}
		go b.say(game.Message{Kind: game.MsgReveal, Round: msg.Round, Move: m, Nonce: "salt"})
	}
	return nil
}

func (b *fakeBot) say(m game.Message) {
	if b.hold != nil {
		<-b.hold
	}
	b.mu.Lock()
	b.queue = append(b.queue, m)
	b.mu.Unlock()
	b.wake()
}

func (b *fakeBot) fail(err error) {
	b.mu.Lock()
	b.err = err
	b.mu.Unlock()
	b.wake()
}

func (b *fakeBot) Poll() (game.Message, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queue) > 0 {
		m := b.queue[0]
		b.queue = b.queue[1:]
		return m, true, nil
	}
	return game.Message{}, false, b.err
}

func (b *fakeBot) Timeout() time.Duration {
	if b.timeout == 0 {
		return time.Minute
	}
	return b.timeout
}

func (b *fakeBot) Close() error {
	if b.log != nil {
		b.log.add("close")
	}
	b.closed.Store(true)
	return nil
}

// sends returns the journal's lines sent to the bot and its close, in order.
func (j *journal) sends() []string {
	var out []string
	for _, e := range j.all() {
		if strings.HasPrefix(e, "send ") || e == "close" {
			out = append(out, e)
		}
	}
	return out
}

// recScreen records the text of every frame shown, on the goroutine that
// shows it (GetContents returns the simulation's live cells, which another
// goroutine must not read), in its journal too.
type recScreen struct {
	tcell.SimulationScreen
	log       *journal
	mu        sync.Mutex
	last      string
	lastShown atomic.Int64
}

func (r *recScreen) Show() { r.SimulationScreen.Show(); r.record() }
func (r *recScreen) Sync() { r.SimulationScreen.Sync(); r.record() }
func (r *recScreen) record() {
	txt := text(r.SimulationScreen)
	r.lastShown.Store(mono.Now())
	r.mu.Lock()
	r.last = txt
	r.mu.Unlock()
	if r.log != nil {
		r.log.add("frame " + txt)
	}
}

func (r *recScreen) frame() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

// waitScreen polls the screen until it shows want.
func waitScreen(t *testing.T, s *recScreen, want string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.frame()
		if strings.Contains(got, want) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %q; last frame:\n%s", want, got)
		}
		time.Sleep(time.Millisecond)
	}
}

// session is a game under test.
type session struct {
	g    *Game
	in   *fakeInput
	scr  *recScreen
	bot  *fakeBot
	log  *journal
	done chan Result
	bots []*fakeBot // every opponent started, the first included
}

// play starts a game against bot; with restart, the n key starts a fresh
// copy of it.
func play(t *testing.T, bot *fakeBot, f game.Format, w, h int, restart bool) *session {
	t.Helper()
	log := &journal{}
	s := &session{in: newFakeInput(), log: log, bot: bot, done: make(chan Result, 1)}
	s.scr = &recScreen{SimulationScreen: newSim(t, w, h), log: log}
	bot.wake, bot.log = s.in.Interrupt, log
	s.bots = []*fakeBot{bot}
	cfg := Config{Screen: s.scr, Input: s.in, Opponent: bot, Name: "cycle", Format: f, Commit: bot.commit,
		Theme: NewTheme(256, false), Spy: SpyPanel{Enabled: true, Status: "test spy"}}
	if restart {
		var mu sync.Mutex
		cfg.Start = func(wake func()) (Opponent, error) {
			nb := &fakeBot{wake: wake, log: log, commit: bot.commit}
			mu.Lock()
			s.bots = append(s.bots, nb)
			mu.Unlock()
			return nb, nil
		}
	}
	s.g = New(cfg)
	go func() { s.done <- s.g.Run() }()
	return s
}

func (s *session) result(t *testing.T) Result {
	t.Helper()
	select {
	case r := <-s.done:
		s.g.Close()
		return r
	case <-time.After(10 * time.Second):
		t.Fatal("the game did not end")
	}
	return Result{}
}

func TestLoopPlaysAMatch(t *testing.T) {
	s := play(t, &fakeBot{}, game.BestOf(3), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	// The spy's report shows while the loop waits for the key.
	s.g.Spy(Spied{Move: game.Rock})
	waitScreen(t, s.scr, "round 1: the bot wrote ROCK")
	s.in.key('?')
	waitScreen(t, s.scr, "show or hide this help")
	s.in.key('?')
	s.in.key('p') // paper beats the bot's rock
	waitScreen(t, s.scr, "round 1: YOU WIN · paper covers rock")
	// Resize: the next frame fills the new size at once.
	s.scr.SetSize(100, 30)
	s.in.event(Event{Kind: EventResize})
	waitScreen(t, s.scr, strings.Repeat("─", 100))
	s.in.send(Key{Rune: 'z', Ctrl: true})
	s.in.event(Event{Kind: EventSuspend}) // kill -TSTP
	s.in.key('3')                         // scissors beats paper
	frame := waitScreen(t, s.scr, "MATCH OVER: YOU WIN 2 : 0")
	if !strings.Contains(frame, "#1 P/R #2 S/P") || !strings.Contains(frame, "round 2/3") {
		t.Errorf("strip of rounds or header missing:\n%s", frame)
	}
	waitScreen(t, s.scr, "q quit (the summary stays")
	s.in.send(Key{Enter: true})
	res := s.result(t)
	m := res.Last()
	if m.Err != nil || m.Quit || len(res.Matches) != 1 {
		t.Fatalf("result: err %v, quit %v, %d matches", m.Err, m.Quit, len(res.Matches))
	}
	if got := m.Match.Score(); got != (game.Score{HumanWins: 2}) {
		t.Errorf("score %+v", got)
	}
	if len(m.Reactions) != 2 || m.Reactions[0] < 0 || m.Reactions[1] < 0 {
		t.Errorf("reactions %v", m.Reactions)
	}
	if n := s.in.suspends.Load(); n != 2 {
		t.Errorf("Ctrl-Z and SIGTSTP suspended %d times, want 2", n)
	}
	if !s.bot.closed.Load() {
		t.Error("the opponent was not closed")
	}
	sum := Summary("cycle", res)
	for _, want := range []string{"roshambo: best of 3 vs cycle, 2 rounds played", "match over: you win", "score: you 2 : 0 bot, draws 0",
		"round  1: you paper    bot rock     win", "reaction: median "} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

// TestLoopFrameBeforeOpponentIO: a throw's frame, with the outcome, is
// shown before anything is sent to the opponent; the next round is asked
// for after it.
func TestLoopFrameBeforeOpponentIO(t *testing.T) {
	s := play(t, &fakeBot{}, game.Endless(), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('p')
	waitScreen(t, s.scr, "round 2 · throw:")
	s.in.key('q')
	s.result(t)
	first := func(match func(string) bool) int {
		for i, e := range s.log.all() {
			if match(e) {
				return i
			}
		}
		return -1
	}
	sent := func(line string) int { return first(func(e string) bool { return e == "send "+line }) }
	frame := first(func(e string) bool { return strings.HasPrefix(e, "frame ") && strings.Contains(e, "round 1: YOU WIN") })
	if !(sent("round 1") < frame && frame < sent("opponent 1 paper") && sent("opponent 1 paper") < sent("round 2")) || frame < 0 {
		t.Errorf("want round 1 asked, the outcome's frame, then the throw told and round 2 asked; journal:\n%s",
			strings.Join(s.log.all(), "\n"))
	}
}

// TestLoopCommitMode: the throw's frame acknowledges it at once; the outcome
// follows the verified reveal.
func TestLoopCommitMode(t *testing.T) {
	hold := make(chan struct{}, 8)
	hold <- struct{}{} // round 1's commitment
	s := play(t, &fakeBot{commit: true, hold: hold}, game.Endless(), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('p')
	frame := waitScreen(t, s.scr, "you threw paper · waiting for the bot's reveal")
	if strings.Contains(frame, "YOU WIN") {
		t.Fatalf("the outcome was shown before the reveal:\n%s", frame)
	}
	hold <- struct{}{} // the reveal
	waitScreen(t, s.scr, "round 1: YOU WIN · paper covers rock")
	hold <- struct{}{} // round 2's commitment
	waitScreen(t, s.scr, "round 2 · throw:")
	s.in.key('q')
	if res := s.result(t); res.Last().Match.Played() != 1 || !res.Last().Quit {
		t.Errorf("result %+v", res.Last())
	}
}

// TestLoopBrokenCommitment: a reveal that does not match its commitment is
// explained in words and forfeits the round.
func TestLoopBrokenCommitment(t *testing.T) {
	s := play(t, &fakeBot{commit: true, cheat: true}, game.Endless(), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('r')
	frame := waitScreen(t, s.scr, "the bot changed its move after committing: you win")
	for _, want := range []string{"round 1 by forfeit", "committed ", "which hashes to", "record kept: 1 round · you 1 : 0 bot"} {
		if !strings.Contains(frame, want) {
			t.Errorf("error screen lacks %q:\n%s", want, frame)
		}
	}
	s.in.key('q')
	res := s.result(t)
	if !errors.Is(res.Last().Err, game.ErrCommitMismatch) {
		t.Fatalf("err %v", res.Last().Err)
	}
	sum := Summary("cycle", res)
	for _, want := range []string{"match ended: the bot changed its move after committing: you win round 1 by forfeit", "win by forfeit"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
}

// TestLoopResponsiveWhileTheBotThinks: a bot that never answers does not
// make the game deaf: help, resize, suspend and quit act at once.
func TestLoopResponsiveWhileTheBotThinks(t *testing.T) {
	s := play(t, &fakeBot{hang: true}, game.Endless(), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · waiting for the bot…")
	s.in.key('?')
	waitScreen(t, s.scr, "show or hide this help")
	s.in.send(Key{Esc: true})
	s.scr.SetSize(90, 26)
	s.in.event(Event{Kind: EventResize})
	waitScreen(t, s.scr, strings.Repeat("─", 90))
	s.in.send(Key{Rune: 'z', Ctrl: true})
	s.in.key('q')
	res := s.result(t)
	if !res.Last().Quit || s.in.suspends.Load() != 1 {
		t.Errorf("quit %v, suspends %d", res.Last().Quit, s.in.suspends.Load())
	}
}

// TestLoopTypeahead: a throw before the bot's answer is held, shown at once,
// and played when the answer arrives; its reaction time is not measured.
func TestLoopTypeahead(t *testing.T) {
	hold := make(chan struct{}, 8)
	hold <- struct{}{}
	s := play(t, &fakeBot{hold: hold}, game.Rounds(3), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('p')
	waitScreen(t, s.scr, "round 1: YOU WIN")
	s.in.key('s') // before round 2's answer
	waitScreen(t, s.scr, "you threw scissors · waiting for the bot…")
	hold <- struct{}{}
	waitScreen(t, s.scr, "round 2: YOU WIN · scissors cut paper")
	hold <- struct{}{}
	waitScreen(t, s.scr, "round 3 · throw:")
	s.in.key('q')
	res := s.result(t)
	if r := res.Last().Reactions; len(r) != 2 || r[0] < 0 || r[1] != Typeahead {
		t.Errorf("reactions %v, want [measured, Typeahead]", r)
	}
	// The typed-ahead throw reached the bot after its answer, and each
	// round's move before the next round was asked.
	want := []string{"send round 1", "send opponent 1 paper", "send round 2", "send opponent 2 scissors", "send round 3", "close"}
	if got := s.log.sends(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines to the bot:\n got %q\nwant %q", got, want)
	}
}

// TestLoopLastRoundIsTold: the bot hears the last round's move before it is
// closed, as game.Play tells it.
func TestLoopLastRoundIsTold(t *testing.T) {
	s := play(t, &fakeBot{}, game.Rounds(2), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('p')
	waitScreen(t, s.scr, "round 2 · throw:")
	s.in.key('s')
	waitScreen(t, s.scr, "MATCH OVER")
	s.in.key('q')
	s.result(t)
	want := []string{"send round 1", "send opponent 1 paper", "send round 2", "send opponent 2 scissors", "close"}
	if got := s.log.sends(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("lines to the bot:\n got %q\nwant %q", got, want)
	}
}

// TestLoopReactionHelpOverThePrompt: help opened before the prompt appears
// keeps the reaction clock stopped until it closes.
func TestLoopReactionHelpOverThePrompt(t *testing.T) {
	hold := make(chan struct{}, 1)
	s := play(t, &fakeBot{hold: hold}, game.Rounds(1), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · waiting for the bot…")
	s.in.key('?')
	waitScreen(t, s.scr, "show or hide this help")
	hold <- struct{}{} // the prompt appears under the help
	time.Sleep(300 * time.Millisecond)
	s.in.key('?')
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('r')
	waitScreen(t, s.scr, "MATCH OVER")
	s.in.key('q')
	res := s.result(t)
	if r := res.Last().Reactions; len(r) != 1 || r[0] < 0 || r[0] >= int64(300*time.Millisecond) {
		t.Errorf("reactions %v: want one measured, without the 300 ms under the help", r)
	}
}

// TestLoopTimeout: a bot that does not answer in time is reported when the
// timeout expires, without a key.
func TestLoopTimeout(t *testing.T) {
	s := play(t, &fakeBot{hang: true, timeout: 50 * time.Millisecond}, game.Endless(), 80, 24, false)
	waitScreen(t, s.scr, "the bot did not answer round 1 in time")
	waitScreen(t, s.scr, "no answer within 50ms")
	s.in.key('q')
	if res := s.result(t); !errors.Is(res.Last().Err, game.ErrTimeout) {
		t.Errorf("err %v", res.Last().Err)
	}
}

// TestLoopOpponentDies: a bot that dies is reported when it does, not at the
// next throw.
func TestLoopOpponentDies(t *testing.T) {
	s := play(t, &fakeBot{failAt: 3}, game.Endless(), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('r')
	waitScreen(t, s.scr, "round 2 · throw:")
	s.in.key('r')
	// No key: asked for round 3, the bot dies, and the screen says so.
	frame := waitScreen(t, s.scr, "opponent error")
	for _, want := range []string{"the bot exited in round 3 (exit status 3)", "its stderr: out of cheese",
		"record kept: 2 rounds · you 0 : 1 bot · draws 1"} {
		if !strings.Contains(frame, want) {
			t.Errorf("error screen lacks %q:\n%s", want, frame)
		}
	}
	s.in.key('q')
	res := s.result(t)
	if !errors.Is(res.Last().Err, game.ErrOpponentExited) || res.Last().Match.Played() != 2 {
		t.Fatalf("err %v after %d rounds", res.Last().Err, res.Last().Match.Played())
	}
	if sum := Summary("cycle", res); !strings.Contains(sum, "match ended: the bot exited in round 3 (exit status 3) (record kept)") {
		t.Errorf("summary:\n%s", sum)
	}
}

// TestLoopTooSmall: on a screen below the minimum size, throws are not
// taken blind; quit still works.
func TestLoopTooSmall(t *testing.T) {
	s := play(t, &fakeBot{}, game.Endless(), 30, 8, false)
	waitScreen(t, s.scr, "enlarge it")
	for _, r := range "rps?" {
		s.in.key(r)
	}
	s.in.key('q')
	res := s.result(t)
	if n := res.Last().Match.Played(); n != 0 {
		t.Errorf("%d throws taken on the too-small screen", n)
	}
	for _, e := range s.log.all() {
		if strings.HasPrefix(e, "send opponent") {
			t.Errorf("sent %q from the too-small screen", e)
		}
	}
}

// TestLoopMatchOverThenNewMatch: the match-over screen ignores keys for a
// moment, then n starts a new match against a fresh opponent.
func TestLoopMatchOverThenNewMatch(t *testing.T) {
	old := readyDelay
	readyDelay = 300 * time.Millisecond
	t.Cleanup(func() { readyDelay = old })
	s := play(t, &fakeBot{}, game.Rounds(1), 80, 24, true)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('p')
	s.in.key('n') // typed right after the last throw: ignored
	s.in.send(Key{Enter: true})
	waitScreen(t, s.scr, "MATCH OVER: YOU WIN 1 : 0")
	waitScreen(t, s.scr, "n new match · q quit")
	if f := s.scr.frame(); !strings.Contains(f, "MATCH OVER") {
		t.Fatalf("a key typed during the delay acted on the match-over screen:\n%s", f)
	}
	s.in.key('n')
	waitScreen(t, s.scr, "first round: make your throw")
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('r')
	waitScreen(t, s.scr, "MATCH OVER: IT'S A DRAW 0 : 0")
	s.in.key('q')
	res := s.result(t)
	if len(res.Matches) != 2 || res.Matches[1].Match.Played() != 1 {
		t.Fatalf("%d matches", len(res.Matches))
	}
	if len(s.bots) != 2 || !s.bots[0].closed.Load() || !s.bots[1].closed.Load() {
		t.Errorf("opponents started %d, closed: not all", len(s.bots))
	}
	if sum := Summary("cycle", res); !strings.Contains(sum, "match 1 of 2") || !strings.Contains(sum, "match 2 of 2") {
		t.Errorf("summary:\n%s", sum)
	}
}

// TestLoopTerminate: a terminating signal ends the session at once with the
// record kept.
func TestLoopTerminate(t *testing.T) {
	s := play(t, &fakeBot{}, game.Endless(), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('p')
	waitScreen(t, s.scr, "round 2 · throw:")
	s.in.event(Event{Kind: EventTerminate, Signal: syscall.SIGTERM})
	res := s.result(t)
	if res.Signal != syscall.SIGTERM || res.Last().Match.Played() != 1 {
		t.Fatalf("signal %v, %d rounds", res.Signal, res.Last().Match.Played())
	}
	if sum := Summary("cycle", res); !strings.Contains(sum, "match interrupted: terminated") || !strings.Contains(sum, "round  1: you paper") {
		t.Errorf("summary:\n%s", sum)
	}
}

// TestLoopReactionFromShow: the reaction time is the key's capture timestamp
// minus the moment the round's prompt was shown (taken right after Show), not
// the moment the key reached the loop.
func TestLoopReactionFromShow(t *testing.T) {
	s := play(t, &fakeBot{}, game.Rounds(1), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	shown := s.scr.lastShown.Load() // the prompt's Show returned here or earlier
	// A key captured exactly one second after that, delivered late: its
	// delivery time must not count.
	const later = int64(time.Second)
	s.in.send(Key{Rune: 'p', Time: shown + later})
	waitScreen(t, s.scr, "MATCH OVER: YOU WIN 1 : 0")
	s.in.key('q')
	res := s.result(t)
	r := res.Last().Reactions
	if len(r) != 1 {
		t.Fatalf("reactions %v", r)
	}
	if r[0] > later || r[0] < later-int64(250*time.Millisecond) {
		t.Errorf("reaction %d ns, want the capture time minus the prompt's Show (just under %d ns)", r[0], later)
	}
	if frame := s.scr.frame(); !regexp.MustCompile(`reaction (9\d\d ms|1\.00 s)`).MatchString(frame) {
		t.Errorf("the reaction is not shown in ms:\n%s", frame)
	}
}

// TestLoopReactionStopsForHelp: time spent with the help open does not count.
func TestLoopReactionStopsForHelp(t *testing.T) {
	s := play(t, &fakeBot{}, game.Rounds(1), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('?')
	waitScreen(t, s.scr, "show or hide this help")
	time.Sleep(300 * time.Millisecond)
	s.in.key('?')
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('r')
	waitScreen(t, s.scr, "MATCH OVER")
	s.in.key('q')
	res := s.result(t)
	if r := res.Last().Reactions; len(r) != 1 || r[0] < 0 || r[0] >= int64(300*time.Millisecond) {
		t.Errorf("reactions %v: the 300 ms with the help open were counted", r)
	}
}

// TestLoopWaitingNotice: a bot that thinks for a while is announced, one
// that answers at once is not.
func TestLoopWaitingNotice(t *testing.T) {
	hold := make(chan struct{}, 2)
	s := play(t, &fakeBot{hold: hold}, game.Endless(), 80, 24, false)
	waitScreen(t, s.scr, "round 1 · waiting for the bot…")
	hold <- struct{}{}
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('q')
	s.result(t)
}

// TestLoopExplain: e shows how the bot chose its last move (what its
// process told the game), and again e the player's pattern.
func TestLoopExplain(t *testing.T) {
	s := play(t, &fakeBot{}, game.Endless(), 100, 30, false)
	waitScreen(t, s.scr, "round 1 · throw:")
	s.in.key('e')
	waitScreen(t, s.scr, "the bot: no explanation yet")
	s.in.key('p')
	waitScreen(t, s.scr, "round 1: YOU WIN")
	s.g.Explained(1, game.Explanation{Move: game.Rock, Predictor: game.PredictorRandom})
	waitScreen(t, s.scr, "the bot, round 1: it threw rock at random")
	s.in.key('e')
	waitScreen(t, s.scr, "your pattern:")
	s.in.key('q')
	s.result(t)
}
