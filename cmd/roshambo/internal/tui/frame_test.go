package tui

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
	"github.com/roshambo-game/roshambo/internal/mono"
)

// vt is a terminal as far as a FrameWriter's output needs one: cursor
// moves (CSI row;col H), SGR sequences, and characters that advance the
// cursor. Each cell keeps its character and the SGR sequences in force when
// it was written.
type vt struct {
	w, h   int
	r      []rune
	sgr    []string
	x, y   int
	curSGR string
}

func newVT(w, h int) *vt {
	return &vt{w: w, h: h, r: make([]rune, w*h), sgr: make([]string, w*h)}
}

func (v *vt) apply(t *testing.T, b []byte) {
	t.Helper()
	for len(b) > 0 {
		if b[0] == 0x1b && len(b) >= 3 && b[1] == '(' { // designate G0: part of sgr0
			v.curSGR = string(b[:3])
			b = b[3:]
			continue
		}
		if b[0] == 0x1b {
			if len(b) < 3 || b[1] != '[' {
				t.Fatalf("unexpected escape %q", b)
			}
			end := 2
			for end < len(b) && (b[end] < 0x40 || b[end] > 0x7e) {
				end++
			}
			if end == len(b) {
				t.Fatalf("unterminated CSI %q", b)
			}
			params, final := string(b[2:end]), b[end]
			seq := string(b[:end+1])
			b = b[end+1:]
			switch final {
			case 'H':
				p := strings.Split(params, ";")
				row, _ := strconv.Atoi(p[0])
				col, _ := strconv.Atoi(p[1])
				v.x, v.y = col-1, row-1
			case 'm':
				v.curSGR += seq
			default:
				t.Fatalf("unexpected CSI %q", seq)
			}
			continue
		}
		if b[0] == 0x0f || b[0] == 0x0e { // shift in/out, part of some sgr0 strings
			v.curSGR += string(b[:1])
			b = b[1:]
			continue
		}
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		if v.x < 0 || v.x >= v.w || v.y < 0 || v.y >= v.h {
			t.Fatalf("a character written outside the screen at %d,%d", v.x, v.y)
		}
		i := v.y*v.w + v.x
		v.r[i], v.sgr[i] = r, v.curSGR
		v.x++
	}
}

// TestFrameWriterDiff: the bytes of each frame, applied to a terminal that
// shows the previous one, make it show exactly the new frame, each cell in
// its style's escape sequence; unchanged cells are not written.
func TestFrameWriterDiff(t *testing.T) {
	fw := NewFrameWriter("xterm-256color", "UTF-8")
	if fw == nil {
		t.Fatal("no FrameWriter for xterm-256color (tcell's terminfo database lacks it?)")
	}
	const w, h = 80, 24
	r := NewRenderer(NewTheme(256, false))
	term := newVT(w, h)
	m := game.NewMatch(game.BestOf(5))
	st := &State{Opponent: "cycle", Match: m, Phase: PhaseThrow, Spy: SpyPanel{Enabled: true, Status: "spy"}}
	// The first frame: every cell differs from the zero frame, the
	// bottom-right one included, which the FrameWriter declines.
	r.frame(st, w, h)
	if _, ok := fw.Diff(r.cells, r.sent, w, h, r.styles); ok {
		t.Fatal("a frame that writes the bottom-right cell was not declined")
	}
	// Play the terminal's part of a full repaint: it shows the first frame.
	for i, c := range r.cells {
		term.r[i] = c.r
		s, _ := fw.style(r.styles, c.st)
		term.sgr[i] = s
	}
	copy(r.sent, r.cells)
	for n, mv := range [][2]game.Move{{game.Rock, game.Scissors}, {game.Paper, game.Paper}, {game.Scissors, game.Rock}} {
		if _, err := m.Record(mv[0], mv[1]); err != nil {
			t.Fatal(err)
		}
		st.Reactions = append(st.Reactions, int64(300_000_000+n))
		before := append([]cell(nil), r.sent...)
		out := &recordWriter{}
		if ok, err := r.Write(out, fw, st, w, h); !ok || err != nil {
			t.Fatalf("round %d: Write = %v, %v", n+1, ok, err)
		}
		written := newVT(w, h)
		written.apply(t, out.b)
		term.apply(t, out.b)
		for i, c := range r.cells {
			want, _ := fw.style(r.styles, c.st)
			if term.r[i] != c.r || term.sgr[i] != want {
				t.Fatalf("round %d: cell %d,%d shows %q in %q, want %q in %q", n+1, i%w, i/w, term.r[i], term.sgr[i], c.r, want)
			}
			if written.r[i] != 0 && before[i] == c {
				t.Errorf("round %d: unchanged cell %d,%d was written", n+1, i%w, i/w)
			}
		}
		if r.changed == 0 || r.changed > w*h/2 {
			t.Errorf("round %d: %d cells changed", n+1, r.changed)
		}
		// Each style's escape sequence is written once per diff (the
		// cells are grouped by style): every sequence starts with the
		// terminfo's attributes-off, so count that.
		styles := map[uint8]bool{}
		for i, c := range r.cells {
			if before[i] != c {
				styles[c.st] = true
			}
		}
		if k := strings.Count(string(out.b), fw.ti.AttrOff); k != len(styles) {
			t.Errorf("round %d: %d style selections for %d styles of changed cells, want one each", n+1, k, len(styles))
		}
	}
}

