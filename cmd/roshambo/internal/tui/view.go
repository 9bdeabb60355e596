// Package tui is roshambo's terminal user interface: the rendering model
// (State, Draw), the styles (Theme) and the game loop that ties the input
// layer, the opponent process and the optional spy together.
//
// Rendering is a pure function of State, the screen size and the Theme. A
// Renderer composes each frame off screen, then hands tcell only the cells
// whose content or style differ from what the screen holds. That matters:
// tcell marks a cell dirty whenever its content changes within a frame, so a
// Clear followed by a full redraw would resend every cell on each Show. With
// the diff, an unchanged frame sends no cell at all and a new round sends
// only what changed. The loop calls Sync only after a resize or a resume,
// when the terminal's contents are unknown.
package tui

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
)

// MinWidth and MinHeight are the smallest screen the game is drawn on;
// smaller screens get a one-line request to enlarge the terminal.
const (
	MinWidth  = 44
	MinHeight = 12
)

// maxContentWidth caps the width of the layout on wide terminals; the frame
// is centred.
const maxContentWidth = 100

// Phase is what the game is waiting for.
type Phase uint8

// The phases of a match.
const (
	// PhaseThrow waits for the human's throw.
	PhaseThrow Phase = iota
	// PhaseWait waits for the opponent: its answer (the human may throw
	// ahead of it) or, in commit mode, its reveal after the human's throw.
	PhaseWait
	// PhaseOver shows the final frame of a finished match.
	PhaseOver
	// PhaseError shows the error screen after the opponent failed.
	PhaseError
	// PhaseStarting waits for the opponent of a new match to start.
	PhaseStarting
)

// SpyPanel is what the spy panel shows.
type SpyPanel struct {
	// Enabled is set when --spy was given.
	Enabled bool
	// Status says what the spy is attached to, or exactly why it is
	// unavailable.
	Status string
	// Unavailable is set when the spy could not be started.
	Unavailable bool
	// Round is the round of the last move or commitment seen; 0 for none.
	Round int
	// Move is the move the opponent wrote in Round (plain mode).
	Move game.Move
	// Committed is set when the opponent wrote a commitment in Round: its
	// move is hidden.
	Committed bool
	// Commitment is the commitment's hex digest (may be shortened).
	Commitment string
	// Changed, Entry and Exit: the bot rewrote its buffer during the
	// write in Round; Entry and Exit say what each reading held.
	Changed     bool
	Entry, Exit string
	// Caveat qualifies Move ("read once: ..."), or "".
	Caveat string
}

// State is everything a frame shows. The game loop owns it; Draw only reads
// it. It is not safe for concurrent use.
type State struct {
	// Opponent names the opponent: the bot's strategy or the command.
	Opponent string
	// Commit is set when the opponent plays in commit mode.
	Commit bool
	// Match is the match so far; it must not be nil.
	Match *game.Match
	// Phase is what the game waits for.
	Phase Phase
	// Reactions holds the human's reaction time for each round in
	// nanoseconds: Reactions[i] belongs to round i+1.
	Reactions []int64
	// Thrown is the human's throw of the round in play while its outcome
	// is pending (PhaseWait: typed ahead of the bot's answer, or waiting
	// for its reveal in commit mode); NoMove otherwise.
	Thrown game.Move
	// Waiting is set when the bot has taken long enough to answer that
	// the prompt says so.
	Waiting bool
	// Ready is set when the match-over and error screens take keys (after
	// a short delay, so that a throw typed at the end does not act on them).
	Ready bool
	// CanRestart is set when n starts a new match.
	CanRestart bool
	// Matches counts the matches of the session so far (1 for the first).
	Matches int
	// Help shows the help overlay.
	Help bool
	// Explaining shows, in the statistics panel, how the bot chose its
	// last move (Explain) instead of the player's pattern.
	Explaining bool
	// Explain is the bot's latest explanation ("round 3: it expected rock
	// (...), so it threw paper"), or "" when it has told none.
	Explain string
	// Spy is the spy panel.
	Spy SpyPanel
	// Err is the error screen's headline (PhaseError), and ErrDetail the
	// lines below it.
	Err       string
	ErrDetail []string
}

// Round returns the number of the round being played (or the last one once
// the match is over).
func (st *State) Round() int {
	switch st.Phase {
	case PhaseOver, PhaseStarting:
		return max(st.Match.Played(), 1)
	case PhaseError:
		// The round that failed: recorded if it was forfeited.
		if last, ok := st.Match.Last(); ok && last.Forfeit {
			return last.N
		}
	}
	return st.Match.Played() + 1
}

// cell is one cell of an off-screen frame: a rune and the index of its
// style in the frame's style table. Eight bytes, not the eighty of a
// tcell.Style: a 100x30 frame is 24 KiB, which stays in the cache while it is
// composed and compared with the last one.
type cell struct {
	r  rune
	st uint8
}

// styles is a frame's style table: the few styles a theme has, interned.
type styles []tcell.Style

// index returns st's index, adding it to the table if it is new.
func (t *styles) index(st tcell.Style) uint8 {
	for i, s := range *t {
		if s == st {
			return uint8(i)
		}
	}
	*t = append(*t, st)
	return uint8(len(*t) - 1)
}

