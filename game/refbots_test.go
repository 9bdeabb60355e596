package game

import (
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// Reference adversaries in the spirit of the test suite of the first
// International RoShamBo Programming Competition (Darse Billings, 1999):
// the "dummy bots" whose weaknesses a good player must find, written here
// from their published descriptions. Move indices are 0 rock, 1 paper,
// 2 scissors, so (x+1)%3 beats x, as in the original suite.

// refBot is the shared state of a reference bot: both histories (as move
// indices) and a seeded generator. decide returns the next move index.
type refBot struct {
	name      string
	mine, opp []int
	rng       *rand.Rand
	decide    func(b *refBot) int
	learn     func(b *refBot) // optional: called after each round is recorded
}

func (b *refBot) Name() string { return b.name }
func (b *refBot) Next() Move   { return moveOf(b.decide(b)) }
func (b *refBot) Update(mine, theirs Move) {
	b.mine = append(b.mine, mine.idx())
	b.opp = append(b.opp, theirs.idx())
	if b.learn != nil {
		b.learn(b)
	}
}

func (b *refBot) n() int              { return len(b.mine) }
func (b *refBot) myLast() int         { return b.mine[len(b.mine)-1] }
func (b *refBot) oppLast() int        { return b.opp[len(b.opp)-1] }
func (b *refBot) random() int         { return b.rng.IntN(3) }
func (b *refBot) coin(p float64) bool { return b.rng.Float64() < p }

// biased returns rock with probability r, paper with p, else scissors.
func (b *refBot) biased(r, p float64) int {
	x := b.rng.Float64()
	switch {
	case x < r:
		return 0
	case x < r+p:
		return 1
	}
	return 2
}

// refSpec describes one reference bot for the suite.
type refSpec struct {
	name string
	// kind: "random" (no exploitable pattern; the default must stay within
	// noise), "weak" (exploitable; the default must win by at least min) or
	// "strong" (adaptive; the default must not lose by more than -min).
	kind string
	min  int
	mk   func(seed int64) Strategy
}

func newRef(name string, seed int64, decide func(b *refBot) int) *refBot {
	return &refBot{name: name, rng: newRand(seed*7919 + 17), decide: decide}
}

// seqBot plays a fixed table of move indices over and over.
func seqBot(name string, table []int) func(int64) Strategy {
	return func(seed int64) Strategy {
		return newRef(name, seed, func(b *refBot) int { return table[b.n()%len(table)] })
	}
}

// piDigits returns the first n decimal digits of pi (3, 1, 4, 1, 5, ...),
// computed with Machin's formula in big integers.
func piDigits(n int) []int {
	unity := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n+10)), nil)
	arctanInv := func(x int64) *big.Int { // unity * arctan(1/x)
		sum := new(big.Int)
		term := new(big.Int).Div(unity, big.NewInt(x))
		x2 := big.NewInt(x * x)
		for k := int64(0); term.Sign() != 0; k++ {
			t := new(big.Int).Div(term, big.NewInt(2*k+1))
			if k%2 == 0 {
				sum.Add(sum, t)
			} else {
				sum.Sub(sum, t)
			}
			term.Div(term, x2)
		}
		return sum
	}
	pi := new(big.Int).Mul(arctanInv(5), big.NewInt(16))
	pi.Sub(pi, new(big.Int).Mul(arctanInv(239), big.NewInt(4)))
	s := pi.String()[:n]
	out := make([]int, n)
	for i, c := range s {
		out[i] = int(c - '0')
	}
	return out
}

// pibotTable: digits of pi with the zeros skipped, each taken modulo 3.
func pibotTable() []int {
	var t []int
	for _, d := range piDigits(1300) {
		if d != 0 {
			t = append(t, d%3)
		}
	}
	return t
}

