package game

import "math/rand/v2"

// Models of people, for judging the levels: each has a habit that a person
// might have and that a good bot finds, played with noise.

type humanSpec struct {
	name string
	mk   func(seed int64) Strategy
}

// human is a noisy player: with probability noise it throws at random,
// otherwise it follows its habit.
type human struct {
	name         string
	rng          *rand.Rand
	noise        float64
	habit        func(h *human) Move
	mine, theirs Move // last round
	won, lost    bool
	n            int
}

func (h *human) Name() string { return h.name }
func (h *human) Next() Move {
	if h.n == 0 || h.rng.Float64() < h.noise {
		return moveOf(h.rng.IntN(3))
	}
	return h.habit(h)
}
func (h *human) Update(mine, theirs Move) {
	h.mine, h.theirs, h.n = mine, theirs, h.n+1
	h.won, h.lost = Beats(mine, theirs), Beats(theirs, mine)
}

func newHuman(name string, seed int64, noise float64, habit func(h *human) Move) *human {
	return &human{name: name, rng: newRand(seed*977 + 5), noise: noise, habit: habit}
}

// humanPanel returns the people the levels are judged against.
func humanPanel() []humanSpec {
	return []humanSpec{
		{"favourite", func(seed int64) Strategy { // throws rock half the time
			return newHuman("favourite", seed, 0.5, func(*human) Move { return Rock })
		}},
		{"win-stay", func(seed int64) Strategy { // keeps a winning move, moves on after a loss
			return newHuman("win-stay", seed, 0.3, func(h *human) Move {
				if h.won {
					return h.mine
				}
				return h.mine.Beater()
			})
		}},
		{"no-repeat", func(seed int64) Strategy { // avoids throwing the same move twice
			return newHuman("no-repeat", seed, 0.1, func(h *human) Move {
				return moveOf(h.mine.idx() + 1 + h.rng.IntN(2))
			})
		}},
		{"beat-last", func(seed int64) Strategy { // throws what would have beaten the bot's last move
			return newHuman("beat-last", seed, 0.4, func(h *human) Move { return h.theirs.Beater() })
		}},
		{"cycler", func(seed int64) Strategy { // rock, paper, scissors, ...
			return newHuman("cycler", seed, 0.3, func(h *human) Move { return h.mine.Beater() })
		}},
	}
}