// canvas draws clipped text into an off-screen frame.
type canvas struct {
	cells  []cell
	w, h   int
	styles *styles
}

func (c canvas) set(x, y int, r rune, si uint8) {
	if x >= 0 && x < c.w && y >= 0 && y < c.h {
		c.cells[y*c.w+x] = cell{r, si}
	}
}

// put writes str at (x, y), clipped to the screen, and returns the x after it.
func (c canvas) put(x, y int, str string, st tcell.Style) int {
	if y < 0 || y >= c.h {
		return x + len([]rune(str))
	}
	si := c.styles.index(st)
	for _, r := range str {
		c.set(x, y, r, si)
		x++
	}
	return x
}

// center writes str centred in [x0, x0+w).
func (c canvas) center(x0, w, y int, str string, st tcell.Style) {
	n := len([]rune(str))
	c.put(x0+(w-n)/2, y, str, st)
}

// fill paints a rectangle with spaces in style st.
func (c canvas) fill(x, y, w, h int, st tcell.Style) {
	si := c.styles.index(st)
	for j := max(y, 0); j < min(y+h, c.h); j++ {
		row := c.cells[j*c.w : (j+1)*c.w]
		for i := max(x, 0); i < min(x+w, c.w); i++ {
			row[i] = cell{' ', si}
		}
	}
}

// section is one horizontal band of the layout.
type section struct {
	kind string
	h    int
	prio int // 0: always shown; higher numbers are dropped first
}

// layout returns the bands that fit in h rows, top to bottom.
func layout(h int) []section {
	all := []section{
		{"header", 1, 0}, {"gap", 1, 3}, {"score", 1, 0}, {"gap", 1, 3},
		{"hands", handH + 1, 0}, {"gap", 1, 4}, {"outcome", 1, 0}, {"reaction", 1, 0},
		{"gap", 1, 4}, {"strip", 1, 1}, {"panels", 7, 2}, {"prompt", 1, 0},
	}
	total := 0
	for _, s := range all {
		total += s.h
	}
	for drop := 4; drop > 0 && total > h; drop-- {
		kept := all[:0:0]
		for _, s := range all {
			if s.prio == drop && total > h {
				total -= s.h
				continue
			}
			kept = append(kept, s)
		}
		all = kept
	}
	return all
}

// Renderer draws States on a screen. It composes each frame off screen and
// remembers the last frame it handed to the screen, so that it sets only the
// cells that changed, without asking the screen what it holds (tcell's Get
// takes a lock and builds a string per cell). Steady-state drawing allocates
// little. A Renderer is not safe for concurrent use; one goroutine (the game
// loop) owns it.
type Renderer struct {
	Theme   Theme
	cells   []cell // the frame being composed
	sent    []cell // the frame last handed to the screen
	styles  styles // the styles the cells index
	w, h    int    // the size of the last frame
	valid   bool   // sent is what the screen holds
	changed int    // cells set by the last Draw
	gen     uint64 // counts the frames sent (Prepared frames check it)
	line    lineScratch
}

// NewRenderer returns a Renderer that draws with th.
func NewRenderer(th Theme) *Renderer { return &Renderer{Theme: th} }

// Invalidate makes the next Draw set every cell: the screen's contents are
// not what the Renderer last set (after a resume, or a screen that was
// cleared behind its back).
func (r *Renderer) Invalidate() { r.valid = false; r.gen++ }

// Draw renders st for the screen's current size into the screen's back
// buffer, setting only the cells that differ from the last frame it drew. It
// never calls Show or Sync: the caller does (Sync only after a resize or a
// resume, or after frames written directly with Write).
func (r *Renderer) Draw(s tcell.Screen, st *State) {
	w, h := s.Size()
	all := r.frame(st, w, h)
	r.changed = 0
	for i, want := range r.cells {
		if all || want != r.sent[i] {
			r.changed++
			s.SetContent(i%w, i/w, want.r, nil, r.styles[want.st])
			r.sent[i] = want
		}
	}
	r.gen++
}

// Write renders st for a w x h screen and writes the cells that changed
// since the last frame straight to out, with fw. It returns false, and
// writes nothing, when it cannot (no previous frame of that size, or a
// change fw declines): draw that frame with Draw and Sync instead. After
// frames written with Write, the screen's own buffer is stale: the next Draw
// must follow an Invalidate and be shown with Sync.
func (r *Renderer) Write(out io.Writer, fw *FrameWriter, st *State, w, h int) (bool, error) {
	if !r.valid || w != r.w || h != r.h {
		return false, nil
	}
	r.frame(st, w, h)
	return r.write(out, fw)
}

// Prepared is a frame composed ahead (Guess) with the bytes that will
// show it, all but its reaction line's, computed against the frame the
// Renderer last sent; Renderer.WritePrepared writes it.
type Prepared struct {
	cells []cell
	pre   []byte
	gen   uint64 // the sent frame pre was computed against
	ok    bool
	y     int     // the reaction line's row
	timed []int64 // the timed reactions before the throw's, sorted
}

