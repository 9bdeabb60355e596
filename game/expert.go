package game

import (
	"math"
	"math/rand/v2"
	"strconv"
)

// The expert strategy: the strongest built-in, the bot program's default.
//
// It is a meta-strategy in the line of Iocaine Powder and of the leaders of
// the rpscontest.com archive, with one more level of modelling on top:
//
//  1. Predictors guess the opponent's next move and the bot's own: history
//     matching on the opponent's moves, the bot's and both (the most recent
//     earlier occurrence of the longest matching suffix, capped at 20, 8
//     and 4 rounds; the occurrence before it; the two combined; a match
//     that ended one round ago, read two rounds on), the last round and
//     functions of it, move frequencies over several windows, and Markov
//     chains of order 1 to 3 over each history, with and without decay.
//  2. Each predictor expands into six variants (Sicilian reasoning): beat
//     the predicted move, or one of its two rotations (the opponent saw it
//     coming); or assume that the opponent runs the predictor on the bot's
//     moves and beat its answer, or a rotation.
//  3. Opponent models: the same variants seen from the opponent's side and
//     scored by the opponent's payoff, under several scoring rules; each
//     rule nominates the move that a meta-strategy in the opponent's shoes
//     would throw, and those nominations are predictors in turn. Self
//     models do the same from the bot's side with fewer predictors: they
//     are what a simpler bot like this one would throw, which an opponent
//     one step ahead of it beats. Three more predictors learn how those
//     models' outputs map to the opponent's actual moves.
//  4. Every variant is scored each round as if it had been played, by
//     several rules: exponential decay over horizons from 2 rounds to the
//     whole match, and scores that grow while a variant wins and reset when
//     it loses. Each rule nominates its best variant.
//  5. A meta level scores each nomination and its two rotations, fast
//     (decay 0.8) and slow (0.99), and picks the fast pick, or the slow
//     one while its own record is better. It does not always throw the
//     pick: it draws a candidate by exponential weights (Hedge) on the
//     scores of the pick's kind, so a pick far ahead plays almost always
//     and close rivals now and then, which makes the bot harder to foresee
//     by running a bot like it. When the pick's rule has nothing above
//     zero, or while the bot is clearly losing, it throws at random, which
//     no opponent can beat on average.
//
// Every structure is fixed in size and updated incrementally, so a round
// costs the same after 10 or 10,000 rounds and allocates nothing.
type expert struct {
	rng *rand.Rand
	log moveLog
	tab *ctxTable
	fam [6]*markovFamily
	win [4]freqWin
	// skip is the end of the longest pair match (up to 6 rounds) of the
	// context as it stood before the last round, -1 for none.
	skip int32

	predOpp, predMine [xpPredictors]int8
	moves             [6 * xpPredictors]int8

	scores [len(xpRules)][6 * xpPredictors]float64
	nomVar [len(xpRules)]int // per rule: the nominated variant, -1 none
	// Meta candidates are rule*3+rotation: a rule's nomination rotated.
	fast, slow [3 * len(xpRules)]float64 // their decayed scores
	pick       [2]int                    // the fast and the slow pick
	pickScore  [2]float64                // the picks' own decayed scores
	best       int                       // the meta pick; -1 random
	play       int                       // the candidate drawn to play; -1 random

	// Opponent models: base variants from the opponent's side.
	mMoves  [6 * xpBase]int8
	mScores [len(xpMirrorRules)][6 * xpBase]float64
	mNom    [len(xpMirrorRules)]int8
	mPred   [len(xpMirrorRules)]int8 // the bot's move that the nominated variant expected
	mMeta   [3 * len(xpMirrorRules)]float64
	keyed   [3]keyPred

	perf    float64 // own decayed score, for the losing guard
	detPerf float64 // decayed score of the drawn candidate, played or not (while guarded)
	guarded bool    // throwing at random because perf is low

	expl Explanation // of the last Next
}

// Predictor layout: the history-matching predictors come first (the
// "subset" rules see only them), then the other base predictors, then the
// models.
const (
	xpPerKind    = 5                   // 3 caps, previous, mixed
	xpMatch      = 3*xpPerKind + 1 + 2 // per kind; skip; longest x2
	xpBase       = xpMatch + 3 + 4 + 2 + 6*3
	xpMirrorPred = len(xpMirrorRules) + 1
	xpSelfPred   = 2 * len(xpSelfRules)
	xpPredictors = xpBase + xpMirrorPred + xpSelfPred + 3
)

