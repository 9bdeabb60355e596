package game

import (
	"errors"
	"strings"
	"testing"
)

// TestExplanationFor checks the guess named for each of the six variants
// and each meta rotation: the move is always the beater of the expected
// move, and the guess says how it follows from the prediction.
func TestExplanationFor(t *testing.T) {
	const o, m = 0, 1 // the predictor says: opponent rock, me paper
	tests := []struct {
		variant int
		move    Move
		guess   Guess
	}{
		{0, Paper, GuessDirect},          // beat rock
		{2, Rock, GuessSecond},           // they beat my paper with scissors: rock
		{1, Scissors, GuessThird},        // they beat my rock with paper: scissors
		{3, Rock, GuessMirror},           // they expect my paper, throw scissors: rock
		{5, Scissors, GuessMirrorSecond}, // they see my rock coming, throw paper: scissors
		{4, Paper, GuessMirrorThird},     // they see my scissors coming, throw rock: paper
	}
	for _, tt := range tests {
		// The variant's own move, as the meta-strategies compute it.
		var mv int8
		if tt.variant < 3 {
			mv = (o + 1 + int8(tt.variant)) % 3
		} else {
			mv = (m + 2 + int8(tt.variant-3)) % 3
		}
		if moveOf(int(mv)) != tt.move {
			t.Fatalf("variant %d plays %v, table says %v", tt.variant, moveOf(int(mv)), tt.move)
		}
		e := explanationFor("last", tt.variant, o, m, tt.move)
		if e.Guess != tt.guess || e.Expected != tt.move.Loser() || e.Move != tt.move {
			t.Errorf("variant %d: %+v, want guess %v", tt.variant, e, tt.guess)
		}
		if want := map[bool]Move{false: Rock, true: Paper}[tt.variant >= 3]; e.Predicted != want {
			t.Errorf("variant %d: predicted %v, want %v", tt.variant, e.Predicted, want)
		}
		if e.Guess.Mirrored() != (tt.variant >= 3) {
			t.Errorf("variant %d: Mirrored() = %v", tt.variant, e.Guess.Mirrored())
		}
	}
}

func TestExplanationString(t *testing.T) {
	tests := []struct {
		e    Explanation
		want []string
	}{
		{Explanation{}, []string{"no move yet"}},
		{Explanation{Move: Rock, Predictor: PredictorRandom}, []string{"threw rock at random"}},
		{Explanation{Move: Paper, Predictor: PredictorGuard}, []string{"threw paper at random", "losing"}},
		{Explanation{Move: Rock, Predictor: "favourite"}, []string{"threw rock: its favourite move"}},
		{explanationFor("match-both-20", 0, 0, 1, Paper), []string{"expected rock (history: what followed the last match of both players' recent moves, up to 20 rounds long), so it threw paper"}},
		{explanationFor("freq-all", 2, 0, 1, Rock), []string{"expected scissors", "said rock", "beat its answer paper with scissors", "threw rock"}},
		{explanationFor("freq-all", 1, 0, 1, Scissors), []string{"expected paper", "said rock", "second guess", "threw scissors"}},
		{explanationFor("markov-bot-1", 3, 0, 1, Rock), []string{"expected scissors", "predict its move with what usually followed the bot's last move", "get paper", "threw rock"}},
		{explanationFor("markov-bot-1", 5, 0, 1, Scissors), []string{"expected paper", "see its answer coming", "threw scissors"}},
		{explanationFor("markov-bot-1", 4, 0, 1, Paper), []string{"expected rock", "one step further", "threw paper"}},
		{explanationFor("no-such-predictor", 0, 0, 1, Paper), []string{"(no-such-predictor)"}},
	}
	for _, tt := range tests {
		got := tt.e.String()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%+v.String() = %q, want it to contain %q", tt.e, got, w)
			}
		}
		if strings.Contains(got, "\n") {
			t.Errorf("%q is not one line", got)
		}
	}
}

// TestPredictorTexts checks that every predictor of every explaining
// strategy has a description.
func TestPredictorTexts(t *testing.T) {
	for _, ids := range [][]string{xpPredictorIDs, iocainePredictorIDs} {
		for _, id := range ids {
			if PredictorText(id) == id || !validPredictorID(id) {
				t.Errorf("predictor %q has no description", id)
			}
		}
	}
	if len(xpPredictorIDs) != xpPredictors {
		t.Errorf("%d expert predictor ids for %d predictors", len(xpPredictorIDs), xpPredictors)
	}
}

// TestExplainers plays each explaining strategy and checks that every
// explanation describes the move that Next returned, that Expected is the
// move it beats, and that explanations name known predictors.
func TestExplainers(t *testing.T) {
	for _, name := range []string{"careless", "habits", "iocaine", "expert"} {
		s, _ := NewStrategy(name, 3)
		ex := s.(Explainer)
		if e := ex.Explain(); e != (Explanation{}) {
			t.Errorf("%s: explanation before the first move: %+v", name, e)
		}
		opp := &pattern{seq: []Move{Rock, Rock, Paper, Scissors}}
		kinds := map[string]int{}
		for i := 0; i < 300; i++ {
			m := s.Next()
			e := ex.Explain()
			if e.Move != m {
				t.Fatalf("%s round %d: explained %v, played %v", name, i+1, e.Move, m)
			}
			if e.Expected != NoMove && e.Expected != m.Loser() {
				t.Errorf("%s round %d: expected %v but threw %v", name, i+1, e.Expected, m)
			}
			if PredictorText(e.Predictor) == e.Predictor {
				t.Errorf("%s round %d: unknown predictor %q", name, i+1, e.Predictor)
			}
			kinds[e.Predictor]++
			y := opp.Next()
			s.Update(m, y)
			opp.Update(y, m)
			if ex.Explain() != e {
				t.Errorf("%s round %d: Update changed the explanation of the move played", name, i+1)
			}
		}
		if len(kinds) < 2 {
			t.Errorf("%s: every move explained the same way: %v", name, kinds)
		}
	}
}