// Prepare composes st's frame for a w x h screen into p (reusing its
// buffers) and computes the bytes that show it, the reaction line's aside,
// against the frame last sent. p.ok is false when fw declines the change.
func (r *Renderer) Prepare(p *Prepared, fw *FrameWriter, st *State, w, h int) {
	p.cells = r.Guess(p.cells, st, w, h)
	p.ok = false
	p.timed = timedBefore(p.timed, st.Reactions)
	if !r.valid || w != r.w || h != r.h {
		return
	}
	y, ok := reactionRow(h)
	if !ok || w < MinWidth {
		return
	}
	from, to := y*w, (y+1)*w
	var okA, okB bool
	p.pre, okA = fw.AppendDiff(p.pre[:0], p.cells, r.sent, w, h, r.styles, 0, from)
	p.pre, okB = fw.AppendDiff(p.pre, p.cells, r.sent, w, h, r.styles, to, w*h)
	// Room for the reaction line's bytes, so that appending them on the
	// key's path never copies the frame's: a move and a style per cell at
	// worst, and each cell's rune.
	p.pre = slices.Grow(p.pre, w*(utf8.UTFMax+16))
	p.gen, p.ok, p.y = r.gen, okA && okB, y
}

// WritePrepared writes the prepared frame p for the state st has now, which
// must be the one p was composed for but for its reaction time: that line is
// drawn now and its bytes appended to the prepared ones, and the whole goes
// out in one write. Only then is the Renderer's record of the screen
// updated. It returns false, and writes nothing, when p is no longer valid
// (another frame was sent since, or the size changed).
func (r *Renderer) WritePrepared(out io.Writer, fw *FrameWriter, p *Prepared, st *State, w, h int) (bool, error) {
	if !p.ok || p.gen != r.gen || !r.valid || w != r.w || h != r.h || len(p.cells) != w*h {
		return false, nil
	}
	x0, cw := contentSpan(w)
	drawReaction(canvas{p.cells, w, h, &r.styles}, st.Reactions, p.timed, r.Theme, x0, cw, p.y, &r.line)
	b, ok := fw.AppendDiff(p.pre, p.cells, r.sent, w, h, r.styles, p.y*w, (p.y+1)*w)
	if !ok {
		return false, nil
	}
	p.pre, p.ok = b, false
	_, err := out.Write(b)
	copy(r.cells, p.cells)
	r.changed = 0
	for i := range r.cells {
		if r.cells[i] != r.sent[i] {
			r.changed++
		}
	}
	copy(r.sent, r.cells)
	r.gen++
	return true, err
}

// reactionRow returns the row of the reaction line in a frame h rows high.
func reactionRow(h int) (y int, ok bool) {
	if h < MinHeight {
		return 0, false
	}
	for _, sec := range place(h) {
		if sec.kind == "reaction" {
			return sec.y, true
		}
	}
	return 0, false
}

// Guess composes the frame of st for a w x h screen into buf (reused when it
// is large enough) and returns it, for WriteGuess.
func (r *Renderer) Guess(buf []cell, st *State, w, h int) []cell {
	if cap(buf) < w*h {
		buf = make([]cell, w*h)
	}
	buf = buf[:w*h]
	c := canvas{buf, w, h, &r.styles}
	c.fill(0, 0, w, h, r.Theme.Base)
	compose(c, st, r.Theme)
	return buf
}

// write writes the difference between r.cells and r.sent.
func (r *Renderer) write(out io.Writer, fw *FrameWriter) (bool, error) {
	b, ok := fw.Diff(r.cells, r.sent, r.w, r.h, r.styles)
	if !ok {
		return false, nil
	}
	r.changed = 0
	for i := range r.cells {
		if r.cells[i] != r.sent[i] {
			r.changed++
		}
	}
	copy(r.sent, r.cells)
	r.gen++
	if len(b) == 0 {
		return true, nil
	}
	_, err := out.Write(b)
	return true, err
}

// frame composes st for a w x h screen into r.cells and reports whether
// every cell must be set (a new size, or after Invalidate).
func (r *Renderer) frame(st *State, w, h int) (all bool) {
	if cap(r.cells) < w*h {
		r.cells, r.sent = make([]cell, w*h), make([]cell, w*h)
	}
	r.cells, r.sent = r.cells[:w*h], r.sent[:w*h]
	all = !r.valid || w != r.w || h != r.h
	r.w, r.h, r.valid = w, h, true
	c := canvas{r.cells, w, h, &r.styles}
	c.fill(0, 0, w, h, r.Theme.Base)
	compose(c, st, r.Theme)
	return all
}

// contentSpan returns the columns [x0, x0+cw) the layout uses in a frame w
// cells wide: all of them, up to maxContentWidth, centred.
func contentSpan(w int) (x0, cw int) {
	cw = min(w, maxContentWidth)
	return (w - cw) / 2, cw
}

// compose draws st into the off-screen frame c.
func compose(c canvas, st *State, th Theme) {
	w, h := c.w, c.h
	if w < MinWidth || h < MinHeight {
		drawTooSmall(c, th)
		return
	}
	x0, cw := contentSpan(w)
	for _, sec := range place(h) {
		drawSection(c, st, th, sec, x0, cw)
	}
	if st.Phase == PhaseError {
		drawError(c, st, th, w, h)
	} else if st.Help {
		drawHelp(c, th, w, h)
	}
}

// placed is a section of the layout with its top row.
type placed struct {
	section
	y int
}