// randomDeBruijn returns a de Bruijn sequence B(3, 4) (81 moves in which
// every 4-move word occurs exactly once, cyclically), chosen by a random
// Eulerian circuit (Hierholzer's algorithm, edges tried in random order) of
// the order-3 de Bruijn graph, so that it has no structure beyond that.
func randomDeBruijn(rng *rand.Rand) []int {
	const nodes = 27 // 3-move words; an edge appends a move
	var next [nodes][]int
	for v := range next {
		next[v] = []int{0, 1, 2}
		rng.Shuffle(3, func(i, j int) { next[v][i], next[v][j] = next[v][j], next[v][i] })
	}
	stack, circuit := []int{0}, []int{}
	var moves []int // the move of the edge that entered each stacked node
	moves = append(moves, -1)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		if len(next[v]) > 0 {
			m := next[v][0]
			next[v] = next[v][1:]
			stack = append(stack, (v*3+m)%nodes)
			moves = append(moves, m)
			continue
		}
		if m := moves[len(moves)-1]; m >= 0 {
			circuit = append(circuit, m)
		}
		stack, moves = stack[:len(stack)-1], moves[:len(moves)-1]
	}
	for i, j := 0, len(circuit)-1; i < j; i, j = i+1, j-1 {
		circuit[i], circuit[j] = circuit[j], circuit[i]
	}
	return circuit
}

// debruijnTable concatenates different random de Bruijn sequences B(3, 4)
// into 1000 moves (a fixed table: the generator's seed is constant), so that
// no suffix of up to four moves predicts the next one better than chance.
func debruijnTable() []int {
	rng := newRand(81)
	var t []int
	for len(t) < 1000 {
		t = append(t, randomDeBruijn(rng)...)
	}
	return t[:1000]
}

// textbotTable maps English prose to moves: letters a..z by their index
// modulo 3, every other byte to scissors (heavily biased, like the original).
func textbotTable() []int {
	const text = `The first international RoShamBo programming competition drew entries
from all over the world. Most programs tried to find patterns in the moves of
their opponents, and the best of them also asked what their opponents might
think of them in turn. A program that plays at random cannot lose on average,
but it cannot win either, so a tournament rewards those who exploit the weak
and stay safe against the strong. Simple bots that always play rock, rotate,
copy the last move or follow a biased coin were included to see who would
find their weaknesses quickly and completely.`
	var t []int
	for _, c := range strings.ToLower(text) {
		if c >= 'a' && c <= 'z' {
			t = append(t, int(c-'a')%3)
		} else {
			t = append(t, 2)
		}
	}
	return t
}

