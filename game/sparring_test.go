package game

import "math/rand/v2"

// Sparring partners: the strongest publicly described RoShamBo programs,
// written here from their public descriptions (no code of theirs is used).
// They are test-only: the default strategy is measured against them
// (TestSparring), and they stay out of the product.
//
// Move indices are 0 rock, 1 paper, 2 scissors, so (x+1)%3 beats x. Every
// partner is deterministic given its seed, so every table they produce is
// reproducible.

// spBeat returns the move index that beats x.
func spBeat(x int) int { return (x + 1) % 3 }

// spWithout returns the move that only x beats: the safe move against an
// opponent that avoids x.
func spWithout(x int) int { return (x + 2) % 3 }

// spScore is the payoff of move index a against b: +1, 0 or -1.
func spScore(a, b int) int { return int(payoff[a][b]) }

// spHist holds both histories as move indices, from the partner's view.
type spHist struct{ opp, mine []int }

func (h *spHist) add(mine, theirs Move) {
	h.mine = append(h.mine, mine.idx())
	h.opp = append(h.opp, theirs.idx())
}

func (h *spHist) n() int { return len(h.opp) }

// seq returns the sequence a history matcher works on: 0 the opponent's
// moves, 1 mine, 2 both (as pairs opp*3+mine).
func (h *spHist) seq(kind, i int) int {
	switch kind {
	case 0:
		return h.opp[i]
	case 1:
		return h.mine[i]
	}
	return h.opp[i]*3 + h.mine[i]
}

// lastMatch finds the longest suffix (up to limit symbols) of sequence kind
// that occurred before, ending at most at n-2 and at least at lo, and
// returns the index of the symbol that followed its most recent occurrence
// and the match length; follower is -1 when not even the last symbol
// occurred before. It rescans the history: fine for test-only partners.
func (h *spHist) lastMatch(kind, limit, lo int) (follower, length int) {
	n := h.n()
	follower = -1
	for e := n - 2; e >= lo; e-- {
		l := 0
		for l < limit && e-l >= lo && h.seq(kind, e-l) == h.seq(kind, n-1-l) {
			l++
		}
		if l > length {
			follower, length = e+1, l
			if l == limit {
				break
			}
		}
	}
	return follower, length
}

// argmaxF returns the index of the first largest value.
func argmaxF(v []float64) int {
	b := 0
	for i := range v {
		if v[i] > v[b] {
			b = i
		}
	}
	return b
}

// argmaxI and argminI return the index of the first largest (smallest) of
// three counts.
func argmaxI(c [3]int) int {
	b := 0
	for i := 1; i < 3; i++ {
		if c[i] > c[b] {
			b = i
		}
	}
	return b
}

func argminI(c [3]int) int {
	b := 0
	for i := 1; i < 3; i++ {
		if c[i] < c[b] {
			b = i
		}
	}
	return b
}

// ---------------------------------------------------------------------------
// Iocaine Powder (Dan Egnor, winner of the first International RoShamBo
// Programming Competition, 1999), from Egnor's description:
//
//   - predictors: a random guess; frequency analysis; history matching (the
//     most recent earlier occurrence of the longest suffix of my moves, of
//     the opponent's and of both, and what followed it). Frequency analysis
//     and history matching look at several "ages" of the past: the last
//     1000, 100, 10, 5, 2 and 1 rounds.
//   - each predictor P expands into six strategies: P.0 to P.2 beat the
//     predicted move rotated 0 to 2 times; P'.0 to P'.2 assume the opponent
//     runs P against me (P with the sides exchanged) and beat that, rotated.
//   - every strategy is scored as if it had been played (+1, 0, -1), over
//     each age; for each age the best strategy is nominated (meta-strategy),
//     and the nominations are scored in turn over the match; the best
//     nomination is played (meta-meta-strategy).

var ipAges = []int{1000, 100, 10, 5, 2, 1}