// place lays out the sections that fit in h rows, top to bottom; the
// prompt sits on the bottom row.
func place(h int) []placed {
	secs := layout(h)
	out := make([]placed, len(secs))
	y := 0
	for i, sec := range secs {
		if sec.kind == "prompt" || i == len(secs)-1 {
			y = h - sec.h
		}
		out[i] = placed{sec, y}
		y += sec.h
	}
	return out
}

// drawSection draws one section of the layout.
func drawSection(c canvas, st *State, th Theme, sec placed, x0, cw int) {
	y := sec.y
	switch sec.kind {
	case "header":
		drawHeader(c, st, th, c.w, y)
	case "score":
		drawScore(c, st, th, x0, cw, y)
	case "hands":
		drawHands(c, st, th, x0, cw, y)
	case "outcome":
		drawOutcome(c, st, th, x0, cw, y)
	case "reaction":
		var sc lineScratch
		drawReaction(c, st.Reactions, timedBefore(nil, st.Reactions), th, x0, cw, y, &sc)
	case "strip":
		drawStrip(c, st, th, x0, cw, y)
	case "panels":
		drawPanels(c, st, th, x0, cw, y, sec.h)
	case "prompt":
		drawPrompt(c, st, th, x0, cw, y)
	}
}

func drawHeader(c canvas, st *State, th Theme, w, y int) {
	c.fill(0, y, w, 1, th.Header)
	f := st.Match.Format()
	right := fmt.Sprintf("round %d", st.Round())
	switch f.Kind {
	case game.KindBestOf, game.KindRounds:
		right = fmt.Sprintf("round %d/%d", st.Round(), f.N)
	}
	if w >= 64 {
		right += "  ? help  q quit"
	}
	right += " "
	c.put(w-len([]rune(right)), y, right, th.Header)
	title := " roshambo · " + f.String()
	if st.Commit {
		title += " · commit mode"
	}
	// The opponent's name gives way first: a long command is cut.
	room := w - len([]rune(right)) - 1 - len([]rune(title))
	if vs := " · vs "; room > len(vs)+1 {
		title += vs + clip(st.Opponent, room-len(vs))
	}
	c.put(0, y, clip(title, w-len([]rune(right))-1), th.Header)
}

func drawScore(c canvas, st *State, th Theme, x0, cw, y int) {
	sc := st.Match.Score()
	text := fmt.Sprintf("YOU  %d : %d  BOT", sc.HumanWins, sc.BotWins)
	draws := fmt.Sprintf("   draws %d", sc.Draws)
	n := len([]rune(text)) + len([]rune(draws))
	x := x0 + (cw-n)/2
	x = c.put(x, y, text, th.Accent)
	c.put(x, y, draws, th.Dim)
}

func drawHands(c canvas, st *State, th Theme, x0, cw, y int) {
	last, played := st.Match.Last()
	left, right := hand(last.Human, false), hand(last.Bot, true)
	ls, rs := th.Dim, th.Dim
	lname, rname := "ready", "ready"
	switch {
	case st.Thrown != game.NoMove:
		// The throw is acknowledged at once; the bot's hand follows.
		left, right = hand(st.Thrown, false), hand(game.NoMove, true)
		ls, lname, rname = th.Accent, st.Thrown.String(), "…"
	case played:
		ls, rs = th.outcome(last.Outcome), th.outcome(last.Outcome.Reverse())
		lname, rname = last.Human.String(), last.Bot.String()
	}
	// Margins shrink on narrow screens so that the hands never run into
	// "vs" in the middle.
	margin := max(0, min(4, (cw-2*handW-6)/2))
	lx, rx := x0+margin, x0+cw-margin-handW
	for i := 0; i < handH; i++ {
		c.put(lx, y+i, left[i], ls)
		c.put(rx, y+i, right[i], rs)
	}
	c.center(x0, cw, y+handH/2, "vs", th.Dim)
	c.center(lx, handW, y+handH, lname, ls)
	c.center(rx, handW, y+handH, rname, rs)
}

// verb says how the winning move beats the losing one.
func verb(win game.Move) string {
	switch win {
	case game.Rock:
		return "rock crushes scissors"
	case game.Paper:
		return "paper covers rock"
	}
	return "scissors cut paper"
}

// roundText describes a round's outcome from the human's view.
func roundText(r game.Round) string {
	if r.Forfeit {
		if r.Outcome == game.Win {
			return fmt.Sprintf("round %d: YOU WIN by forfeit · the bot broke its commitment", r.N)
		}
		return fmt.Sprintf("round %d: YOU LOSE by forfeit", r.N)
	}
	switch r.Outcome {
	case game.Win:
		return fmt.Sprintf("round %d: YOU WIN · %s", r.N, verb(r.Human))
	case game.Loss:
		return fmt.Sprintf("round %d: YOU LOSE · %s", r.N, verb(r.Bot))
	}
	return fmt.Sprintf("round %d: DRAW · both threw %s", r.N, r.Human)
}