// rule is a way of scoring variants.
type rule struct {
	decay  float64
	reset  bool // the score resets to zero when the variant would have lost
	asym   bool // +3.3 for a win, -1.2 for a draw, -2.3 for a loss (else +1, 0, -1)
	subset bool // nominate among the history-matching predictors only
}

// xpRules score the bot's variants.
var xpRules = [...]rule{
	{decay: 0.5}, {decay: 0.8}, {decay: 0.9}, {decay: 0.95}, {decay: 0.98}, {decay: 0.995}, {decay: 1},
	{decay: 1, reset: true}, {decay: 0.9, reset: true},
}

// xpMirrorRules score the opponent's variants: the bot's rules, and the
// rules of typical history-matching bots (rpscontest.com's leaders).
var xpMirrorRules = [...]rule{
	{decay: 0.5}, {decay: 0.8}, {decay: 0.9}, {decay: 0.95}, {decay: 0.98}, {decay: 0.995}, {decay: 1},
	{decay: 1, reset: true}, {decay: 0.9, reset: true},
	{decay: 0.8, subset: true}, {decay: 0.9, subset: true}, {decay: 1, reset: true, subset: true},
	{decay: 0.87, asym: true, subset: true},
}

// xpSelfRules are the bot's rules whose nominations, among the matching
// predictors and among all base predictors, model a simpler bot like it.
var xpSelfRules = [...]int{1, 2, 3, 7}

// The meta level: a fast and a slow score of every nomination (and its
// rotations); the fast pick leads unless the slow pick's own record over
// about the last 200 rounds is better. The fast one follows an adaptive
// opponent; the slow one does not chase noise against a biased random one.
const (
	xpFastDecay = 0.8
	xpSlowDecay = 0.99
	xpPickDecay = 0.995
)

// The candidate that plays is drawn by exponential weights (Hedge) on the
// scoreboard of the pick: candidate i with weight
// exp(beta * (score_i - pick's score)). A pick far ahead plays almost
// always; close rivals play now and then, so an opponent that runs a bot
// like this one on its moves, and beats that bot's choice, is wrong more
// often (docs/BENCHMARKS.md: the fourth set of attempts against bandit).
const (
	xpBetaFast = 1.25
	xpBetaSlow = 1.0 / 3
)

// The losing guard (see Iocaine's): the bot throws at random while its own
// decayed score is below -guardOn. Besides Iocaine's way out (the score
// recovers above -guardOff), it comes back as soon as its deterministic
// choices, scored meanwhile, would have been winning clearly (decayed score
// above xpGuardBack): an early run of bad luck against a biased random
// opponent then costs a few rounds, not a few hundred.
const (
	xpDetDecay  = 0.95
	xpGuardBack = 7.0
)

// xpPredictorIDs names every predictor, in layout order.
var xpPredictorIDs = func() []string {
	var ids []string
	add := func(id, text string) { ids = append(ids, registerPredictor(id, text)) }
	kinds := []struct{ id, text string }{
		{"both", "both players'"}, {"you", "your"}, {"bot", "the bot's"},
	}
	for _, k := range kinds {
		for _, c := range []int{20, 8, 4} {
			add("match-"+k.id+"-"+strconv.Itoa(c),
				"history: what followed the last match of "+k.text+" recent moves, up to "+strconv.Itoa(c)+" rounds long")
		}
		add("match-"+k.id+"-prev", "history: what followed the match before last of "+k.text+" recent moves")
		add("match-"+k.id+"-mix", "history: what followed the last two matches of "+k.text+" recent moves, combined")
	}
	add("skip-both", "history: what followed, two rounds on, the last match of both players' moves up to a round ago")
	add("longest", textLongest)
	add("longest-bot", "history: what followed the longest match of the bot's, your or both players' recent moves")
	ids = append(ids, lastIDs()...)
	ids = append(ids, freqIDs()...)
	ids = append(ids, markovIDs()...)
	for _, r := range xpMirrorRules {
		add("model-you-"+ruleID(r), "a model of you: the guess that would have served you best, "+ruleText(r))
	}
	add("model-you-meta", "a model of you choosing among those models")
	for _, r := range xpSelfRules {
		for _, subset := range []bool{true, false} {
			ru := xpRules[r]
			ru.subset = subset
			add("model-bot-"+ruleID(ru), "you beating what a simpler bot like this one would throw, its best guess "+ruleText(ru))
		}
	}
	add("learned-models", "what you threw when the models of you said what they say now")
	add("learned-matches", "what you threw when history matching on the bot's moves said what it says now")
	add("learned-last", "what you threw when a model of you and the last round were as they are now")
	if len(ids) != xpPredictors {
		panic("game: expert predictor table has " + strconv.Itoa(len(ids)) + " entries, want " + strconv.Itoa(xpPredictors))
	}
	return ids
}()