// referenceSuite returns the reference adversaries of strategy name (the
// strong ones include a twin and an oracle of it).
func referenceSuite(name string) []refSpec {
	pi, db, text := pibotTable(), debruijnTable(), textbotTable()
	return []refSpec{
		{"randbot", "random", 0, func(seed int64) Strategy {
			return newRef("randbot", seed, (*refBot).random)
		}},
		{"pibot", "random", 0, seqBot("pibot", pi)}, // pi's digits mod 3 are not biased
		{"rockbot", "weak", 950, func(seed int64) Strategy {
			return newRef("rockbot", seed, func(*refBot) int { return 0 })
		}},
		{"r226bot", "weak", 250, func(seed int64) Strategy {
			return newRef("r226bot", seed, func(b *refBot) int { return b.biased(0.2, 0.2) })
		}},
		{"rotatebot", "weak", 950, func(seed int64) Strategy {
			return newRef("rotatebot", seed, func(b *refBot) int { return b.n() % 3 })
		}},
		{"copybot", "weak", 950, func(seed int64) Strategy { // beats the opponent's last move
			return newRef("copybot", seed, func(b *refBot) int {
				if b.n() == 0 {
					return 1
				}
				return (b.oppLast() + 1) % 3
			})
		}},
		{"mirrorbot", "weak", 950, func(seed int64) Strategy { // repeats the opponent's last move
			return newRef("mirrorbot", seed, func(b *refBot) int {
				if b.n() == 0 {
					return 0
				}
				return b.oppLast()
			})
		}},
		{"switchbot", "weak", 400, func(seed int64) Strategy { // never repeats its last move
			return newRef("switchbot", seed, func(b *refBot) int {
				if b.n() == 0 {
					return b.random()
				}
				return (b.myLast() + 1 + b.rng.IntN(2)) % 3
			})
		}},
		{"switchalot", "weak", 220, func(seed int64) Strategy { // repeats with probability 0.12
			return newRef("switchalot", seed, func(b *refBot) int {
				if b.n() == 0 {
					return b.random()
				}
				if b.coin(0.12) {
					return b.myLast()
				}
				return (b.myLast() + 1 + b.rng.IntN(2)) % 3
			})
		}},
		{"freqbot2", "weak", 850, func(seed int64) Strategy {
			return newRef("freqbot2", seed, func(b *refBot) int {
				var c [3]int
				for _, m := range b.opp {
					c[m]++
				}
				switch {
				case c[0] > c[1] && c[0] > c[2]:
					return 1
				case c[1] > c[2]:
					return 2
				}
				return 0
			})
		}},
		{"debruijn81", "weak", 200, seqBot("debruijn81", db)}, // within an 81-move block, a 4-move word never recurs
		{"textbot", "weak", 330, seqBot("textbot", text)},
		{"flatbot3", "weak", 250, func(seed int64) Strategy { // keeps its own counts flat, 80% of the time
			return newRef("flatbot3", seed, func(b *refBot) int {
				var c [3]int
				for _, m := range b.mine {
					c[m]++
				}
				lo, hi := minMaxIdx(c)
				switch {
				case c[0] == c[1] && c[1] == c[2]:
					return b.random()
				case c[lo] < c[(lo+1)%3] && c[lo] < c[(lo+2)%3]: // a unique least: 80% it
					if b.coin(0.8) {
						return lo
					}
					return (lo + 1 + b.rng.IntN(2)) % 3
				default: // two tied least: 45% each, 10% the most used
					if b.coin(0.1) {
						return hi
					}
					return (hi + 1 + b.rng.IntN(2)) % 3
				}
			})
		}},
		{"antiflatbot", "weak", 900, func(seed int64) Strategy { // beats the opponent's least used move
			return newRef("antiflatbot", seed, func(b *refBot) int {
				var c [3]int
				for _, m := range b.opp {
					c[m]++
				}
				if c[0] == c[1] && c[1] == c[2] {
					return b.random()
				}
				lo, _ := minMaxIdx(c)
				return (lo + 1) % 3
			})
		}},
		{"foxtrotbot", "weak", 250, func(seed int64) Strategy { // random, then previous+turn, ...
			return newRef("foxtrotbot", seed, func(b *refBot) int {
				turn := b.n() + 1
				if turn%2 == 1 {
					return b.random()
				}
				return (b.myLast() + turn) % 3
			})
		}},
		// antirotnbot turns random once it trails by 40, which caps any winning margin.
		{"antirotnbot", "weak", 20, func(seed int64) Strategy { return newAntiRotn(seed) }},
		{"driftbot", "weak", 200, func(seed int64) Strategy { // copies the opponent half the time, drifting
			return newRef("driftbot", seed, func(b *refBot) int {
				n := b.n()
				if n == 0 {
					return b.random()
				}
				gear := 2 * (n / 111)
				t := b.random()
				if b.coin(0.5) {
					t = b.oppLast()
				}
				return (t + gear) % 3
			})
		}},
		{"addshiftbot3", "weak", 260, func(seed int64) Strategy { return newAddShift(seed) }},
		{"adddriftbot2", "weak", 250, func(seed int64) Strategy { // sum of last pair, drifting, 50% random
			return newRef("adddriftbot2", seed, func(b *refBot) int {
				n := b.n()
				if n == 0 || b.coin(0.5) {
					return b.random()
				}
				return (b.myLast() + b.oppLast() + 2*(n/200)) % 3
			})
		}},
		{"markov2-joint", "strong", 60, func(seed int64) Strategy { return newJointMarkov(seed, 2) }},
		{"second-guess", "strong", 60, func(seed int64) Strategy { return newSecondGuess(seed) }},
		{"history", "strong", 60, func(int64) Strategy { return newHistoryStrategy() }},
		{"twin", "strong", 100, func(seed int64) Strategy { s, _ := NewStrategy(name, seed+1000); return s }},
		// The worst case: an opponent that knows the strategy's algorithm
		// and runs a copy of it (with another seed for its random moves), so
		// it foresees every deterministic move.
		{"oracle", "strong", 150, func(seed int64) Strategy { return newOracle(name, seed) }},
	}
}