func drawOutcome(c canvas, st *State, th Theme, x0, cw, y int) {
	switch {
	case st.Phase == PhaseOver:
		sc := st.Match.Score()
		res := st.Match.Result()
		word := map[game.Outcome]string{game.Win: "YOU WIN", game.Loss: "YOU LOSE", game.Draw: "IT'S A DRAW"}[res]
		c.center(x0, cw, y, fmt.Sprintf("MATCH OVER: %s %d : %d", word, sc.HumanWins, sc.BotWins), th.outcome(res))
		return
	case st.Phase == PhaseStarting:
		c.center(x0, cw, y, "starting a new match…", th.Dim)
		return
	case st.Thrown != game.NoMove && st.Commit:
		c.center(x0, cw, y, clip(fmt.Sprintf("you threw %s · waiting for the bot's reveal", st.Thrown), cw), th.Accent)
		return
	case st.Thrown != game.NoMove:
		c.center(x0, cw, y, clip(fmt.Sprintf("you threw %s · waiting for the bot…", st.Thrown), cw), th.Accent)
		return
	}
	last, ok := st.Match.Last()
	if !ok {
		c.center(x0, cw, y, "first round: make your throw", th.Base)
		return
	}
	c.center(x0, cw, y, clip(roundText(last), cw), th.outcome(last.Outcome))
}

// FormatDuration formats a duration in nanoseconds with the precision a
// reaction time deserves: "4.2 ms", "412 ms", "1.03 s", "12.4 s", "312 s"
// (rounded half up).
func FormatDuration(ns int64) string { return string(appendDuration(nil, ns)) }

// appendDuration appends FormatDuration(ns) to b. It formats integers, not
// floats: it runs on the key's path, where less code means fewer cache
// misses.
func appendDuration(b []byte, ns int64) []byte {
	if ns < 0 {
		b, ns = append(b, '-'), -ns
		if ns < 0 { // math.MinInt64
			ns = math.MaxInt64
		}
	}
	ns = min(ns, math.MaxInt64-1_000_000_000) // room to round
	switch {
	case ns < 9_950_000: // below 9.95 ms: one decimal
		return append(appendFixed(b, (ns+50_000)/100_000, 1), " ms"...)
	case ns < 999_500_000:
		return append(appendFixed(b, (ns+500_000)/1_000_000, 0), " ms"...)
	case ns < 9_995_000_000:
		return append(appendFixed(b, (ns+5_000_000)/10_000_000, 2), " s"...)
	case ns < 99_950_000_000:
		return append(appendFixed(b, (ns+50_000_000)/100_000_000, 1), " s"...)
	}
	return append(appendFixed(b, (ns+500_000_000)/1_000_000_000, 0), " s"...)
}

// appendFixed appends v / 10^decimals (v >= 0) with that many decimals.
func appendFixed(b []byte, v int64, decimals int) []byte {
	unit := int64(1)
	for range decimals {
		unit *= 10
	}
	b = strconv.AppendInt(b, v/unit, 10)
	if decimals == 0 {
		return b
	}
	b = append(b, '.')
	frac := v % unit
	for unit /= 10; unit > 0; unit /= 10 {
		b = append(b, byte('0'+frac/unit%10))
	}
	return b
}

// ReactionStats summarises the measured reaction times (typed-ahead keys,
// marked Typeahead, are left out): their count, median, mean and best.
func ReactionStats(rs []int64) (n int, median, mean, best int64) {
	timed := timedSorted(nil, rs)
	if len(timed) == 0 {
		return 0, 0, 0, 0
	}
	var sum int64
	for _, r := range timed {
		sum += r
	}
	return len(timed), medianOf(timed, Typeahead), sum / int64(len(timed)), timed[0]
}

// timedSorted appends the timed reactions of rs (Typeahead left out) to
// buf[:0], sorted, and returns it.
func timedSorted(buf, rs []int64) []int64 {
	buf = buf[:0]
	for _, r := range rs {
		if r >= 0 {
			buf = append(buf, r)
		}
	}
	slices.Sort(buf)
	return buf
}

// timedBefore appends the timed reactions of rs but its last (the throw's
// own) to buf[:0], sorted, and returns it: what reactionLine merges the last
// one into.
func timedBefore(buf, rs []int64) []int64 {
	return timedSorted(buf, rs[:max(len(rs)-1, 0)])
}

// medianOf returns the median of the sorted values and x (left out when
// it is Typeahead), without building their union. There must be at least
// one value.
func medianOf(sorted []int64, x int64) int64 {
	n, pos := len(sorted), -1
	if x >= 0 {
		n++
		pos, _ = slices.BinarySearch(sorted, x)
	}
	if n%2 == 0 {
		return (kth(sorted, x, pos, n/2-1) + kth(sorted, x, pos, n/2)) / 2
	}
	return kth(sorted, x, pos, n/2)
}

// kth returns the k-th smallest of the sorted values with x inserted at
// index pos (pos < 0: no x).
func kth(sorted []int64, x int64, pos, k int) int64 {
	switch {
	case pos < 0 || k < pos:
		return sorted[k]
	case k == pos:
		return x
	}
	return sorted[k-1]
}

// lineScratch is the buffer the reaction line is built in, reused from one
// key to the next: the line is drawn on the key's path, after the key and
// before its frame, where an allocation or a call into fmt costs
// microseconds with caches cold from the wait for the key.
type lineScratch struct {
	text []byte
}

