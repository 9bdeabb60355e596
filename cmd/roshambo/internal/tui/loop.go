package tui

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/mono"
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
	// EventWake: Interrupt was called: another source (the opponent, the
	// spy, a timer) has news for the loop.
	EventWake
	// EventTerminate: SIGTERM, SIGHUP or SIGINT (Event.Signal): end the
	// session at once, keeping the record.
	EventTerminate
	// EventSuspend: SIGTSTP from outside: suspend as for Ctrl-Z.
	EventSuspend
)

// Event is one input event for the game loop.
type Event struct {
	Kind   EventKind
	Key    Key            // EventKey only
	Signal syscall.Signal // EventTerminate only
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
	// Enter is the Enter (Return) key.
	Enter bool
	// Time is the key's capture timestamp (input.Now nanoseconds).
	Time int64
}

// Input is the game loop's view of the input layer: it is the loop's one
// place to wait. Keys and signals come through it directly; every other
// source (the opponent, the spy, timers) wakes it with Interrupt and is then
// read without waiting. Next and Suspend are called from the loop's goroutine
// only; Interrupt from any goroutine.
type Input interface {
	// Next blocks until the next event. An Interrupt, before or during the
	// wait, makes it return an EventWake.
	Next() (Event, error)
	// Interrupt wakes a blocked (or the next) Next with an EventWake.
	Interrupt()
	// Suspend restores the terminal, stops the job (Ctrl-Z) and returns
	// once it has been continued and raw mode is back on.
	Suspend() error
}

// Opponent is the game loop's view of an opponent process (a
// *game.Opponent started with its Notify set to Input.Interrupt). None of its
// methods may block the loop.
type Opponent interface {
	// Send queues a protocol line for the opponent.
	Send(msg game.Message) error
	// Poll returns the next message the opponent sent, if any, or its
	// failure.
	Poll() (game.Message, bool, error)
	// Timeout is how long the opponent may take to answer.
	Timeout() time.Duration
	// Close ends the opponent (it may take up to its quit grace); the
	// loop calls it from a goroutine of its own.
	Close() error
}

// StartFunc starts the opponent of a new match. It runs on a goroutine of
// its own (it forks and executes a program) and must arrange for the
// opponent to call wake whenever Poll has news.
type StartFunc func(wake func()) (Opponent, error)

// Spied is what the spy saw in one line the opponent wrote: a move (plain
// mode) or a commitment (commit mode), or a buffer the bot rewrote while the
// kernel read it, which is never shown as a move.
type Spied struct {
	Move       game.Move
	Committed  bool
	Commitment string
	// Changed is set when the bot rewrote its buffer during the write:
	// Entry and Exit say what each reading held ("PAPER", "a commitment",
	// "no answer"), and what the game received is not known.
	Changed     bool
	Entry, Exit string
	// Caveat qualifies a move that the spy could not verify ("read once:
	// ..."), or "".
	Caveat string
}

// Config configures a Game.
type Config struct {
	Screen tcell.Screen // initialised screen to draw on
	Input  Input
	// Opponent is the opponent of the first match, already started.
	Opponent Opponent
	// Start starts the opponent of each further match (the n key); nil
	// disables new matches.
	Start StartFunc
	// Name names the opponent in the header, e.g. "cycle".
	Name   string
	Format game.Format
	// Commit says the opponent plays in commit mode: it must commit to
	// each move before the player throws.
	Commit bool
	// Theme, if its zero value, is chosen from the screen's colours and
	// the NO_COLOR environment variable by the caller.
	Theme Theme
	// Spy is the initial spy panel (Enabled and Status); reports arrive
	// through Game.Spy.
	Spy SpyPanel
	// Out and Frames, when both are set, are the fast path of the frame
	// that answers a key: the changed cells written straight to the
	// terminal (Out) by Frames, instead of tcell's Show (see FrameWriter).
	Out    io.Writer
	Frames *FrameWriter
}

