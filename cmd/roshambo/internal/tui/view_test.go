package tui

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/gdamore/tcell/v2"

	"github.com/roshambo-game/roshambo/game"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// newSim returns an initialised simulation screen of the given size.
func newSim(t testing.TB, w, h int) tcell.SimulationScreen {
	t.Helper()
	s := tcell.NewSimulationScreen("UTF-8")
	if err := s.Init(); err != nil {
		t.Fatalf("init simulation screen: %v", err)
	}
	t.Cleanup(s.Fini)
	s.SetSize(w, h)
	return s
}

// text returns the visible screen as lines with trailing spaces trimmed.
func text(s tcell.SimulationScreen) string {
	cells, w, h := s.GetContents()
	var b strings.Builder
	for y := 0; y < h; y++ {
		var row strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				row.WriteByte(' ')
				continue
			}
			row.WriteString(string(c.Runes))
		}
		b.WriteString(strings.TrimRight(row.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// played returns a match of the given format with the rounds recorded.
func played(t *testing.T, f game.Format, rounds ...[2]game.Move) *game.Match {
	t.Helper()
	m := game.NewMatch(f)
	for _, r := range rounds {
		if _, err := m.Record(r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

var (
	R, P, S = game.Rock, game.Paper, game.Scissors
	three   = [][2]game.Move{{R, S}, {R, P}, {P, P}}
)

func threeRounds(t *testing.T) *State {
	return &State{
		Opponent:  "cycle",
		Match:     played(t, game.BestOf(5), three...),
		Reactions: []int64{412_345_678, 298_000_123, 305_100_999},
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s: frame differs from %s\n--- got ---\n%s--- want ---\n%s", name, path, got, want)
	}
}

func TestDrawGolden(t *testing.T) {
	many := make([][2]game.Move, 0, 14)
	for i := 0; i < 14; i++ {
		many = append(many, [2]game.Move{game.Moves[i%3], game.Moves[(i*2)%3]})
	}
	tests := []struct {
		name string
		w, h int
		st   func(t *testing.T) *State
	}{
		{"fresh_80x24", 80, 24, func(t *testing.T) *State {
			return &State{Opponent: "cycle", Match: game.NewMatch(game.BestOf(5))}
		}},
		{"three_rounds_80x24", 80, 24, threeRounds},
		{"three_rounds_120x30", 120, 30, threeRounds},
		{"three_rounds_60x16", 60, 16, threeRounds},
		{"too_small_30x8", 30, 8, threeRounds},
		{"help_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Help = true
			return st
		}},
		{"error_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Phase, st.Ready = PhaseError, true
			st.Err, st.ErrDetail = Explain(&game.OpponentError{Side: game.Bot, Round: 4, Err: game.ErrOpponentExited,
				Exit: "exit status 3", Stderr: "helper: out of cheese, giving up"})
			return st
		}},
		{"over_80x24", 80, 24, func(t *testing.T) *State {
			return &State{Opponent: "rock", Match: played(t, game.FirstTo(2), [2]game.Move{P, R}, [2]game.Move{P, R}),
				Phase: PhaseOver, Reactions: []int64{1_000, 2_000_000}, Ready: true, CanRestart: true}
		}},
		{"many_rounds_80x24", 80, 24, func(t *testing.T) *State {
			return &State{Opponent: "markov", Match: played(t, game.Endless(), many...)}
		}},
		{"spy_plain_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Spy = SpyPanel{Enabled: true, Status: "eBPF on pid 4242", Round: 4, Move: R}
			return st
		}},
		{"spy_commit_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Commit = true
			st.Spy = SpyPanel{Enabled: true, Status: "eBPF on pid 4242", Round: 4, Committed: true, Commitment: "3fa9c1d2…"}
			return st
		}},
		{"spy_unavailable_60x16_narrow", 60, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Spy = SpyPanel{Enabled: true, Unavailable: true, Status: "spy unavailable: needs CAP_BPF and CAP_PERFMON (run as root)"}
			return st
		}},
		{"spy_changed_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Spy = SpyPanel{Enabled: true, Status: "eBPF on the opponent, pid 4242, and its output pipe", Round: 4,
				Changed: true, Entry: "PAPER", Exit: "SCISSORS"}
			return st
		}},
		{"minimum_44x12", 44, 12, threeRounds},
		{"too_small_40x10", 40, 10, threeRounds},
		{"too_small_20x6", 20, 6, threeRounds},
		{"commit_ack_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Commit, st.Phase, st.Thrown = true, PhaseWait, P
			return st
		}},
		{"waiting_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Phase, st.Waiting = PhaseWait, true
			return st
		}},
		{"long_name_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			st.Opponent = "python3 /home/someone/projects/rps/bots/very_clever_bot.py --depth 12 --seed 99"
			return st
		}},
		{"first_to_80x24", 80, 24, func(t *testing.T) *State {
			return &State{Opponent: "cycle", Match: played(t, game.FirstTo(3), [2]game.Move{R, S})}
		}},
		{"forfeit_80x24", 80, 24, func(t *testing.T) *State {
			st := threeRounds(t)
			if _, err := st.Match.RecordForfeit(game.Bot, R, S); err != nil {
				t.Fatal(err)
			}
			st.Phase, st.Ready, st.CanRestart = PhaseError, true, true
			st.Err, st.ErrDetail = Explain(&game.OpponentError{Side: game.Bot, Round: 4, Err: game.ErrCommitMismatch,
				Detail: `committed 3fa9c1d2e4b5a6978877665544332211ffeeddccbbaa99887766554433221100, revealed "reveal 4 scissors abc", which hashes to 0c1d2e3f4a5b6c7d8e9f00112233445566778899aabbccddeeff001122334455`})
			return st
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, tc.w, tc.h)
			NewRenderer(NewTheme(256, false)).Draw(s, tc.st(t))
			s.Show()
			checkGolden(t, tc.name, text(s))
		})
	}
}