// reactionLine describes the last reaction time of rs and the running
// median and best, in at most width cells (the best, then the median, give
// way); Typeahead entries (keys captured before their frame) are not timed.
// before is timedBefore(rs), computed before the key so that its path sorts
// nothing. The line is returned in sc.text, valid until the next call.
func (sc *lineScratch) reactionLine(rs, before []int64, width int) []byte {
	b := sc.text[:0]
	defer func() { sc.text = b[:0] }()
	if len(rs) == 0 {
		b = append(b, "reaction: timed from this frame to your key's capture"...)
		b = clipBytes(b, width)
		return b
	}
	last := rs[len(rs)-1]
	if last >= 0 {
		b = appendDuration(append(b, "reaction "...), last)
	} else {
		b = append(b, "reaction typed ahead"...)
	}
	if len(before) == 0 && last < 0 {
		return b
	}
	best := last
	if len(before) > 0 && (last < 0 || before[0] < last) {
		best = before[0]
	}
	lastLen := len(b)
	b = appendDuration(append(b, " · median "...), medianOf(before, last))
	short := len(b)
	b = appendDuration(append(b, " · best "...), best)
	switch {
	case utf8.RuneCount(b) <= width:
	case utf8.RuneCount(b[:short]) <= width:
		b = b[:short]
	default:
		b = clipBytes(b[:lastLen], width)
	}
	return b
}

// clipBytes is clip for text held in b (cut in place, "…" appended).
func clipBytes(b []byte, n int) []byte {
	if utf8.RuneCount(b) <= n {
		return b
	}
	keep := n - 1 // runes kept before the ellipsis
	if n <= 1 {
		keep = max(n, 0) // no room for one
	}
	i := 0
	for k := 0; k < keep && i < len(b); k++ {
		_, size := utf8.DecodeRune(b[i:])
		i += size
	}
	if n <= 1 {
		return b[:i]
	}
	return append(b[:i], "…"...)
}

// drawReaction draws the reaction line of rs (before: timedBefore(rs))
// centred in [x0, x0+cw) on row y, over a row
// filled with th.Base, building it in sc.
func drawReaction(c canvas, rs, before []int64, th Theme, x0, cw, y int, sc *lineScratch) {
	si := c.styles.index(th.Base)
	row := c.cells[y*c.w : (y+1)*c.w]
	for i := range row {
		row[i] = cell{' ', si}
	}
	text := sc.reactionLine(rs, before, cw)
	x := x0 + (cw-utf8.RuneCount(text))/2
	for len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		c.set(x, y, r, si)
		x, text = x+1, text[size:]
	}
}

// letter abbreviates a move for the strip of last rounds.
func letter(m game.Move) string {
	switch m {
	case game.Rock:
		return "R"
	case game.Paper:
		return "P"
	case game.Scissors:
		return "S"
	}
	return "?"
}

func drawStrip(c canvas, st *State, th Theme, x0, cw, y int) {
	const label = "last (you/bot): "
	// An item takes at least 6 cells ("#1 R/P "): no more can fit.
	var recent [maxContentWidth / 6]Round
	hist := st.Match.Recent(recent[:0], len(recent))
	x := c.put(x0+2, y, label, th.Dim)
	if len(hist) == 0 {
		c.put(x, y, "none yet", th.Dim)
		return
	}
	// Keep the newest rounds that fit, oldest first.
	room := x0 + cw - 2 - x
	start, used := len(hist), 0
	for start > 0 {
		item := stripItem(hist[start-1])
		if used+len(item)+1 > room {
			break
		}
		used += len(item) + 1
		start--
	}
	for _, r := range hist[start:] {
		x = c.put(x, y, stripItem(r), th.outcome(r.Outcome)) + 1
	}
}

// Round is a played round (game.Round).
type Round = game.Round

func stripItem(r game.Round) string {
	return fmt.Sprintf("#%d %s/%s", r.N, letter(r.Human), letter(r.Bot))
}

// spyColumn is the width of the spy panel beside the statistics.
const spyColumn = 33

func drawPanels(c canvas, st *State, th Theme, x0, cw, y, h int) {
	for i := x0; i < x0+cw; i++ {
		c.put(i, y, "─", th.Dim)
	}
	if cw >= 72 {
		rx := x0 + cw - spyColumn
		spy := spyLines(st, x0+cw-rx-1)
		stats := statsLines(st, rx-2-(x0+2)-1)
		for i := 0; i < h-1; i++ {
			if i < len(stats) {
				c.put(x0+2, y+1+i, stats[i].text, stats[i].style(th))
			}
			if i < len(spy) {
				c.put(rx, y+1+i, clip(spy[i].text, x0+cw-rx-1), spy[i].style(th))
			}
			c.put(rx-2, y+1+i, "│", th.Dim)
		}
		return
	}
	// Narrow: the statistics, then the spy's last lines.
	lines := statsLines(st, cw-4)
	if st.Spy.Enabled {
		spy := spyLines(st, cw-4)[1:]
		spy = spy[max(0, len(spy)-2):]
		keep := min(max(0, h-1-len(spy)), len(lines))
		lines = append(lines[:keep:keep], spy...)
	}
	for i := 0; i < h-1 && i < len(lines); i++ {
		c.put(x0+2, y+1+i, clip(lines[i].text, cw-4), lines[i].style(th))
	}
}