// Timings of the loop (variables so that tests can shorten them).
var (
	// waitNotice is how long the bot may think before the prompt says
	// "waiting for the bot…": a bot that answers in a millisecond does not
	// flash it on every round.
	waitNotice = 150 * time.Millisecond
	// readyDelay is how long the match-over and error screens ignore
	// keys, so that a throw typed just before the end does not act on them.
	readyDelay = 500 * time.Millisecond
)

// MatchResult is how one match of a session ended.
type MatchResult struct {
	Match *game.Match
	// Reactions holds the reaction time of each round in ns (Typeahead
	// for a key captured before the round's frame was shown).
	Reactions []int64
	// Quit is set when the player left before the match was over.
	Quit bool
	// Err is the opponent's error that ended the match; the record up to
	// it is kept in Match.
	Err error
}

// Result is how a session ended: every match played, in order.
type Result struct {
	Matches []MatchResult
	// Signal is the terminating signal that ended the session, or 0.
	Signal syscall.Signal
	// Err is the terminal's error that ended the session (it hung up), or
	// nil.
	Err error
}

// Last returns the last match of the session.
func (r Result) Last() MatchResult { return r.Matches[len(r.Matches)-1] }

// Typeahead marks a reaction time that cannot be measured: the key was
// captured before the round's frame was shown.
const Typeahead int64 = -1

// timer kinds
const (
	timerAnswer = iota // the bot's answer (or reveal) is late
	timerNotice        // say "waiting for the bot…"
	timerReady         // the match-over or error screen takes keys
	numTimers
)

// posted is news from another goroutine, taken by the loop on EventWake.
type posted struct {
	spied   *Spied
	explain *explained
	status  *string
	timer   int
	gen     uint64
	started *startResult
}

type explained struct {
	round int
	e     game.Explanation
}

type startResult struct {
	op  Opponent
	err error
}

// Game runs a session of matches on the terminal: one goroutine (Run's)
// owns all the state and waits in Input.Next for every source at once. Keys
// and signals arrive from the input layer; the opponent, the spy and the
// timers post their news and wake it. A key's frame is drawn before any
// opponent I/O: the opponent's lines are sent after the frame is on its way.
//
// Concurrency: Run is called once, from one goroutine; Spy and SpyStatus may
// be called from any goroutine.
type Game struct {
	cfg Config
	scr tcell.Screen
	in  Input
	r   *Renderer
	st  State

	direct           bool      // frames were written past tcell: its buffer is stale
	needFull         bool      // the next frame repaints the whole screen (after a resume)
	retireAfterFlush bool      // the match is over: close the opponent once its last lines are sent
	early            game.Move // the throw whose guessed frame went out before the state changed, if any
	guesses          guesses   // the frames of the three throws, composed ahead
	gc               *collector
	ref              *game.Referee
	op               Opponent
	outbox           []game.Message // lines for the opponent, sent after the frame
	res              Result
	cur              *MatchResult
	done             bool

	// reaction clock: shown is when the round's throw prompt reached the
	// terminal (0 until it has); pausedAt is when help opened (0: closed).
	shown    int64
	pausedAt int64

	timers [numTimers]*time.Timer
	gens   [numTimers]uint64
	armAns bool // arm the answer timer when the outbox is sent

	mu      sync.Mutex
	mailbox []posted
	seen    int            // answers the spy has seen from the current opponent
	retired sync.WaitGroup // goroutines closing old opponents or starting a new one
}

// New returns a Game ready to Run.
func New(cfg Config) *Game {
	g := &Game{cfg: cfg, scr: cfg.Screen, in: cfg.Input, r: NewRenderer(cfg.Theme), gc: newCollector(collectAfter)}
	g.st = State{Opponent: cfg.Name, Commit: cfg.Commit, Spy: cfg.Spy, CanRestart: cfg.Start != nil}
	return g
}

// Spy reports a write of the opponent seen by the spy. It is safe to call
// from any goroutine; the panel updates at once, whatever the loop waits for.
func (g *Game) Spy(s Spied) { g.post(posted{spied: &s}) }

// Explained reports how the bot chose its move in round n of the current
// match (the levels' bots tell it on their stderr). Any goroutine; the
// statistics panel shows it when the player has asked for it (e).
func (g *Game) Explained(n int, e game.Explanation) { g.post(posted{explain: &explained{n, e}}) }

