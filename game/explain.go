package game

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Explainer is implemented by strategies that can say how they chose their
// latest move: the predictor they followed and what they expected the
// opponent to throw. The game's "explain" view and roshambo-bot --explain
// show it after each round, so that a player learns how the bot beats them.
//
// Explain describes the move most recently returned by Next, also after the
// round's Update; before the first Next it returns the zero Explanation. It
// does not allocate, so it may be called every round. Like the Strategy, it
// is not safe for concurrent use.
type Explainer interface {
	Explain() Explanation
}

// Explanation says how a strategy chose one move.
type Explanation struct {
	// Move is the strategy's move; NoMove in the zero Explanation.
	Move Move
	// Expected is the opponent's move that Move was chosen against (the
	// move it beats); NoMove when the strategy threw at random.
	Expected Move
	// Predictor is the stable identifier of the predictor followed, such as
	// "match-both-20" (see PredictorText); PredictorRandom or PredictorGuard
	// when the strategy threw at random.
	Predictor string
	// Predicted is what the predictor predicted: the opponent's next move
	// for the direct guesses, the strategy's own next move for the mirrored
	// ones (see Guess).
	Predicted Move
	// Guess is how the prediction was used.
	Guess Guess
}

// The Predictor of a random move.
const (
	// PredictorRandom: no predictor had been doing better than chance, so
	// the strategy threw at random.
	PredictorRandom = "random"
	// PredictorGuard: the strategy was losing clearly, so it threw at
	// random, which no opponent can beat on average.
	PredictorGuard = "guard"
)

// Guess is how a strategy used a prediction ("Sicilian reasoning", after
// Iocaine Powder): it beat the predicted move, or assumed that the opponent
// would see that coming and go one or two steps further; or, for the
// mirrored guesses, it assumed that the opponent predicts the strategy's own
// move with the same predictor and beats it.
type Guess uint8

// The six guesses.
const (
	GuessDirect       Guess = iota // beat the opponent's predicted move
	GuessSecond                    // the opponent beats that answer: beat the opponent's answer
	GuessThird                     // the opponent sees the second guess coming too
	GuessMirror                    // the opponent predicts the strategy's move with the predictor and beats it
	GuessMirrorSecond              // ... and sees the answer to that coming
	GuessMirrorThird               // ... one step further still
	numGuesses
)

var guessNames = [numGuesses]string{"direct", "second", "third", "mirror", "mirror-second", "mirror-third"}

// String returns the guess's name, e.g. "second" or "mirror".
func (g Guess) String() string {
	if g < numGuesses {
		return guessNames[g]
	}
	return "Guess(" + strconv.Itoa(int(g)) + ")"
}

// Mirrored reports whether the guess assumes that the opponent predicts the
// strategy (GuessMirror and its rotations).
func (g Guess) Mirrored() bool { return g >= GuessMirror && g < numGuesses }

// explanationFor builds the explanation of a move that beats a predicted
// move: variant 0-2 rotate the direct guess, 3-5 the mirrored one (see the
// six variants of the meta-strategies); predOpp and predMine are the
// predictor's two predictions, move the move played.
func explanationFor(id string, variant int, predOpp, predMine int8, move Move) Explanation {
	e := Explanation{Move: move, Expected: move.Loser(), Predictor: id}
	// The move is the naive answer to the prediction rotated k steps:
	// k = 0 beats the prediction, k = 2 beats the opponent's answer to that
	// (second-guessing), k = 1 goes one step further (triple-guessing).
	byRotation := [3]Guess{GuessDirect, GuessThird, GuessSecond}
	if variant < 3 {
		e.Predicted = moveOf(int(predOpp))
		e.Guess = byRotation[(move.idx()-int(predOpp)-1+6)%3]
	} else {
		e.Predicted = moveOf(int(predMine))
		e.Guess = GuessMirror + byRotation[(move.idx()-int(predMine)-2+6)%3]
	}
	return e
}