// clip shortens s to at most n cells, marking the cut with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 1 {
		return string(r[:max(n, 0)])
	}
	return string(r[:n-1]) + "…"
}

// line is one styled line of a panel.
type line struct {
	text string
	kind int // 0 base, 1 heading, 2 spy, 3 dim
}

func (l line) style(th Theme) tcell.Style {
	switch l.kind {
	case 1:
		return th.Accent
	case 2:
		return th.Spy
	case 3:
		return th.Dim
	}
	return th.Base
}

// statsLines returns the statistics panel's lines, at most width cells each.
func statsLines(st *State, width int) []line {
	out := []line{{"STATISTICS", 1}}
	stats := st.Match.Stats()
	if stats.Rounds == 0 {
		out = append(out, line{"no rounds yet", 3})
		if st.Explaining {
			out = append(out, line{"the bot: no explanation yet", 3})
		}
		return out
	}
	h := stats.Human
	out = append(out, line{fmt.Sprintf("win rate  %.1f%%  (W %d · D %d · L %d)",
		100*float64(h.Wins)/float64(stats.Rounds), h.Wins, h.Draws, h.Losses), 0})
	streak := fmt.Sprintf("streak    %d %s", stats.Streak.Len, outcomes(stats.Streak.Outcome, stats.Streak.Len))
	streak += fmt.Sprintf(" · best %d W · worst %d L", h.LongestWinStreak, h.LongestLossStreak)
	out = append(out, line{streak, 0})
	fav, n := game.Rock, -1
	for _, m := range game.Moves {
		if h.Count(m) > n {
			fav, n = m, h.Count(m)
		}
	}
	out = append(out, line{fmt.Sprintf("you throw %s most: %.0f%% (%d of %d)", fav, 100*h.Frequency(fav), n, stats.Rounds), 0})
	ins := stats.Insights(game.Human, 4)
	switch {
	case st.Explaining && st.Explain == "":
		out = append(out, line{"the bot: no explanation (the levels' bots give one)", 3})
	case st.Explaining:
		const prefix = "the bot, "
		for i, l := range wrap(st.Explain, width-len(prefix)) {
			if i == 2 {
				break
			}
			if i == 0 {
				l = prefix + l
			} else {
				l = strings.Repeat(" ", len(prefix)) + l
			}
			out = append(out, line{l, 0})
		}
	case len(ins) == 0:
		out = append(out, line{"your pattern: none yet", 3})
	default:
		const prefix = "your pattern: "
		for i, l := range wrap(ins[0].Text, width-len(prefix)) {
			if i == 2 {
				break
			}
			if i == 0 {
				l = prefix + l
			} else {
				l = strings.Repeat(" ", len(prefix)) + l
			}
			out = append(out, line{l, 0})
		}
	}
	for i := range out {
		out[i].text = clip(out[i].text, width)
	}
	return out
}

func outcomes(o game.Outcome, n int) string {
	word := map[game.Outcome]string{game.Win: "win", game.Loss: "loss", game.Draw: "draw"}[o]
	if n == 1 {
		return word
	}
	if o == game.Loss {
		return "losses"
	}
	return word + "s"
}

// spyLines returns the spy panel's lines; the status is wrapped at width.
func spyLines(st *State, width int) []line {
	sp := st.Spy
	out := []line{{"SPY", 1}}
	if !sp.Enabled {
		return append(out, line{"off (sudo roshambo --spy)", 3})
	}
	status := wrap(sp.Status, max(width, 8))
	if len(status) > 4 {
		status = status[:4]
	}
	for _, l := range status {
		out = append(out, line{l, 3})
	}
	switch {
	case sp.Round == 0:
		if !sp.Unavailable {
			out = append(out, line{"waiting for the opponent's write…", 3})
		}
	case sp.Changed:
		// The bot rewrote its buffer while the kernel read it: both
		// readings, and no move (what the game got is not known).
		out = append(out, line{fmt.Sprintf("round %d: buffer rewritten", sp.Round), 2})
		for _, l := range wrap(fmt.Sprintf("mid-write: %s, then %s; what it sent is unknown", sp.Entry, sp.Exit), max(width, 8)) {
			out = append(out, line{l, 3})
		}
	case sp.Committed:
		out = append(out, line{fmt.Sprintf("round %d: committed, move hidden", sp.Round), 2})
		if sp.Commitment != "" {
			out = append(out, line{"commit " + sp.Commitment, 3})
		}
	default:
		out = append(out, line{fmt.Sprintf("round %d: the bot wrote %s", sp.Round, strings.ToUpper(sp.Move.String())), 2})
		if sp.Caveat != "" {
			out = append(out, line{"(" + sp.Caveat + ")", 3})
		}
		if sp.Round == st.Round() && st.Phase == PhaseThrow {
			out = append(out, line{fmt.Sprintf("throw %s to beat it", sp.Move.Beater()), 2})
		}
	}
	return out
}

