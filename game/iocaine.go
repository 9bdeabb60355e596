package game

import "math/rand/v2"

// Iocaine is the meta-strategy, in the spirit of Dan Egnor's Iocaine Powder
// (winner of the first International RoShamBo Programming Competition).
//
// A set of predictors each guesses the opponent's next move and my own next
// move:
//
//   - the last moves (the opponent repeats, or reacts to my last move), and
//     their sum and difference (the opponent throws a function of the last
//     pair, shifted by a gear that the rotated variants follow);
//   - move frequencies over the last 10, 30 and 100 rounds and over all,
//     and the least frequent moves over 30 rounds and over all (a bot that
//     keeps its moves flat, or one that beats my least used move);
//   - history matching: the most recent earlier occurrence of the longest
//     suffix (up to 16 rounds) of the opponent's moves, of mine, of both, and
//     the longest of the three;
//   - Markov chains of order 1 to 3 over the opponent's, my own and the
//     paired history, with plain counts and with counts that decay each time
//     their context recurs (so that a changing opponent is followed).
//
// Each predictor P expands into six variants: P.0 to P.2 throw the move that
// beats the predicted opponent move, rotated by 0, 1 or 2 (the opponent may
// be one or two steps ahead of P); P'.0 to P'.2 assume that the opponent runs
// P against me, so they beat the move that beats my predicted move, again
// rotated. Every variant is scored each round as if it had been played
// (+1 win, -1 loss), with exponential decay over seven horizons (from about
// 2 rounds to about 200, and the whole match). Each horizon nominates its
// best variant; a second level scores the horizons' nominations (decay 0.99)
// and plays the nomination of the best horizon. When that horizon's best
// score is not above zero, Iocaine throws a uniformly random move, which no
// opponent can beat on average. It also plays at random while it is losing
// clearly (its own decayed score over about the last 100 rounds below -8), until
// that score has recovered above -1: an opponent that foresees its
// deterministic choices then gains little.
//
// Every structure is updated incrementally: deciding a move costs the same
// with 10 or 10,000 rounds of history (see BenchmarkIocaine).
type Iocaine struct {
	rng *rand.Rand
	h   history
	ms  *matchers
	fam []*markovFamily
	win []*window

	predOpp, predMine []int8
	moves             []int8      // variant moves, 6 per predictor
	scores            [][]float64 // [horizon][variant]
	choice            []int8      // per horizon: its nominated move, -1 = none
	bestVar           []int       // per horizon: its best variant
	horizon           int         // the horizon whose nomination plays scores
	meta              []float64   // per horizon: score of its nominations
	decays            []float64
	metaDecay         float64
	next              Move

	// perf is my own decayed score (decay guardDecay); guarded is set
	// while I play at random because perf fell below -guardOn, until it
	// recovers above -guardOff.
	perf    float64
	guarded bool

	expl Explanation // of the last Next
}

// iocainePredictorIDs names the predictors, in predict's order.
var iocainePredictorIDs = func() []string {
	ids := lastIDs()
	ids = append(ids, freqIDs()...)
	for _, k := range []struct{ id, text string }{{"you", "your"}, {"bot", "the bot's"}, {"both", "both players'"}} {
		ids = append(ids, registerPredictor("match-"+k.id+"-16",
			"history: what followed the last match of "+k.text+" recent moves, up to 16 rounds long"))
	}
	ids = append(ids, registerPredictor("longest", textLongest))
	return append(ids, markovIDs()...)
}()

// The losing guard: an opponent that has found me out (it foresees my
// deterministic choices) cannot be beaten by any variant, and no variant is
// then a safe choice. While my own decayed score says that I am losing
// clearly, I throw uniformly random moves, which nobody can beat on
// average; the variants keep being scored meanwhile. The hysteresis makes a
// random spell last long enough (about 200 rounds) that an opponent which
// only wins against my deterministic play gains little.
const (
	guardDecay = 0.99 // about the last 100 rounds
	guardOn    = 8.0
	guardOff   = 1.0
)

// iocaineDecays are the horizons at which variants are scored.
var iocaineDecays = []float64{0.5, 0.8, 0.9, 0.95, 0.98, 0.995, 1}

var iocaineMetaDecay = 0.99

var iocaineWindows = []int{10, 30, 100, 1 << 30}

// NewIocaine returns the meta-strategy; seed drives its random fallback.
func NewIocaine(seed int64) *Iocaine {
	s := &Iocaine{rng: newRand(seed), ms: newMatchers(), decays: iocaineDecays, metaDecay: iocaineMetaDecay}
	for _, kind := range []int{ctxOpp, ctxMine, ctxPair} {
		for _, l := range []float64{1, 0.7} {
			s.fam = append(s.fam, newMarkovFamily(kind, 3, l))
		}
	}
	for _, w := range iocaineWindows {
		s.win = append(s.win, &window{size: w})
	}
	np := 3 + len(s.win) + 2 + 4 + len(s.fam)*3
	s.predOpp = make([]int8, np)
	s.predMine = make([]int8, np)
	s.moves = make([]int8, 6*np)
	s.scores = make([][]float64, len(s.decays))
	for i := range s.scores {
		s.scores[i] = make([]float64, 6*np)
	}
	s.choice = make([]int8, len(s.decays))
	s.bestVar = make([]int, len(s.decays))
	s.meta = make([]float64, len(s.decays))
	s.decide()
	return s
}