// String describes the explanation in one line of plain words, addressing
// the opponent as "you" and the strategy as "it", e.g. "expected rock
// (history: what followed the last match of both players' recent moves, up
// to 20 rounds long), so it threw paper".
func (e Explanation) String() string {
	switch {
	case e.Move == NoMove:
		return "no move yet"
	case e.Predictor == PredictorRandom:
		return fmt.Sprintf("threw %v at random: nothing predicted you better than chance lately", e.Move)
	case e.Predictor == PredictorGuard:
		return fmt.Sprintf("threw %v at random: it was losing, and a random move cannot be beaten on average", e.Move)
	}
	about := PredictorText(e.Predictor)
	if e.Expected == NoMove {
		return fmt.Sprintf("threw %v: %s", e.Move, about)
	}
	switch e.Guess {
	case GuessDirect:
		return fmt.Sprintf("expected %v (%s), so it threw %v", e.Expected, about, e.Move)
	case GuessSecond:
		return fmt.Sprintf("expected %v: its predictor (%s) said %v, but it expected you to beat its answer %v with %v, so it threw %v",
			e.Expected, about, e.Predicted, e.Predicted.Beater(), e.Expected, e.Move)
	case GuessThird:
		return fmt.Sprintf("expected %v: its predictor (%s) said %v, but it expected you to see even its second guess coming and throw %v, so it threw %v",
			e.Expected, about, e.Predicted, e.Expected, e.Move)
	case GuessMirror:
		return fmt.Sprintf("expected %v: it expected you to predict its move with %s, get %v and beat that with %v, so it threw %v",
			e.Expected, about, e.Predicted, e.Expected, e.Move)
	case GuessMirrorSecond:
		return fmt.Sprintf("expected %v: it expected you to predict its move with %s, get %v, and see its answer coming with %v, so it threw %v",
			e.Expected, about, e.Predicted, e.Expected, e.Move)
	default:
		return fmt.Sprintf("expected %v: it expected you to predict its move with %s, get %v, and go one step further still with %v, so it threw %v",
			e.Expected, about, e.Predicted, e.Expected, e.Move)
	}
}

// ErrBadExplanation is returned (wrapped) by Explanation.UnmarshalText for
// text that is not an explanation's text form.
var ErrBadExplanation = errors.New("not an explanation (want move=... expected=... predicted=... predictor=... guess=...)")

// MarshalText returns the explanation's text form, one line of key=value
// fields, such as "move=paper expected=rock predicted=rock
// predictor=match-both-20 guess=direct", for carrying an explanation across
// a process boundary. NoMove is written as "none".
func (e Explanation) MarshalText() ([]byte, error) {
	if e.Guess >= numGuesses {
		return nil, fmt.Errorf("marshal explanation: %w: guess %d", ErrBadExplanation, e.Guess)
	}
	if !validPredictorID(e.Predictor) {
		return nil, fmt.Errorf("marshal explanation: %w: predictor %q", ErrBadExplanation, e.Predictor)
	}
	b := make([]byte, 0, 96)
	b = append(b, "move="...)
	b = append(b, e.Move.String()...)
	b = append(b, " expected="...)
	b = append(b, e.Expected.String()...)
	b = append(b, " predicted="...)
	b = append(b, e.Predicted.String()...)
	b = append(b, " predictor="...)
	b = append(b, e.Predictor...)
	b = append(b, " guess="...)
	b = append(b, e.Guess.String()...)
	return b, nil
}

// UnmarshalText parses the text form written by MarshalText. Every field
// must be present exactly once; errors wrap ErrBadExplanation.
func (e *Explanation) UnmarshalText(text []byte) error {
	var out Explanation
	seen := 0
	for _, f := range strings.Fields(string(text)) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return fmt.Errorf("parse explanation %q: %w", text, ErrBadExplanation)
		}
		bit, err := out.setField(k, v)
		if err != nil {
			return fmt.Errorf("parse explanation %q: %w", text, err)
		}
		if seen&bit != 0 {
			return fmt.Errorf("parse explanation %q: %w: %s twice", text, ErrBadExplanation, k)
		}
		seen |= bit
	}
	if seen != 1<<5-1 {
		return fmt.Errorf("parse explanation %q: %w: a field is missing", text, ErrBadExplanation)
	}
	*e = out
	return nil
}