type iocainePowder struct {
	rng   *rand.Rand
	h     spHist
	moves []int    // per strategy: its move for the coming round
	ring  [][]int8 // per strategy: its payoff in the last 1000 rounds
	sum   [][]int  // [age][strategy]: payoff over the age
	nom   []int    // [age]: nominated move
	meta  []int    // [age]: score of the nominations over the match
	next  int
}

func newIocainePowder(seed int64) *iocainePowder {
	np := 1 + len(ipAges)*4 // random guess; per age: frequency, 3 history matchers
	s := &iocainePowder{rng: newRand(seed*31 + 7), moves: make([]int, 6*np)}
	s.ring = make([][]int8, 6*np)
	for i := range s.ring {
		s.ring[i] = make([]int8, 1000)
	}
	s.sum = make([][]int, len(ipAges))
	for i := range s.sum {
		s.sum[i] = make([]int, 6*np)
	}
	s.nom = make([]int, len(ipAges))
	s.meta = make([]int, len(ipAges))
	s.next = s.rng.IntN(3)
	return s
}

func (*iocainePowder) Name() string { return "iocaine-powder" }
func (s *iocainePowder) Next() Move { return moveOf(s.next) }

func (s *iocainePowder) Update(mine, theirs Move) {
	o := theirs.idx()
	t := s.h.n()
	for a := range ipAges {
		s.meta[a] += spScore(s.nom[a], o)
	}
	for v, mv := range s.moves {
		p := int8(spScore(mv, o))
		old := s.ring[v][t%1000]
		s.ring[v][t%1000] = p
		for a, age := range ipAges {
			s.sum[a][v] += int(p)
			if t >= age { // drop the round that leaves the age
				if age == 1000 {
					s.sum[a][v] -= int(old)
				} else {
					s.sum[a][v] -= int(s.ring[v][(t-age)%1000])
				}
			}
		}
	}
	s.h.add(mine, theirs)
	s.predict()
	for a := range ipAges {
		best := 0
		for v := range s.moves {
			if s.sum[a][v] > s.sum[a][best] {
				best = v
			}
		}
		s.nom[a] = s.moves[best]
	}
	best := 0
	for a := range ipAges {
		if s.meta[a] > s.meta[best] {
			best = a
		}
	}
	s.next = s.nom[best]
}

// predict fills the strategies' moves from the predictors.
func (s *iocainePowder) predict() {
	n := s.h.n()
	p := 0
	put := func(opp, mine int) { // predicted opponent move, my predicted move
		for r := 0; r < 3; r++ {
			s.moves[6*p+r] = (opp + 1 + r) % 3
			s.moves[6*p+3+r] = (mine + 2 + r) % 3
		}
		p++
	}
	put(s.rng.IntN(3), s.rng.IntN(3))
	for _, age := range ipAges {
		lo := max(0, n-age)
		var co, cm [3]int
		for i := lo; i < n; i++ {
			co[s.h.opp[i]]++
			cm[s.h.mine[i]]++
		}
		put(argmaxI(co), argmaxI(cm))
		// History matching within the age: on my moves, on the
		// opponent's, on both. P' exchanges the sides: the opponent's
		// matcher on my history predicts my move.
		fo, _ := s.h.lastMatch(0, 32, lo)
		fm, _ := s.h.lastMatch(1, 32, lo)
		fb, _ := s.h.lastMatch(2, 32, lo)
		opp := func(f int) int { // the opponent's move after a match
			if f < 0 {
				return s.h.opp[n-1]
			}
			return s.h.opp[f]
		}
		mine := func(f int) int { // my move after a match
			if f < 0 {
				return s.h.mine[n-1]
			}
			return s.h.mine[f]
		}
		put(opp(fm), mine(fo)) // P matches my history; P' matches theirs
		put(opp(fo), mine(fm)) // P matches theirs; P' matches mine
		put(opp(fb), mine(fb))
	}
}