const textLongest = "history: what followed the longest match of your, the bot's or both players' recent moves"

// lastIDs names the predictors of the last round: the round repeated, the
// sum and the difference of its moves.
func lastIDs() []string {
	return []string{
		registerPredictor("last", "the last round repeated"),
		registerPredictor("last-sum", "a sum of the last round's two moves"),
		registerPredictor("last-diff", "a difference of the last round's two moves"),
	}
}

// freqIDs names the frequency predictors: the most frequent move over 10,
// 30, 100 and all rounds, the least frequent over 30 and all.
func freqIDs() []string {
	var ids []string
	for _, w := range []string{"10", "30", "100"} {
		ids = append(ids, registerPredictor("freq-"+w, "the most frequent move in the last "+w+" rounds"))
	}
	return append(ids,
		registerPredictor("freq-all", "the most frequent move so far"),
		registerPredictor("rare-30", "the least frequent move in the last 30 rounds"),
		registerPredictor("rare-all", "the least frequent move so far"))
}

// markovIDs names the Markov predictors: over your moves, the bot's and
// both, counting all rounds alike or recent ones more, of order 1 to 3.
func markovIDs() []string {
	var ids []string
	for _, k := range []struct{ id, text string }{{"you", "your"}, {"bot", "the bot's"}, {"both", "both players'"}} {
		for _, recent := range []bool{false, true} {
			for order := 1; order <= 3; order++ {
				id := "markov-" + k.id + "-" + strconv.Itoa(order)
				text := "what usually followed " + k.text + " last " + strconv.Itoa(order) + " moves"
				if order == 1 {
					text = "what usually followed " + k.text + " last move"
				}
				if recent {
					id += "-recent"
					text += ", recent rounds counting more"
				}
				ids = append(ids, registerPredictor(id, text))
			}
		}
	}
	return ids
}

func ruleID(r rule) string {
	id := strconv.FormatFloat(r.decay, 'f', -1, 64)
	if r.reset {
		id += "-reset"
	}
	if r.asym {
		id += "-asym"
	}
	if r.subset {
		id += "-matching"
	}
	return id
}

func ruleText(r rule) string {
	var t string
	switch {
	case r.decay == 1 && r.reset:
		t = "by its current winning run"
	case r.reset:
		t = "by its current winning run, recent rounds counting more"
	case r.decay == 1:
		t = "scored over the whole match"
	default:
		t = "scored over about the last " + strconv.Itoa(int(1/(1-r.decay)+0.5)) + " rounds"
	}
	if r.asym {
		t += ", draws counting against"
	}
	if r.subset {
		t += ", history matching only"
	}
	return t
}

// newExpert returns the expert strategy; seed drives its random moves.
func newExpert(seed int64) *expert {
	s := &expert{rng: newRand(seed), tab: newCtxTable(17), skip: -1, best: -1, play: -1}
	i := 0
	for _, kind := range []int{ctxOpp, ctxMine, ctxPair} {
		for _, l := range []float64{1, 0.7} {
			s.fam[i] = newMarkovFamily(kind, 3, l)
			i++
		}
	}
	for i, w := range []int{10, 30, 100, 0} {
		s.win[i].size = w
	}
	for i, size := range []int{81, 27, 81} {
		s.keyed[i] = keyPred{counts: make([][3]float64, size), key: -1, decay: 0.9}
	}
	for i := range s.nomVar {
		s.nomVar[i] = -1
	}
	return s
}