// SpyStatus replaces the spy panel's status line (any goroutine).
func (g *Game) SpyStatus(status string) { g.post(posted{status: &status}) }

// post hands news to the loop and wakes it (any goroutine).
func (g *Game) post(p posted) {
	g.mu.Lock()
	g.mailbox = append(g.mailbox, p)
	g.mu.Unlock()
	g.in.Interrupt()
}

// Run plays matches until the player quits, a terminating signal arrives
// or the terminal goes away, and returns every match's record. The caller
// then restores the terminal, prints Summary, and calls Close: the
// opponent's quit grace costs the player nothing.
func (g *Game) Run() Result {
	defer g.stopTimers()
	g.newMatch(g.cfg.Opponent)
	g.flush(true)
	for !g.done {
		g.heat()
		ev, err := g.in.Next()
		if err != nil {
			g.res.Err = fmt.Errorf("read the terminal: %w", err)
			g.res.Signal = g.hangupSignal()
			break
		}
		full := false
		switch ev.Kind {
		case EventKey:
			g.onKey(ev.Key)
		case EventWake:
			g.takeMail()
			g.pollOpponent()
		case EventResize:
			// Show makes tcell read the new size (Size is updated only
			// by Show and Sync): cleared first, since frames written past
			// it left its buffer stale. The frame is then composed for
			// the new size and repainted in full.
			g.scr.Clear()
			g.scr.Show()
			g.r.Invalidate()
			full = true
		case EventRepaint:
			g.r.Invalidate()
			full = true
		case EventSuspend:
			g.suspend()
		case EventTerminate:
			g.res.Signal = ev.Signal
			g.done = true
		}
		if !g.done {
			g.flush(full)
		}
	}
	if g.cur.Err == nil && !g.over() {
		g.cur.Quit = true
	}
	return g.res
}

// hangupSignal gives a terminating signal a moment to follow the terminal's
// end: when a terminal window closes, the reader sees the hang-up and the
// process gets SIGHUP at about the same time, in either order. Input keeps
// returning its error at once, and reports a signal before it: ask it a few
// times. It returns the signal, or 0.
func (g *Game) hangupSignal() syscall.Signal {
	for range 20 {
		if ev, err := g.in.Next(); err == nil && ev.Kind == EventTerminate {
			return ev.Signal
		}
		time.Sleep(10 * time.Millisecond)
	}
	return 0
}

// Close closes the opponent of the last match, if it is still playing, and
// waits until every opponent of the session has been closed. Call it once,
// after Run, from Run's goroutine.
func (g *Game) Close() {
	g.retire()
	g.retired.Wait()
	// An opponent started for a new match that the session ended before.
	g.mu.Lock()
	mail := g.mailbox
	g.mailbox = nil
	g.mu.Unlock()
	for _, p := range mail {
		if p.started != nil && p.started.op != nil {
			_ = p.started.op.Close()
		}
	}
}

// over reports whether the current match has ended by its format.
func (g *Game) over() bool { return g.cur.Match.Over() }

// flush draws the state and shows it (in full after a resize or a resume),
// then sends what the opponent must hear: the frame is on its way first.
func (g *Game) flush(full bool) {
	g.show(full || g.needFull)
	g.needFull = false
	prompted := false
	if g.st.Phase == PhaseThrow && g.shown == 0 && !g.tooSmall() {
		g.shown = mono.Now() // the round's prompt is on its way to the terminal
		prompted = true
		if g.st.Help {
			g.pausedAt = g.shown // the clock starts stopped: help covers the prompt
		}
	}
	for _, m := range g.outbox {
		if err := g.op.Send(m); err != nil {
			g.outbox = g.outbox[:0]
			g.fail(err)
			g.flush(false)
			return
		}
	}
	g.outbox = g.outbox[:0]
	if g.armAns {
		g.armAns = false
		g.arm(timerAnswer, g.op.Timeout())
	}
	if g.retireAfterFlush {
		g.retireAfterFlush = false
		g.retire()
	}
	g.guessAhead()
	if prompted {
		g.gc.atPrompt()
	}
}