func TestExplanationText(t *testing.T) {
	good := []Explanation{
		{},
		{Move: Rock, Predictor: PredictorRandom},
		explanationFor("match-both-20", 4, 2, 0, Paper),
	}
	for _, e := range good {
		if e.Predictor == "" {
			e.Predictor = PredictorRandom
		}
		text, err := e.MarshalText()
		if err != nil {
			t.Fatalf("MarshalText(%+v): %v", e, err)
		}
		var back Explanation
		if err := back.UnmarshalText(text); err != nil || back != e {
			t.Errorf("round trip %q: %+v, %v; want %+v", text, back, err, e)
		}
	}
	if text, _ := explanationFor("match-both-20", 0, 0, 1, Paper).MarshalText(); string(text) != "move=paper expected=rock predicted=rock predictor=match-both-20 guess=direct" {
		t.Errorf("text form %q", text)
	}
	for _, bad := range []Explanation{{Predictor: ""}, {Predictor: "Has Space"}, {Predictor: "x", Guess: 9}} {
		if _, err := bad.MarshalText(); !errors.Is(err, ErrBadExplanation) {
			t.Errorf("MarshalText(%+v) = %v", bad, err)
		}
	}
	for _, bad := range []string{
		"",
		"move=rock",
		"move=rock expected=none predicted=none predictor=random guess=direct guess=direct",
		"move=rock expected=none predicted=none predictor=random guess=sideways",
		"move=Rock expected=none predicted=none predictor=random guess=direct",
		"move=r expected=none predicted=none predictor=random guess=direct",
		"move=rock expected=none predicted=none predictor=RANDOM guess=direct",
		"move=rock expected=none predicted=none predictor=random guess=direct colour=red",
		"move=rock expected=none predicted=none predictor=random guess",
	} {
		var e Explanation
		if err := e.UnmarshalText([]byte(bad)); !errors.Is(err, ErrBadExplanation) {
			t.Errorf("UnmarshalText(%q) = %v, want ErrBadExplanation", bad, err)
		}
	}
}

// FuzzExplanationText checks that UnmarshalText never panics and that what
// it accepts marshals back to an equivalent explanation.
func FuzzExplanationText(f *testing.F) {
	f.Add("move=paper expected=rock predicted=rock predictor=match-both-20 guess=direct")
	f.Add("move=rock expected=none predicted=none predictor=random guess=direct")
	f.Add("guess=mirror-third predictor=model-you-0.8 predicted=scissors expected=paper move=scissors")
	f.Add("move=rock  expected=none\tpredicted=none predictor=guard guess=second")
	f.Add("move=rock expected=none predicted=none predictor=random guess=direct move=rock")
	f.Fuzz(func(t *testing.T, s string) {
		var e Explanation
		if err := e.UnmarshalText([]byte(s)); err != nil {
			if !errors.Is(err, ErrBadExplanation) {
				t.Fatalf("UnmarshalText(%q): error %v does not wrap ErrBadExplanation", s, err)
			}
			return
		}
		text, err := e.MarshalText()
		if err != nil {
			t.Fatalf("accepted %q but cannot marshal %+v: %v", s, e, err)
		}
		var back Explanation
		if err := back.UnmarshalText(text); err != nil || back != e {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, e, text, back, err)
		}
	})
}

func TestExplanationLine(t *testing.T) {
	e := Explanation{Move: Paper, Expected: Rock, Predictor: PredictorRandom, Predicted: Rock, Guess: GuessDirect}
	line, err := ExplanationLine(12, e)
	if err != nil {
		t.Fatal(err)
	}
	n, got, ok := ParseExplanationLine(line + "\n")
	if !ok || n != 12 || got != e {
		t.Errorf("ParseExplanationLine(%q) = %d, %+v, %v", line, n, got, ok)
	}
	for _, bad := range []string{"", "rock", "roshambo-explain", "roshambo-explain 0 " + line[len("roshambo-explain 12 "):],
		"roshambo-explain 3 move=rock", "roshambo-explain x move=rock expected=none predicted=none predictor=random guess=direct"} {
		if _, _, ok := ParseExplanationLine(bad); ok {
			t.Errorf("ParseExplanationLine(%q) accepted", bad)
		}
	}
}

func TestExplaining(t *testing.T) {
	s, _ := NewStrategy("iocaine", 1)
	var rounds []int
	var last Explanation
	w, ok := Explaining(s, func(n int, _, theirs Move, e Explanation) {
		rounds = append(rounds, n)
		last = e
		if theirs != Rock {
			t.Errorf("round %d: told the opponent threw %v", n, theirs)
		}
	})
	if !ok {
		t.Fatal("iocaine does not explain its moves")
	}
	for i := 0; i < 3; i++ {
		m := w.Next()
		w.Update(m, Rock)
		if last.Move != m {
			t.Errorf("round %d: explained %v, played %v", i+1, last.Move, m)
		}
	}
	if len(rounds) != 3 || rounds[2] != 3 {
		t.Errorf("rounds told: %v", rounds)
	}
	if _, ok := Explaining(constant(Rock), func(int, Move, Move, Explanation) {}); ok {
		t.Error("a strategy that does not explain was wrapped")
	}
}