// minMaxIdx returns the index of the smallest and of the largest count
// (lowest index on ties).
func minMaxIdx(c [3]int) (lo, hi int) {
	for i := 1; i < 3; i++ {
		if c[i] < c[lo] {
			lo = i
		}
		if c[i] > c[hi] {
			hi = i
		}
	}
	return lo, hi
}

// newAntiRotn observes the opponent's rotations (repeat, up one, down one)
// and exploits the most frequent, or the least frequent when that stands out
// more. It turns random while it is losing by more than 4% of 1000 rounds.
func newAntiRotn(seed int64) *refBot {
	var rot [3]int // repeat, up, down
	score := 0
	b := newRef("antirotnbot", seed, func(b *refBot) int {
		if score < -40 || (rot[0] == rot[1] && rot[1] == rot[2]) {
			return b.random()
		}
		lo, hi := minMaxIdx(rot)
		mid := 3 - lo - hi
		last := b.oppLast()
		if rot[hi]-rot[mid] >= rot[mid]-rot[lo] { // a clear maximum: beat it
			return (last + hi + 1) % 3
		}
		// a clear minimum: the opponent plays one of the two others; throw
		// the move that beats one and draws the other.
		return (last + lo + 2) % 3
	})
	b.learn = func(b *refBot) {
		n := b.n()
		score += int(payoff[b.myLast()][b.oppLast()])
		if n > 1 {
			rot[(b.opp[n-1]-b.opp[n-2]+3)%3]++
		}
	}
	return b
}

// newAddShift throws the sum of the last pair plus a gear (80% of the time,
// else random), and shifts gear when it is losing.
func newAddShift(seed int64) *refBot {
	gear, recent, score := 0, 0, 0
	b := newRef("addshiftbot3", seed, func(b *refBot) int {
		if b.n() == 0 || b.coin(0.2) {
			return b.random()
		}
		return (b.myLast() + b.oppLast() + gear) % 3
	})
	b.learn = func(b *refBot) {
		score += int(payoff[b.myLast()][b.oppLast()])
		recent++
		if (recent <= 20 && score <= -3) || (recent > 20 && score <= -recent/10) {
			gear += 2
			recent, score = 0, 0
		}
	}
	return b
}

// newJointMarkov predicts the opponent's next move from the last k rounds
// (both sides' moves), with counts that decay, and beats the likeliest move.
func newJointMarkov(seed int64, k int) *refBot {
	counts := map[int]*[3]float64{}
	ctx := func(b *refBot, end int) int {
		c := 1
		for i := end - k; i < end; i++ {
			c = c*9 + b.opp[i]*3 + b.mine[i]
		}
		return c
	}
	b := newRef("markov2-joint", seed, func(b *refBot) int {
		if b.n() < k {
			return b.random()
		}
		c := counts[ctx(b, b.n())]
		if c == nil {
			return b.random()
		}
		o, _ := argmax3(*c)
		return (o + 1) % 3
	})
	b.learn = func(b *refBot) {
		n := b.n()
		if n <= k {
			return
		}
		key := ctx(b, n-1)
		c := counts[key]
		if c == nil {
			c = new([3]float64)
			counts[key] = c
		}
		for i := range c {
			c[i] *= 0.95
		}
		c[b.oppLast()]++
	}
	return b
}