// Name returns "expert".
func (*expert) Name() string { return "expert" }

// Next returns the chosen move, or a random one when nothing scores.
func (s *expert) Next() Move {
	switch {
	case s.guarded:
		m := moveOf(s.rng.IntN(3))
		s.expl = Explanation{Move: m, Predictor: PredictorGuard}
	case s.play < 0:
		m := moveOf(s.rng.IntN(3))
		s.expl = Explanation{Move: m, Predictor: PredictorRandom}
	default:
		v := s.nomVar[s.play/3]
		p := v / 6
		m := moveOf(int(s.candidateMove(s.play)))
		s.expl = explanationFor(xpPredictorIDs[p], v%6, s.predOpp[p], s.predMine[p], m)
	}
	return s.expl.Move
}

// Explain describes the move last returned by Next.
func (s *expert) Explain() Explanation { return s.expl }

// Update scores every variant and model against the round, learns it, and
// prepares the next decision.
func (s *expert) Update(mine, theirs Move) {
	o, m := int8(theirs.idx()), int8(mine.idx())
	s.perf = s.perf*guardDecay + float64(payoff[m][o])
	s.detPerf = s.detPerf*xpDetDecay + s.candidatePayoff(s.play, o)
	switch {
	case s.guarded && (s.perf > -guardOff || s.detPerf > xpGuardBack):
		s.guarded = false
		s.perf = max(s.perf, -guardOff)
	case !s.guarded && s.perf < -guardOn:
		s.guarded = true
		s.detPerf = 0
	}
	for j, c := range s.pick {
		s.pickScore[j] = s.pickScore[j]*xpPickDecay + s.candidatePayoff(c, o)
	}
	for i := range s.fast {
		p := s.candidatePayoff(i, o)
		s.fast[i] = s.fast[i]*xpFastDecay + p
		s.slow[i] = s.slow[i]*xpSlowDecay + p
	}
	for r := range xpRules {
		scoreVariants(xpRules[r], s.scores[r][:], s.moves[:], o)
	}
	for r := range xpMirrorRules {
		scoreVariants(xpMirrorRules[r], s.mScores[r][:], s.mMoves[:], m)
		for k := 0; k < 3; k++ {
			i := 3*r + k
			s.mMeta[i] = s.mMeta[i]*xpFastDecay + float64(payoff[(s.mNom[r]+int8(k))%3][m])
		}
	}
	for i := range s.keyed {
		s.keyed[i].observe(o)
	}
	n := s.log.n
	for _, f := range s.fam {
		f.observe(o, m, n)
	}
	s.skip = -1
	if l := s.tab.longest(seqPair, 6); l > 0 {
		s.skip = s.tab.lookup(seqPair, l).last
	}
	s.log.add(o, m)
	s.tab.push(o, m)
	for i := range s.win {
		s.win[i].observe(&s.log)
	}
	s.predict()
	s.decide()
}

// scoreVariants scores every variant's move against the other side's move
// x under rule ru.
func scoreVariants(ru rule, sc []float64, moves []int8, x int8) {
	switch {
	case ru.asym:
		w := [3]float64{-2.3, -1.2, 3.3}
		for v, mv := range moves {
			sc[v] = sc[v]*ru.decay + w[payoff[mv][x]+1]
		}
	case ru.reset:
		for v, mv := range moves {
			if p := payoff[mv][x]; p < 0 {
				sc[v] = 0
			} else {
				sc[v] = sc[v]*ru.decay + float64(p)
			}
		}
	default:
		for v, mv := range moves {
			sc[v] = sc[v]*ru.decay + float64(payoff[mv][x])
		}
	}
}

// argmaxF64 returns the index of the first largest value.
func argmaxF64(v []float64) int {
	b := 0
	for i, x := range v {
		if x > v[b] {
			b = i
		}
	}
	return b
}