func (e *Explanation) setField(k, v string) (int, error) {
	move := func(p *Move) error {
		if v == "none" {
			*p = NoMove
			return nil
		}
		m, err := ParseMove(v)
		if err != nil || v != m.String() {
			return fmt.Errorf("%w: %s=%q", ErrBadExplanation, k, v)
		}
		*p = m
		return nil
	}
	switch k {
	case "move":
		return 1, move(&e.Move)
	case "expected":
		return 2, move(&e.Expected)
	case "predicted":
		return 4, move(&e.Predicted)
	case "predictor":
		if !validPredictorID(v) {
			return 0, fmt.Errorf("%w: predictor %q", ErrBadExplanation, v)
		}
		e.Predictor = v
		return 8, nil
	case "guess":
		for g, name := range guessNames {
			if v == name {
				e.Guess = Guess(g)
				return 16, nil
			}
		}
		return 0, fmt.Errorf("%w: guess %q", ErrBadExplanation, v)
	}
	return 0, fmt.Errorf("%w: unknown field %q", ErrBadExplanation, k)
}

// validPredictorID reports whether s is a predictor identifier: 1 to 64
// characters of a-z, 0-9, '-' and '.'.
func validPredictorID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// PredictorText describes a predictor identifier in words, addressing the
// opponent as "you", e.g. "history: what followed the last match of both
// players' recent moves, up to 20 rounds long" for "match-both-20". An
// unknown identifier is returned as it is.
func PredictorText(id string) string {
	if t, ok := predictorTexts[id]; ok {
		return t
	}
	return id
}

// predictorTexts describes every predictor identifier of the built-in
// strategies; registerPredictor fills it at package initialisation.
var predictorTexts = map[string]string{
	PredictorRandom: "chance",
	PredictorGuard:  "chance (the bot was losing)",
}

// registerPredictor records the description of a predictor identifier.
// Identifiers are shared by the strategies that use the same predictor.
func registerPredictor(id, text string) string {
	if !validPredictorID(id) {
		panic("game: bad predictor id " + strconv.Quote(id))
	}
	if old, ok := predictorTexts[id]; ok && old != text {
		panic("game: predictor " + id + " registered twice with different texts")
	}
	predictorTexts[id] = text
	return id
}

// Explaining wraps a strategy that explains its moves so that, after each
// round's Update, tell receives the round's number (from 1), the moves of the
// round (the strategy's and its opponent's) and the explanation of the
// strategy's move: roshambo-bot --explain writes it on stderr, for a person or
// for the game (ExplanationLine). It returns false if s does not implement
// Explainer.
func Explaining(s Strategy, tell func(round int, mine, theirs Move, e Explanation)) (Strategy, bool) {
	ex, ok := s.(Explainer)
	if !ok {
		return s, false
	}
	return &explaining{Strategy: s, ex: ex, tell: tell}, true
}

type explaining struct {
	Strategy
	ex    Explainer
	tell  func(int, Move, Move, Explanation)
	round int
	last  Explanation
}

func (e *explaining) Next() Move {
	m := e.Strategy.Next()
	e.last = e.ex.Explain()
	return m
}

func (e *explaining) Update(mine, theirs Move) {
	e.round++
	e.Strategy.Update(mine, theirs)
	e.tell(e.round, mine, theirs, e.last)
}

// Explain returns the explanation of the latest move.
func (e *explaining) Explain() Explanation { return e.last }

// explanationLinePrefix starts the line in which a bot process tells the
// game how it chose a round's move, on its stderr (the protocol's own lines
// stay on stdout).
const explanationLinePrefix = "roshambo-explain "

// ExplanationLine returns the line (without its newline) in which a bot
// process tells the game, on its stderr, how it chose its move in round n:
// "roshambo-explain <n> <the explanation's text form>".
func ExplanationLine(n int, e Explanation) (string, error) {
	text, err := e.MarshalText()
	if err != nil {
		return "", err
	}
	return explanationLinePrefix + strconv.Itoa(n) + " " + string(text), nil
}

// ParseExplanationLine parses a line written by ExplanationLine (with or
// without its newline); ok is false for any other line, which the game
// shows as the bot's plain stderr.
func ParseExplanationLine(line string) (n int, e Explanation, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimRight(line, "\r\n"), explanationLinePrefix)
	if !found {
		return 0, Explanation{}, false
	}
	num, text, found := strings.Cut(rest, " ")
	if !found {
		return 0, Explanation{}, false
	}
	n, ok = parseRound(num)
	if !ok || e.UnmarshalText([]byte(text)) != nil {
		return 0, Explanation{}, false
	}
	return n, e, true
}