// ---------------------------------------------------------------------------
// Greenberg (Andrzej Nagorko, winner of the second International RoShamBo
// Programming Competition, 2000), an Iocaine Powder descendant, from public
// descriptions of its design:
//
//   - context statistics over the whole history: for each of the three
//     sequences (my moves, the opponent's, both) and context lengths 1 to 4,
//     what each side threw after every earlier occurrence of the current
//     context. For each (sequence, side, length) it guesses: beat the move
//     that followed the most recent occurrence; beat the most frequent
//     among the three most recent; beat the most frequent overall; the
//     second guess shifted by a "gear" (the offset between the opponent's
//     move and the overall guess, itself predicted from the last two
//     offsets); and two defensive guesses, the move that only the least
//     frequent follower beats (among the three most recent, and overall).
//   - frequency guesses for each side: beat the most frequent move, beat
//     the move with the best payoff against that side's frequencies, and
//     their defensive counterparts.
//   - every guess is scored in its three rotations, cumulatively; windowed
//     scores over the last 10, 20, 30, 40 and 49 rounds and over the whole
//     match each nominate their best guess, with a random guess as the
//     baseline to beat; the nominations are scored and the best one plays.

var gbWindows = []int{10, 20, 30, 40, 49, 0}

const (
	gbGroups  = 24 // 3 sequences x 2 sides x 4 lengths
	gbGuesses = gbGroups*6 + 2*4
	gbRing    = 50
)

type greenberg struct {
	rng     *rand.Rand
	h       spHist
	guess   [gbGuesses]int
	cum     [gbRing][gbGuesses][3]int // cumulative scores, ring by round
	rand    int                       // the random guess
	randCum int
	nom     []int // per window: its nominated move
	nomCum  []int
	next    int
	// gear per group: offsets of the opponent's move from the group's
	// overall guess, one per round.
	gear [gbGroups][]int
}

func newGreenberg(seed int64) *greenberg {
	s := &greenberg{rng: newRand(seed*37 + 11), nom: make([]int, len(gbWindows)), nomCum: make([]int, len(gbWindows))}
	s.rand = s.rng.IntN(3)
	s.next = s.rand
	return s
}

func (*greenberg) Name() string { return "greenberg" }
func (s *greenberg) Next() Move { return moveOf(s.next) }

func (s *greenberg) Update(mine, theirs Move) {
	o := theirs.idx()
	t := s.h.n() + 1 // rounds finished after this one
	s.randCum += spScore(s.rand, o)
	prev, cur := &s.cum[(t-1)%gbRing], &s.cum[t%gbRing]
	for g, mv := range s.guess {
		for r := 0; r < 3; r++ {
			cur[g][r] = prev[g][r] + spScore((mv+r)%3, o)
		}
	}
	for w := range gbWindows {
		s.nomCum[w] += spScore(s.nom[w], o)
	}
	for g := 0; g < gbGroups; g++ {
		s.gear[g] = append(s.gear[g], (o-s.guess[6*g+2]+6)%3)
	}
	s.h.add(mine, theirs)
	s.predict()
	s.rand = s.rng.IntN(3)
	for w, l := range gbWindows {
		best, bs := s.rand, s.randCum
		for r := 0; r < 3; r++ {
			for g, mv := range s.guess {
				sc := cur[g][r]
				if l > 0 && t >= l {
					sc -= s.cum[(t-l)%gbRing][g][r]
				}
				if sc > bs {
					best, bs = (mv+r)%3, sc
				}
			}
		}
		s.nom[w] = best
	}
	bw := 0
	for w := range gbWindows {
		if s.nomCum[w] > s.nomCum[bw] {
			bw = w
		}
	}
	s.next = s.nom[bw]
}