// show draws the state: straight to the terminal when it can (the changed
// cells only), else through tcell (in full after a resize or a resume, or
// after frames written past it).
func (g *Game) show(full bool) {
	early := g.early
	g.early = game.NoMove
	if !full && g.cfg.Frames != nil && g.cfg.Out != nil {
		w, h := g.scr.Size()
		// After a throw whose frame went out early (answerEarly) there is
		// nothing to draw if the state is the one it was composed for;
		// else the diff against it mends the screen.
		ok := g.guessShown(early, w, h)
		if !ok {
			ok, _ = g.r.Write(g.cfg.Out, g.cfg.Frames, &g.st, w, h)
		}
		if ok {
			// A write error means the terminal is gone: the input layer
			// reports the hang-up.
			g.direct = true
			return
		}
	}
	if g.direct {
		g.r.Invalidate()
		full, g.direct = true, false
	}
	g.r.Draw(g.scr, &g.st)
	if full {
		g.scr.Sync()
	} else {
		g.scr.Show()
	}
}

// newMatch begins a match against op: a fresh record, round 1 asked.
func (g *Game) newMatch(op Opponent) {
	g.op = op
	g.seen = 0
	m := game.NewMatch(g.cfg.Format)
	g.res.Matches = append(g.res.Matches, MatchResult{Match: m})
	g.cur = &g.res.Matches[len(g.res.Matches)-1]
	g.ref = game.NewReferee(m, game.Rules{MustCommit: [2]bool{game.Bot: g.cfg.Commit}})
	g.st.Match, g.st.Reactions, g.st.Err, g.st.ErrDetail, g.st.Explain = m, nil, "", nil, ""
	g.st.Spy = SpyPanel{Enabled: g.st.Spy.Enabled, Status: g.st.Spy.Status, Unavailable: g.st.Spy.Unavailable}
	g.st.Matches = len(g.res.Matches)
	g.startRound()
}

// startRound asks the bot for the next move.
func (g *Game) startRound() {
	step, err := g.ref.Start()
	if err != nil {
		g.fail(err)
		return
	}
	g.deliver(step)
	g.st.Phase, g.st.Thrown, g.st.Waiting = PhaseWait, game.NoMove, false
	g.shown = 0
	g.arm(timerNotice, waitNotice)
}

// deliver queues the referee's messages for the bot; the human side's are
// the loop's own business (it draws the round). The answer timer starts when
// a message that asks the bot for something goes out, and stops when the
// bot owes nothing; a throw typed ahead of the bot's answer leaves it alone.
func (g *Game) deliver(step game.Step) {
	asked := false
	for _, e := range step.Send {
		if e.To == game.Bot {
			g.outbox = append(g.outbox, e.Msg)
			asked = true
		}
	}
	switch {
	case !g.ref.Awaits(game.Bot):
		g.disarm(timerAnswer)
		g.armAns = false
	case asked:
		g.armAns = true
	}
}

// pollOpponent takes everything the opponent has said.
func (g *Game) pollOpponent() {
	for g.st.Phase == PhaseThrow || g.st.Phase == PhaseWait {
		msg, ok, err := g.op.Poll()
		if err != nil {
			g.fail(err)
			return
		}
		if !ok {
			return
		}
		g.onBot(msg)
	}
}

// onBot hands a message of the bot to the referee.
func (g *Game) onBot(msg game.Message) {
	step, err := g.ref.Receive(game.Bot, msg)
	if err == nil {
		// Before anything else calls the Referee: step.Send is a view of
		// its buffer, and "opponent n" must go out before "round n+1".
		g.deliver(step)
	}
	if step.Done {
		g.roundDone(step.Round, err != nil)
	}
	if err != nil {
		g.fail(err)
		return
	}
	if step.Done {
		return
	}
	g.disarm(timerNotice)
	g.st.Waiting = false
	if g.ref.Awaits(game.Human) {
		g.st.Phase = PhaseThrow // the prompt; the reaction clock starts when it is shown
	}
}