// TestFrameWriterDeclines: a frame with a character that is not one cell
// wide goes to tcell, which knows how to draw it.
func TestFrameWriterDeclines(t *testing.T) {
	fw := NewFrameWriter("xterm-256color", "UTF-8")
	if fw == nil {
		t.Fatal("no FrameWriter for xterm-256color")
	}
	var st styles
	si := st.index(NewTheme(256, false).Base)
	cells := make([]cell, 20*6)
	sent := make([]cell, 20*6)
	for i := range cells {
		cells[i], sent[i] = cell{' ', si}, cell{' ', si}
	}
	cells[3] = cell{'好', si}
	if _, ok := fw.Diff(cells, sent, 20, 6, st); ok {
		t.Error("a wide character was not declined")
	}
	cells[3] = cell{'…', si}
	if b, ok := fw.Diff(cells, sent, 20, 6, st); !ok || !strings.Contains(string(b), "…") {
		t.Errorf("a narrow non-ASCII character: %q, %v", b, ok)
	}
	if NewFrameWriter("xterm-256color", "US-ASCII") != nil {
		t.Error("a FrameWriter for a terminal that is not UTF-8")
	}
	if NewFrameWriter("no-such-terminal-type", "UTF-8") != nil {
		t.Error("a FrameWriter for an unknown terminal")
	}
}

type recordWriter struct{ b []byte }