// predict computes every guess for the coming round.
func (s *greenberg) predict() {
	n := s.h.n()
	for kind := 0; kind < 3; kind++ {
		// Followers of each earlier occurrence, most recent first, by
		// context length 1..4: counts overall and over the first three.
		var all, first3 [4][2][3]int
		var seen [4]int
		var recent [4][2]int
		for e := n - 2; e >= 0; e-- {
			l := 0
			for l < 4 && e-l >= 0 && s.h.seq(kind, e-l) == s.h.seq(kind, n-1-l) {
				l++
			}
			for k := 0; k < l; k++ {
				f := [2]int{s.h.mine[e+1], s.h.opp[e+1]}
				if seen[k] == 0 {
					recent[k] = f
				}
				for side := 0; side < 2; side++ {
					all[k][side][f[side]]++
					if seen[k] < 3 {
						first3[k][side][f[side]]++
					}
				}
				seen[k]++
			}
		}
		for side := 0; side < 2; side++ {
			for k := 0; k < 4; k++ {
				g := kind*8 + side*4 + k
				base := 6 * g
				if seen[k] == 0 {
					continue // keep the previous guesses
				}
				s.guess[base+0] = spBeat(recent[k][side])
				s.guess[base+1] = spBeat(argmaxI(first3[k][side]))
				s.guess[base+2] = spBeat(argmaxI(all[k][side]))
				s.guess[base+3] = (s.guess[base+1] + s.gearShift(g)) % 3
				s.guess[base+4] = spWithout(argminI(first3[k][side]))
				s.guess[base+5] = spWithout(argminI(all[k][side]))
			}
		}
	}
	for side := 0; side < 2; side++ {
		var c [3]int
		seq := s.h.mine
		if side == 1 {
			seq = s.h.opp
		}
		for _, m := range seq {
			c[m]++
		}
		// value[x]: what x would score against that side's frequencies.
		var v [3]int
		for x := 0; x < 3; x++ {
			v[x] = c[(x+2)%3] - c[(x+1)%3]
		}
		base := 6*gbGroups + 4*side
		s.guess[base+0] = spBeat(argmaxI(c))
		s.guess[base+1] = spBeat(argmaxI(v))
		s.guess[base+2] = spWithout(argminI(c))
		s.guess[base+3] = spWithout(argminI(v))
	}
}

// gearShift predicts the next offset of group g from the last two offsets,
// by what followed earlier occurrences of the same two.
func (s *greenberg) gearShift(g int) int {
	gs := s.gear[g]
	n := len(gs)
	if n < 3 {
		return 0
	}
	var c [3]int
	for i := n - 2; i >= 1; i-- {
		if gs[i] == gs[n-1] && gs[i-1] == gs[n-2] {
			c[gs[i+1]]++
		}
	}
	return argmaxI(c)
}

// ---------------------------------------------------------------------------
// Centrifugal Bumblepuppy (Daniel Lawrence, "dllu", rpscontest.com), from
// its public description:
//
//   - history matching on the joint, the opponent's and my own sequence,
//     each with match limits of 50, 20 and 6 rounds: the most recent
//     earlier occurrence of the longest matching suffix predicts the
//     opponent's move that followed it, and the beater of my move that
//     followed it (18 predictors), plus a "skip one" matcher on the joint
//     sequence that predicts two rounds after a match that ends one round
//     ago (2 more); each of the 20 also in its two rotations (60);
//   - four scoring rules for the predictors: decayed (0.8) scores of how
//     each would have fared against the opponent's moves and against my
//     own moves (the latter to catch an opponent that predicts me), and
//     scores that grow while a predictor is right and reset to zero when it
//     would have lost, again against both sides;
//   - four meta-predictors (the best predictor under each rule, the
//     my-move ones turned into "beat my predicted move"), scored with decay
//     0.96; it plays against the best meta-predictor, and randomly (the
//     beater of a move drawn from the opponent's history) while no
//     meta-predictor scores above zero.

var bpLimits = []int{50, 20, 6}