// TestResizeRedraws draws one state on a screen that changes size: each
// frame fills exactly the new size, and the layout adapts (the panels appear
// only when there is room).
func TestResizeRedraws(t *testing.T) {
	st := threeRounds(t)
	s := newSim(t, 80, 24)
	NewRenderer(NewTheme(256, false)).Draw(s, st)
	s.Show()
	big := text(s)
	s.SetSize(60, 14)
	NewRenderer(NewTheme(256, false)).Draw(s, st)
	s.Sync()
	small := text(s)
	if n := strings.Count(small, "\n"); n != 14 {
		t.Fatalf("small frame has %d rows, want 14", n)
	}
	if !strings.Contains(big, "STATISTICS") || strings.Contains(small, "STATISTICS") {
		t.Errorf("the statistics panel should show at 80x24 and not at 60x14")
	}
	for _, want := range []string{"YOU  1 : 1  BOT", "round 3: DRAW · both threw paper", "round 4 · throw:"} {
		if !strings.Contains(small, want) {
			t.Errorf("60x14 frame lacks %q:\n%s", want, small)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		ns   int64
		want string
	}{
		{0, "0.0 ms"},
		{4_240_000, "4.2 ms"},
		{9_949_999, "9.9 ms"},
		{9_950_000, "10 ms"},
		{412_345_678, "412 ms"},
		{999_499_999, "999 ms"},
		{999_500_000, "1.00 s"},
		{1_034_000_000, "1.03 s"},
		{12_400_000_000, "12.4 s"},
		{312_000_000_000, "312 s"},
		{-1_500_000, "-1.5 ms"},
		{1_250_000, "1.3 ms"}, // half up
		{412_500_000, "413 ms"},
		{math.MaxInt64, "9223372036 s"},
		{math.MinInt64, "-9223372036 s"},
	} {
		if got := FormatDuration(tc.ns); got != tc.want {
			t.Errorf("FormatDuration(%d) = %q, want %q", tc.ns, got, tc.want)
		}
	}
}

func TestMirror(t *testing.T) {
	for _, m := range game.Moves {
		l, r := hand(m, false), hand(m, true)
		for i := range l {
			if len(l[i]) != handW || len(r[i]) != handW {
				t.Fatalf("%v line %d: widths %d/%d, want %d", m, i, len(l[i]), len(r[i]), handW)
			}
			if mirror(r[i]) != l[i] {
				t.Errorf("%v line %d: mirroring twice changed %q to %q", m, i, l[i], mirror(r[i]))
			}
		}
	}
	if got := mirror("---'   ____)"); got != "(____   '---" {
		t.Errorf("mirror = %q", got)
	}
}

// TestThemeColours checks that no colour is ever set with NO_COLOR or on a
// monochrome terminal, and that 8-colour terminals get only the 8 basic
// colours.
func TestThemeColours(t *testing.T) {
	states := map[string]func(t *testing.T) *State{
		"three": threeRounds,
		"error": func(t *testing.T) *State {
			st := threeRounds(t)
			st.Phase, st.Err = PhaseError, "boom"
			return st
		},
		"spy": func(t *testing.T) *State {
			st := threeRounds(t)
			st.Spy = SpyPanel{Enabled: true, Status: "on", Round: 4, Move: S}
			return st
		},
	}
	for _, tc := range []struct {
		name    string
		colors  int
		noColor bool
		maxIdx  int // highest palette index allowed; -1: no colour at all
	}{
		{"NO_COLOR", 256, true, -1},
		{"mono", 0, false, -1},
		{"8", 8, false, 7},
		{"16", 16, false, 15},
		{"256", 256, false, 255},
	} {
		for sn, mk := range states {
			s := newSim(t, 80, 24)
			NewRenderer(NewTheme(tc.colors, tc.noColor)).Draw(s, mk(t))
			s.Show()
			cells, _, _ := s.GetContents()
			colored := false
			for i, c := range cells {
				fg, bg, _ := c.Style.Decompose()
				for _, col := range []tcell.Color{fg, bg} {
					if col == tcell.ColorDefault {
						continue
					}
					colored = true
					idx := int(col - tcell.ColorValid)
					if tc.maxIdx < 0 || col.IsRGB() || idx > tc.maxIdx {
						t.Fatalf("%s/%s: cell %d has colour %v (palette %d), allowed up to %d", tc.name, sn, i, col, idx, tc.maxIdx)
					}
				}
			}
			if tc.maxIdx >= 0 && !colored {
				t.Errorf("%s/%s: no colour used at all", tc.name, sn)
			}
		}
	}
	// Without colour, outcomes must still be told apart by attributes.
	th := NewTheme(0, true)
	if th.Win == th.Loss || th.Win == th.Draw || th.Loss == th.Draw {
		t.Errorf("monochrome theme does not distinguish win/loss/draw: %+v", th)
	}
}

// fakeTty is a tcell.Tty that records what tcell writes: the terminal side
// of TestOnlyChangesAreSent.
type fakeTty struct {
	mu      sync.Mutex
	out     bytes.Buffer
	stop    chan struct{}
	w, h    int
	discard bool // count the bytes, keep none (benchmarks)
	written int
}

func (f *fakeTty) Start() error {
	f.mu.Lock()
	f.stop = make(chan struct{})
	f.mu.Unlock()
	return nil
}
func (f *fakeTty) Drain() error { f.wake(); return nil }
func (f *fakeTty) Stop() error  { f.wake(); return nil }
func (f *fakeTty) wake() {
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.stop:
	default:
		close(f.stop)
	}
}
func (f *fakeTty) Close() error { return nil }
func (f *fakeTty) Read(p []byte) (int, error) {
	f.mu.Lock()
	stop := f.stop
	f.mu.Unlock()
	<-stop
	return 0, nil
}
func (f *fakeTty) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.written += len(p)
	if f.discard {
		return len(p), nil
	}
	return f.out.Write(p)
}
func (f *fakeTty) NotifyResize(func()) {}
func (f *fakeTty) WindowSize() (tcell.WindowSize, error) {
	return tcell.WindowSize{Width: f.w, Height: f.h}, nil
}
func (f *fakeTty) take() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.out.String()
	f.out.Reset()
	return s
}

