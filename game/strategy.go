package game

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// Strategy is a bot: it chooses a move for each round and learns from the
// result. The caller calls Next once per round, then Update with the move it
// actually played for the strategy (normally Next's answer) and the
// opponent's move, before the next call to Next. A Strategy is not safe for
// concurrent use.
type Strategy interface {
	// Name returns the registry name, e.g. "markov".
	Name() string
	// Next returns the move for the coming round. Calling it again without
	// an Update (a round whose result never arrived) decides afresh from
	// the same knowledge.
	Next() Move
	// Update records a finished round: the strategy's own move and the
	// opponent's. Both are valid moves.
	Update(mine, theirs Move)
}

// DefaultStrategy is the name of the strongest strategy, used wherever no
// strategy is named: the bot program's and the tournaments' default. (The
// game's default level, DefaultLevel, is an easier one.)
const DefaultStrategy = "expert"

// ErrUnknownStrategy is returned (wrapped) by NewStrategy for a name that is
// not registered.
var ErrUnknownStrategy = errors.New("unknown strategy")

// StrategyInfo names and describes one built-in strategy.
type StrategyInfo struct {
	Name string // the registry name, as on the command line
	// Description is one line, without a trailing period.
	Description string
	// Deterministic is true when the strategy ignores its seed: its moves
	// depend only on the history.
	Deterministic bool
	build         func(seed int64) Strategy
}

// registry lists the built-in strategies, weakest first: in the order of
// their total score in a round robin of all of them, within one match's
// margin (see TestRegistryOrderedByStrength; the three constant bots are
// equally weak).
var registry = []StrategyInfo{
	{"rock", "always rock", true, func(int64) Strategy { return constant(Rock) }},
	{"paper", "always paper", true, func(int64) Strategy { return constant(Paper) }},
	{"scissors", "always scissors", true, func(int64) Strategy { return constant(Scissors) }},
	{"cycle", "rock, paper, scissors, rock, ... in turn", true, func(int64) Strategy { return &cycleStrategy{} }},
	{"careless", "plays like a careless person: a favourite move, keeps a winning move and moves on after a loss, never learns (level easy)", false,
		func(seed int64) Strategy { return newCareless(seed) }},
	{"freq", "beats the opponent's most frequent move so far", true, func(int64) Strategy { return &freqStrategy{} }},
	{"random", "uniformly random moves from a seeded generator (unexploitable, never wins either)", false,
		func(seed int64) Strategy { return &randomStrategy{rng: newRand(seed)} }},
	{"habits", "learns the opponent's favourite move and what it throws after each move, beats them four times in five (level medium)", false,
		func(seed int64) Strategy { return newHabits(seed) }},
	{"markov", "order-2 Markov chain over the opponent's moves (backs off to shorter contexts), beats the likeliest next move", true,
		func(int64) Strategy { return NewMarkov(2) }},
	{"history", "longest suffix match over the opponent's, its own and both histories, beats what followed last time", true,
		func(int64) Strategy { return newHistoryStrategy() }},
	{"iocaine", "meta-strategy in the spirit of Iocaine Powder: 31 predictors x 6 variants scored over 7 horizons, random when nothing scores or while losing (level hard)", false,
		func(seed int64) Strategy { return NewIocaine(seed) }},
	{"expert", "the strongest: 70 predictors x 6 variants incl. models of the opponent's choice and of its own, 9 scoring rules, fast and slow meta levels (default, level expert)", false,
		func(seed int64) Strategy { return newExpert(seed) }},
}

// StrategyNames lists the built-in strategies, weakest first, with a
// one-line description each.
func StrategyNames() []StrategyInfo {
	out := make([]StrategyInfo, len(registry))
	copy(out, registry)
	return out
}

// NewStrategy builds the strategy called name, seeded with seed (strategies
// that use no randomness ignore it). Equal names and seeds give strategies
// that play identically against identical opponents.
func NewStrategy(name string, seed int64) (Strategy, error) {
	for _, info := range registry {
		if info.Name == name {
			return info.build(seed), nil
		}
	}
	names := make([]string, len(registry))
	for i, info := range registry {
		names[i] = info.Name
	}
	sort.Strings(names)
	return nil, fmt.Errorf("strategy %q: %w (known: %s)", name, ErrUnknownStrategy, strings.Join(names, ", "))
}

// newRand returns a PCG generator derived from seed.
func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15^uint64(seed)))
}

type randomStrategy struct{ rng *rand.Rand }

func (*randomStrategy) Name() string     { return "random" }
func (s *randomStrategy) Next() Move     { return moveOf(s.rng.IntN(3)) }
func (*randomStrategy) Update(_, _ Move) {}

type constant Move

func (c constant) Name() string   { return Move(c).String() }
func (c constant) Next() Move     { return Move(c) }
func (constant) Update(_, _ Move) {}

type cycleStrategy struct{ n int }

func (*cycleStrategy) Name() string       { return "cycle" }
func (s *cycleStrategy) Next() Move       { return moveOf(s.n) }
func (s *cycleStrategy) Update(_, _ Move) { s.n++ }

type freqStrategy struct{ counts [3]float64 }

func (*freqStrategy) Name() string { return "freq" }
func (s *freqStrategy) Next() Move {
	b, _ := argmax3(s.counts)
	return moveOf(b + 1)
}
func (s *freqStrategy) Update(_, theirs Move) { s.counts[theirs.idx()]++ }

// Markov is the order-k Markov strategy: it counts what the opponent threw
// after each of its own k-move contexts, backs off to shorter contexts that
// have data, and throws the move that beats the likeliest next move.
type Markov struct {
	fam *markovFamily
	k   int
	n   int
}

// NewMarkov returns an order-k Markov strategy (k >= 1; k is clamped to 1..8).
func NewMarkov(k int) *Markov {
	k = max(1, min(k, 8))
	return &Markov{fam: newMarkovFamily(ctxOpp, k, 1), k: k}
}

// Name returns "markov".
func (*Markov) Name() string { return "markov" }

// Next returns the move that beats the predicted opponent move.
func (s *Markov) Next() Move {
	o, _, _ := s.fam.predict(s.k)
	return moveOf(o + 1)
}

// Update records a round.
func (s *Markov) Update(mine, theirs Move) {
	s.fam.observe(int8(theirs.idx()), int8(mine.idx()), s.n)
	s.n++
}

type historyStrategy struct {
	h  history
	ms *matchers
}

func newHistoryStrategy() *historyStrategy { return &historyStrategy{ms: newMatchers()} }

func (*historyStrategy) Name() string { return "history" }
func (s *historyStrategy) Next() Move {
	p := combined(s.ms.pair, s.ms.opp, s.ms.mine)
	if p < 0 {
		return Paper
	}
	return moveOf(int(s.h.opp[p]) + 1)
}
func (s *historyStrategy) Update(mine, theirs Move) {
	s.h.add(int8(mine.idx()), int8(theirs.idx()))
	s.ms.observe(int8(theirs.idx()), int8(mine.idx()))
}
