package game

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Sparring partners after the top write-ups of Kaggle's 2020-21 "Rock,
// Paper, Scissors" competition: ensembles of many agents, selected by
// decayed score or by a bandit, with counter-policies that model the
// opponent running an agent against us, and random play as the last line of
// defence. Written here from the write-ups' descriptions.

// spPolicy is one member of an ensemble: a distribution over my next move.
type spPolicy interface {
	probs() [3]float64
	update(mine, theirs int)
}

// oneHot is a distribution that plays x.
func oneHot(x int) [3]float64 {
	var p [3]float64
	p[x] = 1
	return p
}

// shiftDist rotates a distribution by k (each move replaced by the move that
// beats it, k times).
func shiftDist(p [3]float64, k int) [3]float64 {
	var q [3]float64
	for x := 0; x < 3; x++ {
		q[(x+k)%3] = p[x]
	}
	return q
}

// beatDist turns a distribution of the opponent's next move into mine:
// play the beater of each move with its probability.
func beatDist(p [3]float64) [3]float64 { return shiftDist(p, 1) }

func normDist(c [3]float64) [3]float64 {
	t := c[0] + c[1] + c[2]
	if t == 0 {
		return [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	}
	return [3]float64{c[0] / t, c[1] / t, c[2] / t}
}

// polHist is a policy's own view of the history.
type polHist struct{ spHist }

func (p *polHist) update(mine, theirs int) {
	p.mine = append(p.mine, mine)
	p.opp = append(p.opp, theirs)
}

type polRandom struct{ polHist }

func (*polRandom) probs() [3]float64 { return [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3} }

// polFreq beats the opponent's move frequencies.
type polFreq struct {
	polHist
	c [3]float64
}

func (p *polFreq) probs() [3]float64 { return beatDist(normDist(p.c)) }
func (p *polFreq) update(mine, theirs int) {
	p.polHist.update(mine, theirs)
	p.c[theirs]++
}

// polCopy plays the opponent's last move.
type polCopy struct{ polHist }

func (p *polCopy) probs() [3]float64 {
	if p.n() == 0 {
		return [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	}
	return oneHot(p.opp[p.n()-1])
}

// polTransition beats the opponent's next move as predicted from its last
// move (matrix) or from the last pair (tensor).
type polTransition struct {
	polHist
	tensor bool
	c      [9][3]float64
}

func (p *polTransition) key(i int) int {
	if p.tensor {
		return p.opp[i]*3 + p.mine[i]
	}
	return p.opp[i]
}

func (p *polTransition) probs() [3]float64 {
	n := p.n()
	if n == 0 {
		return [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	}
	return beatDist(normDist(p.c[p.key(n-1)]))
}

func (p *polTransition) update(mine, theirs int) {
	if n := p.n(); n > 0 {
		p.c[p.key(n-1)][theirs]++
	}
	p.polHist.update(mine, theirs)
}

// polRFind beats the move that followed the most recent longest match of
// the joint history (up to 20 rounds).
type polRFind struct{ polHist }

func (p *polRFind) probs() [3]float64 {
	if p.n() < 2 {
		return [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	}
	f, _ := p.lastMatch(2, 20, 0)
	if f < 0 {
		return [3]float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	}
	return oneHot(spBeat(p.opp[f]))
}

// polSeq plays a fixed sequence (digits of pi mod 3).
type polSeq struct {
	polHist
	seq []int
}

func (p *polSeq) probs() [3]float64 { return oneHot(p.seq[p.n()%len(p.seq)]) }

// polBot wraps a whole strategy (Greenberg, Iocaine Powder) as a policy.
type polBot struct{ s Strategy }

func (p *polBot) probs() [3]float64       { return oneHot(p.s.Next().idx()) }
func (p *polBot) update(mine, theirs int) { p.s.Update(moveOf(mine), moveOf(theirs)) }

// polStrict plays the likeliest move of a stochastic policy.
type polStrict struct{ spPolicy }

func (p polStrict) probs() [3]float64 {
	q := p.spPolicy.probs()
	return oneHot(argmaxF(q[:]))
}

// polShift rotates a policy: the "incremented" policies of the write-ups.
// The wrapped policy is shared and updated by its owner.
type polShift struct {
	base spPolicy
	k    int
}

func (p polShift) probs() [3]float64 { return shiftDist(p.base.probs(), p.k) }
func (polShift) update(int, int)     {}

// polCounter assumes the opponent runs the wrapped policy against me: it
// feeds the policy the history with the sides exchanged, takes its answer
// as the opponent's next move, and beats it.
type polCounter struct{ inner spPolicy }

func (p *polCounter) probs() [3]float64       { return beatDist(p.inner.probs()) }
func (p *polCounter) update(mine, theirs int) { p.inner.update(theirs, mine) }

// ---------------------------------------------------------------------------
// "Going meta" ensemble (after a gold-medal write-up of the Kaggle
// competition): base policies (random, frequency, copy the last move,
// transition matrix and tensor, history matching, a fixed sequence,
// Greenberg and Iocaine Powder), their strict versions, their rotations and
// their counter-policies. Several policy selectors, differing in decay,
// in whether a losing policy's score may be dropped and in whether scores
// are clipped at zero, each combine their three best policies with weights
// 0.7, 0.2 and 0.1 (a policy scores p[win] - p[lose] each round). A
// selector-selector picks the selector whose own decayed score is best, and
// plays a move drawn from its distribution; it plays at random when no
// selector is ahead, when its own recent play is losing, and half of the time
// when random play would keep a won match won with probability 92% or more.

type gmConfig struct {
	decay float64
	drop  float64
	clip  bool
}

var gmConfigs = []gmConfig{
	{0.8, 0, false}, {0.8, 0, true}, {0.9, 0, false}, {0.9, 0, true},
	{0.97, 0, false}, {0.97, 0, true}, {0.99, 0, false}, {0.99, 0, true},
	{0.99, 0.3, false}, {0.99, 0.3, true},
}

type goingMeta struct {
	rng       *rand.Rand
	owners    []spPolicy // policies that receive updates
	pols      []spPolicy // every policy, scored
	polProbs  [][3]float64
	score     [][]float64 // [config][policy]
	cfgProbs  [][3]float64
	cfgScore  []float64
	perf      float64 // my own decayed score
	lead, n   int
	rounds    int
	next      int
	order     []int
	lastProbs [3]float64
}

func newGoingMeta(seed int64) *goingMeta {
	s := &goingMeta{rng: newRand(seed*59 + 29), rounds: 1000}
	pi := pibotTable()
	add := func(mk func() spPolicy, stochastic, counter bool) {
		variants := func(base spPolicy) {
			s.owners = append(s.owners, base)
			for k := 0; k < 3; k++ {
				s.pols = append(s.pols, polShift{base, k})
				if stochastic {
					s.pols = append(s.pols, polShift{polStrict{base}, k})
				}
			}
		}
		variants(mk())
		if counter {
			variants(&polCounter{mk()})
		}
	}
	s.owners = append(s.owners, &polRandom{})
	s.pols = append(s.pols, s.owners[0])
	add(func() spPolicy { return &polFreq{} }, true, true)
	add(func() spPolicy { return &polCopy{} }, false, true)
	add(func() spPolicy { return &polTransition{} }, true, true)
	add(func() spPolicy { return &polTransition{tensor: true} }, true, true)
	add(func() spPolicy { return &polRFind{} }, false, true)
	add(func() spPolicy { return &polSeq{seq: pi} }, false, false)
	k := int64(0)
	add(func() spPolicy { k++; return &polBot{newGreenberg(seed*7 + k)} }, false, true)
	add(func() spPolicy { k++; return &polBot{newIocainePowder(seed*11 + k)} }, false, true)
	s.polProbs = make([][3]float64, len(s.pols))
	s.score = make([][]float64, len(gmConfigs))
	for i := range s.score {
		s.score[i] = make([]float64, len(s.pols))
	}
	s.cfgProbs = make([][3]float64, len(gmConfigs))
	s.cfgScore = make([]float64, len(gmConfigs))
	s.order = make([]int, len(s.pols))
	s.decide()
	return s
}

func (*goingMeta) Name() string { return "going-meta" }
func (s *goingMeta) Next() Move { return moveOf(s.next) }

func (s *goingMeta) Update(mine, theirs Move) {
	o, m := theirs.idx(), mine.idx()
	win, lose := spBeat(o), spWithout(o)
	s.perf = 0.95*s.perf + float64(spScore(m, o))
	s.lead += spScore(m, o)
	s.n++
	for c, cfg := range gmConfigs {
		sc := s.score[c]
		for p, q := range s.polProbs {
			r := q[win] - q[lose]
			sc[p] = cfg.decay*sc[p] + r
			if cfg.drop > 0 && r < 0 && s.rng.Float64() < cfg.drop {
				sc[p] = 0
			}
			if cfg.clip && sc[p] < 0 {
				sc[p] = 0
			}
		}
		q := s.cfgProbs[c]
		s.cfgScore[c] = 0.95*s.cfgScore[c] + q[win] - q[lose]
	}
	for _, p := range s.owners {
		p.update(m, o)
	}
	s.decide()
}

func (s *goingMeta) decide() {
	for p, pol := range s.pols {
		s.polProbs[p] = pol.probs()
	}
	for c := range gmConfigs {
		sc := s.score[c]
		for i := range s.order {
			s.order[i] = i
		}
		sort.SliceStable(s.order, func(i, j int) bool { return sc[s.order[i]] > sc[s.order[j]] })
		var q [3]float64
		for rank, w := range []float64{0.7, 0.2, 0.1} {
			pp := s.polProbs[s.order[rank]]
			for x := range q {
				q[x] += w * pp[x]
			}
		}
		s.cfgProbs[c] = q
	}
	best := argmaxF(s.cfgScore)
	s.next = s.rng.IntN(3)
	switch {
	case s.cfgScore[best] <= 0 || s.perf < -5:
	case s.keepLead() && s.rng.IntN(2) == 0:
	default:
		q := s.cfgProbs[best]
		x := s.rng.Float64()
		switch {
		case x < q[0]:
			s.next = 0
		case x < q[0]+q[1]:
			s.next = 1
		default:
			s.next = 2
		}
	}
}

// keepLead reports whether random play from here keeps the match won with
// probability 92% or more (normal approximation: each random round scores
// +1, 0, -1 with variance 2/3).
func (s *goingMeta) keepLead() bool {
	left := s.rounds - s.n
	if s.lead <= 0 || left <= 0 {
		return s.lead > 0
	}
	z := float64(s.lead) / math.Sqrt(2*float64(left)/3)
	return 0.5*math.Erfc(-z/math.Sqrt2) >= 0.92
}

// ---------------------------------------------------------------------------
// Multi-armed bandit over agents, after the write-up of the Kaggle
// competition's winner and the bandit notebooks it grew from. The arms are
// whole agents: rpscontest leaders (Centrifugal Bumblepuppy, dllu1, RPS
// Meta Fix, Iocaine Powder, Greenberg) and simple predictors (frequency,
// transition matrix, history matching), each as itself ("regular"), as its
// beater ("1-step ahead": the agent run from my side, its move beaten) and
// as the beater of that ("2-steps ahead": the regular move rotated twice).
// Every arm is scored every round as if it had played; its win, tie and
// loss counts (step 3, decaying toward the prior by 1/1.05 a round) are the
// parameters of a Dirichlet distribution. Each round it samples every arm's
// outcome probabilities and plays the arm with the best sampled
// win-minus-loss (Thompson sampling).

type banditArm struct {
	pol   spPolicy // its move distribution; one-hot for whole agents
	shift int      // 0 regular, 2 two steps ahead (1-step arms are counters)
}

type banditBot struct {
	rng    *rand.Rand
	owners []spPolicy
	arms   []banditArm
	counts [][3]float64 // per arm: win, tie, loss
	moves  []int        // per arm: its move this round
	next   int
	chosen int // the arm played this round
}

func newBanditBot(seed int64) *banditBot {
	s := &banditBot{rng: newRand(seed*61 + 31)}
	k := seed * 13
	agents := []func() Strategy{
		func() Strategy { return newBumblepuppy(k) },
		func() Strategy { return newDllu1(k) },
		func() Strategy { return newMetaFix(k) },
		func() Strategy { return newIocainePowder(k) },
		func() Strategy { return newGreenberg(k) },
	}
	for _, mk := range agents {
		k++
		reg := &polBot{mk()}
		k++
		ahead := &polCounter{&polBot{mk()}}
		s.owners = append(s.owners, reg, ahead)
		s.arms = append(s.arms, banditArm{reg, 0}, banditArm{ahead, 0}, banditArm{reg, 2})
	}
	for _, p := range []spPolicy{&polFreq{}, &polTransition{}, &polTransition{tensor: true}, &polRFind{}} {
		s.owners = append(s.owners, p)
		s.arms = append(s.arms, banditArm{polStrict{p}, 0}, banditArm{polStrict{p}, 1}, banditArm{polStrict{p}, 2})
	}
	s.counts = make([][3]float64, len(s.arms))
	for i := range s.counts {
		s.counts[i] = [3]float64{1, 1, 1}
	}
	s.moves = make([]int, len(s.arms))
	s.decide()
	return s
}

func (*banditBot) Name() string { return "bandit" }
func (s *banditBot) Next() Move { return moveOf(s.next) }

func (s *banditBot) Update(mine, theirs Move) {
	o, m := theirs.idx(), mine.idx()
	for a, mv := range s.moves {
		c := &s.counts[a]
		for i := range c {
			c[i] = (c[i]-1)/1.05 + 1
		}
		c[1-spScore(mv, o)] += 3
	}
	for _, p := range s.owners {
		p.update(m, o)
	}
	s.decide()
}

func (s *banditBot) decide() {
	best, bv := 0, math.Inf(-1)
	for a, arm := range s.arms {
		q := arm.pol.probs()
		s.moves[a] = (argmaxF(q[:]) + arm.shift) % 3
		c := s.counts[a]
		w, t, l := gammaDraw(s.rng, c[0]), gammaDraw(s.rng, c[1]), gammaDraw(s.rng, c[2])
		if v := (w - l) / (w + t + l); v > bv {
			best, bv = a, v
		}
	}
	s.next, s.chosen = s.moves[best], best
}

// gammaDraw samples Gamma(k, 1) for k >= 1 (Marsaglia and Tsang).
func gammaDraw(rng *rand.Rand, k float64) float64 {
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}