// predict fills every predictor's two predictions and the variants' moves.
func (s *expert) predict() {
	l := &s.log
	lastO, lastM := l.at(l.n - 1)
	i := 0
	put := func(o, m int8) {
		s.predOpp[i], s.predMine[i] = o, m
		i++
	}
	// at returns the moves ahead rounds after the occurrence that ended at
	// end, or the last round's when there is none.
	at := func(end int32, ahead int) (int8, int8) {
		f := int(end) + ahead
		if end < 0 || !l.has(f) {
			return lastO, lastM
		}
		return l.at(f)
	}
	var longest [numSeqs]int
	var matchEnd [numSeqs]int32
	for _, k := range [...]int{seqPair, seqOpp, seqMine} {
		longest[k] = s.tab.longest(k, ctxMaxLen)
		matchEnd[k] = -1
		var sl *ctxSlot
		if longest[k] > 0 {
			sl = s.tab.lookup(k, longest[k])
			matchEnd[k] = sl.last
		}
		for _, c := range [...]int{20, 8, 4} {
			end := int32(-1)
			if ll := min(c, longest[k]); ll > 0 {
				end = s.tab.lookup(k, ll).last
			}
			put(at(end, 1))
		}
		o1, m1 := at(matchEnd[k], 1)
		o2, m2 := o1, m1
		if sl != nil && sl.prev >= 0 {
			o2, m2 = at(sl.prev, 1)
		}
		put(o2, m2)
		put(mixMove(o1, o2), mixMove(m1, m2))
	}
	put(at(s.skip, 2))
	// The longest of the three matches, preferring the pair, then the
	// opponent's (or the bot's) history.
	for _, order := range [...][2]int{{seqOpp, seqMine}, {seqMine, seqOpp}} {
		bk := seqPair
		for _, k := range order {
			if longest[k] > longest[bk] {
				bk = k
			}
		}
		put(at(matchEnd[bk], 1))
	}
	put(lastO, lastM)
	put((lastO+lastM)%3, (lastO+lastM)%3)
	put((lastO-lastM+3)%3, (lastM-lastO+3)%3)
	for _, w := range s.win {
		o, _ := argmax3(w.opp)
		m, _ := argmax3(w.mine)
		put(int8(o), int8(m))
	}
	put(int8(argmin3(s.win[1].opp)), int8(argmin3(s.win[1].mine)))
	put(int8(argmin3(s.win[3].opp)), int8(argmin3(s.win[3].mine)))
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
	s.fillMoves(0, xpBase)

	// Opponent models.
	for p := 0; p < xpBase; p++ {
		o, m := s.predOpp[p], s.predMine[p]
		for r := int8(0); r < 3; r++ {
			s.mMoves[6*p+int(r)] = (m + 1 + r) % 3
			s.mMoves[6*p+3+int(r)] = (o + 2 + r) % 3
		}
	}
	for r, ru := range xpMirrorRules {
		sc := s.mScores[r][:]
		if ru.subset {
			sc = sc[:6*xpMatch]
		}
		v := argmaxF64(sc)
		s.mNom[r] = s.mMoves[v]
		// the bot's move that the opponent's variant answers
		if p := v / 6; v%6 < 3 {
			s.mPred[r] = s.predMine[p]
		} else {
			s.mPred[r] = (s.predOpp[p] + 1) % 3
		}
		put(s.mNom[r], s.mPred[r])
	}
	b := argmaxF64(s.mMeta[:])
	put((s.mNom[b/3]+int8(b%3))%3, s.mPred[b/3])

	// Self models: a simpler bot like this one; the opponent may beat it.
	for _, r := range xpSelfRules {
		for _, lim := range [...]int{xpMatch, xpBase} {
			c := s.moves[argmaxF64(s.scores[r][:6*lim])]
			put((c+1)%3, c)
		}
	}

	// Learned maps from the models' outputs to the opponent's moves: keys
	// of the models under decay 0.8, 0.9 and the two winning-run rules
	// (xpMirrorRules 1, 2, 7, 8); of the bot's move that each sequence's
	// longest match (capped at 20) predicts; of two models and the last
	// round.
	nm := &s.mNom
	s.keyed[0].key = int(nm[1]) + 3*int(nm[2]) + 9*int(nm[7]) + 27*int(nm[8])
	s.keyed[1].key = int(s.predMine[0]) + 3*int(s.predMine[xpPerKind]) + 9*int(s.predMine[2*xpPerKind])
	s.keyed[2].key = int(nm[1]) + 3*int(nm[7]) + 9*int(lastO*3+lastM)
	for j := range s.keyed {
		put(s.keyed[j].predict(lastO), lastM)
	}
	s.fillMoves(xpBase, xpPredictors)
}