type bumblepuppy struct {
	rng        *rand.Rand
	h          spHist
	pred       [60]int
	sc         [4][60]float64
	meta       [4]int
	metaScore  [4]float64
	next, last int
}

func newBumblepuppy(seed int64) *bumblepuppy {
	s := &bumblepuppy{rng: newRand(seed*41 + 13)}
	r := s.rng.IntN(3)
	for i := range s.pred {
		s.pred[i] = r
	}
	for i := range s.sc {
		for j := range s.sc[i] {
			s.sc[i][j] = 3
		}
		s.metaScore[i] = 3
		s.meta[i] = r
	}
	s.next = s.rng.IntN(3)
	return s
}

func (*bumblepuppy) Name() string { return "bumblepuppy" }
func (s *bumblepuppy) Next() Move { return moveOf(s.next) }

func (s *bumblepuppy) Update(mine, theirs Move) {
	o, m := theirs.idx(), mine.idx()
	for i, p := range s.pred {
		lose := (p + 2) % 3
		s.sc[0][i] = 0.8*s.sc[0][i] + 3*b2f(o == p) - 3*b2f(o == lose)
		s.sc[1][i] = 0.8*s.sc[1][i] + 3*b2f(m == p) - 3*b2f(m == lose)
		s.sc[2][i] += 3 * b2f(o == p)
		if o == lose {
			s.sc[2][i] = 0
		}
		s.sc[3][i] += 3 * b2f(m == p)
		if m == lose {
			s.sc[3][i] = 0
		}
	}
	for i, p := range s.meta {
		s.metaScore[i] = 0.96*s.metaScore[i] + 3*b2f(o == p) - 3*b2f(o == (p+2)%3)
	}
	s.h.add(mine, theirs)
	n := s.h.n()
	for z, lim := range bpLimits {
		for k, kind := range []int{2, 0, 1} {
			f, _ := s.h.lastMatch(kind, lim, 0)
			if f < 0 {
				continue // keep the previous prediction
			}
			s.pred[6*z+2*k] = s.h.opp[f]
			s.pred[6*z+2*k+1] = spBeat(s.h.mine[f])
		}
	}
	// Skip one: match the joint history as it was a round ago.
	if f := s.skipMatch(6); f >= 0 && f+1 < n {
		s.pred[18], s.pred[19] = spBeat(s.h.mine[f+1]), s.h.opp[f+1]
	} else {
		s.pred[18], s.pred[19] = s.rng.IntN(3), s.rng.IntN(3)
	}
	for i := 20; i < 60; i++ {
		s.pred[i] = (s.pred[i-20] + 2) % 3
	}
	s.meta[0] = s.pred[argmaxF(s.sc[0][:])]
	s.meta[1] = spBeat(s.pred[argmaxF(s.sc[1][:])])
	s.meta[2] = s.pred[argmaxF(s.sc[2][:])]
	s.meta[3] = spBeat(s.pred[argmaxF(s.sc[3][:])])
	bm := argmaxF(s.metaScore[:])
	s.next = spBeat(s.meta[bm])
	if s.metaScore[bm] < 0 {
		s.next = spBeat(s.h.opp[s.rng.IntN(n)])
	}
}