// TestOnlyChangesAreSent drives a real terminfo screen over a recording Tty:
// redrawing an unchanged frame sends none of its text, and a new round sends
// only the cells that changed, a small fraction of a full repaint.
func TestOnlyChangesAreSent(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("LANG", "C.UTF-8")
	tty := &fakeTty{w: 80, h: 24}
	s, err := tcell.NewTerminfoScreenFromTty(tty)
	if err != nil {
		t.Fatalf("terminfo screen: %v", err)
	}
	if err := s.Init(); err != nil {
		t.Fatalf("init: %v", err)
	}
	defer s.Fini()
	st := threeRounds(t)
	r := NewRenderer(NewTheme(s.Colors(), false))
	r.Draw(s, st)
	s.Show()
	full := len(tty.take())

	r.Draw(s, st)
	s.Show()
	same := tty.take()
	if strings.Contains(same, "STATISTICS") || strings.Contains(same, "YOU") || len(same) > 64 {
		t.Errorf("an unchanged frame sent %d bytes: %q", len(same), same)
	}

	// Only the prompt line changes while the game waits for the opponent.
	st.Phase, st.Waiting = PhaseWait, true
	r.Draw(s, st)
	s.Show()
	wait := tty.take()
	if !strings.Contains(wait, "waiting") || strings.Contains(wait, "STATISTICS") || len(wait)*10 > full {
		t.Errorf("a prompt change sent %d bytes (full repaint %d): %q", len(wait), full, wait)
	}

	st.Phase = PhaseThrow
	if _, err := st.Match.Record(S, P); err != nil {
		t.Fatal(err)
	}
	st.Reactions = append(st.Reactions, 250_000_000)
	r.Draw(s, st)
	s.Show()
	next := len(tty.take())
	if next == 0 || next >= full {
		t.Errorf("the next round sent %d bytes; a full repaint is %d", next, full)
	}
	t.Logf("full repaint %d bytes, unchanged frame %d, prompt change %d, next round %d", full, len(same), len(wait), next)
}