func drawPrompt(c canvas, st *State, th Theme, x0, cw, y int) {
	var text string
	style := th.Base
	switch st.Phase {
	case PhaseThrow:
		text = fmt.Sprintf("round %d · throw:  r rock   p paper   s scissors", st.Round())
		if len([]rune(text)) > cw {
			text = fmt.Sprintf("round %d · r rock  p paper  s scissors", st.Round())
		}
		style = th.Accent
	case PhaseWait:
		switch {
		case st.Thrown != game.NoMove && st.Commit:
			text = "waiting for the bot's reveal…"
		case st.Thrown != game.NoMove, st.Waiting:
			text = fmt.Sprintf("round %d · waiting for the bot…", st.Round())
		}
		style = th.Dim
	case PhaseStarting:
		text, style = "starting a new match…", th.Dim
	case PhaseOver:
		if st.Ready {
			text = leaveKeys(st)
		}
	}
	c.center(x0, cw, y, clip(text, cw), style)
}

// leaveKeys says what the match-over and error screens take.
func leaveKeys(st *State) string {
	if st.CanRestart {
		return "n new match · q quit (the summary stays in your scrollback)"
	}
	return "q quit (the summary stays in your scrollback)"
}

// box draws a framed rectangle with a title and returns the interior's
// origin.
func box(c canvas, x, y, w, h int, title string, frame, titleStyle, inside tcell.Style) {
	c.fill(x, y, w, h, inside)
	for i := x; i < x+w; i++ {
		c.put(i, y, "─", frame)
		c.put(i, y+h-1, "─", frame)
	}
	for j := y; j < y+h; j++ {
		c.put(x, j, "│", frame)
		c.put(x+w-1, j, "│", frame)
	}
	c.put(x, y, "┌", frame)
	c.put(x+w-1, y, "┐", frame)
	c.put(x, y+h-1, "└", frame)
	c.put(x+w-1, y+h-1, "┘", frame)
	c.put(x+2, y, " "+title+" ", titleStyle)
}

var helpText = []string{
	"r  1    throw rock",
	"p  2    throw paper",
	"s  3    throw scissors",
	"?  Esc  show or hide this help",
	"e       how the bot chose its move, or your pattern",
	"n       a new match, once a match is over",
	"q  ^C   quit (the summary stays on screen)",
	"^Z      suspend; fg resumes",
	"",
	"Reaction time runs from the moment the round's",
	"prompt is shown to the capture of your key;",
	"it stops while this help is open.",
}

func drawHelp(c canvas, th Theme, w, h int) {
	bw := 0
	for _, l := range helpText {
		bw = max(bw, len([]rune(l)))
	}
	bw += 4
	bh := len(helpText) + 2
	bw, bh = min(bw, w), min(bh, h)
	x, y := (w-bw)/2, (h-bh)/2
	box(c, x, y, bw, bh, "keys", th.Accent, th.Accent, th.Box)
	for i, l := range helpText {
		if i+1 < bh-1 {
			c.put(x+2, y+1+i, clip(l, bw-4), th.Box)
		}
	}
}

// wrap splits s into lines of at most n cells at spaces.
func wrap(s string, n int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		cur := ""
		for _, word := range strings.Fields(para) {
			switch {
			case cur == "":
				cur = word
			case len([]rune(cur))+1+len([]rune(word)) <= n:
				cur += " " + word
			default:
				out = append(out, cur)
				cur = word
			}
			for len([]rune(cur)) > n {
				r := []rune(cur)
				out = append(out, string(r[:n]))
				cur = string(r[n:])
			}
		}
		out = append(out, cur)
	}
	return out
}

func drawError(c canvas, st *State, th Theme, w, h int) {
	bw := min(w-4, 76)
	msg := wrap(st.Err, bw-4)
	var detail []string
	for _, d := range st.ErrDetail {
		detail = append(detail, wrap(d, bw-6)...)
	}
	sc := st.Match.Score()
	record := fmt.Sprintf("record kept: %s · you %d : %d bot · draws %d",
		plural(sc.Rounds(), "round"), sc.HumanWins, sc.BotWins, sc.Draws)
	keys := ""
	if st.Ready {
		keys = leaveKeys(st)
	}
	lines := append([]string{}, msg...)
	for _, d := range detail {
		lines = append(lines, "  "+d)
	}
	lines = append(lines, "", record, "", keys)
	bh := min(len(lines)+2, h)
	x, y := (w-bw)/2, (h-bh)/2
	box(c, x, y, bw, bh, "opponent error", th.Loss, th.Error, th.Box)
	for i, l := range lines {
		if i+1 < bh-1 {
			st := th.Box
			switch {
			case i < len(msg):
				st = th.Loss
			case i < len(msg)+len(detail):
				st = th.Dim
			}
			c.put(x+2, y+1+i, clip(l, bw-4), st)
		}
	}
}

// drawTooSmall asks for a larger terminal, in as many lines as the screen
// needs (it fits in 20x6).
func drawTooSmall(c canvas, th Theme) {
	msg := wrap(fmt.Sprintf("roshambo needs %dx%d; this terminal is %dx%d", MinWidth, MinHeight, c.w, c.h), c.w)
	hint := wrap("enlarge it, or press q to quit", c.w)
	y := 0
	for _, l := range msg {
		c.put(0, y, l, th.Accent)
		y++
	}
	for _, l := range hint {
		c.put(0, y, l, th.Base)
		y++
	}
}

// plural says "1 round", "3 rounds".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