// onThrow hands the player's throw to the referee.
func (g *Game) onThrow(m game.Move, captured int64) {
	react := g.reaction(captured)
	step, err := g.ref.Receive(game.Human, game.Message{Kind: game.MsgMove, Move: m})
	if err != nil {
		g.fail(err)
		return
	}
	g.st.Reactions = append(g.st.Reactions, react)
	g.cur.Reactions = g.st.Reactions
	g.st.Help = false
	g.pausedAt = 0
	g.deliver(step)
	if step.Done {
		g.roundDone(step.Round, false)
		return
	}
	// Typed ahead of the bot's answer, or waiting for its reveal.
	g.st.Phase, g.st.Thrown = PhaseWait, m
}

// reaction returns the reaction time of a throw captured at captured: from
// the prompt's frame to the key, less the time help was open, or Typeahead.
func (g *Game) reaction(captured int64) int64 {
	if g.st.Phase != PhaseThrow || g.shown == 0 || captured < g.shown {
		return Typeahead
	}
	if g.pausedAt != 0 { // help is open: the clock stopped then
		return max(0, g.pausedAt-g.shown)
	}
	return captured - g.shown
}

// answerEarly writes the frame composed ahead for the throw m, if the state
// is still the one it was composed from, before the throw changes the state:
// the key's frame waits for nothing but its reaction line (the referee, the
// record and the bot's next request come after it). onThrow then makes the
// state the frame shows, and show checks that it did: a frame that does not
// match is mended by the diff show then writes.
func (g *Game) answerEarly(m game.Move, captured int64) {
	gs := &g.guesses
	if !gs.ok || !m.Valid() || g.cfg.Frames == nil || g.cfg.Out == nil {
		return
	}
	if !sameFrame(&gs.from, &g.st) {
		return
	}
	w, h := gs.w, gs.h // WritePrepared checks them against the frame on the screen
	i := int(m) - int(game.Rock)
	st := &gs.state[i]
	st.Reactions[len(st.Reactions)-1] = g.reaction(captured)
	if ok, _ := g.r.WritePrepared(g.cfg.Out, g.cfg.Frames, &gs.frame[i], st, w, h); ok {
		g.early, g.direct = m, true
	}
}

// roundDone records the end of a round and asks for the next one, unless
// the match is over (or ended by an error).
func (g *Game) roundDone(r game.Round, failed bool) {
	g.disarm(timerAnswer)
	g.disarm(timerNotice)
	g.st.Thrown, g.st.Waiting = game.NoMove, false
	if failed {
		return
	}
	if g.over() {
		g.st.Phase = PhaseOver
		g.retireAfterFlush = true // the bot still hears the last round's move
		g.arm(timerReady, readyDelay)
		return
	}
	g.startRound()
}

// fail ends the match with the opponent's error; the record is kept.
func (g *Game) fail(err error) {
	if g.st.Phase == PhaseError || g.st.Phase == PhaseOver {
		return
	}
	g.cur.Err = err
	g.st.Phase, g.st.Help, g.st.Thrown, g.st.Waiting = PhaseError, false, game.NoMove, false
	g.st.Err, g.st.ErrDetail = Explain(err)
	g.outbox = g.outbox[:0]
	g.disarm(timerAnswer)
	g.disarm(timerNotice)
	g.retire()
	g.arm(timerReady, readyDelay)
}

// retire closes the current opponent in the background: "quit" and a short
// grace cost the player nothing.
func (g *Game) retire() {
	op := g.op
	if op == nil {
		return
	}
	if _, ok := op.(retiredOpponent); ok {
		return
	}
	g.retired.Add(1)
	go func() {
		defer g.retired.Done()
		_ = op.Close()
	}()
	g.op = retiredOpponent{}
}

// retiredOpponent stands in for an opponent that has been closed.
type retiredOpponent struct{}

func (retiredOpponent) Send(game.Message) error           { return nil }
func (retiredOpponent) Poll() (game.Message, bool, error) { return game.Message{}, false, nil }
func (retiredOpponent) Timeout() time.Duration            { return time.Hour }
func (retiredOpponent) Close() error                      { return nil }