func TestSpyUnavailableWraps(t *testing.T) {
	st := threeRounds(t)
	st.Spy = SpyPanel{Enabled: true, Unavailable: true,
		Status: "spy unavailable: missing privileges: the spy needs CAP_BPF and CAP_PERFMON (run as root)"}
	s := newSim(t, 80, 24)
	NewRenderer(NewTheme(256, false)).Draw(s, st)
	s.Show()
	got := text(s)
	for _, want := range []string{"missing", "CAP_BPF", "CAP_PERFMON (run as", "root)"} {
		if !strings.Contains(got, want) {
			t.Errorf("the spy panel lacks %q:\n%s", want, got)
		}
	}
}

// TestReactionLine: the reaction line built on the key's path (the
// reactions before the throw sorted ahead, the new one merged in) says what
// the same line built from scratch says, for lists with typed-ahead keys,
// and at every width down to the clipped forms.
func TestReactionLine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 500 {
		rs := make([]int64, rng.IntN(12))
		for i := range rs {
			if rng.IntN(5) == 0 {
				rs[i] = Typeahead
			} else {
				rs[i] = rng.Int64N(3_000_000_000)
			}
		}
		width := 10 + rng.IntN(60)
		want := referenceReactionLine(rs, width)
		var sc lineScratch
		before := timedBefore(nil, rs)
		if got := string(sc.reactionLine(rs, before, width)); got != want {
			t.Fatalf("trial %d: reactions %v, width %d: %q, want %q", trial, rs, width, got, want)
		}
	}
}

// referenceReactionLine is the reaction line as its description says,
// built the slow way: sort every timed reaction, format with fmt.
func referenceReactionLine(rs []int64, width int) string {
	if len(rs) == 0 {
		return clip("reaction: timed from this frame to your key's capture", width)
	}
	var timed []int64
	for _, r := range rs {
		if r >= 0 {
			timed = append(timed, r)
		}
	}
	last := "reaction typed ahead"
	if rs[len(rs)-1] >= 0 {
		last = "reaction " + FormatDuration(rs[len(rs)-1])
	}
	if len(timed) == 0 {
		return last
	}
	slices.Sort(timed)
	n := len(timed)
	median := timed[n/2]
	if n%2 == 0 {
		median = (timed[n/2-1] + timed[n/2]) / 2
	}
	full := fmt.Sprintf("%s · median %s · best %s", last, FormatDuration(median), FormatDuration(timed[0]))
	if utf8.RuneCountInString(full) <= width {
		return full
	}
	if short := fmt.Sprintf("%s · median %s", last, FormatDuration(median)); utf8.RuneCountInString(short) <= width {
		return short
	}
	return clip(last, width)
}

// TestReactionLineAllocates: drawing the reaction line on the key's path
// allocates nothing once its buffer has grown.
func TestReactionLineAllocates(t *testing.T) {
	rs := []int64{412_000_000, Typeahead, 380_000_000, 1_030_000_000, 250_000_000}
	before := timedBefore(nil, rs)
	var sc lineScratch
	th := NewTheme(256, false)
	var st styles
	c := canvas{make([]cell, 100*30), 100, 30, &st}
	drawReaction(c, rs, before, th, 0, 100, 13, &sc)
	if n := testing.AllocsPerRun(100, func() { drawReaction(c, rs, before, th, 0, 100, 13, &sc) }); n != 0 {
		t.Errorf("drawReaction allocates %v times per key", n)
	}
}

// TestClipBytes: clipBytes cuts as clip does.
func TestClipBytes(t *testing.T) {
	for _, s := range []string{"", "a", "reaction 412 ms", "ü·ß…x", "reaction typed ahead"} {
		for n := -1; n <= utf8.RuneCountInString(s)+1; n++ {
			if got, want := string(clipBytes([]byte(s), n)), clip(s, n); got != want {
				t.Errorf("clipBytes(%q, %d) = %q, clip = %q", s, n, got, want)
			}
		}
	}
}