// fillMoves computes the six variants of predictors lo to hi-1: beat the
// predicted opponent move, rotated 0 to 2 steps; beat the move that beats
// the bot's predicted move, rotated.
func (s *expert) fillMoves(lo, hi int) {
	for p := lo; p < hi; p++ {
		o, m := s.predOpp[p], s.predMine[p]
		for r := int8(0); r < 3; r++ {
			s.moves[6*p+int(r)] = (o + 1 + r) % 3
			s.moves[6*p+3+int(r)] = (m + 2 + r) % 3
		}
	}
}

// decide nominates each rule's best variant (none when no variant scores
// above zero) and picks the candidate to play: the fast pick, or the slow
// one while its record is better; -1 (random) when the pick's rule has no
// nomination.
func (s *expert) decide() {
	for r, ru := range xpRules {
		sc := s.scores[r][:]
		if ru.subset {
			sc = sc[:6*xpMatch]
		}
		v := argmaxF64(sc)
		s.nomVar[r] = -1
		if sc[v] > 0 {
			s.nomVar[r] = v
		}
	}
	s.pick[0], s.pick[1] = argmaxF64(s.fast[:]), argmaxF64(s.slow[:])
	s.best = s.pick[0]
	sc, beta := s.fast[:], xpBetaFast
	if s.pickScore[1] > s.pickScore[0] {
		s.best = s.pick[1]
		sc, beta = s.slow[:], xpBetaSlow
	}
	if s.candidateMove(s.best) < 0 {
		s.best = -1
	}
	s.play = s.best
	if s.best >= 0 {
		s.play = s.sample(sc, beta)
	}
}

// sample draws a candidate that has a move, candidate i with weight
// exp(beta * (sc[i] - sc[best])); best itself has weight 1.
func (s *expert) sample(sc []float64, beta float64) int {
	var w [3 * len(xpRules)]float64
	var total float64
	top := sc[s.best]
	for i := range w {
		if s.candidateMove(i) >= 0 {
			w[i] = math.Exp(beta * (sc[i] - top))
			total += w[i]
		}
	}
	x := s.rng.Float64() * total
	for i, wi := range w {
		if x < wi {
			return i
		}
		x -= wi
	}
	return s.best
}

// candidateMove returns the move of meta candidate c (a rule's nomination,
// rotated), or -1 when the rule nominates nothing or c is -1.
func (s *expert) candidateMove(c int) int8 {
	if c < 0 || s.nomVar[c/3] < 0 {
		return -1
	}
	return (s.moves[s.nomVar[c/3]] + int8(c%3)) % 3
}

// candidatePayoff returns what candidate c's move scores against o (0 when
// it has none).
func (s *expert) candidatePayoff(c int, o int8) float64 {
	m := s.candidateMove(c)
	if m < 0 {
		return 0
	}
	return float64(payoff[m][o])
}

// freqWin counts both sides' moves over the last size rounds (0: all).
type freqWin struct {
	size      int
	opp, mine [3]float64
}

func (w *freqWin) observe(l *moveLog) {
	o, m := l.at(l.n - 1)
	w.opp[o]++
	w.mine[m]++
	if w.size > 0 && l.n > w.size {
		o, m = l.at(l.n - 1 - w.size)
		w.opp[o]--
		w.mine[m]--
	}
}

// keyPred predicts the opponent's move from a small key built from other
// predictors' outputs: it learns how those outputs map to the opponent's
// moves (counts decay each time the key recurs).
type keyPred struct {
	counts [][3]float64
	key    int // current key, -1 before the first
	decay  float64
}

func (k *keyPred) observe(o int8) {
	if k.key < 0 {
		return
	}
	c := &k.counts[k.key]
	for i := range c {
		c[i] *= k.decay
	}
	c[o]++
}

func (k *keyPred) predict(fallback int8) int8 {
	if k.key < 0 {
		return fallback
	}
	b, ok := argmax3(k.counts[k.key])
	if !ok {
		return fallback
	}
	return int8(b)
}

// mixMove returns, of two predicted moves, the one that the other beats (a
// when they are equal): beating it never loses to either.
func mixMove(a, b int8) int8 {
	if b == (a+2)%3 {
		return b
	}
	return a
}