// newSecondGuess assumes its opponent predicts it with an order-1 Markov
// model of its own moves and throws the beater of that prediction, so it
// throws the move that beats that beater ("beats the predictor that beats
// you"). It keeps a score of both levels and plays the better one.
func newSecondGuess(seed int64) *refBot {
	var self [3][3]float64 // self[my last][my next]
	var opp [3][3]float64  // opp[their last][their next]
	var sc [2]float64      // decayed scores: 0 first-order, 1 second-order
	var last [2]int
	b := newRef("second-guess", seed, nil)
	guess := func(b *refBot) [2]int {
		if b.n() == 0 {
			return [2]int{b.random(), b.random()}
		}
		o, _ := argmax3(opp[b.oppLast()])
		m, _ := argmax3(self[b.myLast()])
		// first order: beat their predicted move; second order: they expect
		// my predicted move m and play m+1, so I play m+2.
		return [2]int{(o + 1) % 3, (m + 2) % 3}
	}
	b.decide = func(b *refBot) int {
		last = guess(b)
		if sc[1] > sc[0] {
			return last[1]
		}
		return last[0]
	}
	b.learn = func(b *refBot) {
		n := b.n()
		for i := range sc {
			sc[i] = 0.97*sc[i] + float64(payoff[last[i]][b.oppLast()])
		}
		if n > 1 {
			self[b.mine[n-2]][b.myLast()]++
			opp[b.opp[n-2]][b.oppLast()]++
		}
	}
	return b
}

// refSeeds is the number of seeds each reference match is played with.
var refSeeds = 5

// TestReferenceSuite plays the default strategy and iocaine (the hard
// level) against every reference bot over 1000-round matches with several
// seeds. Each must beat every exploitable bot by at least the bot's margin
// in every match, stay within ±100 of the random ones, and lose to no
// strong bot by more than its margin. With -v it logs the crosstable row
// per bot.
func TestReferenceSuite(t *testing.T) {
	skipUnderRace(t)
	const rounds = 1000
	for _, name := range []string{DefaultStrategy, "iocaine"} {
		for _, r := range referenceSuite(name) {
			var scores []int
			sum := 0
			for seed := int64(1); seed <= int64(refSeeds); seed++ {
				s, _ := NewStrategy(name, seed)
				d := duel(s, r.mk(seed), rounds)
				scores = append(scores, d)
				sum += d
				switch r.kind {
				case "random":
					if d < -100 || d > 100 {
						t.Errorf("%s vs %s (seed %d): %+d, want within ±100", name, r.name, seed, d)
					}
				case "weak":
					if d < r.min {
						t.Errorf("%s vs %s (seed %d): %+d, want at least %+d", name, r.name, seed, d, r.min)
					}
				case "strong":
					if d < -r.min {
						t.Errorf("%s vs %s (seed %d): %+d, want at least %+d", name, r.name, seed, d, -r.min)
					}
				}
			}
			t.Logf("%-8s vs %-14s %-6s mean %+5d  %v", name, r.name, r.kind, sum/len(scores), scores)
		}
	}
}

// oracle runs its own copy of a strategy, fed the same rounds from that
// strategy's point of view, and beats the move that the copy chooses: every
// move that the strategy decides deterministically is foreseen.
type oracle struct{ twin Strategy }

func newOracle(name string, seed int64) *oracle {
	s, err := NewStrategy(name, seed+5000)
	if err != nil {
		panic(err)
	}
	return &oracle{twin: s}
}
func (*oracle) Name() string               { return "oracle" }
func (o *oracle) Next() Move               { return o.twin.Next().Beater() }
func (o *oracle) Update(mine, theirs Move) { o.twin.Update(theirs, mine) }
