package game

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Level is a difficulty level: a built-in strategy chosen so that the levels
// rank in order of strength (see TestLevelsRankInOrder). The zero value is
// not a level; use ParseLevel or the constants.
//
// *Level implements flag.Value, so a command line can take --level easy.
type Level uint8

// The levels, weakest first.
const (
	// LevelEasy plays like a careless person: a favourite move, habits
	// after winning and losing, no learning. Watch it and you will win.
	LevelEasy Level = iota + 1
	// LevelMedium learns simple habits: your favourite move and what you
	// throw after each move, and beats them most of the time.
	LevelMedium
	// LevelHard is the Iocaine Powder meta-strategy ("iocaine").
	LevelHard
	// LevelExpert is the strongest strategy ("expert"), the default of
	// the bot program and of tournaments.
	LevelExpert
	numLevels = LevelExpert
)

// DefaultLevel is the game's default level: a new player wins some rounds
// and, with a little attention, matches. (The bot program's default is the
// strongest strategy, DefaultStrategy.)
const DefaultLevel = LevelMedium

// ErrUnknownLevel is returned (wrapped) by ParseLevel for a name that is not
// a level.
var ErrUnknownLevel = errors.New("unknown level (want easy, medium, hard or expert)")

// LevelInfo names and describes one level.
type LevelInfo struct {
	Level    Level
	Name     string // as on the command line: "easy"
	Strategy string // the strategy it plays, a registry name
	// Description is one line, without a trailing period.
	Description string
}

var levels = [numLevels]LevelInfo{
	{LevelEasy, "easy", "careless", "plays like a careless person: a favourite move and habits after wins and losses, and it never learns"},
	{LevelMedium, "medium", "habits", "learns your simple habits (your favourite move, what you throw after each move) and beats them most of the time"},
	{LevelHard, "hard", "iocaine", "Iocaine Powder: dozens of predictors, second-guessing, and a meta-strategy choosing among them"},
	{LevelExpert, "expert", "expert", "the strongest bot: predictors, models of your choices and of its own, and several meta levels"},
}

// Levels lists the levels, weakest first.
func Levels() []LevelInfo {
	out := make([]LevelInfo, len(levels))
	copy(out, levels[:])
	return out
}

// Info returns the level's name, strategy and description; the zero
// LevelInfo for a value that is not a level.
func (l Level) Info() LevelInfo {
	if l < LevelEasy || l > numLevels {
		return LevelInfo{}
	}
	return levels[l-1]
}