// Name returns "iocaine".
func (*Iocaine) Name() string { return "iocaine" }

// Next returns the chosen move.
func (s *Iocaine) Next() Move {
	switch {
	case s.next != NoMove:
		v := s.bestVar[s.horizon]
		p := v / 6
		s.expl = explanationFor(iocainePredictorIDs[p], v%6, s.predOpp[p], s.predMine[p], s.next)
	case s.guarded:
		s.expl = Explanation{Move: moveOf(s.rng.IntN(3)), Predictor: PredictorGuard}
	default:
		s.expl = Explanation{Move: moveOf(s.rng.IntN(3)), Predictor: PredictorRandom}
	}
	return s.expl.Move
}

// Explain describes the move last returned by Next (see Explainer).
func (s *Iocaine) Explain() Explanation { return s.expl }

// Predictors returns the number of predictors (each has six variants).
func (s *Iocaine) Predictors() int { return len(s.predOpp) }

// Update scores every variant against the opponent's move, learns the round,
// and prepares the next decision.
func (s *Iocaine) Update(mine, theirs Move) {
	o, m := int8(theirs.idx()), int8(mine.idx())
	s.perf = s.perf*guardDecay + float64(payoff[m][o])
	for d, dec := range s.decays {
		sc := s.scores[d]
		for v, mv := range s.moves {
			sc[v] = sc[v]*dec + float64(payoff[mv][o])
		}
		s.meta[d] *= s.metaDecay
		if c := s.choice[d]; c >= 0 {
			s.meta[d] += float64(payoff[c][o])
		}
	}
	n := len(s.h.opp)
	for _, f := range s.fam {
		f.observe(o, m, n)
	}
	s.h.add(m, o)
	s.ms.observe(o, m)
	for _, w := range s.win {
		w.observe(&s.h)
	}
	s.predict()
	s.decide()
}

// predict fills predOpp and predMine.
func (s *Iocaine) predict() {
	n := len(s.h.opp)
	lastO, lastM := s.h.opp[n-1], s.h.mine[n-1]
	i := 0
	put := func(o, m int8) {
		s.predOpp[i], s.predMine[i] = o, m
		i++
	}
	put(lastO, lastM)
	// The sum and the difference of the last pair: with the rotated
	// variants these follow any bot that throws a fixed function of the
	// last pair plus a gear that it shifts from time to time.
	put((lastO+lastM)%3, (lastO+lastM)%3)
	put((lastO-lastM+3)%3, (lastM-lastO+3)%3)
	for _, w := range s.win {
		o, _ := argmax3(w.opp)
		m, _ := argmax3(w.mine)
		put(int8(o), int8(m))
	}
	// The least frequent moves, over 30 rounds and overall: a bot that
	// keeps its own moves flat throws its least used move next, and a bot
	// that expects me to do so beats my least used move.
	for _, w := range s.win[1:] {
		if w.size != 30 && w.size != 1<<30 {
			continue
		}
		put(int8(argmin3(w.opp)), int8(argmin3(w.mine)))
	}
	at := func(p int) (int8, int8) {
		if p < 0 {
			return lastO, lastM
		}
		return s.h.opp[p], s.h.mine[p]
	}
	for _, mt := range []*matcher{s.ms.opp, s.ms.mine, s.ms.pair} {
		p, _ := mt.longest()
		put(at(p))
	}
	po, _ := at(combined(s.ms.pair, s.ms.opp, s.ms.mine))
	_, pm := at(combined(s.ms.pair, s.ms.mine, s.ms.opp))
	put(po, pm)
	for _, f := range s.fam {
		for k := 1; k <= f.orders; k++ {
			o, m, ok := f.predict(k)
			if !ok {
				put(lastO, lastM)
				continue
			}
			put(int8(o), int8(m))
		}
	}
	for p := range s.predOpp {
		o, m := s.predOpp[p], s.predMine[p]
		for r := int8(0); r < 3; r++ {
			s.moves[6*p+int(r)] = (o + 1 + r) % 3
			s.moves[6*p+3+int(r)] = (m + 2 + r) % 3
		}
	}
}

// decide picks the next move from the scores.
func (s *Iocaine) decide() {
	for d := range s.decays {
		sc := s.scores[d]
		best := 0
		for v := 1; v < len(sc); v++ {
			if sc[v] > sc[best] {
				best = v
			}
		}
		s.choice[d] = -1
		s.bestVar[d] = best
		if sc[best] > 0 {
			s.choice[d] = s.moves[best]
		}
	}
	bd := 0
	for d := 1; d < len(s.meta); d++ {
		if s.meta[d] > s.meta[bd] {
			bd = d
		}
	}
	switch {
	case s.guarded && s.perf > -guardOff:
		s.guarded = false
	case !s.guarded && s.perf < -guardOn:
		s.guarded = true
	}
	s.next = NoMove
	s.horizon = bd
	if c := s.choice[bd]; c >= 0 && !s.guarded {
		s.next = moveOf(int(c))
	}
}