func (w *recordWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// TestGuessesAreTheFrame drives a Game's state machine by hand (no loop
// goroutine): the frame composed ahead for each throw goes out before the
// throw reaches the referee (answerEarly), with its reaction time drawn in,
// and is exactly the frame composed from the state the throw leads to, in
// plain and commit mode and on the match's last round; the flush after the
// throw then writes nothing. A spy report after the guesses makes them
// unusable, and a guess that turns out wrong is mended by the flush.
func TestGuessesAreTheFrame(t *testing.T) {
	for _, tc := range []struct {
		name   string
		commit bool
		format game.Format
	}{{"plain", false, game.Endless()}, {"commit", true, game.Endless()}, {"last round", false, game.Rounds(2)}} {
		t.Run(tc.name, func(t *testing.T) {
			g, bot, out := guessGame(t, tc.commit, tc.format)
			w, h := g.scr.Size()
			for n := 1; n <= 2; n++ {
				ans := game.Message{Kind: game.MsgMove, Move: bot.move(n)}
				if tc.commit {
					ans = game.Message{Kind: game.MsgCommit, Hash: game.Commitment(bot.move(n), "salt")}
				}
				g.onBot(ans)
				if g.st.Phase != PhaseThrow {
					t.Fatalf("round %d: phase %v after the answer", n, g.st.Phase)
				}
				g.flush(false) // the prompt's frame; then the guesses are prepared
				if !g.guesses.ok {
					t.Fatalf("round %d: no guesses", n)
				}
				term := termShowing(g)
				out.b = out.b[:0]
				throw := game.Moves[n%3]
				now := mono.Now()
				g.answerEarly(throw, now)
				if len(out.b) == 0 || g.early != throw {
					t.Fatalf("round %d: the guessed frame did not go out before the throw", n)
				}
				g.onThrow(throw, now)
				if !g.guessShown(throw, w, h) {
					t.Fatalf("round %d: the guess for %v does not fit the state after the throw", n, throw)
				}
				if g.st.Reactions[len(g.st.Reactions)-1] < 0 {
					t.Fatalf("round %d: the throw was not timed", n)
				}
				early := len(out.b)
				g.flush(false)
				if len(out.b) != early {
					t.Fatalf("round %d: the flush after an early frame wrote %q", n, out.b[early:])
				}
				term.apply(t, out.b)
				term.requireFrame(t, g, fmt.Sprintf("round %d", n))
				if ok, _ := g.r.WritePrepared(out, g.cfg.Frames, &g.guesses.frame[int(throw)-int(game.Rock)], &g.st, w, h); ok {
					t.Fatalf("round %d: a prepared frame was written twice", n)
				}
				if tc.commit {
					g.onBot(game.Message{Kind: game.MsgReveal, Round: n, Move: bot.move(n), Nonce: "salt"})
				}
				if g.st.Phase == PhaseOver {
					return
				}
			}
			if tc.format.Kind == game.KindRounds {
				t.Fatal("the match did not end")
			}
		})
	}
	t.Run("spy report after the guesses", func(t *testing.T) {
		g, _, out := guessGame(t, false, game.Endless())
		g.onBot(game.Message{Kind: game.MsgMove, Move: game.Rock})
		g.flush(false)
		out.b = out.b[:0]
		g.onSpied(Spied{Move: game.Rock})
		g.answerEarly(game.Paper, mono.Now())
		if len(out.b) != 0 || g.early != game.NoMove {
			t.Errorf("a guess composed before a spy report went out after it: %q", out.b)
		}
	})
	t.Run("a wrong guess is mended", func(t *testing.T) {
		g, _, out := guessGame(t, false, game.Endless())
		g.onBot(game.Message{Kind: game.MsgMove, Move: game.Rock})
		g.flush(false)
		// Make the paper guess show another opponent's name: a guess
		// that does not match the state the throw leads to.
		gs := &g.guesses
		i := int(game.Paper) - int(game.Rock)
		gs.state[i].Opponent = "someone else"
		w, h := g.scr.Size()
		g.r.Prepare(&gs.frame[i], g.cfg.Frames, &gs.state[i], w, h)
		term := termShowing(g)
		out.b = out.b[:0]
		now := mono.Now()
		g.answerEarly(game.Paper, now)
		if !strings.Contains(string(out.b), "someone") {
			t.Fatalf("the tampered guess did not go out: %q", out.b)
		}
		g.onThrow(game.Paper, now)
		if g.guessShown(game.Paper, w, h) {
			t.Fatal("a guess that shows another opponent fits the state")
		}
		g.flush(false)
		term.apply(t, out.b)
		term.requireFrame(t, g, "after the mend")
	})
}

// guessGame returns a Game with a match against a fake bot, writing its
// direct frames to out.
func guessGame(t *testing.T, commit bool, format game.Format) (*Game, *fakeBot, *recordWriter) {
	t.Helper()
	s := newSim(t, 90, 28)
	bot := &fakeBot{commit: commit, wake: func() {}}
	out := &recordWriter{}
	g := New(Config{Screen: s, Input: newFakeInput(), Opponent: bot, Name: "cycle", Format: format, Commit: commit,
		Theme: NewTheme(256, false), Frames: NewFrameWriter("xterm-256color", "UTF-8"), Out: out})
	if g.cfg.Frames == nil {
		t.Fatal("no FrameWriter for xterm-256color")
	}
	g.newMatch(bot)
	return g, bot, out
}

// termShowing returns a terminal model showing the frame g last sent.
func termShowing(g *Game) *vt {
	term := newVT(g.r.w, g.r.h)
	for i, c := range g.r.sent {
		term.r[i] = c.r
		term.sgr[i], _ = g.cfg.Frames.style(g.r.styles, c.st)
	}
	return term
}

// requireFrame fails the test unless the terminal shows, cell for cell and
// style for style, the frame composed from g's state, and g's record of the
// screen is that frame too.
func (term *vt) requireFrame(t *testing.T, g *Game, what string) {
	t.Helper()
	w, h := g.r.w, g.r.h
	want := g.r.Guess(nil, &g.st, w, h)
	for i := range want {
		wantSGR, _ := g.cfg.Frames.style(g.r.styles, want[i].st)
		if term.r[i] != want[i].r || term.sgr[i] != wantSGR || g.r.sent[i] != want[i] {
			t.Fatalf("%s: cell %d,%d shows %q, the composed frame has %q", what, i%w, i/w, term.r[i], want[i].r)
		}
	}
}

// TestFrameWriterStylesMatchTcell: for every style of every theme, the
// escape sequence the FrameWriter writes is the one tcell's Show writes for
// a cell in that style (so the fast path and tcell's repaints agree).
func TestFrameWriterStylesMatchTcell(t *testing.T) {
	t.Setenv("LANG", "C.UTF-8")
	for _, term := range []struct {
		name   string
		colors []int
	}{{"xterm-256color", []int{256, 16, 8, 0}}, {"xterm", []int{8, 0}}, {"screen", []int{8}}} {
		fw := NewFrameWriter(term.name, "UTF-8")
		if fw == nil {
			t.Fatalf("no FrameWriter for %s", term.name)
		}
		t.Setenv("TERM", term.name)
		for _, colors := range term.colors {
			th := NewTheme(colors, colors == 0)
			var st styles
			for _, style := range []tcell.Style{th.Base, th.Header, th.Dim, th.Accent, th.Win, th.Loss, th.Draw, th.Spy, th.Error, th.Box} {
				i := st.index(style)
				want, ok := fw.style(st, i)
				if !ok {
					t.Fatalf("%s/%d colours: style %d declined", term.name, colors, i)
				}
				tty := &fakeTty{w: 10, h: 3}
				scr, err := tcell.NewTerminfoScreenFromTty(tty)
				if err != nil {
					t.Fatal(err)
				}
				if err := scr.Init(); err != nil {
					t.Fatal(err)
				}
				tty.take()
				scr.SetContent(2, 1, 'X', nil, style)
				scr.Show()
				out := tty.take()
				scr.Fini()
				if !strings.Contains(out, want+"X") {
					t.Errorf("%s/%d colours, style %d: tcell wrote %q, the FrameWriter's sequence is %q", term.name, colors, i, out, want)
				}
			}
		}
	}
}