// String returns the level's name ("easy"), or "Level(n)" for a value that
// is not a level.
func (l Level) String() string {
	if i := l.Info(); i.Name != "" {
		return i.Name
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// Strategy returns the registry name of the strategy that the level plays,
// or "" for a value that is not a level.
func (l Level) Strategy() string { return l.Info().Strategy }

// ParseLevel parses a level name: "easy", "medium", "hard" or "expert", in
// any letter case, surrounding white space ignored. Errors wrap
// ErrUnknownLevel.
func ParseLevel(s string) (Level, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, info := range levels {
		if info.Name == t {
			return info.Level, nil
		}
	}
	return 0, fmt.Errorf("level %q: %w", s, ErrUnknownLevel)
}

// Set parses a level name into l (flag.Value). The error is
// ErrUnknownLevel itself: the flag package names the value.
func (l *Level) Set(s string) error {
	v, err := ParseLevel(s)
	if err != nil {
		return ErrUnknownLevel
	}
	*l = v
	return nil
}

// MarshalText returns the level's name; it fails for a value that is not a
// level.
func (l Level) MarshalText() ([]byte, error) {
	if l.Info().Name == "" {
		return nil, fmt.Errorf("marshal level %d: %w", uint8(l), ErrUnknownLevel)
	}
	return []byte(l.String()), nil
}

// UnmarshalText parses a level name (see ParseLevel).
func (l *Level) UnmarshalText(text []byte) error { return l.Set(string(text)) }

// LevelOf returns the level that plays the strategy called name, if any.
func LevelOf(name string) (Level, bool) {
	for _, info := range levels {
		if info.Strategy == name {
			return info.Level, true
		}
	}
	return 0, false
}

// NewLevelStrategy returns the strategy of level l, seeded with seed (see
// NewStrategy). Errors wrap ErrUnknownLevel.
func NewLevelStrategy(l Level, seed int64) (Strategy, error) {
	name := l.Strategy()
	if name == "" {
		return nil, fmt.Errorf("new level strategy %d: %w", uint8(l), ErrUnknownLevel)
	}
	return NewStrategy(name, seed)
}

// careless plays like a careless person: a favourite move (rock) a third of
// the time; otherwise, a third of the time, a habit: it keeps a winning move
// and moves on (rock, paper, scissors, rock, ...) after a draw or a loss;
// otherwise a random move. It never learns from its opponent.
type careless struct {
	rng  *rand.Rand
	last Move
	won  bool
	expl Explanation
}

func newCareless(seed int64) *careless { return &careless{rng: newRand(seed)} }

// Careless's identifiers, for explanations.
var (
	predCarelessFavourite = registerPredictor("favourite", "its favourite move (it has no idea what you will throw)")
	predCarelessHabit     = registerPredictor("habit", "its own habit: keep a winning move, move on after a draw or a loss")
)

func (*careless) Name() string { return "careless" }

func (s *careless) Next() Move {
	x := s.rng.Float64()
	switch {
	case x < 1.0/3:
		s.expl = Explanation{Move: Rock, Predictor: predCarelessFavourite}
	case x < 2.0/3 && s.last != NoMove:
		m := s.last
		if !s.won {
			m = m.Beater()
		}
		s.expl = Explanation{Move: m, Predictor: predCarelessHabit}
	default:
		s.expl = Explanation{Move: moveOf(s.rng.IntN(3)), Predictor: PredictorRandom}
	}
	return s.expl.Move
}

func (s *careless) Update(mine, theirs Move) { s.last, s.won = mine, Beats(mine, theirs) }

func (s *careless) Explain() Explanation { return s.expl }

// habits learns the opponent's favourite move (counts decaying by 0.97 a
// round) and what it throws after each of its moves (decaying by 0.9 each
// time that move recurs), adds the two shares up and beats the likeliest
// move; a fifth of the time it throws at random instead.
type habits struct {
	rng   *rand.Rand
	freq  [3]float64
	after [3][3]float64
	last  int // the opponent's last move, -1 before the first
	expl  Explanation
}

// Habits's identifiers, for explanations.
var predHabits = registerPredictor("habits", "your favourite move and what you usually throw after your last move")

func newHabits(seed int64) *habits { return &habits{rng: newRand(seed), last: -1} }

func (*habits) Name() string { return "habits" }

func (s *habits) Next() Move {
	if s.last < 0 || s.rng.IntN(5) == 0 {
		s.expl = Explanation{Move: moveOf(s.rng.IntN(3)), Predictor: PredictorRandom}
		return s.expl.Move
	}
	var score [3]float64
	share := func(c [3]float64) {
		if t := c[0] + c[1] + c[2]; t > 0 {
			for i := range score {
				score[i] += c[i] / t
			}
		}
	}
	share(s.freq)
	share(s.after[s.last])
	b, _ := argmax3(score)
	m := moveOf(b + 1)
	s.expl = Explanation{Move: m, Expected: m.Loser(), Predicted: m.Loser(), Predictor: predHabits, Guess: GuessDirect}
	return m
}

func (s *habits) Update(_, theirs Move) {
	o := theirs.idx()
	for i := range s.freq {
		s.freq[i] *= 0.97
	}
	s.freq[o]++
	if s.last >= 0 {
		c := &s.after[s.last]
		for i := range c {
			c[i] *= 0.9
		}
		c[o]++
	}
	s.last = o
}

func (s *habits) Explain() Explanation { return s.expl }