// skipMatch matches the joint history without its last round (up to limit
// rounds) against earlier history, and returns the index of the round that
// followed the most recent longest match, or -1.
func (s *bumblepuppy) skipMatch(limit int) int {
	n := s.h.n() - 1 // pretend the last round has not happened
	if n < 2 {
		return -1
	}
	best, bl := -1, 0
	for e := n - 2; e >= 0; e-- {
		l := 0
		for l < limit && e-l >= 0 && s.h.seq(2, e-l) == s.h.seq(2, n-1-l) {
			l++
		}
		if l > bl {
			best, bl = e+1, l
		}
	}
	return best
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// ---------------------------------------------------------------------------
// dllu1 (Daniel Lawrence, rpscontest.com), a leaner sibling of Centrifugal
// Bumblepuppy, from its public description: history matching (limit 8) on
// the joint, the opponent's and my sequence predicting the opponent's next
// move and the beater of my next move, a "skip one" matcher, and a
// frequency predictor of the opponent's reply to my last move (10
// predictors, 30 with rotations); six scoring rules (symmetric decay 0.9,
// asymmetric decay 0.87 with a partial penalty for a draw, and
// grow-until-it-would-lose, each against the opponent's moves and against
// mine); six meta-predictors scored with decay 0.96; and random moves in
// the opening (with a probability that fades over the first 40 rounds) and
// whenever the best meta-predictor's score is below 0.07.

type dllu1 struct {
	rng       *rand.Rand
	h         spHist
	pred      [30]int
	sc        [6][30]float64
	meta      [6]int
	metaScore [6]float64
	pairs     [3][3]int // [opp][mine] counts
	oppCount  [3]int
	next      int
}

func newDllu1(seed int64) *dllu1 {
	s := &dllu1{rng: newRand(seed*43 + 17), metaScore: [6]float64{5, 2, 5, 2, 4, 2}, oppCount: [3]int{1, 1, 1}}
	r := s.rng.IntN(3)
	for i := range s.pred {
		s.pred[i] = r
	}
	for i := range s.sc {
		for j := range s.sc[i] {
			s.sc[i][j] = 5
		}
		s.meta[i] = r
	}
	s.next = s.rng.IntN(3)
	return s
}

func (*dllu1) Name() string { return "dllu1" }
func (s *dllu1) Next() Move { return moveOf(s.next) }

func (s *dllu1) Update(mine, theirs Move) {
	o, m := theirs.idx(), mine.idx()
	for i, p := range s.pred {
		bp, bbp := (p+1)%3, (p+2)%3
		s.sc[0][i] = 0.9*s.sc[0][i] + 3*(b2f(o == p)-b2f(o == bbp))
		s.sc[1][i] = 0.9*s.sc[1][i] + 3*(b2f(m == p)-b2f(m == bbp))
		s.sc[2][i] = 0.87*s.sc[2][i] + 3.3*b2f(o == p) - 1.2*b2f(o == bp) - 2.3*b2f(o == bbp)
		s.sc[3][i] = 0.87*s.sc[3][i] + 3.3*b2f(m == p) - 1.2*b2f(m == bp) - 2.3*b2f(m == bbp)
		s.sc[4][i] = (s.sc[4][i] + 3*b2f(o == p)) * (1 - b2f(o == bbp))
		s.sc[5][i] = (s.sc[5][i] + 3*b2f(m == p)) * (1 - b2f(m == bbp))
	}
	for i, p := range s.meta {
		s.metaScore[i] = 0.96 * (s.metaScore[i] + b2f(o == p) - b2f(o == (p+2)%3))
	}
	s.pairs[o][m]++
	s.oppCount[o]++
	s.h.add(mine, theirs)
	n := s.h.n()
	for k, kind := range []int{2, 0, 1} {
		f, _ := s.h.lastMatch(kind, 8, 0)
		if f < 0 {
			f = n - 1 // no match: the last round
		}
		s.pred[2*k], s.pred[2*k+1] = s.h.opp[f], spBeat(s.h.mine[f])
	}
	bp := &bumblepuppy{h: s.h}
	if f := bp.skipMatch(8); f >= 0 && f+1 < n {
		s.pred[6], s.pred[7] = s.h.opp[f+1], spBeat(s.h.mine[f+1])
	} else {
		s.pred[6], s.pred[7] = s.rng.IntN(3), s.rng.IntN(3)
	}
	// The opponent's likely reply x to my last move, weighted by how often
	// x is played overall against how often my last move's twin is.
	var best [3]float64
	for x := 0; x < 3; x++ {
		best[x] = float64(s.pairs[m][x]) * float64(s.oppCount[x]) / float64(s.oppCount[m])
	}
	s.pred[8] = argmaxF(best[:])
	s.pred[9] = s.pred[8]
	for i := 10; i < 30; i++ {
		s.pred[i] = (s.pred[i-10] + 2) % 3
	}
	for i := 0; i < 6; i += 2 {
		s.meta[i] = s.pred[argmaxF(s.sc[i][:])]
		s.meta[i+1] = spBeat(s.pred[argmaxF(s.sc[i+1][:])])
	}
	bm := argmaxF(s.metaScore[:])
	s.next = spBeat(s.meta[bm])
	if s.metaScore[bm] < 0.07 || 3+s.rng.IntN(38) > n {
		s.next = s.rng.IntN(3)
	}
}

// ---------------------------------------------------------------------------
// RPS Meta Fix (TeleZ, rpscontest.com), from its public description:
// history matching (up to 20 rounds) on the opponent's, my and the joint
// sequence, combining the two most recent occurrences of the longest match
// (of two candidate moves it predicts the one that loses to the other, so
// that beating it never loses to either); six predictors and their
// rotations (18), scored by six rules (decay 0.8 or 0.5, against the
// opponent's moves or mine, one of them with a bonus for a correct guess
// and a penalty for a draw); six meta-predictors scored with decay 0.9.
// It never plays at random after the first move.

type metaFix struct {
	h         spHist
	prin      [18]int
	sc        [6][18]float64
	meta      [6]int
	metaScore [6]float64
	next      int
}

func newMetaFix(seed int64) *metaFix {
	rng := newRand(seed*47 + 19)
	s := &metaFix{}
	r := rng.IntN(3)
	for i := range s.prin {
		s.prin[i] = r
	}
	for i := range s.meta {
		s.meta[i] = r
	}
	s.next = rng.IntN(3)
	return s
}

func (*metaFix) Name() string { return "meta-fix" }
func (s *metaFix) Next() Move { return moveOf(s.next) }

// mfMix returns, of two predicted moves, the one that the other beats (a
// itself when they are equal): beating it never loses to either.
func mfMix(a, b int) int {
	if b == spWithout(a) {
		return b
	}
	return a
}

func (s *metaFix) Update(mine, theirs Move) {
	o, m := theirs.idx(), mine.idx()
	for j, p := range s.prin {
		for i := 0; i < 4; i++ {
			s.sc[i][j] *= 0.8
		}
		s.sc[4][j] *= 0.5
		s.sc[5][j] *= 0.5
		for i := 0; i < 6; i += 2 {
			s.sc[i][j] -= b2f(o == (p+2)%3)
			s.sc[i+1][j] -= b2f(m == (p+2)%3)
		}
		for i := 2; i < 6; i += 2 {
			s.sc[i][j] += b2f(o == p)
			s.sc[i+1][j] += b2f(m == p)
		}
		s.sc[0][j] += 1.3*b2f(o == p) - 0.3*b2f(o == (p+1)%3)
		s.sc[1][j] += 1.3*b2f(m == p) - 0.3*b2f(m == (p+1)%3)
	}
	for i, p := range s.meta {
		s.metaScore[i] = 0.9*s.metaScore[i] + b2f(o == p) - b2f(o == (p+2)%3)
	}
	s.h.add(mine, theirs)
	n := s.h.n()
	for k := 0; k < 3; k++ {
		f, l := s.h.lastMatch(k, 20, 0)
		if f < 0 {
			f, l = 0, 0
		}
		po, pm := s.h.opp[f], spBeat(s.h.mine[f])
		// The occurrence before that one, of the same length.
		if l > 0 {
			for e := f - 2; e >= l-1; e-- {
				ok := true
				for d := 0; d < l; d++ {
					if s.h.seq(k, e-d) != s.h.seq(k, n-1-d) {
						ok = false
						break
					}
				}
				if ok {
					po, pm = mfMix(po, s.h.opp[e+1]), mfMix(pm, spBeat(s.h.mine[e+1]))
					break
				}
			}
		}
		s.prin[2*k], s.prin[2*k+1] = po, pm
	}
	for i := 6; i < 18; i++ {
		s.prin[i] = spBeat(s.prin[i-6])
	}
	for i := 0; i < 6; i += 2 {
		s.meta[i] = s.prin[argmaxF(s.sc[i][:])]
		s.meta[i+1] = spBeat(s.prin[argmaxF(s.sc[i+1][:])])
	}
	s.next = spBeat(s.meta[argmaxF(s.metaScore[:])])
}

// ---------------------------------------------------------------------------
// A naive-Bayes predictor in the style of "bayes14" and "testing please
// ignore" (rpscontest.com), from their public descriptions: the
// probability of each opponent move h is its overall count times, for each
// of several features, the add-one count of h given the feature's value and
// the count of how h related to the feature's move (same, beats it, loses
// to it). The features are the opponent's and my move that followed the
// longest earlier match (up to 10 rounds) of the joint, the opponent's and
// my own history, and the last round. It plays the move with the best
// expected payoff against that distribution.

type bayesBot struct {
	h      spHist
	prior  [3]float64
	feat   [7]int // current feature values (-1 = none); see features
	given  [7][9][3]float64
	answer [7][3]float64 // [feature][relation of h to the feature's move]
	next   int
}

func newBayesBot(seed int64) *bayesBot {
	s := &bayesBot{prior: [3]float64{1, 1, 1}, next: newRand(seed*53 + 23).IntN(3)}
	for f := range s.given {
		for v := range s.given[f] {
			s.given[f][v] = [3]float64{1, 1, 1}
		}
		s.answer[f] = [3]float64{1, 1, 1}
		s.feat[f] = -1
	}
	return s
}

func (*bayesBot) Name() string { return "bayes" }
func (s *bayesBot) Next() Move { return moveOf(s.next) }

func (s *bayesBot) Update(mine, theirs Move) {
	o := theirs.idx()
	s.prior[o]++
	for f, v := range s.feat {
		if v < 0 {
			continue
		}
		s.given[f][v][o]++
		if f < 6 { // move features: relation of o to the feature's move
			s.answer[f][(o-v+3)%3]++
		}
	}
	s.h.add(mine, theirs)
	s.features()
	var prob [3]float64
	total := s.prior[0] + s.prior[1] + s.prior[2]
	for h := 0; h < 3; h++ {
		prob[h] = s.prior[h] / total
		for f, v := range s.feat {
			if v < 0 {
				continue
			}
			g := s.given[f][v]
			prob[h] *= g[h] / (g[0] + g[1] + g[2])
			if f < 6 {
				a := s.answer[f]
				prob[h] *= a[(h-v+3)%3] / (a[0] + a[1] + a[2])
			}
		}
	}
	var ev [3]float64
	for x := 0; x < 3; x++ {
		for h := 0; h < 3; h++ {
			ev[x] += float64(spScore(x, h)) * prob[h]
		}
	}
	s.next = argmaxF(ev[:])
}

// features: 0-5 the opponent's and my follower of the longest match of the
// joint, the opponent's and my history; 6 the last round (opp*3+mine).
func (s *bayesBot) features() {
	n := s.h.n()
	for k, kind := range []int{2, 0, 1} {
		f, _ := s.h.lastMatch(kind, 10, 0)
		if f < 0 {
			s.feat[2*k], s.feat[2*k+1] = -1, -1
			continue
		}
		s.feat[2*k], s.feat[2*k+1] = s.h.opp[f], s.h.mine[f]
	}
	s.feat[6] = s.h.opp[n-1]*3 + s.h.mine[n-1]
}