// restart starts the opponent of a new match in the background.
func (g *Game) restart() {
	g.st.Phase, g.st.Ready = PhaseStarting, false
	g.retired.Add(1)
	go func() {
		defer g.retired.Done()
		op, err := g.cfg.Start(g.in.Interrupt)
		g.post(posted{started: &startResult{op, err}})
	}()
}

// tooSmall reports whether the screen is below the minimum size: only quit,
// suspend and resize act then, so that no throw is taken blind.
func (g *Game) tooSmall() bool {
	w, h := g.scr.Size()
	return w < MinWidth || h < MinHeight
}

// onKey handles a key in the current phase.
func (g *Game) onKey(k Key) {
	plain := !k.Ctrl && !k.Alt
	switch {
	case k.Ctrl && k.Rune == 'c', plain && (k.Rune == 'q' || k.Rune == 'Q'):
		g.done = true
		return
	case k.Ctrl && k.Rune == 'z':
		g.suspend()
		return
	case g.tooSmall():
		return
	case plain && k.Rune == '?':
		g.toggleHelp()
		return
	case plain && (k.Rune == 'e' || k.Rune == 'E'):
		g.st.Explaining = !g.st.Explaining
		return
	case k.Esc && g.st.Help:
		g.toggleHelp()
		return
	}
	switch g.st.Phase {
	case PhaseThrow, PhaseWait:
		if m := throwOf(k); m != game.NoMove && g.ref.Awaits(game.Human) {
			g.answerEarly(m, k.Time)
			g.onThrow(m, k.Time)
		}
	case PhaseOver, PhaseError:
		if !g.st.Ready {
			return
		}
		switch {
		case plain && (k.Rune == 'n' || k.Rune == 'N') && g.cfg.Start != nil:
			g.restart()
		case k.Enter || k.Esc:
			g.done = true
		}
	}
}

// toggleHelp opens or closes the help; the reaction clock stops while it is
// open.
func (g *Game) toggleHelp() {
	g.st.Help = !g.st.Help
	now := mono.Now()
	switch {
	case g.st.Help:
		g.pausedAt = now
	case g.pausedAt != 0:
		g.pauseClock(now - g.pausedAt)
		g.pausedAt = 0
	}
}

// pauseClock moves the reaction clock's start forward by d: time that must
// not count (help open, suspended).
func (g *Game) pauseClock(d int64) {
	if g.shown != 0 {
		g.shown += d
	}
}

// suspend leaves the screen, stops the job and repaints in full once it is
// continued. The reaction clock and the answer timeout stand still meanwhile.
func (g *Game) suspend() {
	t0 := mono.Now()
	if err := g.scr.Suspend(); err != nil {
		g.res.Err = fmt.Errorf("suspend the screen: %w", err)
		g.done = true
		return
	}
	err := g.in.Suspend()
	if rerr := g.scr.Resume(); rerr != nil && err == nil {
		err = fmt.Errorf("resume the screen: %w", rerr)
	}
	if err != nil {
		g.res.Err = fmt.Errorf("suspend: %w", err)
		g.done = true
		return
	}
	if g.pausedAt == 0 {
		g.pauseClock(mono.Now() - t0)
	} else {
		g.pausedAt += mono.Now() - t0
	}
	// Fresh timeouts after the resume (a timer that expired while the
	// process was stopped is re-armed, and its late firing ignored).
	if g.timers[timerAnswer] != nil {
		g.arm(timerAnswer, g.op.Timeout())
	}
	if g.timers[timerNotice] != nil {
		g.arm(timerNotice, waitNotice)
	}
	g.r.Invalidate()
	g.needFull = true
}

// takeMail handles the news posted by other goroutines.
func (g *Game) takeMail() {
	g.mu.Lock()
	mail := g.mailbox
	g.mailbox = nil
	g.mu.Unlock()
	for _, p := range mail {
		switch {
		case p.spied != nil:
			g.onSpied(*p.spied)
		case p.status != nil:
			g.st.Spy.Status = *p.status
		case p.explain != nil:
			g.st.Explain = fmt.Sprintf("round %d: it %s", p.explain.round, p.explain.e)
		case p.started != nil:
			g.onStarted(*p.started)
		case p.gen == g.gens[p.timer]:
			g.timers[p.timer] = nil
			g.onTimer(p.timer)
		}
	}
}

func (g *Game) onSpied(s Spied) {
	g.seen++
	c := s.Commitment
	if len(c) > 16 {
		c = c[:16] + "…"
	}
	g.st.Spy.Round, g.st.Spy.Move, g.st.Spy.Committed, g.st.Spy.Commitment = g.seen, s.Move, s.Committed, c
	g.st.Spy.Changed, g.st.Spy.Entry, g.st.Spy.Exit, g.st.Spy.Caveat = s.Changed, s.Entry, s.Exit, s.Caveat
}

func (g *Game) onStarted(r startResult) {
	if g.st.Phase != PhaseStarting {
		if r.op != nil {
			g.op = r.op
			g.retire()
		}
		return
	}
	if r.err != nil {
		g.fail(fmt.Errorf("start a new opponent: %w", r.err))
		return
	}
	g.newMatch(r.op)
}

func (g *Game) onTimer(kind int) {
	switch kind {
	case timerAnswer:
		if g.ref.Awaits(game.Bot) {
			what := "answer"
			if _, committed := g.ref.Answered(game.Bot); committed {
				what = "reveal"
			}
			g.fail(&game.OpponentError{Side: game.Bot, Round: g.ref.Round(), Err: game.ErrTimeout,
				Detail: fmt.Sprintf("no %s within %v", what, g.op.Timeout())})
		}
	case timerNotice:
		if g.ref.Awaits(game.Bot) {
			g.st.Waiting = true
		}
	case timerReady:
		g.st.Ready = true
	}
}

// arm (re)starts a timer; when it fires, the loop is woken and handles it,
// unless it was re-armed or disarmed meanwhile.
func (g *Game) arm(kind int, d time.Duration) {
	g.disarm(kind)
	gen := g.gens[kind]
	g.timers[kind] = time.AfterFunc(d, func() { g.post(posted{timer: kind, gen: gen}) })
}

// disarm stops a timer; a firing already posted is ignored.
func (g *Game) disarm(kind int) {
	g.gens[kind]++
	if t := g.timers[kind]; t != nil {
		t.Stop()
		g.timers[kind] = nil
	}
}

func (g *Game) stopTimers() {
	for k := range g.timers {
		g.disarm(k)
	}
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

// Explain puts an opponent's error in words for the error screen and the
// summary: a headline, and the details below it (the hashes of a broken
// commitment, the opponent's stderr).
func Explain(err error) (headline string, detail []string) {
	var oe *game.OpponentError
	if !errors.As(err, &oe) {
		return err.Error(), nil
	}
	n := oe.Round
	switch {
	case errors.Is(err, game.ErrCommitMismatch):
		headline = fmt.Sprintf("the bot changed its move after committing: you win round %d by forfeit", n)
		// The Referee's detail: "committed <hash>, revealed "<line>",
		// which hashes to <hash>": one item a line.
		detail = append(detail, strings.Split(oe.Detail, ", ")...)
	case errors.Is(err, game.ErrTimeout):
		headline = fmt.Sprintf("the bot did not answer round %d in time", n)
		detail = append(detail, oe.Detail)
	case errors.Is(err, game.ErrOpponentExited):
		headline = fmt.Sprintf("the bot exited in round %d", n)
		if oe.Exit != "" {
			headline += " (" + oe.Exit + ")"
		}
		if oe.Detail != "" {
			detail = append(detail, oe.Detail)
		}
	case errors.Is(err, game.ErrMalformed):
		headline = fmt.Sprintf("the bot broke the protocol in round %d", n)
		detail = append(detail, oe.Detail)
	default:
		return err.Error(), nil
	}
	if oe.Stderr != "" {
		detail = append(detail, "its stderr: "+oe.Stderr)
	}
	return headline, detail
}
